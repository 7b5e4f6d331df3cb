// Guest for tests/compound.rs: records, variants, enums, flags, options,
// results and tuples, in both directions.
//
// Values cross the boundary as numbered samples: sample k of each kind is
// written down here and in tests/compound.rs. A receiver checks what arrived
// against its own sample k and answers with its own copy of sample k, so each
// direction is checked on its own.
package main

import (
	"errors"
	"fmt"
	"math"
	"reflect"

	"e2e/compound/gen/e2e/compound/host"
	t "e2e/compound/gen/e2e/compound/types"
	"e2e/compound/gen/witgo/wit"
)

type API struct{}

var negZero = math.Copysign(0, -1)

var persons = []t.Person{
	{},
	{Name: "Ada", Age: 36, Tags: []string{"math", "poet"}, Scores: []float64{1.5, negZero, math.Inf(1), -2.25},
		Home: wit.Some(t.Point{X: 1, Y: -2}), Nick: wit.Some("")},
	{Name: "世界🌍", Age: 255, Tags: []string{""}, Scores: []float64{math.MaxFloat64},
		Home: wit.Some(t.Point{X: math.MinInt32, Y: math.MaxInt32}), Nick: wit.Some("n")},
}

var outers = []t.Outer{
	{Inner: persons[0]},
	{Inner: persons[1], Lines: []t.Line{{A: t.Point{X: 1, Y: 2}, B: t.Point{X: 3, Y: 4}}, {A: t.Point{X: -1, Y: -2}, B: t.Point{X: -3, Y: -4}}},
		Extra: wit.Some(t.Line{A: t.Point{X: 5, Y: 6}, B: t.Point{X: 7, Y: 8}})},
	{Inner: persons[2], Lines: []t.Line{{B: t.Point{X: math.MaxInt32, Y: math.MinInt32}}}},
}

var shapes = []t.Shape{t.ShapeCircle(2.5), t.ShapeRect(t.Point{X: 3, Y: -4}), t.ShapeLabel("héllo 🌍"), t.ShapeEmpty(), t.ShapeCircle(negZero)}

var values = []t.Value{
	t.ValueU(255), t.ValueI(math.MinInt64), t.ValueF(-1.5), t.ValueD(math.MaxFloat64), t.ValueS("str🌍"),
	t.ValueL([]uint32{1, 2, math.MaxUint32}), t.ValueP(t.Point{X: 7, Y: -7}), t.ValueO(wit.Some("x")),
	t.ValueO(wit.None[string]()), t.ValueNone(), t.ValueF(math.Float32frombits(1)), t.ValueD(negZero),
	t.ValueL(nil), t.ValueS(""),
}

var colors = []t.Color{t.ColorRed, t.ColorGreen, t.ColorBlue}

var manys = []t.Many{t.ManyC0, t.ManyC1, t.ManyC255, t.ManyC256, t.ManyC299}

type flagSet struct {
	a t.Small
	b t.Eight
	c t.Nine
	d t.Seventeen
	e t.ThirtyTwo
}

var flagSets = []flagSet{
	{},
	{t.SmallC, t.EightF7, t.NineF8, t.SeventeenF16, t.ThirtyTwoF31},
	{t.SmallA | t.SmallB | t.SmallC, 0xff, 0x1ff, 0x1ffff, 0xffffffff},
	{t.SmallA | t.SmallC, t.EightF0 | t.EightF7, t.NineF0 | t.NineF8, t.SeventeenF0 | t.SeventeenF16, t.ThirtyTwoF0 | t.ThirtyTwoF31},
}

type optionSet struct {
	a wit.Option[uint32]
	b wit.Option[wit.Option[uint32]]
	c wit.Option[string]
	d wit.Option[wit.Option[string]]
}

var optionSets = []optionSet{
	{},
	{wit.Some[uint32](0), wit.Some(wit.None[uint32]()), wit.Some(""), wit.Some(wit.None[string]())},
	{wit.Some[uint32](math.MaxUint32), wit.Some(wit.Some[uint32](7)), wit.Some("🌍"), wit.Some(wit.Some("deep"))},
	{wit.None[uint32](), wit.Some(wit.Some[uint32](0)), wit.None[string](), wit.Some(wit.Some(""))},
}

// optTops[k] is what opt-top(k) returns: (value, present).
var optTops = []wit.Option[wit.Option[uint32]]{
	wit.None[wit.Option[uint32]](), wit.Some(wit.None[uint32]()), wit.Some(wit.Some[uint32](42)), wit.Some(wit.Some[uint32](0)),
}

var optStrs = []wit.Option[string]{wit.None[string](), wit.Some(""), wit.Some("x🌍")}

type tupIn = wit.Tuple4[uint8, string, wit.Tuple2[int64, bool], []t.Point]

var tupIns = []tupIn{
	{},
	{F0: 255, F1: "abc", F2: wit.Tuple2[int64, bool]{F0: math.MinInt64, F1: true}, F3: []t.Point{{X: 1, Y: 2}}},
	{F0: 7, F1: "世界", F2: wit.Tuple2[int64, bool]{F0: -1}, F3: []t.Point{{X: 1, Y: 2}, {X: 3, Y: 4}}},
}

var tupOuts = []wit.Tuple2[string, uint64]{{}, {F0: "abc", F1: math.MaxUint64}, {F0: "世界", F1: 1 << 63}}

type resultSet struct {
	a wit.Result[uint32, string]
	b wit.Result[struct{}, t.Color]
	c wit.Result[string, struct{}]
	d wit.Result[struct{}, struct{}]
}

var resultSets = []resultSet{
	{wit.Ok[uint32, string](0), wit.Ok[struct{}, t.Color](struct{}{}), wit.Ok[string, struct{}](""), wit.Ok[struct{}, struct{}](struct{}{})},
	{wit.Err[uint32]("bad"), wit.Err[struct{}](t.ColorBlue), wit.Err[string](struct{}{}), wit.Err[struct{}](struct{}{})},
	{wit.Ok[uint32, string](math.MaxUint32), wit.Err[struct{}](t.ColorRed), wit.Ok[string, struct{}]("fine"), wit.Ok[struct{}, struct{}](struct{}{})},
}

// same is deep equality that treats nil and empty slices alike, compares
// floats bit for bit (any NaN matches any NaN) and reads unexported fields.
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
		x, y := a.Float(), b.Float()
		return (math.IsNaN(x) && math.IsNaN(y)) || math.Float64bits(x) == math.Float64bits(y)
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

var failures []string

func expect(what string, k uint32, got, want any) {
	if !same(got, want) {
		failures = append(failures, fmt.Sprintf("%s sample %d: got %+v, want %+v", what, k, got, want))
	}
}

func (API) EchoPerson(k uint32, p t.Person) t.Person {
	expect("person", k, p, persons[k])
	return persons[k]
}
func (API) EchoOuter(k uint32, o t.Outer) t.Outer { expect("outer", k, o, outers[k]); return outers[k] }
func (API) EchoShape(k uint32, s t.Shape) t.Shape { expect("shape", k, s, shapes[k]); return shapes[k] }
func (API) EchoValue(k uint32, v t.Value) t.Value { expect("value", k, v, values[k]); return values[k] }
func (API) EchoColor(k uint32, c t.Color) t.Color { expect("color", k, c, colors[k]); return colors[k] }
func (API) EchoMany(k uint32, m t.Many) t.Many    { expect("many", k, m, manys[k]); return manys[k] }

func (API) EchoFlags(k uint32, a t.Small, b t.Eight, c t.Nine, d t.Seventeen, e t.ThirtyTwo) (t.Small, t.Eight, t.Nine, t.Seventeen, t.ThirtyTwo) {
	expect("flags", k, flagSet{a, b, c, d, e}, flagSets[k])
	f := flagSets[k]
	return f.a, f.b, f.c, f.d, f.e
}

func (API) EchoOptions(k uint32, a wit.Option[uint32], b wit.Option[wit.Option[uint32]], c wit.Option[string], d wit.Option[wit.Option[string]]) (wit.Option[uint32], wit.Option[wit.Option[uint32]], wit.Option[string], wit.Option[wit.Option[string]]) {
	expect("options", k, optionSet{a, b, c, d}, optionSets[k])
	o := optionSets[k]
	return o.a, o.b, o.c, o.d
}

func (API) OptTop(k uint32) (wit.Option[uint32], bool) { return optTops[k].Get() }
func (API) OptStr(k uint32) (string, bool)             { return optStrs[k].Get() }

func (API) Tup(k uint32, in tupIn) (string, uint64) {
	expect("tup", k, in, tupIns[k])
	return tupOuts[k].F0, tupOuts[k].F1
}

func (API) ResValues(k uint32, a wit.Result[uint32, string], b wit.Result[struct{}, t.Color], c wit.Result[string, struct{}], d wit.Result[struct{}, struct{}]) (wit.Result[uint32, string], wit.Result[struct{}, t.Color], wit.Result[string, struct{}], wit.Result[struct{}, struct{}]) {
	expect("res-values", k, resultSet{a, b, c, d}, resultSets[k])
	r := resultSets[k]
	return r.a, r.b, r.c, r.d
}

// The result-returning exports return their errors in the different ways Go
// code does: the WIT error value itself, wrapped with %w, or as wit.Error.

func (API) Divide(a, b int32) (int32, error) {
	switch {
	case b == 0:
		return 0, t.FailureCode(0)
	case a < 0:
		return 0, fmt.Errorf("dividing %d: %w", a, t.FailureBadInput("neg"))
	case a == 1:
		return 0, t.FailureOther()
	case a == 2:
		return 0, errors.Join(errors.New("first"), fmt.Errorf("then: %w", t.FailureCode(7)))
	}
	return a / b, nil
}

func (API) FindKey(key string) (string, error) {
	switch key {
	case "a":
		return "alpha", nil
	case "":
		return "", errors.New("empty key")
	case "w":
		return "", fmt.Errorf("context: %w", wit.Error[string]{Value: "wrapped"})
	}
	return "", fmt.Errorf("no %s", key)
}

func (API) Check(c t.Color) error {
	if c == t.ColorRed {
		return nil
	}
	return c
}

func (API) Validate(n uint32) (uint32, error) {
	if n < 10 {
		return 2 * n, nil
	}
	return 0, t.ErrRec{Code: n, Msg: "too big"}
}

func (API) MaybeFail(fail bool) error {
	if fail {
		return errors.New("any error at all")
	}
	return nil
}

func (API) FlagErr(x uint32) (uint32, error) {
	if x == 0 {
		return 0, t.SmallA | t.SmallC
	}
	return x, nil
}

func (API) ListErr(x uint32) (uint32, error) {
	if x == 0 {
		return 0, wit.Error[[]uint32]{Value: []uint32{1, 2, 3}}
	}
	return x, nil
}

func (API) OkOnly(x uint32) (string, error) {
	if x == 0 {
		return "", errors.New("zero")
	}
	return fmt.Sprint(x), nil
}

func (API) ValidateBad() (uint32, error) { return 0, errors.New("no err-rec here") }

func (API) TakeFailures() []string {
	f := failures
	failures = nil
	return f
}

func (API) CallHost() []string {
	saved := failures
	failures = nil
	for k := range persons {
		expect("host person", uint32(k), host.EchoPerson(uint32(k), persons[k]), persons[k])
	}
	for k := range outers {
		expect("host outer", uint32(k), host.EchoOuter(uint32(k), outers[k]), outers[k])
	}
	for k := range shapes {
		expect("host shape", uint32(k), host.EchoShape(uint32(k), shapes[k]), shapes[k])
	}
	for k := range values {
		expect("host value", uint32(k), host.EchoValue(uint32(k), values[k]), values[k])
	}
	for k := range colors {
		expect("host color", uint32(k), host.EchoColor(uint32(k), colors[k]), colors[k])
	}
	for k := range manys {
		expect("host many", uint32(k), host.EchoMany(uint32(k), manys[k]), manys[k])
	}
	for k, f := range flagSets {
		a, b, c, d, e := host.EchoFlags(uint32(k), f.a, f.b, f.c, f.d, f.e)
		expect("host flags", uint32(k), flagSet{a, b, c, d, e}, f)
	}
	for k, o := range optionSets {
		a, b, c, d := host.EchoOptions(uint32(k), o.a, o.b, o.c, o.d)
		expect("host options", uint32(k), optionSet{a, b, c, d}, o)
	}
	for k, want := range optTops {
		v, ok := host.OptTop(uint32(k))
		w, wok := want.Get()
		expect("host opt-top", uint32(k), wit.Tuple2[wit.Option[uint32], bool]{F0: v, F1: ok}, wit.Tuple2[wit.Option[uint32], bool]{F0: w, F1: wok})
	}
	for k, want := range optStrs {
		v, ok := host.OptStr(uint32(k))
		w, wok := want.Get()
		expect("host opt-str", uint32(k), wit.Tuple2[string, bool]{F0: v, F1: ok}, wit.Tuple2[string, bool]{F0: w, F1: wok})
	}
	for k, in := range tupIns {
		s, n := host.Tup(uint32(k), in)
		expect("host tup", uint32(k), wit.Tuple2[string, uint64]{F0: s, F1: n}, tupOuts[k])
	}
	for k, r := range resultSets {
		a, b, c, d := host.ResValues(uint32(k), r.a, r.b, r.c, r.d)
		expect("host res-values", uint32(k), resultSet{a, b, c, d}, r)
	}
	out := failures
	failures = saved
	return out
}

func (API) CallResults() []string {
	var fails []string
	fail := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }

	if v, err := host.Divide(10, 3); v != 3 || err != nil {
		fail("divide(10, 3) = %v, %v", v, err)
	}
	for _, c := range []struct {
		a, b int32
		want t.Failure
	}{{1, 0, t.FailureCode(0)}, {-5, 1, t.FailureBadInput("neg")}, {1, 1, t.FailureOther()}} {
		_, err := host.Divide(c.a, c.b)
		var f t.Failure
		if !errors.As(err, &f) || !same(f, c.want) {
			fail("divide(%d, %d): errors.As found %v in %#v, want %v", c.a, c.b, f, err, c.want)
		}
		if err != nil && err.Error() != c.want.String() {
			fail("divide(%d, %d): err.Error() = %q", c.a, c.b, err.Error())
		}
	}
	if v, err := host.FindKey("a"); v != "alpha" || err != nil {
		fail("find-key(a) = %q, %v", v, err)
	}
	for key, want := range map[string]string{"": "empty key", "w": "wrapped", "zz": "no zz"} {
		_, err := host.FindKey(key)
		var e wit.Error[string]
		if !errors.As(err, &e) || e.Value != want {
			fail("find-key(%q): errors.As found %q in %#v", key, e.Value, err)
		}
	}
	if err := host.Check(t.ColorRed); err != nil {
		fail("check(red) = %v", err)
	}
	if err := host.Check(t.ColorBlue); true {
		var c t.Color
		if !errors.As(err, &c) || c != t.ColorBlue || err.Error() != "blue" {
			fail("check(blue): %#v", err)
		}
	}
	if v, err := host.Validate(4); v != 8 || err != nil {
		fail("validate(4) = %v, %v", v, err)
	}
	if _, err := host.Validate(20); true {
		var r t.ErrRec
		if !errors.As(err, &r) || r.Code != 20 || r.Msg != "too big" {
			fail("validate(20): %#v", err)
		}
	}
	if err := host.MaybeFail(false); err != nil {
		fail("maybe-fail(false) = %v", err)
	}
	if err := host.MaybeFail(true); true {
		var u wit.Unit
		if !errors.As(err, &u) {
			fail("maybe-fail(true): %#v", err)
		}
	}
	if v, err := host.FlagErr(3); v != 3 || err != nil {
		fail("flag-err(3) = %v, %v", v, err)
	}
	if _, err := host.FlagErr(0); true {
		var s t.Small
		if !errors.As(err, &s) || s != t.SmallA|t.SmallC || err.Error() != "a|c" {
			fail("flag-err(0): %#v", err)
		}
	}
	if v, err := host.ListErr(5); v != 5 || err != nil {
		fail("list-err(5) = %v, %v", v, err)
	}
	if _, err := host.ListErr(0); true {
		var e wit.Error[[]uint32]
		if !errors.As(err, &e) || !same(e.Value, []uint32{1, 2, 3}) {
			fail("list-err(0): %#v", err)
		}
	}
	if v, err := host.OkOnly(7); v != "7" || err != nil {
		fail("ok-only(7) = %q, %v", v, err)
	}
	if _, err := host.OkOnly(0); true {
		var u wit.Unit
		if !errors.As(err, &u) {
			fail("ok-only(0): %#v", err)
		}
	}
	return fails
}

// Describe formats samples with the String and Error methods of the
// generated types and of wit's, which use no fmt.
func (API) Describe() []string {
	out := []string{persons[1].String(), outers[1].String()}
	for _, v := range shapes {
		out = append(out, v.String())
	}
	for _, v := range values {
		out = append(out, v.String())
	}
	out = append(out, t.ColorBlue.String(), t.Color(7).String(), t.ManyC299.String(), t.Many(300).String(),
		t.ShapeTag(9).String(), flagSets[0].a.String(), flagSets[3].a.String(), flagSets[2].e.String())
	o := optionSets[2]
	out = append(out, o.a.String(), o.b.String(), o.c.String(), o.d.String(), optionSets[1].b.String(), optionSets[0].d.String())
	r := resultSets[1]
	out = append(out, r.a.String(), r.b.String(), r.c.String(), r.d.String(), resultSets[2].c.String(), resultSets[0].d.String())
	out = append(out, tupIns[1].String(), tupOuts[2].String(), wit.Some(t.Point{X: 1, Y: 2}).String(), wit.Some(1.5).String())
	_, err := host.Divide(-5, 1)
	out = append(out, err.Error())
	_, err = host.Validate(20)
	out = append(out, err.Error())
	_, err = host.FindKey("zz")
	out = append(out, err.Error())
	_, err = host.ListErr(0)
	out = append(out, err.Error())
	_, err = host.FlagErr(0)
	out = append(out, err.Error(), host.MaybeFail(true).Error())
	return out
}

func main() {}
