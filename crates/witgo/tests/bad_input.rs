//! The bad-input catalogue (docs/errors.md): one test per user mistake,
//! each checking the exact message witgo prints. Mistakes covered by other
//! suites are listed in the catalogue with their tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn witgo() -> Command {
    Command::new(env!("CARGO_BIN_EXE_witgo"))
}

/// Runs witgo with `args` in `dir`; it must fail: (exit code, stderr).
fn fails(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = witgo().args(args).current_dir(dir).output().unwrap();
    assert!(!o.status.success(), "witgo {args:?} succeeded");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn have_go() -> bool {
    witgo_build::GoToolchain::discover(None).is_ok()
}

const WORLD_F: &str = "package a:b;\nworld w { export f: func() -> u32; }\n";

/// A component exporting `f: func() -> u32` (returns 7), built once.
fn component() -> PathBuf {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = project(&[
                ("wit/w.wit", WORLD_F),
                ("go.mod", "module a\n\ngo 1.25\n"),
                ("main.go", "package main\n\ntype W struct{}\n\nfunc (W) F() uint32 { return 7 }\n\nfunc main() {}\n"),
            ]);
            let out = dir.path().join("a.wasm");
            let o = witgo().args(["build", "--wit", "wit", "-o", "a.wasm", "."]).current_dir(dir.path()).output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            (dir, out)
        })
        .1
        .clone()
}

#[test]
fn invalid_wit_shows_file_line_col() {
    if !have_go() {
        return;
    }
    let dir = project(&[(
        "wit/w.wit",
        "package a:b;\nworld w {\n  import f: func(x: u33);\n}\n",
    )]);
    let (code, e) = fails(dir.path(), &["bindgen", "--wit", "wit", "--out", "gen"]);
    assert_eq!(code, 1);
    assert!(
        e.starts_with("error: invalid WIT in wit: name `u33` does not exist\n"),
        "{e}"
    );
    assert!(e.contains("--> wit/w.wit:3:21"), "{e}");
}

#[test]
fn unknown_interface_shows_file_line_col() {
    let dir = project(&[("wit/w.wit", "package a:b;\nworld one { import nope; }\n")]);
    let (_, e) = fails(dir.path(), &["bindgen", "--wit", "wit", "--out", "gen"]);
    assert!(
        e.starts_with("error: invalid WIT in wit: interface or world `nope` does not exist\n"),
        "{e}"
    );
    assert!(e.contains("--> wit/w.wit:2:20"), "{e}");
}

#[test]
fn unknown_world_lists_the_worlds() {
    let dir = project(&[("wit/w.wit", "package a:b;\nworld one {}\nworld two {}\n")]);
    let (_, e) = fails(
        dir.path(),
        &[
            "bindgen", "--wit", "wit", "--world", "three", "--out", "gen",
        ],
    );
    assert_eq!(
        e,
        "error: unknown world `three` in package `a:b`; available worlds: one, two\n"
    );
}

#[test]
fn missing_wit_path() {
    let dir = project(&[]);
    let (_, e) = fails(
        dir.path(),
        &["bindgen", "--wit", "nope/w.wit", "--out", "gen"],
    );
    assert_eq!(e, "error: WIT path nope/w.wit does not exist\n");
}

#[test]
fn async_all_on_a_sync_function_is_refused() {
    let dir = project(&[("wit/w.wit", WORLD_F), ("go.mod", "module a\n")]);
    let (_, e) = fails(
        dir.path(),
        &["bindgen", "--wit", "wit", "--out", "gen", "--async", "all"],
    );
    assert_eq!(
        e,
        "error: cannot generate Go bindings for a:b/w: --async all would lift the export w#f with the async ABI, but its WIT type \
         is not `async func`: the Component Model allows the async ABI only for async function types, and Wasmtime and \
         wasm-tools refuse components that use it on others; declare the functions that should be async as `async func` \
         in the WIT, and generate without --async\n"
    );
}

#[test]
fn bindgen_outside_a_go_module() {
    let dir = project(&[("wit/w.wit", WORLD_F)]);
    let (_, e) = fails(dir.path(), &["bindgen", "--wit", "wit", "--out", "gen"]);
    let out = dir.path().canonicalize().unwrap().join("gen");
    assert_eq!(
        e,
        format!(
            "error: no go.mod found in {} or any parent directory: run `go mod init <module path>` in your project, \
             or pass --import-path\n",
            out.display()
        )
    );
}

#[test]
fn run_a_missing_file() {
    let dir = project(&[]);
    let (_, e) = fails(dir.path(), &["run", "nope.wasm"]);
    assert_eq!(e, "error: nope.wasm: no such file\n");
}

#[test]
fn run_a_file_that_is_not_wasm() {
    let dir = project(&[("x.wasm", "hello")]);
    let (_, e) = fails(dir.path(), &["run", "x.wasm"]);
    assert_eq!(
        e,
        "error: x.wasm is not a WebAssembly component (no `\\0asm` header)\n"
    );
}

#[test]
fn run_a_core_module() {
    let dir = project(&[("core.wasm", "\0asm\x01\0\0\0")]);
    let (_, e) = fails(dir.path(), &["run", "core.wasm"]);
    assert_eq!(
        e,
        "error: core.wasm is a core WebAssembly module, not a component; build it with `witgo build`, \
         or wrap it with `witgo componentize --wit <WIT> <module> -o <component>`\n"
    );
}

#[test]
fn run_a_component_that_fails_validation() {
    let dir = project(&[("bad.wasm", "\0asm\x0d\0\x01\0\u{7f}\x03abc")]);
    let (_, e) = fails(dir.path(), &["run", "bad.wasm"]);
    assert!(
        e.starts_with("error: cannot compile component bad.wasm: "),
        "{e}"
    );
}

#[test]
fn wrong_export_signature_names_the_method() {
    if !have_go() {
        return;
    }
    let dir = project(&[
        ("wit/w.wit", WORLD_F),
        ("go.mod", "module a\n\ngo 1.25\n"),
        (
            "main.go",
            "package main\n\ntype W struct{}\n\nfunc (W) F() string { return \"\" }\n\nfunc main() {}\n",
        ),
    ]);
    let (_, e) = fails(dir.path(), &["build", "--wit", "wit", "."]);
    assert!(
        e.starts_with("error: `go build` failed (exit status: 1):\n"),
        "{e}"
    );
    assert!(
        e.contains("does not implement w.Exports (wrong type for method F)"),
        "{e}"
    );
    assert!(
        e.contains("have F() string") && e.contains("want F() uint32"),
        "{e}"
    );
}

#[test]
fn invoke_with_malformed_arguments() {
    if !have_go() {
        return;
    }
    let c = component();
    let (_, e) = fails(c.parent().unwrap(), &["run", "--invoke", "f(", "a.wasm"]);
    assert_eq!(
        e,
        "error: invalid arguments for `f() -> u32`: unexpected end of input\n  f(\n    ^\narguments are WAVE values, \
         e.g. `42`, `\"text\"`, `[1, 2]`, `{x: 1, y: 2}`, `some(1)`, `none`, `ok(\"yes\")`, `red` (enum case)\n"
    );
}

#[test]
fn invoke_an_unknown_function_lists_the_exports() {
    if !have_go() {
        return;
    }
    let c = component();
    let (_, e) = fails(c.parent().unwrap(), &["run", "--invoke", "g()", "a.wasm"]);
    assert_eq!(
        e,
        "error: no exported function `g`; available exports:\n  f() -> u32\n"
    );
}

#[test]
fn invoke_with_too_many_arguments() {
    if !have_go() {
        return;
    }
    let c = component();
    let (_, e) = fails(c.parent().unwrap(), &["run", "--invoke", "f(1)", "a.wasm"]);
    assert!(
        e.starts_with("error: invalid arguments for `f() -> u32`: invalid params: more param(s) than expected\n  f(1)\n    ^\n"),
        "{e}"
    );
}

#[test]
fn a_host_name_as_a_network_grant() {
    let dir = tempfile::tempdir().unwrap();
    let (code, e) = fails(
        dir.path(),
        &["run", "--allow-connect", "db.example:5432", "a.wasm"],
    );
    assert_eq!(code, 2);
    assert!(
        e.starts_with(
            "error: invalid value 'db.example:5432' for '--allow-connect <ADDR>': \"db.example:5432\": \
             \"db.example\" is not an IP address or `localhost` (host names are not granted: they may resolve to anything)\n"
        ),
        "{e}"
    );
}
