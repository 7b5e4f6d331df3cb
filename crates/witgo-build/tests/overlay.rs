//! The runtime overlay that gives stock Go `runtime.wasiOnIdle`.

use std::path::PathBuf;
use witgo_build::overlay::{OVERLAY_TAG, patch_lock_wasip1, runtime_overlay};
use witgo_build::{GoToolchain, GoVersion};

fn fake_goroot(lock_wasip1: &str) -> (tempfile::TempDir, GoToolchain) {
    let dir = tempfile::tempdir().unwrap();
    let runtime = dir.path().join("src/runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    std::fs::write(runtime.join("lock_wasip1.go"), lock_wasip1).unwrap();
    let go = GoToolchain {
        go: PathBuf::from("go"),
        goroot: dir.path().to_path_buf(),
        version: GoVersion::parse("go1.99.1").unwrap(),
        gofmt: PathBuf::from("gofmt"),
        source: witgo_build::toolchain::GoSource::Path,
    };
    (dir, go)
}

#[test]
fn patches_the_real_goroot() {
    let Ok(go) = GoToolchain::discover(None) else {
        eprintln!("skipping: no Go");
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let o = runtime_overlay(&go, cache.path()).unwrap();
    assert_eq!(o.tag, OVERLAY_TAG);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(o.overlay_json.as_ref().unwrap()).unwrap()).unwrap();
    let replace = json["Replace"].as_object().unwrap();
    assert_eq!(
        replace.len(),
        11,
        "seven patched files and the four added ones (the idle hook, and the \
         pre-initialisation refresh in runtime, syscall and os): {json}"
    );
    for added in [
        "runtime/witgo_idle_wasip1.go",
        "runtime/witgo_preinit_wasip1.go",
        "syscall/witgo_preinit_wasip1.go",
        "os/witgo_preinit_wasip1.go",
    ] {
        assert!(
            replace.keys().any(|k| k.ends_with(added)),
            "{added}: {json}"
        );
    }
    // What the overlay's copy of a file holds.
    let patched_file = |name: &str| {
        let (_, copy) = replace.iter().find(|(k, _)| k.ends_with(name)).unwrap();
        std::fs::read_to_string(copy.as_str().unwrap()).unwrap()
    };
    let lock = patched_file("runtime/lock_wasip1.go");
    assert!(lock.contains("return witgoBeforeIdle(now, pollUntil)"));
    let proc = patched_file("runtime/proc.go");
    assert!(proc.contains("\tif gomaxprocs > 1 && (mp.spinning || "));
    assert!(proc.contains("func wakep() {\n\tif gomaxprocs == 1 {\n\t\treturn\n\t}\n"));
    let mgc = patched_file("runtime/mgc.go");
    assert!(mgc.contains("\tif witgoGCHeld || witgoClockFrozen {\n\t\twitgoTriggerSkipped = true\n\t\treturn false\n\t}\n"));
    // Both of mem_sbrk.go's patches are in its one copy.
    let sbrk = patched_file("runtime/mem_sbrk.go");
    assert!(
        sbrk.contains("witgoMemFreeFresh(r, l)\n") && !sbrk.contains("memFree(r, l)"),
        "{sbrk}"
    );
    assert!(
        sbrk.contains("\tif !witgoFreshMemory {\n\t\tmemclrNoHeapPointers(ap, n)\n\t}\n"),
        "{sbrk}"
    );
    assert!(patched_file("runtime/runtime2.go").contains("const gTrackingPeriod = 64\n"));
    // Both of traceback.go's patches: the kept answer is read and written.
    let traceback = patched_file("runtime/traceback.go");
    assert!(
        traceback.contains("\t\treturn witgoSystemStart.system\n")
            && traceback
                .contains("\twitgoSystemStart.pc, witgoSystemStart.system = gp.startpc, system\n"),
        "{traceback}"
    );
    assert!(
        patched_file("runtime/witgo_idle_wasip1.go").contains("debug.gcstoptheworld = 1"),
        "collections stop the world"
    );
    // Reused on the next build.
    let again = runtime_overlay(&go, cache.path()).unwrap();
    assert_eq!(again.overlay_json, o.overlay_json);
}

#[test]
fn unknown_runtime_text_is_refused_with_the_go_version() {
    let (_dir, go) = fake_goroot(
        "package runtime\n\nfunc beforeIdle(a, b int64) (*g, bool) { return nil, true }\n",
    );
    let cache = tempfile::tempdir().unwrap();
    let err = format!("{:#}", runtime_overlay(&go, cache.path()).unwrap_err());
    assert!(
        err.contains("cannot add the scheduler hook (`beforeIdle`) to Go go1.99.1"),
        "{err}"
    );
    assert!(err.contains("lock_wasip1.go"), "{err}");
}

#[test]
fn a_toolchain_with_the_hook_is_used_as_it_is() {
    let (dir, go) = fake_goroot("package runtime\n");
    std::fs::write(
        dir.path().join("src/runtime/idle.go"),
        "package runtime\n\nfunc wasiOnIdle(callback func() bool) {}\n",
    )
    .unwrap();
    let o = runtime_overlay(&go, tempfile::tempdir().unwrap().path()).unwrap();
    assert!(o.overlay_json.is_none());
    assert_eq!(o.tag, witgo_build::overlay::NATIVE_HOOK_TAG);
}

#[test]
fn patch_is_exact() {
    let text = "x\nfunc beforeIdle(int64, int64) (*g, bool) {\n\treturn nil, false\n}\ny\n";
    assert_eq!(
        patch_lock_wasip1(text).unwrap(),
        "x\nfunc beforeIdle(now, pollUntil int64) (*g, bool) {\n\treturn witgoBeforeIdle(now, pollUntil)\n}\ny\n"
    );
    assert!(patch_lock_wasip1("nothing here").is_err());
}
