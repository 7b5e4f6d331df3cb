//! On-disk cache of compiled components.
//!
//! Compiling a Go component takes about 1.5 s; loading its compiled form takes
//! milliseconds. Entries are keyed by the SHA-256 of the component bytes, the
//! Wasmtime version and a hash of the engine settings that affect code
//! generation, so a changed component or engine simply misses the cache.

use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::engine::WASMTIME_VERSION;

/// The cache directory used when none is given:
/// `$WITGO_CACHE_DIR`, else `$XDG_CACHE_HOME/witgo/compiled`, else
/// `~/.cache/witgo/compiled`. `None` when none of these can be determined
/// (then components are compiled every time).
pub fn default_cache_dir() -> Option<PathBuf> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = non_empty("WITGO_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = non_empty("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("witgo").join("compiled"));
    }
    non_empty("HOME").map(|home| {
        PathBuf::from(home)
            .join(".cache")
            .join("witgo")
            .join("compiled")
    })
}

/// Loads the component at `path`, from the compiled-component cache when possible.
///
/// `cache_dir` overrides [`default_cache_dir`]. A cache that cannot be read or
/// written is not an error: the component is then compiled in memory.
/// The file may also be a component in the WebAssembly text format.
pub fn load_component(engine: &Engine, path: &Path, cache_dir: Option<&Path>) -> Result<Component> {
    let bytes =
        fs::read(path).with_context(|| format!("cannot read component {}", path.display()))?;
    check_is_component(path, &bytes)?;

    let cache_dir = cache_dir.map(Path::to_path_buf).or_else(default_cache_dir);
    let entry = cache_dir.map(|dir| dir.join(format!("{}.cwasm", cache_key(engine, &bytes))));

    if let Some(entry) = &entry
        && entry.is_file()
    {
        // SAFETY: `deserialize_file` trusts the file to be compiled code made by
        // this Wasmtime for this engine configuration. We only ever load files
        // that `store` below wrote from `Component::serialize`, named by a hash
        // of the component bytes and of the engine settings (and Wasmtime itself
        // re-checks version and settings in the file header). Writes are atomic
        // (temp file + rename), so a reader never sees a partial file. The
        // remaining risk is someone else writing into the cache directory, which
        // is the user's own directory, like any other cache of executables.
        // On error (a stale or corrupt entry) recompile and overwrite it below.
        if let Ok(component) = unsafe { Component::deserialize_file(engine, entry) } {
            return Ok(component);
        }
    }

    let component = Component::new(engine, &bytes)
        .map_err(|e| crate::engine::explain_missing_feature(e.into()))
        .with_context(|| format!("cannot compile component {}", path.display()))?;
    if let Some(entry) = &entry {
        // Best effort: a read-only or full disk only costs the next run a recompile.
        let _ = store(&component, entry);
    }
    Ok(component)
}

/// Rejects core modules and non-wasm files with a message that says what to do.
fn check_is_component(path: &Path, bytes: &[u8]) -> Result<()> {
    const MAGIC: &[u8] = b"\0asm";
    if bytes.starts_with(MAGIC) {
        // Bytes 4..8 are the version and layer: core modules have layer 0,
        // components layer 1.
        if bytes.get(6..8) == Some(&[0, 0]) {
            bail!(
                "{} is a core WebAssembly module, not a component; build it with `witgo build`, \
                 or wrap it with `witgo componentize --wit <WIT> <module> -o <component>`",
                path.display()
            );
        }
        return Ok(());
    }
    let looks_textual = std::str::from_utf8(bytes).is_ok_and(|s| s.trim_start().starts_with('('));
    if !looks_textual {
        bail!(
            "{} is not a WebAssembly component (no `\\0asm` header)",
            path.display()
        );
    }
    Ok(())
}

/// The cache key: hex SHA-256 over the component bytes, the Wasmtime version and
/// the engine's compile-compatibility hash.
pub fn cache_key(engine: &Engine, component_bytes: &[u8]) -> String {
    let mut hasher = Sha256Hasher(Sha256::new());
    hasher.0.update(Sha256::digest(component_bytes));
    hasher.0.update(WASMTIME_VERSION.as_bytes());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hex::encode(hasher.0.finalize())
}

/// Feeds `Hash` output into SHA-256, which (unlike `DefaultHasher`) is stable
/// across Rust releases and processes.
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(digest[..8].try_into().expect("SHA-256 has 32 bytes"))
    }
}

/// Writes the compiled component atomically: to a unique temp file in the same
/// directory, then renamed over `entry`, so concurrent readers see either no
/// file or a whole one.
fn store(component: &Component, entry: &Path) -> Result<()> {
    let dir = entry.parent().context("cache entry has no directory")?;
    fs::create_dir_all(dir)?;
    let bytes = component.serialize()?;
    // pid + time + a per-process counter: unique across processes and threads.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let file_name = entry
        .file_name()
        .context("cache entry has no file name")?
        .to_string_lossy();
    let tmp = dir.join(format!(
        ".{file_name}.{}.{nanos}.{n}.tmp",
        std::process::id()
    ));
    let result = fs::write(&tmp, &bytes).and_then(|()| fs::rename(&tmp, entry));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    Ok(result?)
}
