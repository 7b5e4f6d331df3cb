//! Differential Canonical ABI tests: random WIT types (witgo_e2e::diff), a Go
//! guest that echoes each one as an export and through a host import, and a
//! host that sends random values through Wasmtime's dynamic `Val` API and
//! requires them back unchanged (bit for bit, except that a NaN may come back
//! as another NaN). The host's import records what Go sent it, so each
//! direction is checked on its own.
//!
//! Seeds 0..3 run in the normal tests (16 functions each, 12 values per
//! function and direction); `WITGO_DIFF_SEEDS=N` runs N seeds and
//! `WITGO_DIFF_FIRST=K` starts at seed K. Prints `N passed, N failed`.

use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use wasmtime::component::{Func, Instance, Val};
use witgo_e2e::diff::types::{Def, Rng, Ty};
use witgo_e2e::diff::values::{same, show, value};
use witgo_e2e::diff::{Case, Func as EchoFunc, PACKAGE};
use witgo_e2e::{Session, linker, out_dir};

const FUNCS: usize = 16;
const VALUES: usize = 12;

/// What the host's `echo<i>` imports received last.
type Received = Arc<Mutex<Vec<Val>>>;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What echo returns for `params`, given whether it returns anything.
fn echo_result(f: &EchoFunc, params: &[Val]) -> Vec<Val> {
    if f.returns {
        vec![echo_back(params)]
    } else {
        Vec::new()
    }
}

fn echo_back(params: &[Val]) -> Val {
    match params {
        [one] => one.clone(),
        many => Val::Tuple(many.to_vec()),
    }
}

/// A guest of `case`, instantiated with the host's echo imports.
struct Guest {
    session: Session<()>,
    instance: Instance,
    received: Received,
}

impl Guest {
    async fn new(case: &Case, path: &std::path::Path) -> Result<Guest> {
        let engine = witgo_e2e::engine();
        let component =
            witgo_e2e::witgo_host::load_component(&engine, path, Some(&out_dir().join("cache")))?;
        let received: Received = Arc::default();
        let mut linker = linker::<()>();
        let mut host = linker.instance(&format!("{PACKAGE}/host"))?;
        for (i, f) in case.funcs.iter().enumerate() {
            let rec = received.clone();
            let name = format!("echo{i}");
            let f = f.clone();
            if f.is_async {
                // Every other call returns only after a yield, so Go sees
                // the subtask both finish at once and block first.
                let calls = Arc::new(Mutex::new(0u64));
                host.func_new_concurrent(&name, move |_, _, params, results| {
                    let rec = rec.clone();
                    let calls = calls.clone();
                    let back = echo_result(&f, params);
                    Box::pin(async move {
                        let n = {
                            let mut c = calls.lock().unwrap();
                            *c += 1;
                            *c
                        };
                        if n % 2 == 0 {
                            tokio::task::yield_now().await;
                        }
                        *rec.lock().unwrap() = params.to_vec();
                        results.clone_from_slice(&back);
                        Ok(())
                    })
                })?;
            } else {
                host.func_new(&name, move |_, _, params, results| {
                    *rec.lock().unwrap() = params.to_vec();
                    results.clone_from_slice(&echo_result(&f, params));
                    Ok(())
                })?;
            }
        }
        let mut session = Session::new(());
        let instance = linker
            .instantiate_async(&mut session.store, &component)
            .await?;
        Ok(Guest {
            session,
            instance,
            received,
        })
    }

    fn func(&mut self, name: &str) -> Result<Func> {
        let store = &mut self.session.store;
        let api = self
            .instance
            .get_export_index(&mut *store, None, &format!("{PACKAGE}/api"))
            .context("no api export")?;
        let idx = self
            .instance
            .get_export_index(&mut *store, Some(&api), name)
            .with_context(|| format!("no export {name}"))?;
        self.instance
            .get_func(&mut *store, idx)
            .with_context(|| format!("{name} is not a function"))
    }

    async fn call(&mut self, name: &str, params: &[Val]) -> Result<Val> {
        let f = self.func(name)?;
        let mut results = vec![Val::Bool(false); f.ty(&self.session.store).results().len()];
        f.call_async(&mut self.session.store, params, &mut results)
            .await?;
        // A function without a result: an empty tuple stands for nothing.
        Ok(results.pop().unwrap_or(Val::Tuple(Vec::new())))
    }
}

/// Counts of one seed's calls.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: Vec<String>,
}

fn guest_dir(name: &str) -> std::path::PathBuf {
    out_dir().join("diff").join(name)
}

/// Runs seed `seed`: every function, `VALUES` values each, as `echo` (host →
/// Go → host) and as `round` (host → Go → host import → Go → host).
async fn run_seed(seed: u64, tally: &mut Tally) -> Result<()> {
    run_case(&Case::generate(seed, FUNCS), &format!("seed-{seed}"), tally).await
}

async fn run_case(case: &Case, name: &str, tally: &mut Tally) -> Result<()> {
    let seed = case.seed;
    let dir = guest_dir(name);
    let path = case
        .build(&dir)
        .with_context(|| format!("building the guest (WIT in {})", dir.display()))?;
    let mut guest = Guest::new(case, &path).await?;
    let mut rng = Rng::new(seed ^ 0x5eed);
    for (i, f) in case.funcs.iter().enumerate() {
        for k in 0..VALUES {
            let mut budget = if k == 0 { 4000 } else { 400 };
            let params: Vec<Val> = f
                .params
                .iter()
                .map(|t| value(t, &case.defs, &mut rng, &mut budget))
                .collect();
            let want = echo_back(&params);
            let want_back = if f.returns {
                want.clone()
            } else {
                Val::Tuple(Vec::new())
            };
            let what = |dir: &str| {
                format!(
                    "seed {seed} {dir}{i}: {}\n    sent {}",
                    case.signature(i),
                    show(&want, 600)
                )
            };
            for dir in ["echo", "round"] {
                guest.received.lock().unwrap().clear();
                let got = match guest.call(&format!("{dir}{i}"), &params).await {
                    Ok(v) => v,
                    Err(e) => {
                        // A trap ends the instance: report it and stop the seed.
                        tally.failed.push(format!(
                            "{}\n    trapped: {e:#}\n{}",
                            what(dir),
                            guest.session.stderr_text()
                        ));
                        return Ok(());
                    }
                };
                let mut ok = same(&want_back, &got);
                if !ok {
                    tally
                        .failed
                        .push(format!("{}\n    got  {}", what(dir), show(&got, 600)));
                }
                if dir == "round" {
                    let seen = echo_back(&guest.received.lock().unwrap());
                    if !same(&want, &seen) {
                        ok = false;
                        tally.failed.push(format!(
                            "{}\n    host import got {}",
                            what(dir),
                            show(&seen, 600)
                        ));
                    }
                }
                if ok {
                    tally.passed += 1;
                }
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn random_types_echo_unchanged_both_ways() {
    let first = env_u64("WITGO_DIFF_FIRST", 0);
    let seeds = env_u64("WITGO_DIFF_SEEDS", 3);
    let mut tally = Tally::default();
    for seed in first..first + seeds {
        if let Err(e) = run_seed(seed, &mut tally).await {
            tally.failed.push(format!("seed {seed}: {e:#}"));
        }
    }
    println!(
        "differential: seeds {first}..{}: {} passed, {} failed",
        first + seeds,
        tally.passed,
        tally.failed.len()
    );
    assert!(
        tally.failed.is_empty(),
        "{} failure(s):\n{}",
        tally.failed.len(),
        tally.failed.join("\n")
    );
    assert!(
        tally.passed >= seeds * FUNCS as u64 * VALUES as u64 * 2,
        "too few calls checked: {}",
        tally.passed
    );
}

/// Found by this test: a flat variant, option or result slot that joins a
/// pointer with an integer (`c1(u32)` and `c2(string)` share one) lost
/// integers below 4096 when Go lowered it, because the slot was a Go
/// pointer and `abi.Ptr` maps small addresses to nil. Small numbers are
/// common among random values, so 16 of each shape.
#[tokio::test(flavor = "multi_thread")]
async fn joined_pointer_slots_keep_small_integers() {
    let var = Ty::Named(0);
    let shapes = [
        Ty::Result(None, Some(Box::new(var.clone()))),
        Ty::Result(Some(Box::new(Ty::Char)), Some(Box::new(Ty::String))),
        Ty::Option(Box::new(var.clone())),
        Ty::Tuple(vec![var.clone(), Ty::U8]),
    ];
    let funcs = shapes
        .iter()
        .flat_map(|t| {
            [false, true].map(|is_async| EchoFunc {
                params: vec![t.clone()],
                is_async,
                returns: true,
            })
        })
        .collect();
    let case = Case {
        seed: 0,
        defs: vec![Def::Variant(vec![None, Some(Ty::U32), Some(Ty::String)])],
        funcs,
    };
    let mut tally = Tally::default();
    run_case(&case, "joined-slots", &mut tally).await.unwrap();
    assert!(tally.failed.is_empty(), "{}", tally.failed.join("\n"));
    assert_eq!(tally.passed, 8 * VALUES as u64 * 2);
}

/// The widest flat signatures: Go's `//go:wasmexport` takes at most 128
/// bytes of arguments and result, and 16 flat 64-bit parameters (the
/// Canonical ABI's most) with a result take 136; witgo splits such an
/// export and joins it again in the core module. Around that edge: 16
/// 64-bit values with and without a result, 15 and a 32-bit one, 17 (which
/// go through memory), each sync and async.
#[tokio::test(flavor = "multi_thread")]
async fn the_widest_flat_signatures_pass_unchanged() {
    let wide = |n: usize, ty: Ty| (0..n).map(|_| ty.clone()).collect::<Vec<_>>();
    let mut mixed = wide(15, Ty::F64);
    mixed.push(Ty::U32);
    let shapes: [(Vec<Ty>, bool); 6] = [
        (wide(16, Ty::U64), true),
        (wide(16, Ty::U64), false),
        (wide(16, Ty::F64), true),
        (mixed, true),
        (wide(17, Ty::S64), true),
        (wide(17, Ty::S64), false),
    ];
    let funcs: Vec<EchoFunc> = shapes
        .iter()
        .flat_map(|(params, returns)| {
            [false, true].map(|is_async| EchoFunc {
                params: params.clone(),
                is_async,
                returns: *returns,
            })
        })
        .collect();
    let n = funcs.len() as u64;
    let case = Case {
        seed: 1,
        defs: Vec::new(),
        funcs,
    };
    let mut tally = Tally::default();
    run_case(&case, "widest", &mut tally).await.unwrap();
    assert!(tally.failed.is_empty(), "{}", tally.failed.join("\n"));
    assert_eq!(tally.passed, n * VALUES as u64 * 2);
}

/// Go can make any rune and any byte string; the host must refuse the ones
/// that are not a `char` or UTF-8 (a trap), and take the rest unchanged.
#[tokio::test(flavor = "multi_thread")]
async fn host_rejects_invalid_chars_and_strings_from_go() {
    let case = Case::generate(0, 0);
    let path = case.build(&guest_dir("validity")).unwrap();
    for c in [0u32, 0x7f, 0xd7ff, 0xe000, 0xffff, 0x1_0000, 0x10_ffff] {
        let mut g = Guest::new(&case, &path).await.unwrap();
        let got = g.call("char-of", &[Val::U32(c)]).await.unwrap();
        assert_eq!(got, Val::Char(char::from_u32(c).unwrap()));
    }
    for c in [0xd800u32, 0xdfff, 0x11_0000, u32::MAX] {
        let mut g = Guest::new(&case, &path).await.unwrap();
        let err = g
            .call("char-of", &[Val::U32(c)])
            .await
            .expect_err("an invalid char must trap");
        assert!(
            format!("{err:#}").contains("char"),
            "char {c:#x}: unexpected error {err:#}"
        );
    }
    for s in ["", "a", "é世🌍", "\0\u{10ffff}"] {
        let mut g = Guest::new(&case, &path).await.unwrap();
        let bytes = s.bytes().map(Val::U8).collect();
        assert_eq!(
            g.call("string-of", &[Val::List(bytes)]).await.unwrap(),
            Val::String(s.into())
        );
    }
    // A stray continuation byte, an overlong NUL, an encoded surrogate, a
    // truncated sequence, a code point past U+10FFFF.
    let bad: [&[u8]; 5] = [
        &[0x80],
        &[0xc0, 0x80],
        &[0xed, 0xa0, 0x80],
        &[b'a', 0xe4, 0xb8],
        &[0xf4, 0x90, 0x80, 0x80],
    ];
    for b in bad {
        let mut g = Guest::new(&case, &path).await.unwrap();
        let bytes = b.iter().copied().map(Val::U8).collect();
        match g.call("string-of", &[Val::List(bytes)]).await {
            Ok(v) => panic!("bytes {b:x?} came back as {v:?}: invalid UTF-8 must trap"),
            Err(e) => assert!(
                format!("{e:#}").to_lowercase().contains("utf"),
                "bytes {b:x?}: unexpected error {e:#}"
            ),
        }
    }
}
