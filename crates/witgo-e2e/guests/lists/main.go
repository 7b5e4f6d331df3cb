// Guest for tests/lists.rs: lists of every element kind, both directions.
//
// Every list that crosses the boundary is gen(n) for some kind: element i is
// a fixed function of i (the same formulas are in tests/lists.rs), so each
// side can check what it received element by element.
package main

import (
	"fmt"
	"reflect"

	"e2e/lists/gen/e2e/lists/host"
	"e2e/lists/gen/e2e/lists/types"
	"e2e/lists/gen/witgo/wit"
)

type API struct{}

func genU8(i int) uint8    { return uint8(i*7 + 3) }
func genS8(i int) int8     { return int8(genU8(i)) }
func genU16(i int) uint16  { return uint16(i*31 + 5) }
func genS16(i int) int16   { return int16(genU16(i)) }
func genU32(i int) uint32  { return uint32(i) * 2654435761 }
func genS32(i int) int32   { return int32(genU32(i)) }
func genU64(i int) uint64  { return uint64(i) * 0x9E3779B97F4A7C15 }
func genS64(i int) int64   { return int64(genU64(i)) }
func genF32(i int) float32 { return float32(i)*0.5 - 1000 }
func genF64(i int) float64 { return float64(i)*0.25 - 3 }
func genBool(i int) bool   { return i%3 == 0 }
func genChar(i int) rune   { return []rune{'a', 'é', '世', '🌍', 0, 0x10ffff, 0xd7ff, 0xe000}[i%8] }
func genString(i int) string {
	if i%5 == 0 {
		return fmt.Sprintf("s%d🌍", i)
	}
	return fmt.Sprintf("s%d", i)
}
func genPoint(i int) types.Point { return types.Point{X: int32(i), Y: -2 * int32(i)} }
func genShape(i int) types.Shape {
	switch i % 4 {
	case 0:
		return types.ShapeCircle(float32(i) * 0.5)
	case 1:
		return types.ShapeRect(genPoint(i))
	case 2:
		return types.ShapeLabel(fmt.Sprintf("l%d", i))
	}
	return types.ShapeNothing()
}
func genOption(i int) wit.Option[uint32] {
	if i%2 == 0 {
		return wit.Some(uint32(i))
	}
	return wit.None[uint32]()
}
func genOptString(i int) wit.Option[string] {
	if i%3 == 0 {
		return wit.Some(fmt.Sprintf("o%d", i))
	}
	return wit.None[string]()
}
func genResult(i int) wit.Result[uint32, string] {
	if i%3 == 0 {
		return wit.Err[uint32](fmt.Sprintf("e%d", i))
	}
	return wit.Ok[uint32, string](uint32(i))
}
func genTuple(i int) wit.Tuple3[uint8, string, float64] {
	return wit.Tuple3[uint8, string, float64]{F0: uint8(i), F1: fmt.Sprintf("t%d", i), F2: float64(i) + 0.5}
}
func genNested(i int) []uint32 {
	if i%5 == 0 {
		return nil // empty inner lists; nil and empty are the same list
	}
	out := make([]uint32, i%5)
	for k := range out {
		out[k] = uint32(i*10 + k)
	}
	return out
}
func genNestedStrings(i int) []string {
	var out []string
	for k := 0; k < i%4; k++ {
		out = append(out, fmt.Sprintf("%d.%d", i, k))
	}
	return out
}

func gen[T any](n int, f func(int) T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func rev[T any](xs []T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[len(xs)-1-i] = x
	}
	return out
}

// failures collects what the checks of lists received from the host found.
var failures []string

// check compares xs with gen(len(xs)) and reports the first few differences.
func check[T any](what string, xs []T, f func(int) T) {
	bad := 0
	for i, x := range xs {
		if want := f(i); !equal(x, want) {
			if bad < 3 {
				failures = append(failures, fmt.Sprintf("%s[%d] of %d: got %v, want %v", what, i, len(xs), x, want))
			}
			bad++
		}
	}
	if bad > 3 {
		failures = append(failures, fmt.Sprintf("%s: %d more wrong elements", what, bad-3))
	}
}

// equal treats nil and empty slices as the same list.
func equal(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Kind() != reflect.Slice {
		return a == b
	}
	if va.Len() == 0 && vb.Len() == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

func (API) RevU8(xs []uint8) []uint8       { check("u8", xs, genU8); return rev(xs) }
func (API) RevS8(xs []int8) []int8         { check("s8", xs, genS8); return rev(xs) }
func (API) RevU16(xs []uint16) []uint16    { check("u16", xs, genU16); return rev(xs) }
func (API) RevS16(xs []int16) []int16      { check("s16", xs, genS16); return rev(xs) }
func (API) RevU32(xs []uint32) []uint32    { check("u32", xs, genU32); return rev(xs) }
func (API) RevS32(xs []int32) []int32      { check("s32", xs, genS32); return rev(xs) }
func (API) RevU64(xs []uint64) []uint64    { check("u64", xs, genU64); return rev(xs) }
func (API) RevS64(xs []int64) []int64      { check("s64", xs, genS64); return rev(xs) }
func (API) RevF32(xs []float32) []float32  { check("f32", xs, genF32); return rev(xs) }
func (API) RevF64(xs []float64) []float64  { check("f64", xs, genF64); return rev(xs) }
func (API) RevChar(xs []rune) []rune       { check("char", xs, genChar); return rev(xs) }
func (API) RevBool(xs []bool) []bool       { check("bool", xs, genBool); return rev(xs) }
func (API) RevString(xs []string) []string { check("string", xs, genString); return rev(xs) }
func (API) RevPoints(xs []types.Point) []types.Point {
	check("points", xs, genPoint)
	return rev(xs)
}
func (API) RevShapes(xs []types.Shape) []types.Shape {
	check("shapes", xs, genShape)
	return rev(xs)
}
func (API) RevOptions(xs []wit.Option[uint32]) []wit.Option[uint32] {
	check("options", xs, genOption)
	return rev(xs)
}
func (API) RevOptStrings(xs []wit.Option[string]) []wit.Option[string] {
	check("opt-strings", xs, genOptString)
	return rev(xs)
}
func (API) RevResults(xs []wit.Result[uint32, string]) []wit.Result[uint32, string] {
	check("results", xs, genResult)
	return rev(xs)
}
func (API) RevTuples(xs []wit.Tuple3[uint8, string, float64]) []wit.Tuple3[uint8, string, float64] {
	check("tuples", xs, genTuple)
	return rev(xs)
}
func (API) RevNested(xs [][]uint32) [][]uint32 {
	check("nested", xs, genNested)
	return rev(xs)
}
func (API) RevNestedStrings(xs [][]string) [][]string {
	check("nested-strings", xs, genNestedStrings)
	return rev(xs)
}

func (API) SumBytes(xs []uint8) (uint64, uint32) {
	var sum uint64
	for _, x := range xs {
		sum += uint64(x)
	}
	return sum, uint32(len(xs))
}

func (API) MakeBytes(n uint32) []uint8 {
	out := make([]uint8, n)
	for i := range out {
		out[i] = uint8(i % 251)
	}
	return out
}

func (API) TakeFailures() []string {
	f := failures
	failures = nil
	return f
}

// roundTrip sends gen(n) to the host and checks that it comes back reversed.
func roundTrip[T any](fails *[]string, what string, n int, f func(int) T, call func([]T) []T) {
	got := call(gen(n, f))
	if len(got) != n {
		*fails = append(*fails, fmt.Sprintf("%s: got %d elements back, want %d", what, len(got), n))
		return
	}
	saved := failures
	failures = nil
	check(what+" (reversed)", rev(got), f)
	*fails = append(*fails, failures...)
	failures = saved
}

func (API) CallHost(n32 uint32) []string {
	n := int(n32)
	var fails []string
	roundTrip(&fails, "u8", n, genU8, host.RevU8)
	roundTrip(&fails, "s8", n, genS8, host.RevS8)
	roundTrip(&fails, "u16", n, genU16, host.RevU16)
	roundTrip(&fails, "s16", n, genS16, host.RevS16)
	roundTrip(&fails, "u32", n, genU32, host.RevU32)
	roundTrip(&fails, "s32", n, genS32, host.RevS32)
	roundTrip(&fails, "u64", n, genU64, host.RevU64)
	roundTrip(&fails, "s64", n, genS64, host.RevS64)
	roundTrip(&fails, "f32", n, genF32, host.RevF32)
	roundTrip(&fails, "f64", n, genF64, host.RevF64)
	roundTrip(&fails, "char", n, genChar, host.RevChar)
	roundTrip(&fails, "bool", n, genBool, host.RevBool)
	roundTrip(&fails, "string", n, genString, host.RevString)
	roundTrip(&fails, "points", n, genPoint, host.RevPoints)
	roundTrip(&fails, "shapes", n, genShape, host.RevShapes)
	roundTrip(&fails, "options", n, genOption, host.RevOptions)
	roundTrip(&fails, "opt-strings", n, genOptString, host.RevOptStrings)
	roundTrip(&fails, "results", n, genResult, host.RevResults)
	roundTrip(&fails, "tuples", n, genTuple, host.RevTuples)
	roundTrip(&fails, "nested", n, genNested, host.RevNested)
	roundTrip(&fails, "nested-strings", n, genNestedStrings, host.RevNestedStrings)
	return fails
}

func main() {}
