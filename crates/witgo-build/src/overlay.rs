//! The Go scheduler bridge on stock Go: a `go build -overlay` that adds
//! `runtime.wasiOnIdle` (the hook proposed upstream in golang/go PR 76775)
//! and `runtime.wasiIdleDeadline` to the user's own GOROOT.
//!
//! The overlay replaces `$GOROOT/src/runtime/lock_wasip1.go` with a copy whose
//! `beforeIdle` calls the hook (an exact-text replacement: if Go's text ever
//! differs, witgo refuses rather than build without the hook), and adds
//! `witgo_idle_wasip1.go`. A toolchain that already defines `wasiOnIdle` (a
//! patched fork) is used as it is, with the build tag [`NATIVE_HOOK_TAG`].

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::GoToolchain;

/// Go's `beforeIdle` on wasip1, identical in Go 1.25 through 1.27.
const BEFORE_IDLE: &str = "func beforeIdle(int64, int64) (*g, bool) {\n\treturn nil, false\n}\n";
const PATCHED_BEFORE_IDLE: &str =
    "func beforeIdle(now, pollUntil int64) (*g, bool) {\n\treturn nil, witgoBeforeIdle(now, pollUntil)\n}\n";
const HOOK_FILE: &str = include_str!("../go-overlay/witgo_idle_wasip1.go");

/// Build tag for bindings code compiled with witgo's overlay.
pub const OVERLAY_TAG: &str = "witgo_overlay";
/// Build tag when the toolchain already has `wasiOnIdle`.
pub const NATIVE_HOOK_TAG: &str = "witgo_native_idle_hook";

/// What `go build` needs for the hook: an overlay file (if the toolchain
/// lacks the hook) and the build tag that tells Go code which one it has.
#[derive(Debug, Clone)]
pub struct RuntimeOverlay {
    pub overlay_json: Option<PathBuf>,
    pub tag: &'static str,
}

/// Prepares the overlay for `go` in `cache_root/overlay/<go version>-<hash>/`
/// (reused across builds: written once, atomically).
pub fn runtime_overlay(go: &GoToolchain, cache_root: &Path) -> Result<RuntimeOverlay> {
    let runtime = go.goroot.join("src/runtime");
    if toolchain_has_hook(&runtime)? {
        return Ok(RuntimeOverlay { overlay_json: None, tag: NATIVE_HOOK_TAG });
    }
    let lock_path = runtime.join("lock_wasip1.go");
    let original = std::fs::read_to_string(&lock_path)
        .with_context(|| format!("cannot read {} (is GOROOT {} complete?)", lock_path.display(), go.goroot.display()))?;
    let patched = patch_lock_wasip1(&original).with_context(|| {
        format!(
            "cannot add the scheduler hook to Go {}: {} does not contain the `beforeIdle` witgo patches \
             (it knows the text of Go 1.25 to 1.27); use a supported Go, or a toolchain that defines runtime.wasiOnIdle",
            go.version,
            lock_path.display()
        )
    })?;
    let mut hash = Sha256::new();
    hash.update(original.as_bytes());
    hash.update(HOOK_FILE.as_bytes());
    let key = format!("{}-{}", go.version, &hex::encode(hash.finalize())[..16]);
    let dir = cache_root.join("overlay").join(key);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let lock_copy = dir.join("lock_wasip1.go");
    let hook_copy = dir.join("witgo_idle_wasip1.go");
    crate::bindings::write_atomic(&lock_copy, patched.as_bytes())?;
    crate::bindings::write_atomic(&hook_copy, HOOK_FILE.as_bytes())?;
    let json = serde_json::json!({
        "Replace": {
            lock_path.to_string_lossy(): lock_copy.to_string_lossy(),
            runtime.join("witgo_idle_wasip1.go").to_string_lossy(): hook_copy.to_string_lossy(),
        }
    });
    let json_path = dir.join("overlay.json");
    crate::bindings::write_atomic(&json_path, serde_json::to_string_pretty(&json)?.as_bytes())?;
    Ok(RuntimeOverlay { overlay_json: Some(json_path), tag: OVERLAY_TAG })
}

/// `lock_wasip1.go` with `beforeIdle` calling the hook.
pub fn patch_lock_wasip1(original: &str) -> Result<String> {
    match original.matches(BEFORE_IDLE).count() {
        1 => Ok(original.replacen(BEFORE_IDLE, PATCHED_BEFORE_IDLE, 1)),
        n => bail!("expected exactly one unpatched beforeIdle, found {n}"),
    }
}

fn toolchain_has_hook(runtime: &Path) -> Result<bool> {
    for entry in std::fs::read_dir(runtime).with_context(|| format!("cannot read {}", runtime.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "go") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if text.contains("func wasiOnIdle(") {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// witgo's cache root: `$WITGO_CACHE_HOME`, else `$XDG_CACHE_HOME/witgo`,
/// else `~/.cache/witgo`, else the system temp dir.
pub fn cache_root() -> PathBuf {
    if let Some(p) = std::env::var_os("WITGO_CACHE_HOME") {
        return PathBuf::from(p);
    }
    if let Some(p) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(p).join("witgo");
    }
    if let Some(home) = std::env::var_os("HOME") {
        return PathBuf::from(home).join(".cache/witgo");
    }
    std::env::temp_dir().join("witgo-cache")
}
