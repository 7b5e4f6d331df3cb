//! The scheduler bridge on stock Go: with witgo's runtime overlay,
//! `runtime.wasiOnIdle` exists, and the scheduler calls it when every
//! goroutine is blocked — a program blocked on a channel is woken by its
//! callback instead of dying with "all goroutines are asleep".

const PROGRAM: &str = r#"package main

import (
	"fmt"
	"os"
	_ "unsafe"
)

//go:linkname wasiOnIdle runtime.wasiOnIdle
func wasiOnIdle(callback func() bool)

func main() {
	ch := make(chan int)
	calls := 0
	wasiOnIdle(func() bool {
		calls++
		select {
		case ch <- calls:
			return true
		default:
			return false
		}
	})
	for i := 0; i < 3; i++ {
		fmt.Println("woken by idle call", <-ch)
	}
	os.Exit(7)
}
"#;

#[test]
fn idle_hook_wakes_a_blocked_goroutine() {
    let Ok(go) = witgo_build::GoToolchain::discover(None) else {
        eprintln!("skipping: no Go");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/idle\n\ngo 1.25\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("main.go"), PROGRAM).unwrap();
    std::fs::write(
        dir.path().join("world.wit"),
        "package t:idle;\nworld idle { export wasi:cli/run@0.2.12; }\n",
    )
    .unwrap();
    let overlay = witgo_build::overlay::runtime_overlay(&go, &dir.path().join("cache")).unwrap();
    let out = dir.path().join("idle.wasm");
    let req = witgo_build::BuildRequest {
        wit: dir.path().join("world.wit"),
        package_dir: dir.path().to_path_buf(),
        output: Some(out.clone()),
        strip: true,
        go_overlay: overlay.overlay_json.clone(),
        go_tags: vec![overlay.tag.to_string()],
        ..Default::default()
    };
    witgo_build::build(&req).unwrap_or_else(|e| panic!("{e:#}"));

    let status = std::process::Command::new(env!("CARGO_BIN_EXE_witgo"))
        .args(["run", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert_eq!(
        stdout,
        "woken by idle call 1\nwoken by idle call 2\nwoken by idle call 3\n",
        "stderr: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert_eq!(status.status.code(), Some(7));
}

#[test]
fn stock_go_without_the_overlay_cannot_link_the_hook() {
    if witgo_build::GoToolchain::discover(None).is_err() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/idle\n\ngo 1.25\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("main.go"), PROGRAM).unwrap();
    std::fs::write(
        dir.path().join("world.wit"),
        "package t:idle;\nworld idle { export wasi:cli/run@0.2.12; }\n",
    )
    .unwrap();
    let req = witgo_build::BuildRequest {
        wit: dir.path().join("world.wit"),
        package_dir: dir.path().to_path_buf(),
        output: Some(dir.path().join("idle.wasm")),
        runtime_overlay: false,
        ..Default::default()
    };
    // Either the linker fails or the module is invalid: never a component.
    let err = format!(
        "{:#}",
        witgo_build::build(&req).expect_err("no hook, no component")
    );
    assert!(
        err.contains("wasiOnIdle")
            || err.contains("invalid module")
            || err.contains("out of bounds"),
        "{err}"
    );
}
