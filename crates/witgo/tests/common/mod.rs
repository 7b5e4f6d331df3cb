//! Shared by the end-to-end tests: build a Go guest from tests/guests/<name>
//! with witgo (once per test process) and load it on witgo's host.

#![allow(dead_code)]

pub mod http;
pub mod postgres;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use wasmtime::component::Component;

static BUILT: OnceLock<Mutex<std::collections::HashMap<String, PathBuf>>> = OnceLock::new();

/// Builds guest `name` (world.wit with a world of the same name, and main.go)
/// and returns the component path.
pub fn guest(name: &str) -> PathBuf {
    build_guest(name, false)
}

/// [`guest`] built with `--preinit` (Go's start-up and inits at build time).
pub fn preinit_guest(name: &str) -> PathBuf {
    build_guest(name, true)
}

fn build_guest(name: &str, preinit: bool) -> PathBuf {
    let map = BUILT.get_or_init(Default::default);
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    let stem = match preinit {
        true => format!("e2e-{name}-preinit"),
        false => format!("e2e-{name}"),
    };
    if let Some(p) = map.get(&stem) {
        return p.clone();
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/guests")
        .join(name);
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{stem}.wasm"));
    let req = witgo_build::BuildRequest {
        wit: dir.join("world.wit"),
        worlds: vec![name.to_string()],
        package_dir: dir.clone(),
        output: Some(out.clone()),
        strip: true,
        preinit: match preinit {
            true => witgo_build::Preinit::Required,
            false => witgo_build::Preinit::Auto,
        },
        ..Default::default()
    };
    witgo_build::build(&req).unwrap_or_else(|e| panic!("building guest {name}: {e:#}"));
    map.insert(stem, out.clone());
    out
}

/// Builds `examples/<name>` (its wit/ directory, its main package) once per
/// test process and returns the component path.
pub fn example(name: &str) -> PathBuf {
    static BUILT: OnceLock<Mutex<std::collections::HashMap<String, PathBuf>>> = OnceLock::new();
    let mut map = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(p) = map.get(name) {
        return p.clone();
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("example-{name}.wasm"));
    let req = witgo_build::BuildRequest {
        wit: dir.join("wit"),
        package_dir: dir.clone(),
        output: Some(out.clone()),
        ..Default::default()
    };
    witgo_build::build(&req).unwrap_or_else(|e| panic!("building examples/{name}: {e:#}"));
    map.insert(name.to_string(), out.clone());
    out
}

/// Loads a built guest (compiled once, then from witgo's cache).
pub fn load(name: &str) -> Component {
    let engine = witgo_host::engine().unwrap();
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("witgo-cache");
    witgo_host::load_component(&engine, &guest(name), Some(&cache)).unwrap()
}
