//! The Wasmtime engines and the configuration every witgo component needs.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use anyhow::{Result, anyhow, bail};
use wasmtime::{Config, Engine};

/// The Wasmtime version this crate embeds; part of the compiled-component cache key.
pub const WASMTIME_VERSION: &str = "48.0.8";

/// Optional component-model features, off unless asked for.
///
/// By default witgo's host enables what a default-configured Wasmtime CLI
/// (version 49) enables: the component model with `component-model-async`
/// (async lift/lower, `stream`, `future`, waitable sets, the synchronous
/// cancel built-ins) and nothing more. So a component that runs on witgo
/// runs on a standard host too, and a component that needs more says so at
/// compile time. Each field is the Wasmtime CLI's `-W` option of the same
/// name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Features {
    /// `component-model-error-context`: `error-context` values (📝).
    pub error_context: bool,
    /// `component-model-map`: `map<K, V>`.
    pub map: bool,
    /// `component-model-fixed-length-lists`: `list<T, N>` (🔧).
    pub fixed_length_lists: bool,
    /// `component-model-more-async-builtins`: async `subtask.cancel`,
    /// `stream.cancel-read` and the like (🚝).
    pub more_async_builtins: bool,
    /// `component-model-async-stackful`: stackful async lifts (🚟).
    pub async_stackful: bool,
}

/// The `-W` names of [`Features`], with their fields.
const FEATURE_NAMES: [(&str, fn(&mut Features) -> &mut bool); 5] = [
    ("component-model-error-context", |f| &mut f.error_context),
    ("component-model-map", |f| &mut f.map),
    ("component-model-fixed-length-lists", |f| {
        &mut f.fixed_length_lists
    }),
    ("component-model-more-async-builtins", |f| {
        &mut f.more_async_builtins
    }),
    ("component-model-async-stackful", |f| &mut f.async_stackful),
];

/// Features a witgo host always has on; `-W name=n` cannot turn them off.
const ALWAYS_ON: [&str; 3] = [
    "component-model",
    "component-model-async",
    "concurrency-support",
];

impl Features {
    /// Every optional feature on.
    pub fn all() -> Features {
        Features {
            error_context: true,
            map: true,
            fixed_length_lists: true,
            more_async_builtins: true,
            async_stackful: true,
        }
    }

    /// Applies one `-W` option as the Wasmtime CLI spells it: `NAME`,
    /// `NAME=y` or `NAME=n`. Several may be given separated by commas.
    pub fn apply(&mut self, option: &str) -> Result<()> {
        for item in option.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, on) = match item.split_once('=') {
                Some((name, "y" | "yes" | "true")) => (name, true),
                Some((name, "n" | "no" | "false")) => (name, false),
                Some((name, value)) => bail!("-W {name}={value}: expected `y` or `n`"),
                None => (item, true),
            };
            if ALWAYS_ON.contains(&name) {
                if !on {
                    bail!("-W {name}=n: witgo components need {name}; it cannot be turned off");
                }
                continue;
            }
            let Some((_, field)) = FEATURE_NAMES.iter().find(|(n, _)| *n == name) else {
                let known: Vec<&str> = FEATURE_NAMES.iter().map(|(n, _)| *n).collect();
                bail!(
                    "-W {name}: unknown feature; witgo knows {}",
                    known.join(", ")
                );
            };
            *field(self) = on;
        }
        Ok(())
    }

    /// The `-W` names of the features that are on.
    pub fn names(&self) -> Vec<&'static str> {
        let mut f = *self;
        FEATURE_NAMES
            .iter()
            .filter(|(_, field)| *field(&mut f))
            .map(|(n, _)| *n)
            .collect()
    }
}

impl fmt::Display for Features {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.names();
        if names.is_empty() {
            f.write_str("the default features")
        } else {
            f.write_str(&names.join(","))
        }
    }
}

/// Returns the shared engine with the default features, creating it on first use.
pub fn engine() -> Result<Engine> {
    engine_with(Features::default())
}

/// Returns the shared engine with `features`, creating it on first use.
///
/// One engine per feature set and process lets every store share compiled
/// code, and the compiled-component cache key stays the same for all
/// callers. `Engine` is a cheap handle (an `Arc`), so cloning it is fine.
pub fn engine_with(features: Features) -> Result<Engine> {
    static ENGINES: OnceLock<Mutex<HashMap<Features, Engine>>> = OnceLock::new();
    let mut engines = ENGINES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(engine) = engines.get(&features) {
        return Ok(engine.clone());
    }
    let engine = Engine::new(&config_with(features))
        .map_err(|e| anyhow!("cannot create the Wasmtime engine: {e:?}"))?;
    engines.insert(features, engine.clone());
    Ok(engine)
}

/// The engine configuration with the default features.
pub fn config() -> Config {
    config_with(Features::default())
}

/// The engine configuration: the component model with the WASIp3 async ABI,
/// plus the optional `features`.
///
/// Wasmtime 48 has no `async_support` switch any more (it is a deprecated no-op):
/// any store can make async calls, and `Config::concurrency_support` (default on)
/// is what `run_concurrent` and async-lifted exports need.
pub fn config_with(features: Features) -> Config {
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .wasm_component_model_async(true)
        .wasm_component_model_more_async_builtins(features.more_async_builtins)
        .wasm_component_model_async_stackful(features.async_stackful)
        .wasm_component_model_error_context(features.error_context)
        .wasm_component_model_map(features.map)
        .wasm_component_model_fixed_length_lists(features.fixed_length_lists)
        .concurrency_support(true);
    // `WITGO_PROFILE=perfmap` writes /tmp/perf-<pid>.map, naming the
    // compiled guest functions for perf (and for callgrind's addresses).
    if std::env::var_os("WITGO_PROFILE").is_some_and(|v| v == "perfmap") {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    config
}

/// Adds to a compile error the `-W` option that would accept the component,
/// when the error is a missing optional feature.
pub(crate) fn explain_missing_feature(err: anyhow::Error) -> anyhow::Error {
    let text = format!("{err:#}");
    let hints = [
        ("error-context feature", "component-model-error-context"),
        ("map feature", "component-model-map"),
        (
            "fixed-length lists feature",
            "component-model-fixed-length-lists",
        ),
        (
            "more async builtins feature",
            "component-model-more-async-builtins",
        ),
        ("async stackful feature", "component-model-async-stackful"),
    ];
    match hints.iter().find(|(needle, _)| text.contains(needle)) {
        Some((_, name)) => err.context(format!(
            "the component needs the optional `{name}` feature, which standard hosts leave off: \
             run it with `-W {name}` (witgo run and wasmtime run spell it the same)"
        )),
        None => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w_options_as_wasmtime_spells_them() {
        let mut f = Features::default();
        f.apply("component-model-map").unwrap();
        f.apply("component-model-error-context=y,component-model-async=y")
            .unwrap();
        assert_eq!(
            f,
            Features {
                map: true,
                error_context: true,
                ..Default::default()
            }
        );
        f.apply("component-model-map=n").unwrap();
        assert!(!f.map);
        assert_eq!(f.to_string(), "component-model-error-context");
        assert_eq!(Features::default().to_string(), "the default features");
        let err = f.apply("component-model-async=n").unwrap_err().to_string();
        assert!(err.contains("cannot be turned off"), "{err}");
        let err = f.apply("simd").unwrap_err().to_string();
        assert!(
            err.contains("unknown feature") && err.contains("component-model-map"),
            "{err}"
        );
        let err = f
            .apply("component-model-map=maybe")
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected `y` or `n`"), "{err}");
        assert_eq!(Features::all().names().len(), 5);
    }
}
