//! The process-wide Wasmtime engine and the configuration every witgo component needs.

use std::sync::OnceLock;

use anyhow::{Result, anyhow};
use wasmtime::{Config, Engine};

/// The Wasmtime version this crate embeds; part of the compiled-component cache key.
pub const WASMTIME_VERSION: &str = "48.0.8";

/// Returns the shared engine, creating it on first use.
///
/// One engine per process lets every store share compiled code and the
/// compiled-component cache key stays the same for all callers. `Engine` is a
/// cheap handle (an `Arc`), so cloning it is fine.
pub fn engine() -> Result<Engine> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| Engine::new(&config()).map_err(|e| format!("{e:?}")))
        .clone()
        .map_err(|e| anyhow!("cannot create the Wasmtime engine: {e}"))
}

/// The engine configuration: the component model with the WASIp3 async ABI.
///
/// - `wasm_component_model_async`: async lift/lower, `stream`, `future`, waitable sets.
/// - `wasm_component_model_more_async_builtins` and `..._async_stackful`: the
///   rest of the async builtins, so a guest using any of them still validates.
/// - `wasm_component_model_error_context`: `error-context` values and builtins,
///   which p3 guests use for stream/future errors.
/// - `wasm_component_model_map` and `..._fixed_length_lists`: `map<K, V>` and
///   `list<T, N>`, which witgo maps to Go maps and arrays.
///
/// Wasmtime 48 has no `async_support` switch any more (it is a deprecated no-op):
/// any store can make async calls, and `Config::concurrency_support` (default on)
/// is what `run_concurrent` and async-lifted exports need.
pub fn config() -> Config {
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .wasm_component_model_async(true)
        .wasm_component_model_more_async_builtins(true)
        .wasm_component_model_async_stackful(true)
        .wasm_component_model_error_context(true)
        .wasm_component_model_map(true)
        .wasm_component_model_fixed_length_lists(true)
        .concurrency_support(true);
    // `WITGO_PROFILE=perfmap` writes /tmp/perf-<pid>.map, naming the
    // compiled guest functions for perf (and for callgrind's addresses).
    if std::env::var_os("WITGO_PROFILE").is_some_and(|v| v == "perfmap") {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    config
}
