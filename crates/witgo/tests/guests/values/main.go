// Guest for the end-to-end value tests: every export transforms its input
// in a simple, checkable way; CallHost drives every host import.
package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"e2e/values/gen/e2e/values/host"
	"e2e/values/gen/e2e/values/types"
	"e2e/values/gen/witgo/wit"
)

type API struct{}

func (API) Ints(a uint8, b int8, c uint16, d int16, e uint32, f int32, g uint64, h int64) (uint8, int8, uint16, int16, uint32, int32, uint64, int64) {
	return a, b, c, d, e, f, g, h
}

func (API) Floats(a float32, b float64) (float32, float64) { return a, b }

func (API) Chars(c rune) rune { return c }

func (API) Concat(a, b string) string { return a + b }

func (API) Repeat(s string, n uint32) string { return strings.Repeat(s, int(n)) }

func (API) SumU64(xs []uint64) uint64 {
	var t uint64
	for _, x := range xs {
		t += x
	}
	return t
}

func (API) ReverseF64(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[len(xs)-1-i] = x
	}
	return out
}

func (API) ReverseChars(xs []rune) []rune {
	out := make([]rune, len(xs))
	for i, x := range xs {
		out[len(xs)-1-i] = x
	}
	return out
}

func (API) Negate(xs []bool) []bool {
	out := make([]bool, len(xs))
	for i, x := range xs {
		out[i] = !x
	}
	return out
}

func (API) Nested(xs [][]string) []uint32 {
	out := []uint32{}
	for _, x := range xs {
		out = append(out, uint32(len(x)))
	}
	return out
}

func (API) People(ps []types.Person) []string {
	out := []string{}
	for _, p := range ps {
		home := "nowhere"
		if h, ok := p.Home.Get(); ok {
			home = fmt.Sprintf("%d,%d", h.X, h.Y)
		}
		out = append(out, fmt.Sprintf("%s:%d:%s:%s", p.Name, p.Age, strings.Join(p.Tags, "+"), home))
	}
	return out
}

func (API) Older(p types.Person) types.Person {
	p.Age++
	p.Tags = append(p.Tags, "older")
	if h, ok := p.Home.Get(); ok {
		p.Home = wit.Some(types.Point{X: h.Y, Y: h.X})
	}
	return p
}

func (API) Area(s types.Shape) float64 {
	switch s.Tag() {
	case types.ShapeTagCircle:
		r, _ := s.Circle()
		return 3 * r * r
	case types.ShapeTagRect:
		p, _ := s.Rect()
		return float64(p.X) * float64(p.Y)
	case types.ShapeTagLabel:
		l, _ := s.Label()
		return float64(len(l))
	}
	return -1
}

func (API) Shapes(n uint32) []types.Shape {
	out := []types.Shape{}
	for i := uint32(0); i < n; i++ {
		switch i % 4 {
		case 0:
			out = append(out, types.ShapeCircle(float64(i)+0.5))
		case 1:
			out = append(out, types.ShapeRect(types.Point{X: int32(i), Y: -int32(i)}))
		case 2:
			out = append(out, types.ShapeLabel("l"+strconv.Itoa(int(i))))
		default:
			out = append(out, types.ShapeEmpty())
		}
	}
	return out
}

func (API) NextColor(c types.Color) types.Color { return (c + 1) % 3 }

func (API) Flip(s types.Small, w types.Wide) (types.Small, types.Wide) {
	return s ^ (types.SmallA | types.SmallB | types.SmallC), w ^ types.WideF19 ^ types.WideF0
}

func (API) Find(xs []string, x string) (uint32, bool) {
	for i, s := range xs {
		if s == x {
			return uint32(i), true
		}
	}
	return 0, false
}

func (API) Deep(x wit.Option[wit.Option[uint32]]) (wit.Option[uint32], bool) {
	inner, ok := x.Get()
	if !ok {
		return wit.None[uint32](), false
	}
	if v, ok := inner.Get(); ok {
		return wit.Some(v + 1), true
	}
	return inner, true
}

func (API) Parse(s string) (int32, error) {
	if s == "" {
		return 0, types.FailureCode(0)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		// Wrapped: errors.As still finds the WIT error in the chain.
		return 0, fmt.Errorf("parse %q: %w", s, types.FailureBadInput(s))
	}
	return int32(n), nil
}

func (API) Halve(x int32) (int32, error) {
	if x%2 != 0 {
		return 0, fmt.Errorf("%d is odd", x)
	}
	return x / 2, nil
}

func (API) Checked(x int32) error {
	if x < 0 {
		return types.ColorRed
	}
	return nil
}

func (API) ManyArgs(a1 uint8, a2 int8, a3 uint16, a4 int16, a5 uint32, a6 int32, a7 uint64, a8 int64, a9 float32, a10 float64,
	a11 rune, a12 bool, a13 string, a14 []uint8, a15 uint32, a16 string) types.Big {
	return types.Big{
		A: uint64(a1) + uint64(a3) + uint64(a5) + a7,
		B: uint64(int64(a2) + int64(a4) + int64(a6) + a8),
		C: uint64(a15),
		D: uint64(len(a14)),
		E: fmt.Sprintf("%s|%c|%v|%s", a13, a11, a12, a16),
		F: []uint32{a15, uint32(a14[0])},
		G: wit.Some(a16),
		H: float64(a9) + a10,
	}
}

func (API) ResultsList(xs []int32) []wit.Result[uint32, string] {
	out := []wit.Result[uint32, string]{}
	for _, x := range xs {
		if x < 0 {
			out = append(out, wit.Err[uint32, string](fmt.Sprintf("negative %d", x)))
		} else {
			out = append(out, wit.Ok[uint32, string](uint32(x)))
		}
	}
	return out
}

func (API) Boom(msg string) { panic("boom: " + msg) }

// CallHost calls each import and reports what came back.
func (API) CallHost() []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	add("u64 %d", host.EchoU64(math.MaxUint64))
	add("s8 %d", host.EchoS8(math.MinInt8))
	nan := host.EchoF32(float32(math.NaN()))
	add("f32 nan=%v inf=%v", math.IsNaN(float64(nan)), host.EchoF32(float32(math.Inf(-1))))
	add("char %U", host.EchoChar(0x10FFFF))
	add("string %s", host.EchoString("héllo, 世界 🌍"))
	add("bytes %v", host.EchoBytes([]byte{0, 1, 255}))
	add("strings %q", host.EchoStrings([]string{"", "a", "ü"}))
	p := host.EchoPerson(types.Person{Name: "Ada", Age: 36, Tags: []string{"math"}, Home: wit.Some(types.Point{X: 1, Y: -2})})
	add("person %s %d %v %v", p.Name, p.Age, p.Tags, p.Home)
	add("shape %v", host.EchoShape(types.ShapeLabel("tri")))
	add("color %v", host.EchoColor(types.ColorBlue))
	add("wide %v", host.EchoWide(types.WideF0|types.WideF19))
	m, ok := host.Maybe(wit.Some(wit.None[uint32]()))
	add("maybe %v %v", m, ok)
	v, err := host.Check(5)
	add("check ok %d %v", v, err)
	_, err = host.Check(-1)
	var f types.Failure
	add("check err %v as=%v", err, errors.As(err, &f))
	if code, ok := f.Code(); ok {
		add("failure code %d", code)
	}
	s, n := host.Pair()
	add("pair %s %d", s, n)
	big := host.Many(1, -2, 3, -4, 5, -6, 7, -8, 9.5, 10.25, 'z', true, "thirteen", []byte{14}, 15, "sixteen")
	add("many %d %d %s %v %v %v", big.A, big.C, big.E, big.F, big.G, big.H)
	return out
}

// Values is the implementation of the world's own exports.
type Values struct{}

func (Values) Version() string { return "values/1 " + host.Greeting() }

func main() {}
