//! Lists of every element kind — numbers (u8 takes the zero-copy path), floats,
//! chars, bools, strings, records, variants, options, results, tuples and
//! lists of lists — empty, short and 100,000 elements long, in both directions.
//!
//! Every list is `make(n)` for its kind: element `i` is a fixed function of `i`,
//! written down both here and in guests/lists/main.go, so each side checks
//! what it received element by element (a reversing echo alone could hide a
//! bug that cancels out on the way back).

use std::fmt::Debug;

use wasmtime::component::HasSelf;
use witgo_e2e::{Session, assert_no_failures, component, linker};

wasmtime::component::bindgen!({
    path: "guests/lists/world.wit",
    world: "lists",
    exports: { default: async },
    additional_derives: [PartialEq],
});

use e2e::lists::types::{Point, Shape};

fn make<T>(n: usize, f: fn(usize) -> T) -> Vec<T> {
    (0..n).map(f).collect()
}

fn g_u8(i: usize) -> u8 {
    (i * 7 + 3) as u8
}
fn g_s8(i: usize) -> i8 {
    g_u8(i) as i8
}
fn g_u16(i: usize) -> u16 {
    (i * 31 + 5) as u16
}
fn g_s16(i: usize) -> i16 {
    g_u16(i) as i16
}
fn g_u32(i: usize) -> u32 {
    (i as u32).wrapping_mul(2_654_435_761)
}
fn g_s32(i: usize) -> i32 {
    g_u32(i) as i32
}
fn g_u64(i: usize) -> u64 {
    (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}
fn g_s64(i: usize) -> i64 {
    g_u64(i) as i64
}
fn g_f32(i: usize) -> f32 {
    i as f32 * 0.5 - 1000.0
}
fn g_f64(i: usize) -> f64 {
    i as f64 * 0.25 - 3.0
}
fn g_char(i: usize) -> char {
    [
        'a',
        'é',
        '世',
        '🌍',
        '\0',
        '\u{10ffff}',
        '\u{d7ff}',
        '\u{e000}',
    ][i % 8]
}
fn g_bool(i: usize) -> bool {
    i % 3 == 0
}
fn g_string(i: usize) -> String {
    if i % 5 == 0 {
        format!("s{i}🌍")
    } else {
        format!("s{i}")
    }
}
fn g_point(i: usize) -> Point {
    Point {
        x: i as i32,
        y: -2 * i as i32,
    }
}
fn g_shape(i: usize) -> Shape {
    match i % 4 {
        0 => Shape::Circle(i as f32 * 0.5),
        1 => Shape::Rect(g_point(i)),
        2 => Shape::Label(format!("l{i}")),
        _ => Shape::Nothing,
    }
}
fn g_option(i: usize) -> Option<u32> {
    (i % 2 == 0).then_some(i as u32)
}
fn g_opt_string(i: usize) -> Option<String> {
    (i % 3 == 0).then(|| format!("o{i}"))
}
fn g_result(i: usize) -> Result<u32, String> {
    if i % 3 == 0 {
        Err(format!("e{i}"))
    } else {
        Ok(i as u32)
    }
}
fn g_tuple(i: usize) -> (u8, String, f64) {
    (i as u8, format!("t{i}"), i as f64 + 0.5)
}
fn g_nested(i: usize) -> Vec<u32> {
    (0..i % 5).map(|k| (i * 10 + k) as u32).collect()
}
fn g_nested_strings(i: usize) -> Vec<String> {
    (0..i % 4).map(|k| format!("{i}.{k}")).collect()
}

/// Asserts `got == want`, naming the first differing element.
#[track_caller]
fn assert_list<T: PartialEq + Debug>(what: &str, got: &[T], want: &[T]) {
    if got == want {
        return;
    }
    assert_eq!(got.len(), want.len(), "{what}: length");
    let i = got.iter().zip(want).position(|(a, b)| a != b).unwrap();
    panic!(
        "{what}[{i}] of {}: got {:?}, want {:?}",
        want.len(),
        got[i],
        want[i]
    );
}

/// The host's imports record every list they receive and return it reversed.
macro_rules! host_lists {
    ($($method:ident => $field:ident: $t:ty),* $(,)?) => {
        #[derive(Default)]
        struct Rec { $($field: Vec<Vec<$t>>,)* }

        impl e2e::lists::host::Host for Rec {
            $(fn $method(&mut self, xs: Vec<$t>) -> Vec<$t> {
                let mut back = xs.clone();
                back.reverse();
                self.$field.push(xs);
                back
            })*
        }

        impl Rec {
            /// Asserts that the host received exactly make(n) once per import.
            fn assert_received(&mut self, n: usize) {
                $(
                    let got = std::mem::take(&mut self.$field);
                    assert_eq!(got.len(), 1, concat!(stringify!($method), " calls"));
                    assert_list(concat!("host received ", stringify!($field)), &got[0], &make(n, $field));
                )*
            }
        }
    };
}

host_lists! {
    rev_u8 => g_u8: u8,
    rev_s8 => g_s8: i8,
    rev_u16 => g_u16: u16,
    rev_s16 => g_s16: i16,
    rev_u32 => g_u32: u32,
    rev_s32 => g_s32: i32,
    rev_u64 => g_u64: u64,
    rev_s64 => g_s64: i64,
    rev_f32 => g_f32: f32,
    rev_f64 => g_f64: f64,
    rev_char => g_char: char,
    rev_bool => g_bool: bool,
    rev_string => g_string: String,
    rev_points => g_point: Point,
    rev_shapes => g_shape: Shape,
    rev_options => g_option: Option<u32>,
    rev_opt_strings => g_opt_string: Option<String>,
    rev_results => g_result: Result<u32, String>,
    rev_tuples => g_tuple: (u8, String, f64),
    rev_nested => g_nested: Vec<u32>,
    rev_nested_strings => g_nested_strings: Vec<String>,
}

async fn start() -> (Session<Rec>, Lists) {
    let mut linker = linker::<Rec>();
    e2e::lists::host::add_to_linker::<_, HasSelf<Rec>>(&mut linker, |ctx| &mut ctx.data.rec)
        .unwrap();
    let mut s = Session::new(Rec::default());
    let guest = Lists::instantiate_async(&mut s.store, &component("lists"), &linker)
        .await
        .unwrap();
    (s, guest)
}

const SIZES: [usize; 4] = [0, 1, 7, 100_000];

/// Calls `api.$call(make(n, $gen))` and checks the reversed list came back.
macro_rules! round_trip {
    ($api:expr, $st:expr, $n:expr, $($call:ident($gen:ident)),* $(,)?) => {$(
        let xs = make($n, $gen);
        let got = $api.$call(&mut *$st, &xs).await.unwrap();
        let mut want = xs;
        want.reverse();
        assert_list(concat!(stringify!($call), " result"), &got, &want);
    )*};
}

#[tokio::test]
async fn host_sends_lists_of_every_kind_to_go() {
    let (mut s, g) = start().await;
    let api = g.e2e_lists_api();
    let st = &mut s.store;
    for n in SIZES {
        round_trip!(
            api,
            st,
            n,
            call_rev_u8(g_u8),
            call_rev_s8(g_s8),
            call_rev_u16(g_u16),
            call_rev_s16(g_s16),
            call_rev_u32(g_u32),
            call_rev_s32(g_s32),
            call_rev_u64(g_u64),
            call_rev_s64(g_s64),
            call_rev_f32(g_f32),
            call_rev_f64(g_f64),
            call_rev_char(g_char),
            call_rev_bool(g_bool),
            call_rev_string(g_string),
            call_rev_points(g_point),
            call_rev_shapes(g_shape),
            call_rev_options(g_option),
            call_rev_opt_strings(g_opt_string),
            call_rev_results(g_result),
            call_rev_tuples(g_tuple),
            call_rev_nested(g_nested),
            call_rev_nested_strings(g_nested_strings),
        );
        // What Go found when it checked each list against make(n).
        let fails = api.call_take_failures(&mut *st).await.unwrap();
        assert_no_failures(&format!("lists of {n} received by Go"), &fails);
    }
}

#[tokio::test]
async fn go_sends_lists_of_every_kind_to_the_host() {
    let (mut s, g) = start().await;
    for n in SIZES {
        let fails = g
            .e2e_lists_api()
            .call_call_host(&mut s.store, n as u32)
            .await
            .unwrap();
        assert_no_failures(&format!("lists of {n} returned by the host"), &fails);
        s.rec_mut().assert_received(n);
    }
}

#[tokio::test]
async fn byte_lists_zero_copy_both_ways() {
    let (mut s, g) = start().await;
    let api = g.e2e_lists_api();
    let st = &mut s.store;
    assert_eq!(api.call_sum_bytes(&mut *st, &[]).await.unwrap(), (0, 0));
    let mib: Vec<u8> = (0..1 << 20).map(|i| (i * 13 % 256) as u8).collect();
    let sum: u64 = mib.iter().map(|&b| u64::from(b)).sum();
    assert_eq!(
        api.call_sum_bytes(&mut *st, &mib).await.unwrap(),
        (sum, 1 << 20)
    );
    let all: Vec<u8> = (0..=255).collect();
    assert_eq!(
        api.call_sum_bytes(&mut *st, &all).await.unwrap(),
        (255 * 128, 256)
    );

    assert_eq!(
        api.call_make_bytes(&mut *st, 0).await.unwrap(),
        Vec::<u8>::new()
    );
    let made = api.call_make_bytes(&mut *st, 1 << 20).await.unwrap();
    assert_eq!(made.len(), 1 << 20);
    assert!(made.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
}
