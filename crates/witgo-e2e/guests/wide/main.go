// Guest for tests/wide.rs: functions with more parameters than fit in 16
// flat values (passed through memory) and results that do not fit in one
// (returned through memory), as exports and as imports.
package main

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"strings"

	"e2e/wide/gen/e2e/wide/host"
	hostdyn "e2e/wide/gen/e2e/wide/host-dyn"
	t "e2e/wide/gen/e2e/wide/types"
	"e2e/wide/gen/witgo/wit"
)

type API struct{}
type APIDyn struct{}

// sample(k) is the same as sample(k) in tests/wide.rs.
func sample(k uint32) t.Big {
	switch k {
	case 0:
		return t.Big{F1: 255, F2: -128, F3: 65535, F4: -32768, F5: math.MaxUint32, F6: math.MinInt32,
			F7: math.MaxUint64, F8: math.MinInt64, F9: -1.5, F10: 1e300, F11: '🌍', F12: true,
			F13: "thirteen 世界", F14: []byte{0, 1, 255}, F15: wit.Some("fifteen"), F16: wit.Err[uint32]("sixteen"),
			F17: []string{"a", "", "世"}, F18: wit.Tuple2[uint16, string]{F0: 65535, F1: "t18"},
			F19: [][]uint8{{1}, {}, {2, 3}}, F20: 1 << 63}
	case 1:
		return t.Big{}
	}
	return t.Big{F1: 1, F2: -1, F3: 2, F4: -2, F5: 3, F6: -3, F7: 4, F8: -4, F9: math.SmallestNonzeroFloat32,
		F10: math.Copysign(0, -1), F11: 0x10ffff, F12: false, F13: "x", F14: bytes.Repeat([]byte{7}, 1000),
		F15: wit.None[string](), F16: wit.Ok[uint32, string](math.MaxUint32), F17: []string{"x", "x", "x"},
		F18: wit.Tuple2[uint16, string]{F0: 1, F1: "🌍"}, F19: [][]uint8{bytes.Repeat([]byte{9}, 300)}, F20: 5}
}

const samples = 3

// same is deep equality that treats nil and empty slices alike and compares
// floats bit for bit.
func same(a, b any) bool { return sameValue(reflect.ValueOf(a), reflect.ValueOf(b)) }

func sameValue(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Float32, reflect.Float64:
		return math.Float64bits(a.Float()) == math.Float64bits(b.Float())
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Uint() == b.Uint()
	}
	panic("same: unexpected kind " + a.Kind().String())
}

// failures collects what Go found wrong in arguments from the host; the
// results of the exports make it visible too (see whichSample).
var failures []string

func fail(format string, args ...any) { failures = append(failures, fmt.Sprintf(format, args...)) }

// whichSample returns the k with sample(k) == b; a big that is no sample
// makes the export return sample 1 with F13 saying what went wrong.
func whichSample(b t.Big) (t.Big, bool) {
	for k := uint32(0); k < samples; k++ {
		if same(b, sample(k)) {
			return sample(k), true
		}
	}
	bad := sample(1)
	bad.F13 = fmt.Sprintf("no sample: %+v", b)
	return bad, false
}

func weighted(xs ...uint32) uint64 {
	var s uint64
	for i, x := range xs {
		s += uint64(x) * uint64(i+1)
	}
	return s
}

func (API) Sum16(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16 uint32) uint64 {
	return weighted(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16)
}

func (API) Sum17(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17 uint32) uint64 {
	return weighted(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17)
}

func (API) SumWide(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14 uint64, b1, b2 uint32) uint64 {
	var s uint64
	for i, a := range []uint64{a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14} {
		s += a * uint64(i+1)
	}
	return s + uint64(b1)*15 + uint64(b2)*16
}

func (API) Join8(t1, t2, t3, t4, t5, t6, t7, t8 string) string {
	return strings.Join([]string{t1, t2, t3, t4, t5, t6, t7, t8}, "|")
}

func (API) Join9(t1, t2, t3, t4, t5, t6, t7, t8, t9 string) string {
	return strings.Join([]string{t1, t2, t3, t4, t5, t6, t7, t8, t9}, "|")
}

// pack checks that the arguments are sample k's first fields; the result is
// sample k, or sample 1 with F13 naming the mismatch.
func pack(k uint32, got t.Big, n int) t.Big {
	want := sample(k)
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < n; i++ {
		if !sameValue(g.Field(i), w.Field(i)) {
			bad := sample(1)
			bad.F13 = fmt.Sprintf("sample %d argument %d: got %v, want %v", k, i+1, g.Field(i), w.Field(i))
			return bad
		}
	}
	return want
}

func (API) Pack(k uint32, a1 uint8, a2 int8, a3 uint16, a4 int16, a5 uint32, a6 int32, a7 uint64, a8 int64, a9 float32, a10 float64, a11 rune, a12 bool, a13 string, a14 []uint8, a15 wit.Option[string], a16 wit.Result[uint32, string]) t.Big {
	return pack(k, t.Big{F1: a1, F2: a2, F3: a3, F4: a4, F5: a5, F6: a6, F7: a7, F8: a8, F9: a9, F10: a10,
		F11: a11, F12: a12, F13: a13, F14: a14, F15: a15, F16: a16}, 16)
}

func (APIDyn) PackAll(k uint32, a1 uint8, a2 int8, a3 uint16, a4 int16, a5 uint32, a6 int32, a7 uint64, a8 int64, a9 float32, a10 float64, a11 rune, a12 bool, a13 string, a14 []uint8, a15 wit.Option[string], a16 wit.Result[uint32, string], a17 []string, a18 wit.Tuple2[uint16, string], a19 [][]uint8, a20 uint64) t.Big {
	return pack(k, t.Big{F1: a1, F2: a2, F3: a3, F4: a4, F5: a5, F6: a6, F7: a7, F8: a8, F9: a9, F10: a10,
		F11: a11, F12: a12, F13: a13, F14: a14, F15: a15, F16: a16, F17: a17, F18: a18, F19: a19, F20: a20}, 20)
}

func (API) MakeBig(k uint32) t.Big { return sample(k) }

func (API) Unpack(b t.Big) (uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64, rune, bool, string, []uint8, wit.Option[string], wit.Result[uint32, string]) {
	s, _ := whichSample(b)
	return s.F1, s.F2, s.F3, s.F4, s.F5, s.F6, s.F7, s.F8, s.F9, s.F10, s.F11, s.F12, s.F13, s.F14, s.F15, s.F16
}

func (APIDyn) UnpackAll(b t.Big) (uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64, rune, bool, string, []uint8, wit.Option[string], wit.Result[uint32, string], []string, wit.Tuple2[uint16, string], [][]uint8, uint64) {
	s, _ := whichSample(b)
	return s.F1, s.F2, s.F3, s.F4, s.F5, s.F6, s.F7, s.F8, s.F9, s.F10, s.F11, s.F12, s.F13, s.F14, s.F15, s.F16, s.F17, s.F18, s.F19, s.F20
}

func (API) CallHost() []string {
	saved := failures
	failures = nil
	defer func() { failures = saved }()

	u := func(i uint32) uint32 { return i*0x10001 + 0xfff00000 }
	if got, want := host.Sum16(u(1), u(2), u(3), u(4), u(5), u(6), u(7), u(8), u(9), u(10), u(11), u(12), u(13), u(14), u(15), u(16)),
		weighted(u(1), u(2), u(3), u(4), u(5), u(6), u(7), u(8), u(9), u(10), u(11), u(12), u(13), u(14), u(15), u(16)); got != want {
		fail("sum16 = %d, want %d", got, want)
	}
	if got, want := host.Sum17(u(1), u(2), u(3), u(4), u(5), u(6), u(7), u(8), u(9), u(10), u(11), u(12), u(13), u(14), u(15), u(16), u(17)),
		weighted(u(1), u(2), u(3), u(4), u(5), u(6), u(7), u(8), u(9), u(10), u(11), u(12), u(13), u(14), u(15), u(16), u(17)); got != want {
		fail("sum17 = %d, want %d", got, want)
	}
	w := func(i uint64) uint64 { return i<<40 | i }
	if got, want := host.SumWide(w(1), w(2), w(3), w(4), w(5), w(6), w(7), w(8), w(9), w(10), w(11), w(12), w(13), w(14), 15, 16),
		(API{}).SumWide(w(1), w(2), w(3), w(4), w(5), w(6), w(7), w(8), w(9), w(10), w(11), w(12), w(13), w(14), 15, 16); got != want {
		fail("sum-wide = %d, want %d", got, want)
	}
	if got := host.Join8("a", "", "世", "🌍", "e", "f", "g", "h"); got != "a||世|🌍|e|f|g|h" {
		fail("join8 = %q", got)
	}
	if got := host.Join9("a", "", "世", "🌍", "e", "f", "g", "h", "i"); got != "a||世|🌍|e|f|g|h|i" {
		fail("join9 = %q", got)
	}
	for k := uint32(0); k < samples; k++ {
		s := sample(k)
		if got := host.Pack(k, s.F1, s.F2, s.F3, s.F4, s.F5, s.F6, s.F7, s.F8, s.F9, s.F10, s.F11, s.F12, s.F13, s.F14, s.F15, s.F16); !same(got, s) {
			fail("pack(%d) = %+v", k, got)
		}
		if got := hostdyn.PackAll(k, s.F1, s.F2, s.F3, s.F4, s.F5, s.F6, s.F7, s.F8, s.F9, s.F10, s.F11, s.F12, s.F13, s.F14, s.F15, s.F16, s.F17, s.F18, s.F19, s.F20); !same(got, s) {
			fail("pack-all(%d) = %+v", k, got)
		}
		if got := host.MakeBig(k); !same(got, s) {
			fail("make-big(%d) = %+v", k, got)
		}
		var got t.Big
		got.F1, got.F2, got.F3, got.F4, got.F5, got.F6, got.F7, got.F8, got.F9, got.F10, got.F11, got.F12, got.F13, got.F14, got.F15, got.F16 = host.Unpack(s)
		want := s
		want.F17, want.F18, want.F19, want.F20 = nil, wit.Tuple2[uint16, string]{}, nil, 0
		if !same(got, want) {
			fail("unpack(%d) = %+v", k, got)
		}
		got.F1, got.F2, got.F3, got.F4, got.F5, got.F6, got.F7, got.F8, got.F9, got.F10, got.F11, got.F12, got.F13, got.F14, got.F15, got.F16, got.F17, got.F18, got.F19, got.F20 = hostdyn.UnpackAll(s)
		if !same(got, s) {
			fail("unpack-all(%d) = %+v", k, got)
		}
	}
	return failures
}

func main() {}
