//! Numbers at their extremes, bools, chars and strings, in both directions:
//! the host calls Go exports and checks the results; Go calls host imports,
//! the host records what arrived and Go checks what came back.

use wasmtime::component::HasSelf;
use witgo_e2e::{Session, assert_no_failures, component, linker, same_f32, same_f64};

wasmtime::component::bindgen!({
    path: "guests/scalars/world.wit",
    world: "scalars",
    exports: { default: async },
});

use exports::e2e::scalars::api::Guest as Api;

/// One argument the host received, in call order.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Got {
    U8(u8),
    S8(i8),
    U16(u16),
    S16(i16),
    U32(u32),
    S32(i32),
    U64(u64),
    S64(i64),
    F32(f32),
    F64(f64),
    Bool(bool),
    Char(char),
    All(u8, i8, u16, i16, u32, i32, u64, i64),
}

#[derive(Default)]
struct Rec {
    got: Vec<Got>,
    strings: Vec<String>,
    repeats: Vec<(String, u32)>,
}

impl e2e::scalars::host::Host for Rec {
    fn not_u8(&mut self, x: u8) -> u8 {
        self.got.push(Got::U8(x));
        !x
    }
    fn not_s8(&mut self, x: i8) -> i8 {
        self.got.push(Got::S8(x));
        !x
    }
    fn not_u16(&mut self, x: u16) -> u16 {
        self.got.push(Got::U16(x));
        !x
    }
    fn not_s16(&mut self, x: i16) -> i16 {
        self.got.push(Got::S16(x));
        !x
    }
    fn not_u32(&mut self, x: u32) -> u32 {
        self.got.push(Got::U32(x));
        !x
    }
    fn not_s32(&mut self, x: i32) -> i32 {
        self.got.push(Got::S32(x));
        !x
    }
    fn not_u64(&mut self, x: u64) -> u64 {
        self.got.push(Got::U64(x));
        !x
    }
    fn not_s64(&mut self, x: i64) -> i64 {
        self.got.push(Got::S64(x));
        !x
    }
    fn neg_f32(&mut self, x: f32) -> f32 {
        self.got.push(Got::F32(x));
        -x
    }
    fn neg_f64(&mut self, x: f64) -> f64 {
        self.got.push(Got::F64(x));
        -x
    }
    fn not_bool(&mut self, x: bool) -> bool {
        self.got.push(Got::Bool(x));
        !x
    }
    fn echo_char(&mut self, c: char) -> char {
        self.got.push(Got::Char(c));
        c
    }
    #[allow(clippy::too_many_arguments)]
    fn not_all(
        &mut self,
        a: u8,
        b: i8,
        c: u16,
        d: i16,
        e: u32,
        f: i32,
        g: u64,
        h: i64,
    ) -> (u8, i8, u16, i16, u32, i32, u64, i64) {
        self.got.push(Got::All(a, b, c, d, e, f, g, h));
        (!a, !b, !c, !d, !e, !f, !g, !h)
    }
    fn reverse(&mut self, s: String) -> String {
        let r = s.chars().rev().collect();
        self.strings.push(s);
        r
    }
    fn repeat(&mut self, unit: String, n: u32) -> String {
        let r = unit.repeat(n as usize);
        self.repeats.push((unit, n));
        r
    }
}

// The values main.go sends, in the same order.
const U8S: [u8; 5] = [0, 1, 127, 128, 255];
const S8S: [i8; 5] = [i8::MIN, -1, 0, 1, i8::MAX];
const U16S: [u16; 5] = [0, 1, 0x7fff, 0x8000, u16::MAX];
const S16S: [i16; 5] = [i16::MIN, -1, 0, 1, i16::MAX];
const U32S: [u32; 5] = [0, 1, 0x7fff_ffff, 0x8000_0000, u32::MAX];
const S32S: [i32; 5] = [i32::MIN, -1, 0, 1, i32::MAX];
const U64S: [u64; 5] = [0, 1, 0x7fff_ffff_ffff_ffff, 0x8000_0000_0000_0000, u64::MAX];
const S64S: [i64; 5] = [i64::MIN, -1, 0, 1, i64::MAX];
const F32S: [f32; 12] = [
    0.0,
    -0.0,
    1.5,
    -2.25,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::NAN,
    f32::from_bits(1),
    f32::from_bits(0x007f_ffff),
    f32::MIN_POSITIVE,
    f32::MAX,
    f32::MIN,
];
const F64S: [f64; 12] = [
    0.0,
    -0.0,
    1.5,
    -2.25,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    f64::from_bits(1),
    f64::from_bits(0x000f_ffff_ffff_ffff),
    f64::MIN_POSITIVE,
    f64::MAX,
    f64::MIN,
];
const CHARS: [char; 14] = [
    '\0',
    '\u{7f}',
    '\u{80}',
    '\u{7ff}',
    '\u{800}',
    '\u{d7ff}',
    '\u{e000}',
    '\u{fffd}',
    '\u{ffff}',
    '\u{10000}',
    '\u{10ffff}',
    'é',
    '世',
    '🌍',
];

fn strs() -> Vec<String> {
    ["", "a", "héllo", "世界", "🌍🚀", "a\0b"]
        .into_iter()
        .map(String::from)
        .chain([String::from("xy").repeat(1000)])
        .collect()
}

async fn start() -> (Session<Rec>, Scalars) {
    let mut linker = linker::<Rec>();
    e2e::scalars::host::add_to_linker::<_, HasSelf<Rec>>(&mut linker, |ctx| &mut ctx.data.rec)
        .unwrap();
    let mut s = Session::new(Rec::default());
    let guest = Scalars::instantiate_async(&mut s.store, &component("scalars"), &linker)
        .await
        .unwrap();
    (s, guest)
}

#[tokio::test]
async fn integers_at_their_extremes_host_to_go() {
    let (mut s, g) = start().await;
    let api: &Api = g.e2e_scalars_api();
    let st = &mut s.store;
    for x in U8S {
        assert_eq!(api.call_not_u8(&mut *st, x).await.unwrap(), !x, "u8 {x}");
    }
    for x in S8S {
        assert_eq!(api.call_not_s8(&mut *st, x).await.unwrap(), !x, "s8 {x}");
    }
    for x in U16S {
        assert_eq!(api.call_not_u16(&mut *st, x).await.unwrap(), !x, "u16 {x}");
    }
    for x in S16S {
        assert_eq!(api.call_not_s16(&mut *st, x).await.unwrap(), !x, "s16 {x}");
    }
    for x in U32S {
        assert_eq!(api.call_not_u32(&mut *st, x).await.unwrap(), !x, "u32 {x}");
    }
    for x in S32S {
        assert_eq!(api.call_not_s32(&mut *st, x).await.unwrap(), !x, "s32 {x}");
    }
    for x in U64S {
        assert_eq!(api.call_not_u64(&mut *st, x).await.unwrap(), !x, "u64 {x}");
    }
    for x in S64S {
        assert_eq!(api.call_not_s64(&mut *st, x).await.unwrap(), !x, "s64 {x}");
    }
    for i in 0..5 {
        let (a, b, c, d, e, f, gg, h) = (
            U8S[i], S8S[i], U16S[i], S16S[i], U32S[i], S32S[i], U64S[i], S64S[i],
        );
        let out = api
            .call_not_all(&mut *st, a, b, c, d, e, f, gg, h)
            .await
            .unwrap();
        assert_eq!(out, (!a, !b, !c, !d, !e, !f, !gg, !h));
        // What Go saw, printed by Go.
        let text = api
            .call_describe_ints(&mut *st, a, b, c, d, e, f, gg, h)
            .await
            .unwrap();
        assert_eq!(text, format!("{a} {b} {c} {d} {e} {f} {gg} {h}"));
    }
    // Sign extension: a u8 255 and an s8 -1 are not the same value to Go.
    let text = api
        .call_describe_ints(&mut *st, 255, -1, 65535, -1, u32::MAX, -1, u64::MAX, -1)
        .await
        .unwrap();
    assert_eq!(
        text,
        "255 -1 65535 -1 4294967295 -1 18446744073709551615 -1"
    );
}

#[tokio::test]
async fn floats_and_bools_host_to_go() {
    let (mut s, g) = start().await;
    let api = g.e2e_scalars_api();
    let st = &mut s.store;
    for x in F32S {
        let neg = api.call_neg_f32(&mut *st, x).await.unwrap();
        assert!(same_f32(neg, -x), "neg-f32({x:e}) = {neg:e}");
        let bits = api.call_f32_bits(&mut *st, x).await.unwrap();
        if x.is_nan() {
            assert!(f32::from_bits(bits).is_nan(), "NaN arrived as {bits:#x}");
        } else {
            assert_eq!(bits, x.to_bits(), "Go saw other bits for {x:e}");
        }
        let back = api.call_f32_from_bits(&mut *st, x.to_bits()).await.unwrap();
        assert!(
            same_f32(back, x),
            "f32 from bits {:#x}: {back:e}",
            x.to_bits()
        );
    }
    for x in F64S {
        let neg = api.call_neg_f64(&mut *st, x).await.unwrap();
        assert!(same_f64(neg, -x), "neg-f64({x:e}) = {neg:e}");
        let bits = api.call_f64_bits(&mut *st, x).await.unwrap();
        if x.is_nan() {
            assert!(f64::from_bits(bits).is_nan(), "NaN arrived as {bits:#x}");
        } else {
            assert_eq!(bits, x.to_bits(), "Go saw other bits for {x:e}");
        }
        let back = api.call_f64_from_bits(&mut *st, x.to_bits()).await.unwrap();
        assert!(
            same_f64(back, x),
            "f64 from bits {:#x}: {back:e}",
            x.to_bits()
        );
    }
    // -0.0 really is negative zero on both sides.
    assert_eq!(
        api.call_f64_bits(&mut *st, -0.0).await.unwrap(),
        0x8000_0000_0000_0000
    );
    assert_eq!(
        api.call_f32_from_bits(&mut *st, 0x8000_0000)
            .await
            .unwrap()
            .to_bits(),
        0x8000_0000
    );
    // A NaN with a payload still arrives as a NaN.
    let payload_nan = f64::from_bits(0x7ff4_0000_0000_0001);
    assert!(
        api.call_neg_f64(&mut *st, payload_nan)
            .await
            .unwrap()
            .is_nan()
    );
    assert!(
        api.call_f32_from_bits(&mut *st, 0xffc0_1234)
            .await
            .unwrap()
            .is_nan()
    );

    assert!(api.call_not_bool(&mut *st, false).await.unwrap());
    assert!(!api.call_not_bool(&mut *st, true).await.unwrap());
}

#[tokio::test]
async fn chars_at_their_boundaries_host_to_go() {
    let (mut s, g) = start().await;
    let api = g.e2e_scalars_api();
    let st = &mut s.store;
    for c in CHARS {
        assert_eq!(api.call_echo_char(&mut *st, c).await.unwrap(), c, "{:?}", c);
        assert_eq!(
            api.call_char_code(&mut *st, c).await.unwrap(),
            c as u32,
            "Go saw {:?}",
            c
        );
        assert_eq!(
            api.call_char_from_code(&mut *st, c as u32).await.unwrap(),
            c
        );
    }
    // Go returning a surrogate or a value above U+10FFFF as a char is invalid:
    // the host's lift rejects it.
    for bad in [0xd800u32, 0xdfff, 0x11_0000] {
        let (mut s, g) = start().await;
        let err = g
            .e2e_scalars_api()
            .call_char_from_code(&mut s.store, bad)
            .await
            .unwrap_err();
        let text = format!("{err}");
        assert!(text.contains("out of range for `char`"), "{bad:#x}: {text}");
    }
}

#[tokio::test]
async fn go_sends_numbers_and_chars_to_the_host() {
    let (mut s, g) = start().await;
    let fails = g
        .e2e_scalars_api()
        .call_call_host(&mut s.store)
        .await
        .unwrap();
    assert_no_failures("call-host", &fails);

    let mut want = Vec::new();
    want.extend(U8S.map(Got::U8));
    want.extend(S8S.map(Got::S8));
    want.extend(U16S.map(Got::U16));
    want.extend(S16S.map(Got::S16));
    want.extend(U32S.map(Got::U32));
    want.extend(S32S.map(Got::S32));
    want.extend(U64S.map(Got::U64));
    want.extend(S64S.map(Got::S64));
    want.extend(F32S.map(Got::F32));
    want.extend(F64S.map(Got::F64));
    want.extend([Got::Bool(false), Got::Bool(true)]);
    want.extend(CHARS.map(Got::Char));
    for i in 0..5 {
        want.push(Got::All(
            U8S[i], S8S[i], U16S[i], S16S[i], U32S[i], S32S[i], U64S[i], S64S[i],
        ));
    }
    let got = &s.rec().got;
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        let same = match (g, w) {
            (Got::F32(a), Got::F32(b)) => same_f32(*a, *b),
            (Got::F64(a), Got::F64(b)) => same_f64(*a, *b),
            _ => g == w,
        };
        assert!(same, "call {i}: host received {g:?}, Go sent {w:?}");
    }
    assert_eq!(s.rec().strings, strs());
}

#[tokio::test]
async fn strings_host_to_go() {
    let (mut s, g) = start().await;
    let api = g.e2e_scalars_api();
    let st = &mut s.store;
    for text in strs() {
        let rev: String = text.chars().rev().collect();
        assert_eq!(api.call_reverse(&mut *st, &text).await.unwrap(), rev);
        let (bytes, runes) = api.call_measure(&mut *st, &text).await.unwrap();
        assert_eq!(
            (bytes as usize, runes as usize),
            (text.len(), text.chars().count()),
            "{text:.20?}"
        );
    }
    assert_eq!(api.call_concat(&mut *st, "", "", "").await.unwrap(), "");
    assert_eq!(
        api.call_concat(&mut *st, "héllo, ", "世界 ", "🌍")
            .await
            .unwrap(),
        "héllo, 世界 🌍"
    );

    // 1 MiB each way: a 1 MiB string into Go, and one built by Go back out.
    let mib = "ab世🌍".repeat((1 << 20) / "ab世🌍".len());
    let (bytes, runes) = api.call_measure(&mut *st, &mib).await.unwrap();
    assert_eq!(
        (bytes as usize, runes as usize),
        (mib.len(), mib.chars().count())
    );
    let rev = api.call_reverse(&mut *st, &mib).await.unwrap();
    assert_eq!(rev.len(), mib.len());
    assert!(rev.chars().eq(mib.chars().rev()));
    let big = api.call_repeat(&mut *st, "🌍x", 1 << 18).await.unwrap();
    assert_eq!(big.len(), 5 << 18);
    assert_eq!(big, "🌍x".repeat(1 << 18));
    assert_eq!(api.call_repeat(&mut *st, "abc", 0).await.unwrap(), "");
}

#[tokio::test]
async fn big_strings_go_to_host() {
    let (mut s, g) = start().await;
    let n = (1 << 20) / "ab世🌍".len() as u32;
    let fails = g
        .e2e_scalars_api()
        .call_big_strings(&mut s.store, "世🌍", n)
        .await
        .unwrap();
    assert_no_failures("big-strings", &fails);
    // What Go sent: the unit for repeat, and a 1 MiB string to reverse.
    assert_eq!(
        s.rec().repeats,
        [
            ("世🌍".to_string(), n),
            (String::new(), n),
            ("世🌍".to_string(), 0)
        ]
    );
    let big = &s.rec().strings[0];
    assert_eq!(big.len(), "ab世🌍".len() * n as usize);
    assert_eq!(*big, "ab世🌍".repeat(n as usize));
}
