// Guest for tests/scalars.rs: integers, floats, bools, chars and strings in
// both directions.
package main

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"e2e/scalars/gen/e2e/scalars/host"
)

type API struct{}

func (API) NotU8(x uint8) uint8      { return ^x }
func (API) NotS8(x int8) int8        { return ^x }
func (API) NotU16(x uint16) uint16   { return ^x }
func (API) NotS16(x int16) int16     { return ^x }
func (API) NotU32(x uint32) uint32   { return ^x }
func (API) NotS32(x int32) int32     { return ^x }
func (API) NotU64(x uint64) uint64   { return ^x }
func (API) NotS64(x int64) int64     { return ^x }
func (API) NegF32(x float32) float32 { return -x }
func (API) NegF64(x float64) float64 { return -x }
func (API) NotBool(x bool) bool      { return !x }

func (API) NotAll(a uint8, b int8, c uint16, d int16, e uint32, f int32, g uint64, h int64) (uint8, int8, uint16, int16, uint32, int32, uint64, int64) {
	return ^a, ^b, ^c, ^d, ^e, ^f, ^g, ^h
}

func (API) DescribeInts(a uint8, b int8, c uint16, d int16, e uint32, f int32, g uint64, h int64) string {
	return fmt.Sprintf("%d %d %d %d %d %d %d %d", a, b, c, d, e, f, g, h)
}

func (API) F32Bits(x float32) uint32      { return math.Float32bits(x) }
func (API) F64Bits(x float64) uint64      { return math.Float64bits(x) }
func (API) F32FromBits(b uint32) float32  { return math.Float32frombits(b) }
func (API) F64FromBits(b uint64) float64  { return math.Float64frombits(b) }
func (API) EchoChar(c rune) rune          { return c }
func (API) CharCode(c rune) uint32        { return uint32(c) }
func (API) CharFromCode(code uint32) rune { return rune(code) }

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func (API) Reverse(s string) string { return reverse(s) }
func (API) Measure(s string) (uint32, uint32) {
	return uint32(len(s)), uint32(utf8.RuneCountInString(s))
}
func (API) Repeat(unit string, n uint32) string        { return strings.Repeat(unit, int(n)) }
func (API) Concat(a string, b string, c string) string { return a + b + c }

// The values Go sends to the host; tests/scalars.rs lists the same ones.
var (
	u8s  = []uint8{0, 1, 127, 128, 255}
	s8s  = []int8{math.MinInt8, -1, 0, 1, math.MaxInt8}
	u16s = []uint16{0, 1, 0x7fff, 0x8000, math.MaxUint16}
	s16s = []int16{math.MinInt16, -1, 0, 1, math.MaxInt16}
	u32s = []uint32{0, 1, 0x7fffffff, 0x80000000, math.MaxUint32}
	s32s = []int32{math.MinInt32, -1, 0, 1, math.MaxInt32}
	u64s = []uint64{0, 1, 0x7fffffffffffffff, 0x8000000000000000, math.MaxUint64}
	s64s = []int64{math.MinInt64, -1, 0, 1, math.MaxInt64}
	f32s = []float32{0, float32(math.Copysign(0, -1)), 1.5, -2.25, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), math.Float32frombits(1), math.Float32frombits(0x007fffff),
		math.Float32frombits(0x00800000), math.MaxFloat32, -math.MaxFloat32}
	f64s = []float64{0, math.Copysign(0, -1), 1.5, -2.25, math.Inf(1), math.Inf(-1),
		math.NaN(), math.Float64frombits(1), math.Float64frombits(0x000fffffffffffff),
		math.Float64frombits(0x0010000000000000), math.MaxFloat64, -math.MaxFloat64}
	chars = []rune{0, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff, 'é', '世', '🌍'}
	strs  = []string{"", "a", "héllo", "世界", "🌍🚀", "a\x00b", strings.Repeat("xy", 1000)}
)

type checker struct{ fails []string }

func (c *checker) eq(what string, got, want any) {
	if got != want {
		c.fails = append(c.fails, fmt.Sprintf("%s: got %#v, want %#v", what, got, want))
	}
}

// sameF64 is bit equality, except that any NaN matches any NaN.
func sameF64(a, b float64) bool {
	return (math.IsNaN(a) && math.IsNaN(b)) || math.Float64bits(a) == math.Float64bits(b)
}

func (API) CallHost() []string {
	var c checker
	for _, v := range u8s {
		c.eq("not-u8", host.NotU8(v), ^v)
	}
	for _, v := range s8s {
		c.eq("not-s8", host.NotS8(v), ^v)
	}
	for _, v := range u16s {
		c.eq("not-u16", host.NotU16(v), ^v)
	}
	for _, v := range s16s {
		c.eq("not-s16", host.NotS16(v), ^v)
	}
	for _, v := range u32s {
		c.eq("not-u32", host.NotU32(v), ^v)
	}
	for _, v := range s32s {
		c.eq("not-s32", host.NotS32(v), ^v)
	}
	for _, v := range u64s {
		c.eq("not-u64", host.NotU64(v), ^v)
	}
	for _, v := range s64s {
		c.eq("not-s64", host.NotS64(v), ^v)
	}
	for _, v := range f32s {
		got := host.NegF32(v)
		if !sameF64(float64(got), float64(-v)) { // float32 -> float64 keeps sign, inf and NaN
			c.fails = append(c.fails, fmt.Sprintf("neg-f32(%x): got %x", math.Float32bits(v), math.Float32bits(got)))
		}
	}
	for _, v := range f64s {
		got := host.NegF64(v)
		if !sameF64(got, -v) {
			c.fails = append(c.fails, fmt.Sprintf("neg-f64(%x): got %x", math.Float64bits(v), math.Float64bits(got)))
		}
	}
	c.eq("not-bool(false)", host.NotBool(false), true)
	c.eq("not-bool(true)", host.NotBool(true), false)
	for _, v := range chars {
		c.eq(fmt.Sprintf("echo-char(%U)", v), host.EchoChar(v), v)
	}
	for i := range u8s {
		a, b, cc, d, e, f, g, h := host.NotAll(u8s[i], s8s[i], u16s[i], s16s[i], u32s[i], s32s[i], u64s[i], s64s[i])
		c.eq("not-all", fmt.Sprint(a, b, cc, d, e, f, g, h),
			fmt.Sprint(^u8s[i], ^s8s[i], ^u16s[i], ^s16s[i], ^u32s[i], ^s32s[i], ^u64s[i], ^s64s[i]))
	}
	for _, s := range strs {
		c.eq(fmt.Sprintf("reverse(%.20q)", s), host.Reverse(s), reverse(s))
	}
	return c.fails
}

func (API) BigStrings(unit string, n uint32) []string {
	var c checker
	got := host.Repeat(unit, n)
	want := strings.Repeat(unit, int(n))
	c.eq("repeat length", len(got), len(want))
	c.eq("repeat content", got == want, true)
	c.eq("repeat valid utf-8", utf8.ValidString(got), true)
	// The host reverses a big string built here: what came back is checked
	// here, what arrived there is checked by the host.
	big := strings.Repeat("ab世🌍", int(n))
	back := host.Reverse(big)
	c.eq("reverse length", len(back), len(big))
	c.eq("reverse content", back == reverse(big), true)
	c.eq("empty", host.Repeat("", n), "")
	c.eq("zero times", host.Repeat(unit, 0), "")
	return c.fails
}

func main() {}
