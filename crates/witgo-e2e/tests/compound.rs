//! Records (nested, with strings, lists and options inside), variants (with
//! and without payloads, payloads of every flat shape), enums (incl. one with
//! more than 256 cases), flags (8, 9, 17 and 32 members), options (incl.
//! option<option<T>> and top-level options, which Go returns as `(T, bool)`),
//! results (inside values, and top-level, which Go maps to `(T, error)`) and
//! tuples (incl. a 2-tuple result Go returns as two values), both directions.
//!
//! Values cross as numbered samples: sample k of each kind is written down
//! here and in guests/compound/main.go. The receiver checks what arrived
//! against its own sample k and answers with its own copy of sample k.
//! Comparisons go through `{:?}`, so -0.0 is not 0.0.

use std::fmt::Debug;

use wasmtime::component::HasSelf;
use witgo_e2e::{Session, assert_no_failures, component, linker};

wasmtime::component::bindgen!({
    path: "guests/compound/world.wit",
    world: "compound",
    exports: { default: async },
    additional_derives: [PartialEq],
});

use e2e::compound::types::{
    Color, Eight, ErrRec, Failure, Line, Many, Nine, Outer, Person, Point, Seventeen, Shape, Small,
    ThirtyTwo, Value,
};

fn pt(x: i32, y: i32) -> Point {
    Point { x, y }
}

fn persons() -> Vec<Person> {
    vec![
        Person {
            name: "".into(),
            age: 0,
            tags: vec![],
            scores: vec![],
            home: None,
            nick: None,
        },
        Person {
            name: "Ada".into(),
            age: 36,
            tags: vec!["math".into(), "poet".into()],
            scores: vec![1.5, -0.0, f64::INFINITY, -2.25],
            home: Some(pt(1, -2)),
            nick: Some("".into()),
        },
        Person {
            name: "世界🌍".into(),
            age: 255,
            tags: vec!["".into()],
            scores: vec![f64::MAX],
            home: Some(pt(i32::MIN, i32::MAX)),
            nick: Some("n".into()),
        },
    ]
}

fn outers() -> Vec<Outer> {
    let p = persons();
    vec![
        Outer {
            inner: p[0].clone(),
            lines: vec![],
            extra: None,
        },
        Outer {
            inner: p[1].clone(),
            lines: vec![
                Line {
                    a: pt(1, 2),
                    b: pt(3, 4),
                },
                Line {
                    a: pt(-1, -2),
                    b: pt(-3, -4),
                },
            ],
            extra: Some(Line {
                a: pt(5, 6),
                b: pt(7, 8),
            }),
        },
        Outer {
            inner: p[2].clone(),
            lines: vec![Line {
                a: pt(0, 0),
                b: pt(i32::MAX, i32::MIN),
            }],
            extra: None,
        },
    ]
}

fn shapes() -> Vec<Shape> {
    vec![
        Shape::Circle(2.5),
        Shape::Rect(pt(3, -4)),
        Shape::Label("héllo 🌍".into()),
        Shape::Empty,
        Shape::Circle(-0.0),
    ]
}

fn values() -> Vec<Value> {
    vec![
        Value::U(255),
        Value::I(i64::MIN),
        Value::F(-1.5),
        Value::D(f64::MAX),
        Value::S("str🌍".into()),
        Value::L(vec![1, 2, u32::MAX]),
        Value::P(pt(7, -7)),
        Value::O(Some("x".into())),
        Value::O(None),
        Value::None,
        Value::F(f32::from_bits(1)),
        Value::D(-0.0),
        Value::L(vec![]),
        Value::S("".into()),
    ]
}

const COLORS: [Color; 3] = [Color::Red, Color::Green, Color::Blue];
const COLOR_NAMES: [&str; 3] = ["red", "green", "blue"];
const MANYS: [Many; 5] = [Many::C0, Many::C1, Many::C255, Many::C256, Many::C299];

type FlagSet = (Small, Eight, Nine, Seventeen, ThirtyTwo);

fn flag_sets() -> Vec<FlagSet> {
    vec![
        (
            Small::empty(),
            Eight::empty(),
            Nine::empty(),
            Seventeen::empty(),
            ThirtyTwo::empty(),
        ),
        (
            Small::C,
            Eight::F7,
            Nine::F8,
            Seventeen::F16,
            ThirtyTwo::F31,
        ),
        (
            Small::all(),
            Eight::all(),
            Nine::all(),
            Seventeen::all(),
            ThirtyTwo::all(),
        ),
        (
            Small::A | Small::C,
            Eight::F0 | Eight::F7,
            Nine::F0 | Nine::F8,
            Seventeen::F0 | Seventeen::F16,
            ThirtyTwo::F0 | ThirtyTwo::F31,
        ),
    ]
}

type OptionSet = (
    Option<u32>,
    Option<Option<u32>>,
    Option<String>,
    Option<Option<String>>,
);

fn option_sets() -> Vec<OptionSet> {
    vec![
        (None, None, None, None),
        (Some(0), Some(None), Some("".into()), Some(None)),
        (
            Some(u32::MAX),
            Some(Some(7)),
            Some("🌍".into()),
            Some(Some("deep".into())),
        ),
        (None, Some(Some(0)), None, Some(Some("".into()))),
    ]
}

fn opt_tops() -> Vec<Option<Option<u32>>> {
    vec![None, Some(None), Some(Some(42)), Some(Some(0))]
}

fn opt_strs() -> Vec<Option<String>> {
    vec![None, Some("".into()), Some("x🌍".into())]
}

type TupIn = (u8, String, (i64, bool), Vec<Point>);

fn tup_ins() -> Vec<TupIn> {
    vec![
        (0, "".into(), (0, false), vec![]),
        (255, "abc".into(), (i64::MIN, true), vec![pt(1, 2)]),
        (7, "世界".into(), (-1, false), vec![pt(1, 2), pt(3, 4)]),
    ]
}

fn tup_outs() -> Vec<(String, u64)> {
    vec![
        ("".into(), 0),
        ("abc".into(), u64::MAX),
        ("世界".into(), 1 << 63),
    ]
}

type ResultSet = (
    Result<u32, String>,
    Result<(), Color>,
    Result<String, ()>,
    Result<(), ()>,
);

fn result_sets() -> Vec<ResultSet> {
    vec![
        (Ok(0), Ok(()), Ok("".into()), Ok(())),
        (Err("bad".into()), Err(Color::Blue), Err(()), Err(())),
        (Ok(u32::MAX), Err(Color::Red), Ok("fine".into()), Ok(())),
    ]
}

fn same<T: Debug>(a: &T, b: &T) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

/// The host: checks each sample Go sends, answers with its own.
#[derive(Default)]
struct Rec {
    /// Samples that arrived different from the host's copy.
    mismatches: Vec<String>,
    /// (import, sample) for every sample call.
    calls: Vec<(&'static str, u32)>,
    /// Arguments of the result-returning imports, as text.
    result_args: Vec<String>,
}

impl Rec {
    fn expect<T: Debug>(&mut self, what: &'static str, k: u32, got: &T, want: &T) {
        self.calls.push((what, k));
        if !same(got, want) {
            self.mismatches.push(format!(
                "{what} sample {k}: host received {got:?}, want {want:?}"
            ));
        }
    }
}

impl e2e::compound::host::Host for Rec {
    fn echo_person(&mut self, k: u32, p: Person) -> Person {
        let want = persons().swap_remove(k as usize);
        self.expect("person", k, &p, &want);
        want
    }
    fn echo_outer(&mut self, k: u32, o: Outer) -> Outer {
        let want = outers().swap_remove(k as usize);
        self.expect("outer", k, &o, &want);
        want
    }
    fn echo_shape(&mut self, k: u32, s: Shape) -> Shape {
        let want = shapes().swap_remove(k as usize);
        self.expect("shape", k, &s, &want);
        want
    }
    fn echo_value(&mut self, k: u32, v: Value) -> Value {
        let want = values().swap_remove(k as usize);
        self.expect("value", k, &v, &want);
        want
    }
    fn echo_color(&mut self, k: u32, c: Color) -> Color {
        self.expect("color", k, &c, &COLORS[k as usize]);
        COLORS[k as usize]
    }
    fn echo_many(&mut self, k: u32, m: Many) -> Many {
        self.expect("many", k, &m, &MANYS[k as usize]);
        MANYS[k as usize]
    }
    fn echo_flags(
        &mut self,
        k: u32,
        a: Small,
        b: Eight,
        c: Nine,
        d: Seventeen,
        e: ThirtyTwo,
    ) -> FlagSet {
        let want = flag_sets()[k as usize];
        self.expect("flags", k, &(a, b, c, d, e), &want);
        want
    }
    fn echo_options(
        &mut self,
        k: u32,
        a: Option<u32>,
        b: Option<Option<u32>>,
        c: Option<String>,
        d: Option<Option<String>>,
    ) -> OptionSet {
        let want = option_sets().swap_remove(k as usize);
        self.expect("options", k, &(a, b, c, d), &want);
        want
    }
    fn opt_top(&mut self, k: u32) -> Option<Option<u32>> {
        self.calls.push(("opt-top", k));
        opt_tops()[k as usize]
    }
    fn opt_str(&mut self, k: u32) -> Option<String> {
        self.calls.push(("opt-str", k));
        opt_strs().swap_remove(k as usize)
    }
    fn tup(&mut self, k: u32, t: TupIn) -> (String, u64) {
        self.expect("tup", k, &t, &tup_ins()[k as usize]);
        tup_outs().swap_remove(k as usize)
    }
    fn res_values(
        &mut self,
        k: u32,
        a: Result<u32, String>,
        b: Result<(), Color>,
        c: Result<String, ()>,
        d: Result<(), ()>,
    ) -> ResultSet {
        let want = result_sets().swap_remove(k as usize);
        self.expect("res-values", k, &(a, b, c, d), &want);
        want
    }

    // Same contract as the Go exports (see world.wit).
    fn divide(&mut self, a: i32, b: i32) -> Result<i32, Failure> {
        self.result_args.push(format!("divide({a}, {b})"));
        match (a, b) {
            (_, 0) => Err(Failure::Code(0)),
            (a, _) if a < 0 => Err(Failure::BadInput("neg".into())),
            (1, _) => Err(Failure::Other),
            (a, b) => Ok(a / b),
        }
    }
    fn find_key(&mut self, key: String) -> Result<String, String> {
        self.result_args.push(format!("find-key({key:?})"));
        match key.as_str() {
            "a" => Ok("alpha".into()),
            "" => Err("empty key".into()),
            "w" => Err("wrapped".into()),
            k => Err(format!("no {k}")),
        }
    }
    fn check(&mut self, c: Color) -> Result<(), Color> {
        self.result_args
            .push(format!("check({})", COLOR_NAMES[c as usize]));
        if c == Color::Red { Ok(()) } else { Err(c) }
    }
    fn validate(&mut self, n: u32) -> Result<u32, ErrRec> {
        self.result_args.push(format!("validate({n})"));
        if n < 10 {
            Ok(2 * n)
        } else {
            Err(ErrRec {
                code: n,
                msg: "too big".into(),
            })
        }
    }
    fn maybe_fail(&mut self, fail: bool) -> Result<(), ()> {
        self.result_args.push(format!("maybe-fail({fail})"));
        if fail { Err(()) } else { Ok(()) }
    }
    fn flag_err(&mut self, x: u32) -> Result<u32, Small> {
        self.result_args.push(format!("flag-err({x})"));
        if x == 0 {
            Err(Small::A | Small::C)
        } else {
            Ok(x)
        }
    }
    fn list_err(&mut self, x: u32) -> Result<u32, Vec<u32>> {
        self.result_args.push(format!("list-err({x})"));
        if x == 0 { Err(vec![1, 2, 3]) } else { Ok(x) }
    }
    fn ok_only(&mut self, x: u32) -> Result<String, ()> {
        self.result_args.push(format!("ok-only({x})"));
        if x == 0 { Err(()) } else { Ok(x.to_string()) }
    }
}

impl e2e::compound::types::Host for Rec {}

async fn start() -> (Session<Rec>, Compound) {
    let mut linker = linker::<Rec>();
    e2e::compound::host::add_to_linker::<_, HasSelf<Rec>>(&mut linker, |ctx| &mut ctx.data.rec)
        .unwrap();
    let mut s = Session::new(Rec::default());
    let guest = Compound::instantiate_async(&mut s.store, &component("compound"), &linker)
        .await
        .unwrap();
    (s, guest)
}

#[track_caller]
fn assert_same<T: Debug>(what: &str, k: usize, got: &T, want: &T) {
    assert!(
        same(got, want),
        "{what} sample {k}: Go returned {got:?}, want {want:?}"
    );
}

#[tokio::test]
async fn host_sends_records_variants_enums_flags_to_go() {
    let (mut s, g) = start().await;
    let api = g.e2e_compound_api();
    let st = &mut s.store;
    for (k, p) in persons().iter().enumerate() {
        let got = api.call_echo_person(&mut *st, k as u32, p).await.unwrap();
        assert_same("person", k, &got, p);
    }
    for (k, o) in outers().iter().enumerate() {
        let got = api.call_echo_outer(&mut *st, k as u32, o).await.unwrap();
        assert_same("outer", k, &got, o);
    }
    for (k, v) in shapes().iter().enumerate() {
        let got = api.call_echo_shape(&mut *st, k as u32, v).await.unwrap();
        assert_same("shape", k, &got, v);
    }
    for (k, v) in values().iter().enumerate() {
        let got = api.call_echo_value(&mut *st, k as u32, v).await.unwrap();
        assert_same("value", k, &got, v);
    }
    for (k, c) in COLORS.iter().enumerate() {
        assert_eq!(
            api.call_echo_color(&mut *st, k as u32, *c).await.unwrap(),
            *c
        );
    }
    for (k, m) in MANYS.iter().enumerate() {
        assert_eq!(
            api.call_echo_many(&mut *st, k as u32, *m).await.unwrap(),
            *m
        );
    }
    for (k, f) in flag_sets().into_iter().enumerate() {
        let got = api
            .call_echo_flags(&mut *st, k as u32, f.0, f.1, f.2, f.3, f.4)
            .await
            .unwrap();
        assert_eq!(got, f, "flags sample {k}");
    }
    let fails = api.call_take_failures(&mut *st).await.unwrap();
    assert_no_failures("samples received by Go", &fails);
}

#[tokio::test]
async fn host_sends_options_tuples_results_to_go() {
    let (mut s, g) = start().await;
    let api = g.e2e_compound_api();
    let st = &mut s.store;
    for (k, o) in option_sets().into_iter().enumerate() {
        let got = api
            .call_echo_options(
                &mut *st,
                k as u32,
                o.0,
                o.1,
                o.2.as_deref(),
                o.3.as_ref().map(|o| o.as_deref()),
            )
            .await
            .unwrap();
        assert_eq!(got, o, "options sample {k}");
    }
    // Top-level option results: Go's (value, ok) becomes the option.
    for (k, want) in opt_tops().into_iter().enumerate() {
        assert_eq!(
            api.call_opt_top(&mut *st, k as u32).await.unwrap(),
            want,
            "opt-top {k}"
        );
    }
    for (k, want) in opt_strs().into_iter().enumerate() {
        assert_eq!(
            api.call_opt_str(&mut *st, k as u32).await.unwrap(),
            want,
            "opt-str {k}"
        );
    }
    // A tuple parameter, and a 2-tuple result Go returns as two values.
    for (k, t) in tup_ins().iter().enumerate() {
        let got = api
            .call_tup(&mut *st, k as u32, (t.0, &t.1, t.2, &t.3))
            .await
            .unwrap();
        assert_eq!(got, tup_outs()[k], "tup {k}");
    }
    for (k, r) in result_sets().into_iter().enumerate() {
        let got = api
            .call_res_values(
                &mut *st,
                k as u32,
                r.0.as_ref().copied().map_err(String::as_str),
                r.1,
                r.2.as_deref().map_err(|_| ()),
                r.3,
            )
            .await
            .unwrap();
        assert_eq!(got, r, "res-values sample {k}");
    }
    let fails = api.call_take_failures(&mut *st).await.unwrap();
    assert_no_failures("samples received by Go", &fails);
}

#[tokio::test]
async fn go_sends_every_sample_to_the_host() {
    let (mut s, g) = start().await;
    let fails = g
        .e2e_compound_api()
        .call_call_host(&mut s.store)
        .await
        .unwrap();
    assert_no_failures("samples the host returned", &fails);
    let rec = s.rec();
    assert!(
        rec.mismatches.is_empty(),
        "host received:\n{}",
        rec.mismatches.join("\n")
    );
    // Every sample arrived, in order.
    let count = |what: &str| rec.calls.iter().filter(|(w, _)| *w == what).count();
    let expected = [
        ("person", persons().len()),
        ("outer", outers().len()),
        ("shape", shapes().len()),
        ("value", values().len()),
        ("color", COLORS.len()),
        ("many", MANYS.len()),
        ("flags", flag_sets().len()),
        ("options", option_sets().len()),
        ("opt-top", opt_tops().len()),
        ("opt-str", opt_strs().len()),
        ("tup", tup_ins().len()),
        ("res-values", result_sets().len()),
    ];
    for (what, n) in expected {
        assert_eq!(count(what), n, "{what} calls");
    }
    assert_eq!(
        rec.calls.len(),
        expected.iter().map(|(_, n)| n).sum::<usize>()
    );
}

#[tokio::test]
async fn go_export_errors_reach_the_host_as_wit_errors() {
    let (mut s, g) = start().await;
    let api = g.e2e_compound_api();
    let st = &mut s.store;
    assert_eq!(api.call_divide(&mut *st, 10, 3).await.unwrap(), Ok(3));
    // Returned directly, wrapped with %w, and a payload-less case.
    assert_eq!(
        api.call_divide(&mut *st, 1, 0).await.unwrap(),
        Err(Failure::Code(0))
    );
    assert_eq!(
        api.call_divide(&mut *st, -5, 1).await.unwrap(),
        Err(Failure::BadInput("neg".into()))
    );
    assert_eq!(
        api.call_divide(&mut *st, 1, 1).await.unwrap(),
        Err(Failure::Other)
    );
    // Inside errors.Join, behind a %w.
    assert_eq!(
        api.call_divide(&mut *st, 2, 1).await.unwrap(),
        Err(Failure::Code(7))
    );
    // result<string, string>: a plain Go error is sent as its text; a
    // wit.Error[string] anywhere in the chain is sent as its value.
    assert_eq!(
        api.call_find_key(&mut *st, "a").await.unwrap(),
        Ok("alpha".into())
    );
    assert_eq!(
        api.call_find_key(&mut *st, "").await.unwrap(),
        Err("empty key".into())
    );
    assert_eq!(
        api.call_find_key(&mut *st, "w").await.unwrap(),
        Err("wrapped".into())
    );
    assert_eq!(
        api.call_find_key(&mut *st, "zz").await.unwrap(),
        Err("no zz".into())
    );
    // Enum, record and flags errors; no payloads at all.
    assert_eq!(api.call_check(&mut *st, Color::Red).await.unwrap(), Ok(()));
    assert_eq!(
        api.call_check(&mut *st, Color::Green).await.unwrap(),
        Err(Color::Green)
    );
    assert_eq!(api.call_validate(&mut *st, 4).await.unwrap(), Ok(8));
    let err = api.call_validate(&mut *st, 20).await.unwrap().unwrap_err();
    assert_eq!((err.code, err.msg.as_str()), (20, "too big"));
    assert_eq!(api.call_maybe_fail(&mut *st, false).await.unwrap(), Ok(()));
    assert_eq!(api.call_maybe_fail(&mut *st, true).await.unwrap(), Err(()));
    assert_eq!(
        api.call_flag_err(&mut *st, 0).await.unwrap(),
        Err(Small::A | Small::C)
    );
    assert_eq!(api.call_flag_err(&mut *st, 9).await.unwrap(), Ok(9));
    assert_eq!(
        api.call_list_err(&mut *st, 0).await.unwrap(),
        Err(vec![1, 2, 3])
    );
    assert_eq!(api.call_list_err(&mut *st, 5).await.unwrap(), Ok(5));
    assert_eq!(api.call_ok_only(&mut *st, 0).await.unwrap(), Err(()));
    assert_eq!(
        api.call_ok_only(&mut *st, 12).await.unwrap(),
        Ok("12".into())
    );
}

#[tokio::test]
async fn go_export_error_without_the_wit_type_traps() {
    let (mut s, g) = start().await;
    // The export returned errors.New(...) where an err-rec is needed: the glue
    // panics with a message naming the function, and the call traps.
    let err = g
        .e2e_compound_api()
        .call_validate_bad(&mut s.store)
        .await
        .unwrap_err();
    let stderr = s.stderr_text();
    assert!(
        stderr.contains(
            "panic: witgo: export function e2e:compound/api#validate-bad returned error \"no err-rec here\" (*errors.errorString), which has no api.ErrRec to pass to the caller: return an api.ErrRec or wit.Error[api.ErrRec]"
        ),
        "{stderr}"
    );
    assert!(format!("{err:?}").contains("unreachable"), "{err:?}");
}

#[tokio::test]
async fn host_errors_reach_go_through_errors_as() {
    let (mut s, g) = start().await;
    let fails = g
        .e2e_compound_api()
        .call_call_results(&mut s.store)
        .await
        .unwrap();
    assert_no_failures("errors Go saw", &fails);
    let mut args = s.rec().result_args.clone();
    // find-key's keys come from a Go map: any order.
    args.sort();
    let mut want: Vec<String> = [
        "divide(10, 3)",
        "divide(1, 0)",
        "divide(-5, 1)",
        "divide(1, 1)",
        "find-key(\"a\")",
        "find-key(\"\")",
        "find-key(\"w\")",
        "find-key(\"zz\")",
        "check(red)",
        "check(blue)",
        "validate(4)",
        "validate(20)",
        "maybe-fail(false)",
        "maybe-fail(true)",
        "flag-err(3)",
        "flag-err(0)",
        "list-err(5)",
        "list-err(0)",
        "ok-only(7)",
        "ok-only(0)",
    ]
    .map(String::from)
    .to_vec();
    want.sort();
    assert_eq!(args, want);
}

/// The String and Error methods of generated types (and of wit.Option,
/// wit.Result, wit.Error and the tuples) print without fmt what %+v would:
/// records with field names, variants as case(payload), options as
/// some(v)/none, results as ok(v)/err(e). A list of records inside a
/// generic wit value is named by its type, which takes no reflection.
#[tokio::test]
async fn generated_types_format_without_fmt() {
    let (mut s, g) = start().await;
    let got = g
        .e2e_compound_api()
        .call_describe(&mut s.store)
        .await
        .unwrap();
    let want = [
        "{Name:Ada Age:36 Tags:[math poet] Scores:[1.5 -0 +Inf -2.25] Home:some({X:1 Y:-2}) Nick:some()}",
        "{Inner:{Name:Ada Age:36 Tags:[math poet] Scores:[1.5 -0 +Inf -2.25] Home:some({X:1 Y:-2}) Nick:some()} \
         Lines:[{A:{X:1 Y:2} B:{X:3 Y:4}} {A:{X:-1 Y:-2} B:{X:-3 Y:-4}}] Extra:some({A:{X:5 Y:6} B:{X:7 Y:8}})}",
        // shapes
        "circle(2.5)",
        "rect({X:3 Y:-4})",
        "label(héllo 🌍)",
        "empty",
        "circle(-0)",
        // values
        "u(255)",
        "i(-9223372036854775808)",
        "f(-1.5)",
        "d(1.7976931348623157e+308)",
        "s(str🌍)",
        "l([1 2 4294967295])",
        "p({X:7 Y:-7})",
        "o(some(x))",
        "o(none)",
        "none",
        "f(1e-45)",
        "d(-0)",
        "l([])",
        "s()",
        // enums, a tag out of range, flags
        "blue",
        "Color(7)",
        "c299",
        "Many(300)",
        "ShapeTag(9)",
        "0",
        "a|c",
        "f0|f1|f2|f3|f4|f5|f6|f7|f8|f9|f10|f11|f12|f13|f14|f15|f16|f17|f18|f19|f20|f21|f22|f23|f24|f25|f26|f27|f28|f29|f30|f31",
        // options
        "some(4294967295)",
        "some(some(7))",
        "some(🌍)",
        "some(some(deep))",
        "some(none)",
        "none",
        // results
        "err(bad)",
        "err(blue)",
        "err({})",
        "err({})",
        "ok(fine)",
        "ok({})",
        // tuples and generic options of a record and a float
        "{255 abc {-9223372036854775808 true} <[]types.Point>}",
        "{世界 9223372036854775808}",
        "some({X:1 Y:2})",
        "some(1.5)",
        // errors from imports: variant, record, string, list, flags, none
        "bad-input(neg)",
        "err-rec: {Code:20 Msg:too big}",
        "no zz",
        "[1 2 3]",
        "a|c",
        "error",
    ];
    assert_eq!(got, want.map(String::from).to_vec());
}
