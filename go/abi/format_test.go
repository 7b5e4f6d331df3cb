package abi

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"
)

// The helpers print what fmt's %v prints.
func TestFormatMatchesFmt(t *testing.T) {
	for _, v := range []int64{0, 7, -7, 10, 99, 100, -100, math.MaxInt64, math.MinInt64, math.MaxInt32, math.MinInt32} {
		if got, want := FormatInt(v), fmt.Sprint(v); got != want {
			t.Errorf("FormatInt(%d) = %q", v, got)
		}
	}
	for _, v := range []uint64{0, 1, 9, 10, 18446744073709551615, 1 << 63} {
		if got, want := FormatUint(v), fmt.Sprint(v); got != want {
			t.Errorf("FormatUint(%d) = %q", v, got)
		}
	}
	for _, v := range []bool{true, false} {
		if got, want := FormatBool(v), fmt.Sprint(v); got != want {
			t.Errorf("FormatBool(%v) = %q", v, got)
		}
	}
	u32 := func(v uint32) string { return FormatUint(uint64(v)) }
	for _, xs := range [][]uint32{nil, {}, {1}, {1, 22, 333}} {
		if got, want := FormatList(xs, u32), fmt.Sprint(xs); got != want {
			t.Errorf("FormatList(%v) = %q", xs, got)
		}
	}
	str := func(s string) string { return s }
	m := map[string]uint32{"b": 2, "a": 1, "c": 30}
	if got, want := FormatMap(m, str, u32), fmt.Sprint(m); got != want {
		t.Errorf("FormatMap = %q, fmt says %q", got, want)
	}
	if got := FormatMap(map[string]uint32{}, str, u32); got != "map[]" {
		t.Errorf("FormatMap(empty) = %q", got)
	}
}

type option struct {
	v  uint32
	ok bool
}

func (o option) Get() (uint32, bool) { return o.v, o.ok }

type result struct {
	v   string
	e   uint32
	bad bool
}

func (r result) Ok() (string, bool)  { return r.v, !r.bad }
func (r result) Err() (uint32, bool) { return r.e, r.bad }

func TestFormatOptionAndResult(t *testing.T) {
	u32 := func(v uint32) string { return FormatUint(uint64(v)) }
	str := func(s string) string { return s }
	for _, c := range []struct {
		got, want string
	}{
		{FormatOption(option{5, true}.Get, u32), "some(5)"},
		{FormatOption(option{}.Get, u32), "none"},
		{FormatResult(result{v: "x"}.Ok, result{v: "x"}.Err, str, u32), "ok(x)"},
		{FormatResult(result{e: 3, bad: true}.Ok, result{e: 3, bad: true}.Err, str, u32), "err(3)"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

type named int

func (n named) String() string { return "named" }

func TestFormatAny(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{nil, "<nil>"},
		{errors.New("boom"), "boom"},
		{named(1), "named"},
		{"text", "text"},
		{true, "true"},
		{int8(-8), "-8"}, {int16(-16), "-16"}, {int32(-32), "-32"}, {int64(-64), "-64"}, {-1, "-1"},
		{uint8(8), "8"}, {uint16(16), "16"}, {uint32(32), "32"}, {uint64(64), "64"}, {uint(1), "1"}, {uintptr(2), "2"},
		{[]byte{1, 2}, "[1 2]"},
		{[]string{"a", "b"}, "[a b]"},
		{1.5, "1.5"}, {float32(0.1), "0.1"}, {1e21, "1e+21"},
		{struct{}{}, "{}"},
		{[]bool{true}, "[true]"}, {[]int8{-1}, "[-1]"}, {[]int16{-2}, "[-2]"}, {[]int32{-3}, "[-3]"}, {[]int64{-4}, "[-4]"},
		{[]uint16{2}, "[2]"}, {[]uint32{3, 4}, "[3 4]"}, {[]uint64{5}, "[5]"}, {[]float32{0.5}, "[0.5]"}, {[]float64{2.5, -1}, "[2.5 -1]"},
		{[]int{1}, "<slice>"},
		{struct{ A int }{1}, "<struct>"},
		{&struct{}{}, "<pointer>"},
		{map[int]int{}, "<map>"},
	} {
		if got := FormatAny(c.v); got != c.want {
			t.Errorf("FormatAny(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
	// kindName agrees with reflect for every kind FormatAny names.
	for _, v := range []any{float32(1), 1.0, complex64(1), complex(1, 2), [1]int{}, make(chan int), func() {}, map[int]int{}, &struct{}{}, []int{}, struct{}{}} {
		if got, want := kindName(dynamicKind(v)), reflect.TypeOf(v).Kind().String(); got != want && !(want == "ptr" && got == "pointer") {
			t.Errorf("kindName(%T) = %q, reflect says %q", v, got, want)
		}
	}
}

// Without format_float.go (worlds with no f32 or f64), floats are named by
// their type: strconv's float formatting stays out of the program.
func TestFormatAnyWithoutFloats(t *testing.T) {
	saved := formatFloat
	defer func() { formatFloat = saved }()
	formatFloat = nil
	for _, c := range []struct {
		v    any
		want string
	}{{1.5, "<float64>"}, {float32(2), "<float32>"}, {[]float64{1}, "<slice>"}, {uint8(3), "3"}} {
		if got := FormatAny(c.v); got != c.want {
			t.Errorf("FormatAny(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
