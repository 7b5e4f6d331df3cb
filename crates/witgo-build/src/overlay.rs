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
const PATCHED_BEFORE_IDLE: &str = "func beforeIdle(now, pollUntil int64) (*g, bool) {\n\treturn witgoBeforeIdle(now, pollUntil)\n}\n";
/// Go's monotonic clock on wasip1 (a WASI import), identical in Go 1.25 through 1.27.
const NANOTIME1: &str = "func nanotime1() int64 {\n\tvar time timestamp\n";
const PATCHED_NANOTIME1: &str = "func nanotime1() int64 {\n\tif witgoClockFrozen {\n\t\treturn witgoLastNanotime\n\t}\n\twitgoLastNanotime = witgoReadNanotime() + witgoClockOffset\n\treturn witgoLastNanotime\n}\n\nfunc witgoReadNanotime() int64 {\n\tvar time timestamp\n";
/// The start of the collector's trigger test, identical in Go 1.25 through 1.27.
const GC_TRIGGER_TEST: &str = "func (t gcTrigger) test() bool {\n\tif !memstats.enablegc || panicking.Load() != 0 || gcphase != _GCoff {\n";
const PATCHED_GC_TRIGGER_TEST: &str = "func (t gcTrigger) test() bool {\n\tif witgoGCHeld || witgoClockFrozen {\n\t\twitgoTriggerSkipped = true\n\t\treturn false\n\t}\n\tif !memstats.enablegc || panicking.Load() != 0 || gcphase != _GCoff {\n";
/// The sbrk allocator's release of memory it just grew into (the gap it
/// skips to align a heap arena), and its free list's clearing, the same in
/// Go 1.25 through 1.27 (the call's indentation differs).
const FREE_SKIPPED_GAP: &str = "memFree(r, l)\n";
const PATCHED_FREE_SKIPPED_GAP: &str = "witgoMemFreeFresh(r, l)\n";
const MEM_FREE_CLEAR: &str = "\tn = memRound(n)\n\tmemclrNoHeapPointers(ap, n)\n";
const PATCHED_MEM_FREE_CLEAR: &str =
    "\tn = memRound(n)\n\tif !witgoFreshMemory {\n\t\tmemclrNoHeapPointers(ap, n)\n\t}\n";
/// Where the scheduler, finding nothing to run, makes the thread spin and
/// steals from the other Ps, the same in Go 1.25 through 1.27. On wasm's
/// single thread with one P (the default) there is nothing to steal, yet
/// it cost about 2,800 instructions per export task.
const STEAL_WORK: &str = "\tif mp.spinning || 2*sched.nmspinning.Load() < gomaxprocs-sched.npidle.Load() {\n\t\tif !mp.spinning {\n\t\t\tmp.becomeSpinning()\n";
const PATCHED_STEAL_WORK: &str = "\tif gomaxprocs > 1 && (mp.spinning || 2*sched.nmspinning.Load() < gomaxprocs-sched.npidle.Load()) {\n\t\tif !mp.spinning {\n\t\t\tmp.becomeSpinning()\n";
/// The start of `wakep`, which makes an idle P run on another thread, the
/// same in Go 1.25 through 1.27. With one P there is never an idle one to
/// start, yet every goroutine made ready paid for the look (about 1,400
/// instructions per export task).
const WAKEP: &str =
    "func wakep() {\n\t// Be conservative about spinning threads, only start one if none exist\n";
const PATCHED_WAKEP: &str = "func wakep() {\n\tif gomaxprocs == 1 {\n\t\treturn\n\t}\n\t// Be conservative about spinning threads, only start one if none exist\n";
/// How often a goroutine's state changes are timed for the scheduling
/// latency metrics, the same in Go 1.25 through 1.27. Each timed change
/// reads the clock, which on wasm is a WASI call through the adapter (about
/// 1,900 instructions, against tens natively): with 8, 10,000 goroutines
/// that each wait once spent 1,300 instructions apiece on it. The metrics
/// scale by the period, so a longer one keeps them unbiased.
const TRACKING_PERIOD: &str = "const gTrackingPeriod = 8\n";
const PATCHED_TRACKING_PERIOD: &str = "const gTrackingPeriod = 64\n";
/// `isSystemGoroutine`'s start and its last test, the same in Go 1.25
/// through 1.27. Every goroutine's start and exit asks it, and on wasm the
/// lookup of the start function and the test of its name cost about 550
/// instructions each time; the answer for an ordinary function depends on
/// the start PC alone, so the last one is kept (`witgoSystemStart`).
const IS_SYSTEM_GOROUTINE: &str = "func isSystemGoroutine(gp *g, fixed bool) bool {\n";
const PATCHED_IS_SYSTEM_GOROUTINE: &str = "func isSystemGoroutine(gp *g, fixed bool) bool {\n\tif gp.startpc != 0 && gp.startpc == witgoSystemStart.pc {\n\t\treturn witgoSystemStart.system\n\t}\n";
const SYSTEM_BY_NAME: &str = "\treturn stringslite.HasPrefix(funcname(f), \"runtime.\")\n}\n";
const PATCHED_SYSTEM_BY_NAME: &str = "\tsystem := stringslite.HasPrefix(funcname(f), \"runtime.\")\n\twitgoSystemStart.pc, witgoSystemStart.system = gp.startpc, system\n\treturn system\n}\n";
/// Files the overlay adds to GOROOT/src: (package directory, file name,
/// contents). The pre-initialisation files build only with the
/// `witgo_preinit` tag (`witgo build --preinit`, see `preinit.rs`).
const ADDED_FILES: &[(&str, &str, &str)] = &[
    (
        "runtime",
        "witgo_idle_wasip1.go",
        include_str!("../go-overlay/witgo_idle_wasip1.go"),
    ),
    (
        "runtime",
        "witgo_preinit_wasip1.go",
        include_str!("../go-overlay/witgo_preinit_wasip1.go"),
    ),
    (
        "syscall",
        "witgo_preinit_wasip1.go",
        include_str!("../go-overlay/witgo_preinit_syscall_wasip1.go"),
    ),
    (
        "os",
        "witgo_preinit_wasip1.go",
        include_str!("../go-overlay/witgo_preinit_os_wasip1.go"),
    ),
];

/// One exact-text replacement in a file of `$GOROOT/src/runtime`.
struct Patch {
    file: &'static str,
    find: &'static str,
    replace: &'static str,
    /// What the patch is for, for the error when the text is not found.
    purpose: &'static str,
}

/// The runtime changes behind witgo's overlay:
/// - `beforeIdle` calls the idle hook (the scheduler bridge);
/// - `nanotime1` can be frozen: the Component Model traps on any import call
///   made from inside `cabi_realloc`, and an allocation there may read the
///   clock (the heap-growth scavenger times itself), so witgo's cabi_realloc
///   freezes the clock at its last reading while it allocates;
/// - the collector's trigger test can be held off: a collection must not
///   start inside `cabi_realloc` (it would call WASI, and switch goroutines)
///   nor while an import wrapper uses its shared areas; holding it is a
///   flag, where `debug.SetGCPercent`, the fallback without the overlay,
///   costs two runtime calls per hold. No collection starts while the clock
///   is frozen, that is inside `cabi_realloc`. A test refused is noted, and
///   run once when the hold ends (only then: the test costs hundreds of
///   instructions);
/// - collections stop the world (`gcstoptheworld=1`, set in the added
///   file): a cycle starts and finishes within the allocation that triggered
///   it, so none is ever left half-done when the host gets control, and
///   exports need no hold of their own;
/// - with one P (wasm's default: there is one thread) the scheduler skips
///   work stealing when idle and `wakep` returns at once: there is no
///   other P to steal from or to start;
/// - goroutine state changes are timed for the latency metrics one in 64
///   times instead of one in 8 (each timing reads the clock, a WASI call on
///   wasm), and the system goroutine test keeps its last answer;
/// - the memory the heap skips to align its first arena (up to 4 MiB, which
///   depends on where the program's data ends) is not cleared: it comes
///   straight from `memory.grow`, which zeroes it, and clearing it again was
///   a sixth of the instructions of an instantiation.
const PATCHES: &[Patch] = &[
    Patch {
        file: "lock_wasip1.go",
        find: BEFORE_IDLE,
        replace: PATCHED_BEFORE_IDLE,
        purpose: "the scheduler hook (`beforeIdle`)",
    },
    Patch {
        file: "os_wasip1.go",
        find: NANOTIME1,
        replace: PATCHED_NANOTIME1,
        purpose: "the clock freeze (`nanotime1`)",
    },
    Patch {
        file: "mgc.go",
        find: GC_TRIGGER_TEST,
        replace: PATCHED_GC_TRIGGER_TEST,
        purpose: "the collector hold (`gcTrigger.test`)",
    },
    Patch {
        file: "proc.go",
        find: STEAL_WORK,
        replace: PATCHED_STEAL_WORK,
        purpose: "the single-P scheduler (`findRunnable`)",
    },
    Patch {
        file: "proc.go",
        find: WAKEP,
        replace: PATCHED_WAKEP,
        purpose: "the single-P scheduler (`wakep`)",
    },
    Patch {
        file: "runtime2.go",
        find: TRACKING_PERIOD,
        replace: PATCHED_TRACKING_PERIOD,
        purpose: "the latency sampling period (`gTrackingPeriod`)",
    },
    Patch {
        file: "traceback.go",
        find: IS_SYSTEM_GOROUTINE,
        replace: PATCHED_IS_SYSTEM_GOROUTINE,
        purpose: "the system goroutine test (`isSystemGoroutine`)",
    },
    Patch {
        file: "traceback.go",
        find: SYSTEM_BY_NAME,
        replace: PATCHED_SYSTEM_BY_NAME,
        purpose: "the system goroutine test (`isSystemGoroutine`)",
    },
    Patch {
        file: "mem_sbrk.go",
        find: FREE_SKIPPED_GAP,
        replace: PATCHED_FREE_SKIPPED_GAP,
        purpose: "the fresh-memory release (`sysReserveAlignedSbrk`)",
    },
    Patch {
        file: "mem_sbrk.go",
        find: MEM_FREE_CLEAR,
        replace: PATCHED_MEM_FREE_CLEAR,
        purpose: "the fresh-memory release (`memFree`)",
    },
];

/// Build tag for bindings code compiled with witgo's overlay.
pub const OVERLAY_TAG: &str = "witgo_overlay";
/// Build tag when the toolchain already has `wasiOnIdle`.
pub const NATIVE_HOOK_TAG: &str = "witgo_native_idle_hook";

/// What `go build` needs for the hook: an overlay file (if the toolchain
/// lacks the hook) and the build tag that tells Go code which one it has.
#[derive(Debug, Clone)]
pub struct RuntimeOverlay {
    pub overlay_json: Option<PathBuf>,
    /// What the JSON file says: GOROOT file -> its patched copy (empty for a
    /// toolchain that has the hook), for callers that add files of their own.
    pub replace: serde_json::Map<String, serde_json::Value>,
    pub tag: &'static str,
}

/// Prepares the overlay for `go` in `cache_root/overlay/<go version>-<hash>/`
/// (reused across builds: written once, atomically).
pub fn runtime_overlay(go: &GoToolchain, cache_root: &Path) -> Result<RuntimeOverlay> {
    let runtime = go.goroot.join("src/runtime");
    if toolchain_has_hook(&runtime)? {
        return Ok(RuntimeOverlay {
            overlay_json: None,
            replace: Default::default(),
            tag: NATIVE_HOOK_TAG,
        });
    }
    let mut hash = Sha256::new();
    for (_, _, text) in ADDED_FILES {
        hash.update(text.as_bytes());
    }
    // (path, file name, patched text); a file with several patches gets
    // them in turn.
    let mut patched_files: Vec<(PathBuf, &str, String)> = Vec::new();
    for patch in PATCHES {
        let path = runtime.join(patch.file);
        let original = match patched_files
            .iter()
            .position(|(_, name, _)| *name == patch.file)
        {
            Some(i) => patched_files.remove(i).2,
            None => {
                let text = std::fs::read_to_string(&path).with_context(|| {
                    format!(
                        "cannot read {} (is GOROOT {} complete?)",
                        path.display(),
                        go.goroot.display()
                    )
                })?;
                hash.update(patch.file.as_bytes());
                hash.update(text.as_bytes());
                text
            }
        };
        let patched = apply_patch(&original, patch.find, patch.replace).with_context(|| {
            format!(
                "cannot add {} to Go {}: {} does not contain the text witgo patches \
                 (it knows Go 1.25 to 1.27); use a supported Go, or a toolchain that defines runtime.wasiOnIdle",
                patch.purpose,
                go.version,
                path.display()
            )
        })?;
        // The key changes with the patches too: two witgo versions may share
        // the cache.
        hash.update(patch.replace.as_bytes());
        patched_files.push((path, patch.file, patched));
    }
    let key = format!("{}-{}", go.version, &hex::encode(hash.finalize())[..16]);
    let dir = cache_root.join("overlay").join(key);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut replace = serde_json::Map::new();
    for (path, name, text) in &patched_files {
        let copy = dir.join(name);
        crate::bindings::write_atomic(&copy, text.as_bytes())?;
        replace.insert(
            path.to_string_lossy().into_owned(),
            copy.to_string_lossy().into_owned().into(),
        );
    }
    for (package, name, text) in ADDED_FILES {
        let copy = dir.join(format!("{package}-{name}"));
        crate::bindings::write_atomic(&copy, text.as_bytes())?;
        let target = go.goroot.join("src").join(package).join(name);
        replace.insert(
            target.to_string_lossy().into_owned(),
            copy.to_string_lossy().into_owned().into(),
        );
    }
    let json = serde_json::json!({ "Replace": replace.clone() });
    let json_path = dir.join("overlay.json");
    crate::bindings::write_atomic(&json_path, serde_json::to_string_pretty(&json)?.as_bytes())?;
    Ok(RuntimeOverlay {
        overlay_json: Some(json_path),
        replace,
        tag: OVERLAY_TAG,
    })
}

/// `lock_wasip1.go` with `beforeIdle` calling the hook.
pub fn patch_lock_wasip1(original: &str) -> Result<String> {
    apply_patch(original, BEFORE_IDLE, PATCHED_BEFORE_IDLE)
}

fn apply_patch(original: &str, find: &str, replace: &str) -> Result<String> {
    match original.matches(find).count() {
        1 => Ok(original.replacen(find, replace, 1)),
        n => bail!("expected the text exactly once, found it {n} times"),
    }
}

fn toolchain_has_hook(runtime: &Path) -> Result<bool> {
    for entry in
        std::fs::read_dir(runtime).with_context(|| format!("cannot read {}", runtime.display()))?
    {
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
