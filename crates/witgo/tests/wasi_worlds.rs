//! The standard WASI worlds (0.2.12 and 0.3.0, witgo's built-in WIT) generate
//! Go that passes go vet on wasip1 and on the host, and builds into a
//! component: the worlds real components target.

use std::path::Path;
use std::process::Command;

fn have_go() -> bool {
    witgo_build::GoToolchain::discover(None).is_ok()
}

fn check_world(name: &str, include: &str) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("go.mod"),
        format!("module example.com/{name}\n\ngo 1.25\n"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("wit")).unwrap();
    std::fs::write(
        root.join("wit/world.wit"),
        format!("package t:{name};\nworld {name} {{\n  include {include};\n}}\n"),
    )
    .unwrap();
    let witgo = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_witgo"))
            .args(args)
            .current_dir(root)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{name}: witgo {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    witgo(&["bindgen", "--wit", "wit", "--out", "gen", "--stubs"]);
    for wasm in [true, false] {
        let mut cmd = Command::new("go");
        cmd.args(["vet", "./..."]).current_dir(root);
        if wasm {
            cmd.env("GOOS", "wasip1").env("GOARCH", "wasm");
        }
        let o = cmd.output().unwrap();
        assert!(
            o.status.success(),
            "{name}: go vet (wasip1: {wasm}): {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    witgo(&["build", "--wit", "wit", "-o", "out.wasm", "."]);
    assert!(Path::new(&root.join("out.wasm")).is_file());
}

#[test]
fn wasi_0_2_worlds() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    check_world("command", "wasi:cli/command@0.2.12");
    check_world("proxy", "wasi:http/proxy@0.2.12");
}

#[test]
fn wasi_0_3_worlds() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    check_world("command", "wasi:cli/command@0.3.0");
    check_world("service", "wasi:http/service@0.3.0");
}
