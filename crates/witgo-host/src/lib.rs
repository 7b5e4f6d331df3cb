//! witgo's Wasmtime embedding: runs WebAssembly components with WASI 0.2 and
//! 0.3 (plus wasi:http), from the command line (`run`, `invoke`) or from Rust
//! tests that link their own host imports next to WASI.
//!
//! - [`engine`]: the shared engine, with the features a default Wasmtime CLI
//!   enables ([`engine_with`] adds optional [`Features`]).
//! - [`load_component`]: compile a component, through an on-disk cache.
//! - [`HostCtx`], [`add_wasi_to_linker`]: the store state and linker setup.
//! - [`run`] / [`run_component`]: call `wasi:cli/run` and get an exit code.
//! - [`invoke`] / [`invoke_component`]: call any export from WAVE text.
//! - [`serve`] / [`HttpServer`]: serve a `wasi:http` handler component.
//!
//! This crate knows nothing of Go: any component works.

mod cache;
mod ctx;
mod engine;
mod error;
mod exports;
mod invoke;
mod linker;
mod network;
mod options;
mod outbound;
mod run;
mod runtime;
mod serve;
mod stderr_tail;

pub use cache::{cache_key, default_cache_dir, load_component};
pub use ctx::{HostCtx, wasi_builder};
pub use engine::{Features, WASMTIME_VERSION, config, config_with, engine, engine_with};
pub use exports::{ExportedFunc, exported_functions, func_type_text, resolve_function, type_text};
pub use invoke::{Call, invoke, invoke_async, invoke_component, parse_call};
pub use linker::{add_wasi_to_linker, define_world_imports_as_traps, wasi_linker};
pub use network::{AddrPattern, NetworkGrants};
pub use options::RunOptions;
pub use run::{find_cli_run, run, run_async, run_component};
pub use serve::{HttpServer, ServeOptions, serve};
pub use stderr_tail::{StderrTail, TeeStderr, go_panic_from_stderr};

/// Puts the Go panic from the guest's stderr, if there is one, in front of a
/// failed call's error: the trap itself only says `unreachable`.
pub fn with_go_panic<R>(result: anyhow::Result<R>, stderr_tail: &str) -> anyhow::Result<R> {
    result.map_err(|err| match go_panic_from_stderr(stderr_tail) {
        // The trace itself went to stderr already; the first line says what.
        Some(panic) => err.context(format!(
            "the Go code panicked: {}",
            panic
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("panic: ")
        )),
        None => err,
    })
}

/// Re-exported so embedders use the exact versions this crate links.
pub use wasmtime;
pub use wasmtime_wasi;
pub use wasmtime_wasi_http;
