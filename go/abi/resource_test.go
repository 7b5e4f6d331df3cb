package abi

import (
	"reflect"
	"testing"
	"unsafe"
)

type (
	point   struct{ x, y int }
	counter int
	single  struct{ p *int }
)

// dynamicKind reads the kind reflect reports, for every kind of value a
// resource's Go type may have.
func TestDynamicKindIsReflectKind(t *testing.T) {
	n := 1
	values := []any{
		&n, map[int]int{}, make(chan int), unsafe.Pointer(&n), func() {},
		point{1, 2}, counter(3), single{&n}, [2]int{}, []int{1}, "s",
		true, int8(1), uint64(2), 1.5, complex(1, 2), uintptr(4), &point{},
	}
	for _, v := range values {
		if got, want := dynamicKind(v), uint8(reflect.TypeOf(v).Kind()); got != want {
			t.Errorf("dynamicKind(%T) = %d, reflect says %d (%v)", v, got, want, reflect.TypeOf(v).Kind())
		}
	}
}
