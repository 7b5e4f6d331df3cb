//! Shared by witgo's end-to-end runtime tests (`tests/*.rs`).
//!
//! Each test builds a Go guest from `guests/<case>/` (`world.wit`, or a
//! `wit/` directory, with a world named `<case>`, and `main.go`) with [`witgo_build::build`] — once per test
//! process and guest, different guests in parallel — into
//! `target/e2e/<case>.wasm`, loads it through witgo-host's compiled-component
//! cache, and drives it from Rust through typed `wasmtime::component::bindgen!`
//! bindings, with the guest's imports implemented in Rust so the test sees
//! exactly what Go sent.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use wasmtime::component::{Component, Linker};
use wasmtime::{ResourceLimiter, Store};
use wasmtime_wasi::WasiCtx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use witgo_host::HostCtx;

pub use witgo_host;

pub mod diff;

/// `target/e2e`: built guests and the compiled-component cache.
pub fn out_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("e2e")
}

/// Builds guest `case` once per process and returns the component's path.
pub fn guest(case: &str) -> PathBuf {
    static BUILT: OnceLock<Mutex<HashMap<String, Arc<OnceLock<PathBuf>>>>> = OnceLock::new();
    // One OnceLock per guest, taken out of the map before building: other
    // guests build in parallel, callers of the same guest wait for it.
    let once = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(case.to_string())
        .or_default()
        .clone();
    once.get_or_init(|| build(case)).clone()
}

fn build(case: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("guests")
        .join(case);
    let out = out_dir().join(format!("{case}.wasm"));
    std::fs::create_dir_all(out_dir()).unwrap();
    // A guest importing another guest's interfaces keeps its WIT in wit/,
    // with the other's world.wit linked into wit/deps/.
    let wit = if dir.join("wit").is_dir() {
        dir.join("wit")
    } else {
        dir.join("world.wit")
    };
    let req = witgo_build::BuildRequest {
        wit,
        worlds: vec![case.to_string()],
        package_dir: dir.clone(),
        output: Some(out.clone()),
        strip: true,
        ..Default::default()
    };
    witgo_build::build(&req).unwrap_or_else(|e| panic!("building guest {case}: {e:#}"));
    out
}

/// The engine every test uses: what a default-configured Wasmtime CLI
/// enables, plus the optional features that WIT types themselves need
/// (error-context, maps, fixed-length lists), which some guests' worlds use.
/// Never the optional async built-ins: witgo must not need them.
pub fn engine() -> wasmtime::Engine {
    let features = witgo_host::Features {
        error_context: true,
        map: true,
        fixed_length_lists: true,
        ..Default::default()
    };
    witgo_host::engine_with(features).unwrap()
}

/// The compiled component of guest `case` (built first if needed).
pub fn component(case: &str) -> Component {
    let engine = engine();
    let path = guest(case);
    witgo_host::load_component(&engine, &path, Some(&out_dir().join("cache")))
        .unwrap_or_else(|e| panic!("loading guest {case}: {e:#}"))
}

/// Guest `root` composed with guests `with` (whose exports satisfy root's
/// imports of the same names) into one component, so calls between them
/// are guest to guest. Composed once per process.
pub fn composed(root: &str, with: &[&str]) -> Component {
    static BUILT: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let name = std::iter::once(root)
        .chain(with.iter().copied())
        .collect::<Vec<_>>()
        .join("+");
    let path = {
        let mut built = BUILT
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        built
            .entry(name.clone())
            .or_insert_with(|| {
                let config = wasm_compose::config::Config {
                    definitions: with.iter().map(|g| guest(g)).collect(),
                    ..Default::default()
                };
                let root_path = guest(root);
                let bytes = wasm_compose::composer::ComponentComposer::new(&root_path, &config)
                    .compose()
                    .unwrap_or_else(|e| panic!("composing {name}: {e:#}"));
                let out = out_dir().join(format!("{name}.wasm"));
                std::fs::write(&out, bytes).unwrap();
                out
            })
            .clone()
    };
    let engine = engine();
    witgo_host::load_component(&engine, &path, Some(&out_dir().join("cache")))
        .unwrap_or_else(|e| panic!("loading {name}: {e:#}"))
}

/// A linker with WASI; tests add their own imports.
pub fn linker<T: Send + 'static>() -> Linker<HostCtx<E2e<T>>> {
    witgo_host::wasi_linker(&engine()).unwrap()
}

/// The store data of every test: the test's own recorder `rec` plus the
/// linear-memory watch.
pub struct E2e<T> {
    pub rec: T,
    pub mem: MemWatch,
}

/// A `ResourceLimiter` that allows everything and remembers how big the
/// guest's linear memories got. Go's memory never shrinks, so the largest
/// size seen is the current size of the Go heap's memory.
#[derive(Default, Debug)]
pub struct MemWatch {
    /// Largest memory size (bytes) any memory of the instance grew to.
    pub peak: usize,
    /// How many times a memory grew.
    pub grows: usize,
}

impl ResourceLimiter for MemWatch {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.peak = self.peak.max(desired);
        self.grows += 1;
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

/// A store whose guest stdout and stderr go to in-memory pipes.
pub struct Session<T: 'static> {
    pub store: Store<HostCtx<E2e<T>>>,
    pub stdout: MemoryOutputPipe,
    pub stderr: MemoryOutputPipe,
}

impl<T: Send + 'static> Session<T> {
    pub fn new(rec: T) -> Self {
        let stdout = MemoryOutputPipe::new(1 << 20);
        let stderr = MemoryOutputPipe::new(1 << 20);
        let mut b = WasiCtx::builder();
        b.arg("guest").stdout(stdout.clone()).stderr(stderr.clone());
        let ctx = HostCtx::from_wasi(
            b.build(),
            E2e {
                rec,
                mem: MemWatch::default(),
            },
        );
        let mut store = Store::new(&engine(), ctx);
        store.limiter(|ctx| &mut ctx.data.mem);
        Session {
            store,
            stdout,
            stderr,
        }
    }

    pub fn rec(&self) -> &T {
        &self.store.data().data.rec
    }

    pub fn rec_mut(&mut self) -> &mut T {
        &mut self.store.data_mut().data.rec
    }

    /// What the guest wrote to stderr so far.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.contents()).into_owned()
    }

    /// Host resources still in the table.
    pub fn live_resources(&mut self) -> usize {
        self.store.data_mut().live_resources()
    }
}

impl<T: 'static> Drop for Session<T> {
    /// A failing test shows what the guest printed (a Go panic, say).
    fn drop(&mut self) {
        if std::thread::panicking() {
            let err = self.stderr.contents();
            if !err.is_empty() {
                eprintln!("--- guest stderr ---\n{}", String::from_utf8_lossy(&err));
            }
        }
    }
}

/// Calls `probe` every 5 ms until it returns `want` or 5 s have passed, and
/// returns what it returned last: for state that settles in the background
/// (goroutines finishing, cancellations the host has yet to confirm).
pub async fn settle<T: PartialEq>(want: T, mut probe: impl AsyncFnMut() -> T) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let got = probe().await;
        if got == want || std::time::Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// Compares floats by meaning: NaN matches any NaN (the Canonical ABI lets the
/// host canonicalise NaN payloads), anything else must match bit for bit (so
/// -0.0 is not 0.0).
pub fn same_f64(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// [`same_f64`] for f32.
pub fn same_f32(a: f32, b: f32) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// Asserts that Go reported no failed checks (Go-side checks return the list
/// of what went wrong).
#[track_caller]
pub fn assert_no_failures(what: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{what}: Go saw {} wrong value(s):\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}
