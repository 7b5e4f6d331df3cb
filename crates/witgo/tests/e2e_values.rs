//! End to end: Go guest built by witgo, run on witgo's Wasmtime host. The
//! host calls Go exports (checked through their WAVE results) and implements
//! the imports Go calls (checked through what the host receives).

mod common;

use wasmtime::Store;
use wasmtime::component::{HasSelf, Linker};
use witgo_host::{HostCtx, RunOptions, add_wasi_to_linker, invoke_component};

wasmtime::component::bindgen!({ path: "tests/guests/values/world.wit", world: "host-side" });

use e2e::values::types::{Big, Color, Failure, Person, Shape, Wide};

/// What Go passed to the host imports, in call order.
#[derive(Default)]
struct Seen(Vec<String>);

impl e2e::values::types::Host for Seen {}

impl e2e::values::host::Host for Seen {
    fn echo_u64(&mut self, x: u64) -> u64 {
        self.0.push(format!("u64 {x}"));
        x
    }
    fn echo_s8(&mut self, x: i8) -> i8 {
        self.0.push(format!("s8 {x}"));
        x
    }
    fn echo_f32(&mut self, x: f32) -> f32 {
        self.0.push(format!("f32 {x}"));
        x
    }
    fn echo_char(&mut self, x: char) -> char {
        self.0.push(format!("char {}", x as u32));
        x
    }
    fn echo_string(&mut self, s: String) -> String {
        self.0.push(format!("string {s}"));
        s
    }
    fn echo_bytes(&mut self, b: Vec<u8>) -> Vec<u8> {
        self.0.push(format!("bytes {b:?}"));
        b
    }
    fn echo_strings(&mut self, s: Vec<String>) -> Vec<String> {
        self.0.push(format!("strings {s:?}"));
        s
    }
    fn echo_person(&mut self, p: Person) -> Person {
        self.0.push(format!(
            "person {} {} {:?} {:?}",
            p.name,
            p.age,
            p.tags,
            p.home.map(|h| (h.x, h.y))
        ));
        p
    }
    fn echo_shape(&mut self, s: Shape) -> Shape {
        self.0.push(format!("shape {s:?}"));
        s
    }
    fn echo_color(&mut self, c: Color) -> Color {
        self.0.push(format!("color {c:?}"));
        c
    }
    fn echo_wide(&mut self, w: Wide) -> Wide {
        self.0.push(format!("wide {w:?}"));
        w
    }
    fn maybe(&mut self, x: Option<Option<u32>>) -> Option<Option<u32>> {
        self.0.push(format!("maybe {x:?}"));
        x
    }
    fn check(&mut self, x: i32) -> Result<u32, Failure> {
        if x < 0 {
            Err(Failure::Code(42))
        } else {
            Ok(x as u32 * 2)
        }
    }
    fn pair(&mut self) -> (String, u64) {
        ("left".into(), u64::MAX - 1)
    }
    #[allow(clippy::too_many_arguments)]
    fn many(
        &mut self,
        a1: u8,
        a2: i8,
        a3: u16,
        a4: i16,
        a5: u32,
        a6: i32,
        a7: u64,
        a8: i64,
        a9: f32,
        a10: f64,
        a11: char,
        a12: bool,
        a13: String,
        a14: Vec<u8>,
        a15: u32,
        a16: String,
    ) -> Big {
        self.0.push(format!("many {a1} {a2} {a3} {a4} {a5} {a6} {a7} {a8} {a9} {a10} {a11} {a12} {a13} {a14:?} {a15} {a16}"));
        Big {
            a: 1,
            b: 2,
            c: 3,
            d: 4,
            e: "e".repeat(3),
            f: vec![6, 7],
            g: Some("g".into()),
            h: 8.5,
        }
    }
    fn greeting(&mut self) -> String {
        "from the host".into()
    }
}

struct Guest {
    store: Store<HostCtx<Seen>>,
    linker: Linker<HostCtx<Seen>>,
    component: wasmtime::component::Component,
}

impl Guest {
    fn new() -> Guest {
        let component = common::load("values");
        let engine = witgo_host::engine().unwrap();
        let mut linker = Linker::new(&engine);
        add_wasi_to_linker(&mut linker).unwrap();
        e2e::values::host::add_to_linker::<_, HasSelf<Seen>>(
            &mut linker,
            |ctx: &mut HostCtx<Seen>| &mut ctx.data,
        )
        .unwrap();
        let ctx =
            HostCtx::from_options("values.wasm", &RunOptions::default(), Seen::default()).unwrap();
        Guest {
            store: Store::new(&engine, ctx),
            linker,
            component,
        }
    }

    async fn call(&mut self, call: &str) -> String {
        invoke_component(&mut self.store, &self.linker, &self.component, call)
            .await
            .unwrap_or_else(|e| panic!("{call}: {e:#}"))
    }
}

#[tokio::test]
async fn integers_at_their_extremes() {
    let mut g = Guest::new();
    let max = "ints(255, 127, 65535, 32767, 4294967295, 2147483647, 18446744073709551615, 9223372036854775807)";
    assert_eq!(
        g.call(max).await,
        "(255, 127, 65535, 32767, 4294967295, 2147483647, 18446744073709551615, 9223372036854775807)"
    );
    let min = "ints(0, -128, 0, -32768, 0, -2147483648, 0, -9223372036854775808)";
    assert_eq!(
        g.call(min).await,
        "(0, -128, 0, -32768, 0, -2147483648, 0, -9223372036854775808)"
    );
    assert_eq!(
        g.call("ints(1, -1, 1, -1, 1, -1, 1, -1)").await,
        "(1, -1, 1, -1, 1, -1, 1, -1)"
    );
}

#[tokio::test]
async fn floats_and_chars() {
    let mut g = Guest::new();
    assert_eq!(g.call("floats(nan, nan)").await, "(nan, nan)");
    assert_eq!(g.call("floats(inf, -inf)").await, "(inf, -inf)");
    assert_eq!(g.call("floats(-0.0, -0.0)").await, "(-0, -0)");
    // Subnormals: WAVE prints them in full decimal; compare the numbers.
    let sub = g.call("floats(1e-45, 5e-324)").await;
    let (a, b) = sub
        .trim_matches(|c| c == '(' || c == ')')
        .split_once(", ")
        .unwrap();
    assert_eq!(
        a.parse::<f32>().unwrap().to_bits(),
        1e-45f32.to_bits(),
        "{sub}"
    );
    assert_eq!(
        b.parse::<f64>().unwrap().to_bits(),
        5e-324f64.to_bits(),
        "{sub}"
    );
    let max = g.call("floats(3.4028235e38, 1.7976931348623157e308)").await;
    let (a, b) = max
        .trim_matches(|c| c == '(' || c == ')')
        .split_once(", ")
        .unwrap();
    assert_eq!(a.parse::<f32>().unwrap(), f32::MAX, "{max}");
    assert_eq!(b.parse::<f64>().unwrap(), f64::MAX, "{max}");
    for c in [
        "'\\u{0}'",
        "'\\u{7f}'",
        "'\\u{d7ff}'",
        "'\\u{e000}'",
        "'\\u{10ffff}'",
        "'é'",
        "'🌍'",
    ] {
        let out = g.call(&format!("chars({c})")).await;
        let want: char = wasm_char(c);
        assert_eq!(wasm_char(&out), want, "{c} -> {out}");
    }
}

fn wasm_char(wave: &str) -> char {
    let inner = wave.trim_matches('\'');
    if let Some(hex) = inner.strip_prefix("\\u{") {
        char::from_u32(u32::from_str_radix(hex.trim_end_matches('}'), 16).unwrap()).unwrap()
    } else if inner == "\\0" {
        '\0'
    } else {
        inner.chars().next().unwrap()
    }
}

#[tokio::test]
async fn strings_empty_multibyte_and_large() {
    let mut g = Guest::new();
    assert_eq!(g.call(r#"concat("", "")"#).await, r#""""#);
    assert_eq!(
        g.call(r#"concat("héllo, ", "世界 🌍")"#).await,
        r#""héllo, 世界 🌍""#
    );
    let big = g.call(r#"repeat("ab🌍", 100000)"#).await;
    assert_eq!(big.len(), 2 + 100000 * "ab🌍".len());
    assert!(big.starts_with("\"ab🌍ab🌍") && big.ends_with("ab🌍\""));
}

#[tokio::test]
async fn lists_of_every_kind() {
    let mut g = Guest::new();
    assert_eq!(g.call("sum-u64([])").await, "0");
    let n = 100_000u64;
    let list = (1..=n)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    assert_eq!(
        g.call(&format!("sum-u64([{list}])")).await,
        (n * (n + 1) / 2).to_string()
    );
    assert_eq!(
        g.call("reverse-f64([1.5, -2, nan])").await,
        "[nan, -2, 1.5]"
    );
    assert_eq!(
        g.call("reverse-chars(['a', 'é', '🌍'])").await,
        "['🌍', 'é', 'a']"
    );
    assert_eq!(
        g.call("negate([true, false, true])").await,
        "[false, true, false]"
    );
    assert_eq!(
        g.call(r#"nested([[], ["a"], ["b", "c", ""]])"#).await,
        "[0, 1, 3]"
    );
    assert_eq!(
        g.call(r#"people([{name: "Ada", age: 36, tags: ["math", "poet"], home: some({x: 1, y: -2})}, {name: "", age: 0, tags: [], home: none}])"#).await,
        r#"["Ada:36:math+poet:1,-2", ":0::nowhere"]"#
    );
    assert_eq!(
        g.call("results-list([3, -4, 0])").await,
        r#"[ok(3), err("negative -4"), ok(0)]"#
    );
    let shapes = g.call("shapes(8)").await;
    assert_eq!(
        shapes,
        r#"[circle(0.5), rect({x: 1, y: -1}), label("l2"), empty, circle(4.5), rect({x: 5, y: -5}), label("l6"), empty]"#
    );
}

#[tokio::test]
async fn records_variants_enums_flags() {
    let mut g = Guest::new();
    assert_eq!(
        g.call(r#"older({name: "Bo", age: 254, tags: [], home: some({x: 3, y: 4})})"#)
            .await,
        r#"{name: "Bo", age: 255, tags: ["older"], home: some({x: 4, y: 3})}"#
    );
    assert_eq!(g.call("area(circle(2))").await, "12");
    assert_eq!(g.call("area(rect({x: -3, y: 7}))").await, "-21");
    assert_eq!(g.call(r#"area(label("hello"))"#).await, "5");
    assert_eq!(g.call("area(empty)").await, "-1");
    assert_eq!(g.call("next-color(blue)").await, "red");
    assert_eq!(g.call("next-color(red)").await, "green");
    assert_eq!(g.call("flip({a, c}, {f0, f9, f19})").await, "({b}, {f9})");
    assert_eq!(g.call("flip({}, {})").await, "({a, b, c}, {f0, f19})");
}

#[tokio::test]
async fn options_results_tuples() {
    let mut g = Guest::new();
    assert_eq!(g.call(r#"find(["a", "b"], "b")"#).await, "some(1)");
    assert_eq!(g.call(r#"find([], "b")"#).await, "none");
    assert_eq!(g.call("deep(none)").await, "none");
    assert_eq!(g.call("deep(some(none))").await, "some(none)");
    assert_eq!(g.call("deep(some(some(41)))").await, "some(some(42))");
    assert_eq!(g.call(r#"parse("-17")"#).await, "ok(-17)");
    // A wrapped Go error still reaches the host as the WIT error value.
    assert_eq!(g.call(r#"parse("x1")"#).await, r#"err(bad-input("x1"))"#);
    assert_eq!(g.call(r#"parse("")"#).await, "err(code(0))");
    assert_eq!(g.call("halve(8)").await, "ok(4)");
    // result<_, string>: any Go error is sent as its text.
    assert_eq!(g.call("halve(7)").await, r#"err("7 is odd")"#);
    assert_eq!(g.call("checked(1)").await, "ok");
    assert_eq!(g.call("checked(-1)").await, "err(red)");
}

#[tokio::test]
async fn many_arguments_and_big_results() {
    let mut g = Guest::new();
    let out = g
        .call(r#"many-args(1, -2, 3, -4, 5, -6, 7, -8, 9.5, 10.25, 'z', true, "thirteen", [1, 2, 3], 15, "sixteen")"#)
        .await;
    assert_eq!(
        out,
        r#"{a: 16, b: 18446744073709551596, c: 15, d: 3, e: "thirteen|z|true|sixteen", f: [15, 1], g: some("sixteen"), h: 19.75}"#
    );
}

#[tokio::test]
async fn go_calls_every_host_import() {
    let mut g = Guest::new();
    let out = g.call("call-host").await;
    let expect = [
        "u64 18446744073709551615",
        "s8 -128",
        "f32 nan=true inf=-Inf",
        "char U+10FFFF",
        "string héllo, 世界 🌍",
        "bytes [0 1 255]",
        r#"strings [\"\" \"a\" \"ü\"]"#,
        "person Ada 36 [math] some({X:1 Y:-2})",
        "shape label(tri)",
        "color blue",
        "wide f0|f19",
        "maybe none true",
        "check ok 10 <nil>",
        "check err code(42) as=true",
        "failure code 42",
        "pair left 18446744073709551614",
        "many 1 3 eee [6 7] some(g) 8.5",
    ];
    let want = format!(
        "[{}]",
        expect
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert_eq!(out, want);
    // And what the host received from Go:
    let seen = &g.store.data().data.0;
    assert_eq!(seen[0], "u64 18446744073709551615");
    assert_eq!(seen[1], "s8 -128");
    assert_eq!(seen[2], "f32 NaN");
    assert_eq!(seen[3], "f32 -inf");
    assert_eq!(seen[4], "char 1114111");
    assert_eq!(seen[5], "string héllo, 世界 🌍");
    assert_eq!(seen[6], "bytes [0, 1, 255]");
    assert_eq!(seen[7], r#"strings ["", "a", "ü"]"#);
    assert_eq!(seen[8], r#"person Ada 36 ["math"] Some((1, -2))"#);
    assert_eq!(seen[9], r#"shape Shape::Label("tri")"#);
    assert_eq!(seen[10], "color Color::Blue");
    assert_eq!(seen[11], "wide (F0|F19)");
    assert_eq!(seen[12], "maybe Some(None)");
    assert_eq!(
        seen[13],
        "many 1 -2 3 -4 5 -6 7 -8 9.5 10.25 z true thirteen [14] 15 sixteen"
    );
}

#[tokio::test]
async fn world_level_export_calls_an_import() {
    let mut g = Guest::new();
    assert_eq!(g.call("version").await, r#""values/1 from the host""#);
}

#[tokio::test]
async fn go_panic_traps() {
    let mut g = Guest::new();
    // Go prints the panic and its trace to stderr, then executes
    // `unreachable`: the host sees a trap, and witgo-host puts the panic
    // value from the guest's stderr into the error.
    let result = invoke_component(
        &mut g.store,
        &g.linker,
        &g.component,
        r#"boom("the value")"#,
    )
    .await;
    let tail = g.store.data().stderr_tail();
    assert!(tail.contains("panic: boom: the value\n"), "{tail}");
    assert!(tail.contains("goroutine 1 [running]"), "{tail}");
    let err =
        witgo_host::with_go_panic(result, &tail).expect_err("a panic must not return normally");
    let text = format!("{err:#}");
    assert!(
        text.starts_with("the Go code panicked: boom: the value"),
        "{text}"
    );
    assert!(text.contains("unreachable"), "the trap follows: {text}");
}
