//! Many parameters and big results, as exports and as imports:
//!
//! - 16 flat parameters (the last direct case) and 17 (through memory);
//!   8 strings (16 flat values) and 9 (18);
//! - 14 u64 + 2 u32 with a result: exactly the 128 bytes Go's
//!   `//go:wasmexport` allows for arguments and results;
//! - 17 and 21 mixed parameters (25 and 34 flat values, through memory);
//! - a 20-field record result and 16- and 20-tuple results (through memory;
//!   Go returns the tuples as 16 and 20 values).
//!
//! Wasmtime's typed API stops at 17 parameters and 17-tuples, so the
//! functions beyond that (interfaces `host-dyn` and `api-dyn`) are driven with
//! dynamic `Val`s; the rest through `bindgen!` of the world `typed`.

use wasmtime::component::{HasSelf, Instance, Val};
use witgo_e2e::{Session, assert_no_failures, component, linker};

wasmtime::component::bindgen!({
    path: "guests/wide/world.wit",
    world: "typed",
    exports: { default: async },
    additional_derives: [PartialEq],
});

use e2e::wide::types::Big;

/// Sample k: the same as sample(k) in guests/wide/main.go.
fn sample(k: u32) -> Big {
    match k {
        0 => Big {
            f1: 255,
            f2: -128,
            f3: 65535,
            f4: -32768,
            f5: u32::MAX,
            f6: i32::MIN,
            f7: u64::MAX,
            f8: i64::MIN,
            f9: -1.5,
            f10: 1e300,
            f11: '🌍',
            f12: true,
            f13: "thirteen 世界".into(),
            f14: vec![0, 1, 255],
            f15: Some("fifteen".into()),
            f16: Err("sixteen".into()),
            f17: vec!["a".into(), "".into(), "世".into()],
            f18: (65535, "t18".into()),
            f19: vec![vec![1], vec![], vec![2, 3]],
            f20: 1 << 63,
        },
        1 => Big {
            f1: 0,
            f2: 0,
            f3: 0,
            f4: 0,
            f5: 0,
            f6: 0,
            f7: 0,
            f8: 0,
            f9: 0.0,
            f10: 0.0,
            f11: '\0',
            f12: false,
            f13: "".into(),
            f14: vec![],
            f15: None,
            f16: Ok(0),
            f17: vec![],
            f18: (0, "".into()),
            f19: vec![],
            f20: 0,
        },
        _ => Big {
            f1: 1,
            f2: -1,
            f3: 2,
            f4: -2,
            f5: 3,
            f6: -3,
            f7: 4,
            f8: -4,
            f9: f32::from_bits(1),
            f10: -0.0,
            f11: '\u{10ffff}',
            f12: false,
            f13: "x".into(),
            f14: vec![7; 1000],
            f15: None,
            f16: Ok(u32::MAX),
            f17: vec!["x".into(); 3],
            f18: (1, "🌍".into()),
            f19: vec![vec![9; 300]],
            f20: 5,
        },
    }
}

const SAMPLES: u32 = 3;

/// The first 16 fields, as `unpack` returns them.
type Sixteen = (
    u8,
    i8,
    u16,
    i16,
    u32,
    i32,
    u64,
    i64,
    f32,
    f64,
    char,
    bool,
    String,
    Vec<u8>,
    Option<String>,
    Result<u32, String>,
);

fn sixteen(b: Big) -> Sixteen {
    (
        b.f1, b.f2, b.f3, b.f4, b.f5, b.f6, b.f7, b.f8, b.f9, b.f10, b.f11, b.f12, b.f13, b.f14,
        b.f15, b.f16,
    )
}

/// A big with the 16 values of `t` and empty fields 17 to 20 (Rust's tuples
/// only print up to 12 elements).
fn big16(t: Sixteen) -> Big {
    let (f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16) = t;
    Big {
        f1,
        f2,
        f3,
        f4,
        f5,
        f6,
        f7,
        f8,
        f9,
        f10,
        f11,
        f12,
        f13,
        f14,
        f15,
        f16,
        f17: vec![],
        f18: (0, String::new()),
        f19: vec![],
        f20: 0,
    }
}

/// Debug-text equality: -0.0 is not 0.0.
fn same<T: std::fmt::Debug>(a: &T, b: &T) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

fn weighted(xs: &[u32]) -> u64 {
    xs.iter()
        .enumerate()
        .map(|(i, &x)| u64::from(x) * (i as u64 + 1))
        .sum()
}

fn weighted_wide(a: &[u64; 14], b1: u32, b2: u32) -> u64 {
    let s = a.iter().enumerate().fold(0u64, |s, (i, &x)| {
        s.wrapping_add(x.wrapping_mul(i as u64 + 1))
    });
    s.wrapping_add(u64::from(b1) * 15)
        .wrapping_add(u64::from(b2) * 16)
}

/// The 20 fields of a big as dynamic values, in order.
fn fields(b: &Big) -> Vec<Val> {
    let s = |s: &str| Val::String(s.into());
    let list = |v: Vec<Val>| Val::List(v);
    vec![
        Val::U8(b.f1),
        Val::S8(b.f2),
        Val::U16(b.f3),
        Val::S16(b.f4),
        Val::U32(b.f5),
        Val::S32(b.f6),
        Val::U64(b.f7),
        Val::S64(b.f8),
        Val::Float32(b.f9),
        Val::Float64(b.f10),
        Val::Char(b.f11),
        Val::Bool(b.f12),
        s(&b.f13),
        list(b.f14.iter().map(|&x| Val::U8(x)).collect()),
        Val::Option(b.f15.as_deref().map(|x| Box::new(s(x)))),
        Val::Result(match &b.f16 {
            Ok(v) => Ok(Some(Box::new(Val::U32(*v)))),
            Err(e) => Err(Some(Box::new(s(e)))),
        }),
        list(b.f17.iter().map(|x| s(x)).collect()),
        Val::Tuple(vec![Val::U16(b.f18.0), s(&b.f18.1)]),
        list(
            b.f19
                .iter()
                .map(|l| list(l.iter().map(|&x| Val::U8(x)).collect()))
                .collect(),
        ),
        Val::U64(b.f20),
    ]
}

/// A big as a dynamic record value.
fn record(b: &Big) -> Val {
    Val::Record(
        fields(b)
            .into_iter()
            .enumerate()
            .map(|(i, v)| (format!("f{}", i + 1), v))
            .collect(),
    )
}

#[derive(Default)]
struct Rec {
    /// Arguments that were not what Go should have sent.
    mismatches: Vec<String>,
    /// Imports called, in order.
    calls: Vec<String>,
}

impl Rec {
    fn check<T: std::fmt::Debug>(&mut self, what: String, got: &T, want: &T) {
        if !same(got, want) {
            self.mismatches
                .push(format!("{what}: host received {got:?}, want {want:?}"));
        }
        self.calls.push(what);
    }

    /// The sample `b` is, if any.
    fn which(&mut self, what: &str, b: &Big) -> Big {
        match (0..SAMPLES).map(sample).find(|s| same(s, b)) {
            Some(s) => {
                self.calls.push(what.to_string());
                s
            }
            None => {
                self.mismatches
                    .push(format!("{what}: host received no sample: {b:?}"));
                sample(1)
            }
        }
    }
}

// The values guests/wide/main.go sends.
fn u(i: u32) -> u32 {
    i.wrapping_mul(0x10001).wrapping_add(0xfff0_0000)
}
fn w(i: u64) -> u64 {
    (i << 40) | i
}

impl e2e::wide::host::Host for Rec {
    #[allow(clippy::too_many_arguments)]
    fn sum16(
        &mut self,
        a1: u32,
        a2: u32,
        a3: u32,
        a4: u32,
        a5: u32,
        a6: u32,
        a7: u32,
        a8: u32,
        a9: u32,
        a10: u32,
        a11: u32,
        a12: u32,
        a13: u32,
        a14: u32,
        a15: u32,
        a16: u32,
    ) -> u64 {
        let args = [
            a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16,
        ];
        self.check("sum16".into(), &args.to_vec(), &(1..=16).map(u).collect());
        weighted(&args)
    }
    #[allow(clippy::too_many_arguments)]
    fn sum17(
        &mut self,
        a1: u32,
        a2: u32,
        a3: u32,
        a4: u32,
        a5: u32,
        a6: u32,
        a7: u32,
        a8: u32,
        a9: u32,
        a10: u32,
        a11: u32,
        a12: u32,
        a13: u32,
        a14: u32,
        a15: u32,
        a16: u32,
        a17: u32,
    ) -> u64 {
        let args = [
            a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17,
        ];
        self.check("sum17".into(), &args.to_vec(), &(1..=17).map(u).collect());
        weighted(&args)
    }
    #[allow(clippy::too_many_arguments)]
    fn sum_wide(
        &mut self,
        a1: u64,
        a2: u64,
        a3: u64,
        a4: u64,
        a5: u64,
        a6: u64,
        a7: u64,
        a8: u64,
        a9: u64,
        a10: u64,
        a11: u64,
        a12: u64,
        a13: u64,
        a14: u64,
        b1: u32,
        b2: u32,
    ) -> u64 {
        let a = [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14];
        let want: Vec<u64> = (1..=14).map(w).collect();
        self.check("sum-wide".into(), &(a.to_vec(), b1, b2), &(want, 15, 16));
        weighted_wide(&a, b1, b2)
    }
    #[allow(clippy::too_many_arguments)]
    fn join8(
        &mut self,
        t1: String,
        t2: String,
        t3: String,
        t4: String,
        t5: String,
        t6: String,
        t7: String,
        t8: String,
    ) -> String {
        let got = [t1, t2, t3, t4, t5, t6, t7, t8].join("|");
        self.check("join8".into(), &got, &"a||世|🌍|e|f|g|h".to_string());
        got
    }
    #[allow(clippy::too_many_arguments)]
    fn join9(
        &mut self,
        t1: String,
        t2: String,
        t3: String,
        t4: String,
        t5: String,
        t6: String,
        t7: String,
        t8: String,
        t9: String,
    ) -> String {
        let got = [t1, t2, t3, t4, t5, t6, t7, t8, t9].join("|");
        self.check("join9".into(), &got, &"a||世|🌍|e|f|g|h|i".to_string());
        got
    }
    #[allow(clippy::too_many_arguments)]
    fn pack(
        &mut self,
        k: u32,
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
        a15: Option<String>,
        a16: Result<u32, String>,
    ) -> Big {
        let got = (
            a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16,
        );
        self.check(
            format!("pack({k})"),
            &big16(got),
            &big16(sixteen(sample(k))),
        );
        sample(k)
    }
    fn make_big(&mut self, k: u32) -> Big {
        self.calls.push(format!("make-big({k})"));
        sample(k)
    }
    fn unpack(&mut self, b: Big) -> Sixteen {
        sixteen(self.which("unpack", &b))
    }
}

impl e2e::wide::types::Host for Rec {}

/// Links host-dyn with dynamic values.
fn link_dyn(linker: &mut wasmtime::component::Linker<witgo_host::HostCtx<witgo_e2e::E2e<Rec>>>) {
    let mut dyn_host = linker.instance("e2e:wide/host-dyn").unwrap();
    dyn_host
        .func_new("pack-all", |mut store, _ty, params, results| {
            let rec = &mut store.data_mut().data.rec;
            let Val::U32(k) = params[0] else {
                panic!("k: {:?}", params[0])
            };
            rec.check(
                format!("pack-all({k})"),
                &params[1..].to_vec(),
                &fields(&sample(k)),
            );
            results[0] = record(&sample(k));
            Ok(())
        })
        .unwrap();
    dyn_host
        .func_new("unpack-all", |mut store, _ty, params, results| {
            let rec = &mut store.data_mut().data.rec;
            let found = (0..SAMPLES)
                .map(sample)
                .find(|s| same(&record(s), &params[0]));
            match found {
                Some(s) => {
                    rec.calls.push("unpack-all".into());
                    results[0] = Val::Tuple(fields(&s));
                }
                None => {
                    rec.mismatches.push(format!(
                        "unpack-all: host received no sample: {:?}",
                        params[0]
                    ));
                    results[0] = Val::Tuple(fields(&sample(1)));
                }
            }
            Ok(())
        })
        .unwrap();
}

async fn start() -> (Session<Rec>, Typed, Instance) {
    let mut linker = linker::<Rec>();
    e2e::wide::host::add_to_linker::<_, HasSelf<Rec>>(&mut linker, |ctx| &mut ctx.data.rec)
        .unwrap();
    link_dyn(&mut linker);
    let mut s = Session::new(Rec::default());
    let instance = linker
        .instantiate_async(&mut s.store, &component("wide"))
        .await
        .unwrap();
    let typed = Typed::new(&mut s.store, &instance).unwrap();
    (s, typed, instance)
}

/// Calls api-dyn's `name` with dynamic values.
async fn call_dyn(s: &mut Session<Rec>, instance: &Instance, name: &str, params: &[Val]) -> Val {
    let iface = instance
        .get_export_index(&mut s.store, None, "e2e:wide/api-dyn")
        .unwrap();
    let idx = instance
        .get_export_index(&mut s.store, Some(&iface), name)
        .unwrap();
    let func = instance.get_func(&mut s.store, idx).unwrap();
    let mut results = [Val::Bool(false)];
    func.call_async(&mut s.store, params, &mut results)
        .await
        .unwrap();
    let [r] = results;
    r
}

#[tokio::test]
async fn host_calls_go_with_many_params() {
    let (mut s, g, _) = start().await;
    let api = g.e2e_wide_api();
    let st = &mut s.store;
    let a: Vec<u32> = (1..=17).map(|i| u32::MAX - i * 977).collect();
    let got = api
        .call_sum16(
            &mut *st, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11],
            a[12], a[13], a[14], a[15],
        )
        .await
        .unwrap();
    assert_eq!(got, weighted(&a[..16]));
    let got = api
        .call_sum17(
            &mut *st, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11],
            a[12], a[13], a[14], a[15], a[16],
        )
        .await
        .unwrap();
    assert_eq!(got, weighted(&a));
    let x: [u64; 14] = std::array::from_fn(|i| u64::MAX - (i as u64) * 0x0101_0101_0101);
    let got = api
        .call_sum_wide(
            &mut *st,
            x[0],
            x[1],
            x[2],
            x[3],
            x[4],
            x[5],
            x[6],
            x[7],
            x[8],
            x[9],
            x[10],
            x[11],
            x[12],
            x[13],
            u32::MAX,
            7,
        )
        .await
        .unwrap();
    assert_eq!(got, weighted_wide(&x, u32::MAX, 7));
    let t = ["a", "", "世", "🌍", "e", "f", "g", "h", "i"];
    assert_eq!(
        api.call_join8(&mut *st, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7])
            .await
            .unwrap(),
        "a||世|🌍|e|f|g|h"
    );
    assert_eq!(
        api.call_join9(
            &mut *st, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8]
        )
        .await
        .unwrap(),
        "a||世|🌍|e|f|g|h|i"
    );
    for k in 0..SAMPLES {
        let b = sample(k);
        let got = api
            .call_pack(
                &mut *st,
                k,
                b.f1,
                b.f2,
                b.f3,
                b.f4,
                b.f5,
                b.f6,
                b.f7,
                b.f8,
                b.f9,
                b.f10,
                b.f11,
                b.f12,
                &b.f13,
                &b.f14,
                b.f15.as_deref(),
                b.f16.as_ref().copied().map_err(String::as_str),
            )
            .await
            .unwrap();
        // Go answers with sample 1 naming the mismatch in f13 if the
        // arguments were not sample k's.
        assert!(same(&got, &b), "pack({k}): Go returned {got:?}");
    }
}

#[tokio::test]
async fn host_gets_big_results_from_go() {
    let (mut s, g, _) = start().await;
    let api = g.e2e_wide_api();
    for k in 0..SAMPLES {
        let got = api.call_make_big(&mut s.store, k).await.unwrap();
        assert!(same(&got, &sample(k)), "make-big({k}): {got:?}");
        let got = api.call_unpack(&mut s.store, &sample(k)).await.unwrap();
        let (got, want) = (big16(got), big16(sixteen(sample(k))));
        assert!(same(&got, &want), "unpack({k}): {got:?}");
    }
}

#[tokio::test]
async fn host_calls_go_beyond_the_typed_api() {
    let (mut s, _, instance) = start().await;
    for k in 0..SAMPLES {
        let b = sample(k);
        let mut params = vec![Val::U32(k)];
        params.extend(fields(&b));
        assert_eq!(params.len(), 21);
        let got = call_dyn(&mut s, &instance, "pack-all", &params).await;
        assert!(same(&got, &record(&b)), "pack-all({k}): {got:?}");
        // A 20-tuple result, which Go returns as 20 values.
        let got = call_dyn(&mut s, &instance, "unpack-all", &[record(&b)]).await;
        assert!(
            same(&got, &Val::Tuple(fields(&b))),
            "unpack-all({k}): {got:?}"
        );
    }
}

#[tokio::test]
async fn go_calls_host_with_many_params_and_big_results() {
    let (mut s, g, _) = start().await;
    let fails = g.e2e_wide_api().call_call_host(&mut s.store).await.unwrap();
    assert_no_failures("results Go got from the host", &fails);
    let rec = s.rec();
    assert!(rec.mismatches.is_empty(), "{}", rec.mismatches.join("\n"));
    let mut want: Vec<String> = ["sum16", "sum17", "sum-wide", "join8", "join9"]
        .map(String::from)
        .to_vec();
    for k in 0..SAMPLES {
        want.extend([
            format!("pack({k})"),
            format!("pack-all({k})"),
            format!("make-big({k})"),
            "unpack".into(),
            "unpack-all".into(),
        ]);
    }
    assert_eq!(rec.calls, want);
}
