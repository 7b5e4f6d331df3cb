//! The `witgo` binary: exit codes, messages, and the build -> run path.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn witgo() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_witgo"));
    c.env_remove("WITGO_GO");
    c
}

fn write(dir: &Path, rel: &str, contents: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, contents).unwrap();
    p
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn have_go() -> bool {
    witgo_build::GoToolchain::discover(None).is_ok()
}

#[test]
fn version() {
    let o = witgo().arg("--version").output().unwrap();
    assert!(o.status.success());
    assert_eq!(
        stdout(&o).trim(),
        format!("witgo {} (wasmtime 48.0.8)", env!("CARGO_PKG_VERSION"))
    );
    let o = witgo().args(["build", "-V"]).output().unwrap();
    assert!(stdout(&o).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_2() {
    let o = witgo().args(["build", "--bogus"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = witgo()
        .args(["bindgen", "--wit", "x.wit"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
    let o = witgo()
        .args(["bindgen", "--wit", "x", "--out", "g", "--async", "some"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn go_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.wit", "package a:b;\nworld w {}\n");
    let o = witgo()
        .current_dir(dir.path())
        .args(["build", "--wit", "app.wit", "--go", "/nonexistent/go"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: --go /nonexistent/go: no such file; witgo needs Go 1.25 or newer: install it or pass --go <path>\n"
    );
}

#[test]
fn no_go_on_path() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.wit", "package a:b;\nworld w {}\n");
    let o = witgo()
        .current_dir(dir.path())
        .env("PATH", "")
        .args(["build", "--wit", "app.wit"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.starts_with("error: no `go` command found on PATH"), "{e}");
    assert!(
        e.contains("witgo needs Go 1.25 or newer: install it or pass --go <path>"),
        "{e}"
    );
}

#[cfg(unix)]
#[test]
fn old_go_from_witgo_go() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.wit", "package a:b;\nworld w {}\n");
    let go = write(
        dir.path(),
        "old/bin/go",
        "#!/bin/sh\n[ \"$1\" = env ] && { echo /old; echo go1.22.12; exit 0; }\nexit 1\n",
    );
    std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = witgo()
        .current_dir(dir.path())
        .env("WITGO_GO", &go)
        .args(["build", "--wit", "app.wit"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.starts_with("error: "), "{e}");
    assert!(
        e.contains("go1.22.12") && e.contains("Go 1.25 or newer"),
        "{e}"
    );
}

#[test]
fn malformed_wit_points_at_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module example.com/app\n\ngo 1.25\n");
    write(
        dir.path(),
        "wit/app.wit",
        "package a:b;\n\nworld w {\n  export f: func(x: u33);\n}\n",
    );
    let o = witgo()
        .current_dir(dir.path())
        .args(["bindgen", "--wit", "wit", "--world", "w", "--out", "gen"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.starts_with("error: invalid WIT in wit: "), "{e}");
    assert!(e.contains("wit/app.wit:4:21"), "{e}");
    assert!(e.contains("u33"), "{e}");
    assert!(!dir.path().join("gen").exists());
}

#[test]
fn unknown_world_lists_worlds() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module example.com/app\n\ngo 1.25\n");
    write(
        dir.path(),
        "app.wit",
        "package a:b;\nworld one {}\nworld two {}\n",
    );
    let o = witgo()
        .current_dir(dir.path())
        .args([
            "bindgen", "--wit", "app.wit", "--world", "three", "--out", "gen",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: unknown world `three` in package `a:b`; available worlds: one, two\n"
    );
}

/// `bindgen` writes the bindings, a manifest and a stamp.
#[test]
fn bindgen_writes_bindings_and_manifest() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module example.com/app\n\ngo 1.25\n");
    write(
        dir.path(),
        "app.wit",
        "package a:b;\nworld one { export f: func(x: u32) -> u32; }\n",
    );
    let o = witgo()
        .current_dir(dir.path())
        .args(["bindgen", "--wit", "app.wit", "--out", "gen"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("for a:b/one") && out.contains("import path example.com/app/gen"),
        "{out}"
    );
    let manifest = std::fs::read_to_string(dir.path().join("gen/.witgo-manifest")).unwrap();
    assert!(
        manifest.lines().any(|l| l.contains("a/b/one/one.wit.go")),
        "{manifest}"
    );
    assert!(dir.path().join("gen/.witgo-stamp").is_file());
    let glue = std::fs::read_to_string(dir.path().join("witgo_exports.go")).unwrap();
    assert!(glue.contains("witgo_one.Export(&witgoOne)"), "{glue}");
    // The glue of a synchronous function calls the implementation directly.
    assert!(
        glue.contains("//go:wasmexport f\n") && glue.contains("witgoOne.F(uint32(p0))"),
        "{glue}"
    );
}

const CALC_WIT: &str = "package t:calc;\ninterface ops {\n  add: func(a: s32, b: s32) -> s32;\n  div: func(a: s32, b: s32) -> result<s32, string>;\n}\nworld calc { export ops; }\n";

/// A package that does not implement an export fails to compile, and the
/// message names what is missing.
#[test]
fn missing_export_implementation_is_named() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module example.com/calc\n\ngo 1.25\n");
    write(dir.path(), "wit/calc.wit", CALC_WIT);
    write(dir.path(), "main.go", "package main\n\nfunc main() {}\n");
    let o = witgo()
        .current_dir(dir.path())
        .args(["build", "--wit", "wit", "."])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("undefined: Ops"), "{e}");
    assert!(e.contains("--stubs"), "the hint points at the stubs: {e}");

    // The type exists but lacks a method: Go names the method.
    write(
        dir.path(),
        "main.go",
        "package main\n\ntype Ops struct{}\n\nfunc (Ops) Add(a, b int32) int32 { return a + b }\n\nfunc main() {}\n",
    );
    let o = witgo()
        .current_dir(dir.path())
        .args(["build", "--wit", "wit", "."])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("missing method Div"), "{e}");
}

/// `bindgen --stubs` gives a component that builds and runs as it is, and
/// an implementation returns `(T, error)` values the host sees as results.
#[test]
fn stubs_build_and_implementation_runs() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module example.com/calc\n\ngo 1.25\n");
    write(dir.path(), "wit/calc.wit", CALC_WIT);
    let o = witgo()
        .current_dir(dir.path())
        .args(["bindgen", "--wit", "wit", "--out", "gen", "--stubs"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = witgo()
        .current_dir(dir.path())
        .args(["build", "--wit", "wit", "-o", "calc.wasm", "."])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let invoke = |call: &str| {
        let o = witgo()
            .current_dir(dir.path())
            .args(["run", "--invoke", call, "calc.wasm"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{call}: {}", stderr(&o));
        stdout(&o).trim().to_string()
    };
    assert_eq!(invoke("add(1, 2)"), "0", "stubs return zero values");

    std::fs::remove_file(dir.path().join("witgo_stubs.go")).unwrap();
    write(
        dir.path(),
        "main.go",
        r#"package main

import "errors"

type Ops struct{}

func (Ops) Add(a, b int32) int32 { return a + b }

func (Ops) Div(a, b int32) (int32, error) {
	if b == 0 {
		return 0, errors.New("division by zero")
	}
	return a / b, nil
}

func main() {}
"#,
    );
    let o = witgo()
        .current_dir(dir.path())
        .args(["build", "--wit", "wit", "-o", "calc.wasm", "."])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(invoke("add(40, 2)"), "42");
    assert_eq!(invoke("div(7, 2)"), "ok(3)");
    assert_eq!(invoke("div(1, 0)"), "err(\"division by zero\")");
}

#[test]
fn run_missing_component() {
    let o = witgo()
        .args(["run", "/nonexistent/x.wasm"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "error: /nonexistent/x.wasm: no such file\n");
    let o = witgo()
        .args(["run", "--dir", "/nonexistent::/x", "x.wasm"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("/nonexistent is not a directory"),
        "{}",
        stderr(&o)
    );
}

const ADDER_GO: &str = r#"package main

//go:wasmexport add
func add(a, b int32) int32 { return a + b + bonus }

func main() {}
"#;

const PROG_GO: &str = r#"package main

import (
	"fmt"
	"os"
)

//go:wasmexport wasi:cli/run@0.2.0#run
func run() int32 {
	data, err := os.ReadFile("/data/in.txt")
	fmt.Println(os.Args[1:], os.Getenv("GREETING"), string(data), err)
	if len(os.Args) > 2 {
		os.Exit(7)
	}
	return 0
}

func main() {}
"#;

/// `build --no-bindgen` on hand-written glue, then `run --invoke`.
#[test]
fn build_then_invoke() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "adder/go.mod",
        "module example.com/adder\n\ngo 1.25\n",
    );
    write(dir.path(), "adder/main.go", ADDER_GO);
    // `-- -tags=...` reaches go build: without the tag the sum is off.
    write(
        dir.path(),
        "adder/tagged.go",
        "//go:build witgo_extra\n\npackage main\n\nconst bonus = 0\n",
    );
    write(
        dir.path(),
        "adder/untagged.go",
        "//go:build !witgo_extra\n\npackage main\n\nconst bonus = 1000\n",
    );
    write(
        dir.path(),
        "wit/adder.wit",
        "package t:adder;\nworld adder { export add: func(a: s32, b: s32) -> s32; }\n",
    );
    let o = witgo()
        .current_dir(dir.path())
        .args([
            "build",
            "--wit",
            "wit",
            "--world",
            "adder",
            "--no-bindgen",
            "--timings",
            "adder",
            "--",
            "-tags=witgo_extra",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("adder.wasm (") && out.contains(" MiB, "),
        "{out}"
    );
    assert!(stderr(&o).contains("go build"), "timings: {}", stderr(&o));
    assert!(dir.path().join("adder.wasm").is_file());

    let o = witgo()
        .current_dir(dir.path())
        .args(["run", "--invoke", "add(40, 2)", "adder.wasm"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "42");
}

/// A program exporting `wasi:cli/run`: arguments, environment, a
/// preopened directory, and the exit status.
#[test]
fn build_then_run() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "prog/go.mod",
        "module example.com/prog\n\ngo 1.25\n",
    );
    write(dir.path(), "prog/main.go", PROG_GO);
    write(dir.path(), "data/in.txt", "file-contents");
    write(
        dir.path(),
        "wit/run.wit",
        "package wasi:cli@0.2.0;\ninterface run { run: func() -> result; }\nworld prog { export run; }\n",
    );
    let o = witgo()
        .current_dir(dir.path())
        .args([
            "build",
            "--wit",
            "wit",
            "--no-bindgen",
            "-o",
            "out/prog.wasm",
            "prog",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = witgo()
        .current_dir(dir.path())
        .args([
            "run",
            "--env",
            "GREETING=hi",
            "--dir",
            "data::/data",
            "out/prog.wasm",
            "one",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "[one] hi file-contents <nil>\n");

    // os.Exit's status reaches the host unchanged (witgo routes proc_exit to
    // wasi:cli/exit.exit-with-code).
    let o = witgo()
        .current_dir(dir.path())
        .args(["run", "out/prog.wasm", "one", "--two"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(7), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("[one --two]"), "{}", stdout(&o));
}

/// A Go program exporting wasi:cli/run@0.3.0 (an async export): main runs
/// on the executor, sleeps on the host's clock, prints and exits with its
/// code.
#[test]
fn wasi_p3_program_runs_sleeps_and_exits() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p3/go.mod",
        "module example.com/p3\n\ngo 1.25\n",
    );
    write(
        dir.path(),
        "p3/world.wit",
        "package example:p3;\n\nworld p3 {\n  export wasi:cli/run@0.3.0;\n}\n",
    );
    write(
        dir.path(),
        "p3/main.go",
        "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"time\"\n)\n\nfunc main() {\n\tstart := time.Now()\n\ttime.Sleep(20 * time.Millisecond)\n\tfmt.Println(\"slept\", time.Since(start) >= 20*time.Millisecond, os.Args[1:])\n\tos.Exit(3)\n}\n",
    );
    let o = witgo()
        .current_dir(dir.path().join("p3"))
        .args(["build", "--wit", "world.wit", "-o", "p3.wasm", "."])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = witgo()
        .current_dir(dir.path().join("p3"))
        .args(["run", "p3.wasm", "a", "b"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "slept true [a b]\n", "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

#[test]
fn wasi_p3_program_writes_stdout_through_a_stream_and_through_fmt() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p3out/go.mod",
        "module example.com/p3out\n\ngo 1.25\n",
    );
    write(
        dir.path(),
        "p3out/world.wit",
        "package example:p3out;\n\nworld p3out {\n  import wasi:cli/stdout@0.3.0;\n  export wasi:cli/run@0.3.0;\n}\n",
    );
    write(
        dir.path(),
        "p3out/main.go",
        r#"package main

import (
	"context"
	"fmt"
	"os"

	"example.com/p3out/gen/wasi/cli/stdout"
	"example.com/p3out/gen/witgo/async"
)

func main() {
	fmt.Println("through fmt")
	w, r := async.NewStream[uint8]()
	done := stdout.WriteViaStream(r)
	out := async.Writer(w)
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(out, "through the 0.3 stream, line %d\n", i)
	}
	out.Close()
	res, err := done.Read(context.Background())
	if err != nil || res.IsErr() {
		fmt.Fprintln(os.Stderr, "write-via-stream:", res, err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stdout, "and fmt again")
	os.Exit(4)
}
"#,
    );
    let o = witgo()
        .current_dir(dir.path().join("p3out"))
        .args(["build", "--wit", "world.wit", "-o", "p3out.wasm", "."])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = witgo()
        .current_dir(dir.path().join("p3out"))
        .args(["run", "p3out.wasm"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&o),
        "through fmt\nthrough the 0.3 stream, line 1\nthrough the 0.3 stream, line 2\nthrough the 0.3 stream, line 3\nand fmt again\n",
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

/// `componentize` on a core module another tool built (plain `go build`),
/// then `run --invoke`; a world the module does not fit is a clear error.
#[test]
fn componentize_a_core_module_built_by_plain_go() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let go = witgo_build::GoToolchain::discover(None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "adder/go.mod",
        "module example.com/adder\n\ngo 1.25\n",
    );
    write(
        dir.path(),
        "adder/main.go",
        &ADDER_GO.replace("+ bonus", "+ 1"),
    );
    write(
        dir.path(),
        "adder.wit",
        "package t:adder;\nworld adder { export add: func(a: s32, b: s32) -> s32; }\n",
    );
    write(
        dir.path(),
        "other.wit",
        "package t:other;\nworld other { export sub: func(a: s32, b: s32) -> s32; }\n",
    );
    let o = Command::new(&go.go)
        .current_dir(dir.path().join("adder"))
        .env("GOOS", "wasip1")
        .env("GOARCH", "wasm")
        .args(["build", "-buildmode=c-shared", "-o", "../core.wasm", "."])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = witgo()
        .current_dir(dir.path())
        .args([
            "componentize",
            "--wit",
            "adder.wit",
            "core.wasm",
            "-o",
            "adder.wasm",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = witgo()
        .current_dir(dir.path())
        .args(["run", "--invoke", "add(40, 1)", "adder.wasm"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o).trim(), "42", "{}", stderr(&o));

    let o = witgo()
        .current_dir(dir.path())
        .args([
            "componentize",
            "--wit",
            "other.wit",
            "core.wasm",
            "-o",
            "other.wasm",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("does not fit the WIT world"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("other.wasm").exists());
}

#[test]
fn overlay_flags_give_plain_go_build_the_idle_hook() {
    if !have_go() {
        eprintln!("skipped: no Go");
        return;
    }
    let o = witgo().arg("overlay").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let flags: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    assert_eq!(flags.len(), 2, "{flags:?}");
    let json = flags[0]
        .strip_prefix("-overlay=")
        .expect("an -overlay flag");
    assert!(Path::new(json).is_file(), "{json}");
    assert_eq!(flags[1], "-tags=witgo_overlay");

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "go.mod", "module hook\n\ngo 1.25\n");
    write(
        dir.path(),
        "main.go",
        "package main\n\nimport _ \"unsafe\"\n\n//go:linkname wasiOnIdle runtime.wasiOnIdle\nfunc wasiOnIdle(func() bool)\n\nfunc main() { wasiOnIdle(func() bool { return false }) }\n",
    );
    let go_build = |extra: &[String]| {
        Command::new("go")
            .args(["build", "-o", "hook.wasm"])
            .args(extra)
            .arg(".")
            .current_dir(dir.path())
            .env("GOOS", "wasip1")
            .env("GOARCH", "wasm")
            .output()
            .unwrap()
    };
    // The runtime defines wasiOnIdle only with the overlay (Go's wasm
    // linker drops an undefined linkname target silently rather than
    // failing, so look for the definition in the name section).
    let defines_hook = |extra: &[String]| {
        let o = go_build(extra);
        assert!(o.status.success(), "{}", stderr(&o));
        let module = std::fs::read(dir.path().join("hook.wasm")).unwrap();
        module
            .windows(b"runtime.wasiOnIdle".len())
            .any(|w| w == b"runtime.wasiOnIdle")
    };
    assert!(defines_hook(&flags), "with the overlay");
    assert!(!defines_hook(&[]), "stock Go has no runtime.wasiOnIdle");
}

/// An export whose flat signature is wider than Go's `//go:wasmexport`
/// allows (16 u64 parameters and a u64 result: 136 bytes, Go takes 128)
/// builds, and runs with every argument in place.
#[test]
fn an_export_wider_than_go_allows_builds_and_runs() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let params: Vec<String> = (0..16).map(|i| format!("a{i}: u64")).collect();
    write(
        dir.path(),
        "wide/go.mod",
        "module example.com/wide\n\ngo 1.25\n",
    );
    write(
        dir.path(),
        "wide/world.wit",
        &format!(
            "package t:wide;\n\nworld wide {{\n  export weigh: func({}) -> u64;\n}}\n",
            params.join(", ")
        ),
    );
    let go_params: Vec<String> = (0..16).map(|i| format!("a{i}")).collect();
    let sum: Vec<String> = (0..16).map(|i| format!("a{i}*{}", i + 1)).collect();
    write(
        dir.path(),
        "wide/main.go",
        &format!(
            "package main\n\ntype Wide struct{{}}\n\nfunc (Wide) Weigh({} uint64) uint64 {{\n\treturn {}\n}}\n\nfunc main() {{}}\n",
            go_params.join(", "),
            sum.join(" + ")
        ),
    );
    let o = witgo()
        .current_dir(dir.path().join("wide"))
        .args(["build", "--wit", "world.wit", "-o", "wide.wasm", "."])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // a_i = 1000^(i % 3) + i: a misplaced argument changes the sum.
    let args: Vec<u64> = (0..16u64)
        .map(|i| 1000u64.pow((i % 3) as u32) + i)
        .collect();
    let want: u64 = args
        .iter()
        .enumerate()
        .map(|(i, a)| a * (i as u64 + 1))
        .sum();
    let call = format!(
        "weigh({})",
        args.iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let o = witgo()
        .current_dir(dir.path().join("wide"))
        .args(["run", "wide.wasm", "--invoke", &call])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{want}\n"));
}

/// A WASI 0.3 program whose goroutines all block with nothing pending ends
/// as Go's own deadlock does: the message, the blocked goroutines' stacks,
/// exit status 2 — not the host's "event loop cannot make progress".
#[test]
fn wasi_p3_program_that_deadlocks_ends_as_go_does() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "stuck/go.mod",
        "module example.com/stuck\n\ngo 1.25\n",
    );
    write(
        dir.path(),
        "stuck/world.wit",
        "package example:stuck;\n\nworld stuck {\n  export wasi:cli/run@0.3.0;\n}\n",
    );
    write(
        dir.path(),
        "stuck/main.go",
        "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() {\n\tfmt.Println(\"waiting\")\n\ttime.Sleep(10 * time.Millisecond)\n\tgo func() { select {} }()\n\t<-make(chan int)\n}\n",
    );
    let o = witgo()
        .current_dir(dir.path().join("stuck"))
        .args(["build", "--wit", "world.wit", "-o", "stuck.wasm", "."])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = witgo()
        .current_dir(dir.path().join("stuck"))
        .args(["run", "stuck.wasm"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(stdout(&o), "waiting\n", "{err}");
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("fatal error: all goroutines are asleep - deadlock!\n"),
        "{err}"
    );
    assert!(
        err.contains("[chan receive]:") && err.contains("main.main()"),
        "{err}"
    );
    assert!(
        err.contains("[select (no cases)]:") && err.contains("main.main.func1()"),
        "{err}"
    );
    assert!(!err.contains("event loop"), "{err}");
}

/// `witgo init` writes a project that builds and runs at once, for every
/// template; run again on the same directory it writes nothing and names
/// the files in the way.
#[test]
fn init_templates_build_and_run() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str], &str); 3] = [
        ("command", &["Gopher"], "Hello, Gopher!\n"),
        (
            "p3-command",
            &[],
            "worker 0 done\nworker 1 done\nworker 2 done\n",
        ),
        (
            "library",
            &["--invoke", "greet(\"Gopher\")"],
            "ok(\"Hello, Gopher!\")\n",
        ),
    ];
    for (template, args, want) in cases {
        let name = format!("my-{template}");
        let o = witgo()
            .current_dir(dir.path())
            .args(["init", "--template", template, &name])
            .output()
            .unwrap();
        assert!(o.status.success(), "{template}: {}", stderr(&o));
        let project = dir.path().join(&name);
        for f in [
            "go.mod",
            "wit/world.wit",
            "main.go",
            "README.md",
            ".gitignore",
        ] {
            assert!(project.join(f).is_file(), "{template}: no {f}");
        }
        assert_eq!(
            std::fs::read_to_string(project.join("go.mod")).unwrap(),
            format!("module {name}\n\ngo 1.25\n")
        );
        let o = witgo()
            .current_dir(&project)
            .args(["build", "--wit", "wit", "-o", &format!("{name}.wasm"), "."])
            .output()
            .unwrap();
        assert!(o.status.success(), "{template}: {}", stderr(&o));
        let wasm = format!("{name}.wasm");
        let run: Vec<&str> = match args.first() {
            Some(&"--invoke") => vec!["run", &wasm, args[0], args[1]],
            _ => std::iter::once("run")
                .chain(std::iter::once(wasm.as_str()))
                .chain(args.iter().copied())
                .collect(),
        };
        let o = witgo().current_dir(&project).args(&run).output().unwrap();
        assert_eq!(stdout(&o), want, "{template}: {}", stderr(&o));
        assert!(o.status.success(), "{template}: {}", stderr(&o));
        let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
        assert!(
            readme.contains(&format!("witgo build --wit wit -o {name}.wasm .")),
            "{readme}"
        );
        assert_template_tests_pass(&project, &name, &readme);

        let o = witgo()
            .current_dir(dir.path())
            .args(["init", "--template", template, &name])
            .output()
            .unwrap();
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("writes nothing over existing files")
                && stderr(&o).contains("go.mod"),
            "{}",
            stderr(&o)
        );
    }
}

/// The http template's own tests pass under `witgo test` (its build and
/// serve are tested in serve.rs and interop.rs), and tests get what
/// `--dir` and `--env` grant, and outbound HTTP.
#[test]
fn the_http_template_tests_pass() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = init_project(dir.path(), "http", "my-http");
    let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
    assert_template_tests_pass(&project, "my-http", &readme);

    // What `--dir` and `--env` grant reaches the tests, and http.Get goes
    // out through wasi:http (to a one-shot server here).
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("fixture.txt"), "from the host\n").unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut conn, _) = listener.accept().unwrap();
        let mut req = Vec::new();
        let mut buf = [0; 1024];
        while !req.ends_with(b"\r\n\r\n") {
            let n = conn.read(&mut buf).unwrap();
            assert!(n > 0, "the request ended early");
            req.extend_from_slice(&buf[..n]);
        }
        conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\npong\n")
            .unwrap();
        String::from_utf8_lossy(&req).into_owned()
    });
    write(
        &project,
        "grants_test.go",
        r#"package main

import (
	"io"
	"net/http"
	"os"
	"testing"
)

func TestGrants(t *testing.T) {
	b, err := os.ReadFile("/data/fixture.txt")
	if err != nil || string(b) != "from the host\n" {
		t.Fatalf("ReadFile: %q, %v", b, err)
	}
	resp, err := http.Get(os.Getenv("TARGET") + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "pong\n" {
		t.Fatalf("GET: %d %q", resp.StatusCode, body)
	}
}
"#,
    );
    let o = witgo()
        .current_dir(&project)
        .args(["test", "."])
        .arg("--dir")
        .arg(format!("{}::/data", data.path().display()))
        .args(["--env", &format!("TARGET=http://{addr}")])
        .args(["--", "-run", "TestGrants", "-v"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    assert!(out.contains("--- PASS: TestGrants"), "{out}");
    let req = server.join().unwrap();
    assert!(req.starts_with("GET /ping HTTP/1.1\r\n"), "{req}");
}

/// A test that dials TCP through wasinet (the p3-command template's world,
/// wasi:cli/command@0.3.0, imports wasi:sockets): denied without a grant,
/// an echo with `--allow-connect`.
#[test]
fn witgo_test_grants_sockets() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = init_project(dir.path(), "p3-command", "dialer");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0; 64];
            if let Ok(n) = conn.read(&mut buf) {
                let _ = conn.write_all(&buf[..n]);
            }
        }
    });
    write(
        &project,
        "dial_test.go",
        r#"package main

import (
	"errors"
	"io"
	"os"
	"syscall"
	"testing"

	"dialer/gen/witgo/wasinet"
)

func TestDial(t *testing.T) {
	conn, err := wasinet.Dial("tcp", os.Getenv("SERVER"))
	if os.Getenv("GRANTED") == "" {
		if !errors.Is(err, syscall.EACCES) {
			t.Fatalf("dial without a grant: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "ping")
	buf := make([]byte, 4)
	if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo: %q, %v", buf, err)
	}
}
"#,
    );
    let server = format!("SERVER={addr}");
    for granted in [false, true] {
        let mut cmd = witgo();
        cmd.current_dir(&project)
            .args(["test", ".", "--env", &server]);
        if granted {
            cmd.args(["--env", "GRANTED=1", "--allow-connect", &addr.to_string()]);
        }
        let o = cmd.args(["--", "-run", "TestDial", "-v"]).output().unwrap();
        let out = stdout(&o);
        assert!(o.status.success(), "granted={granted}: {out}{}", stderr(&o));
        assert!(out.contains("--- PASS: TestDial"), "{out}");
    }
}

/// `witgo init --template <template> <name>` in `dir`; the project's path.
fn init_project(dir: &Path, template: &str, name: &str) -> PathBuf {
    let o = witgo()
        .current_dir(dir)
        .args(["init", "--template", template, name])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    dir.join(name)
}

/// `witgo test ./... -- -v`, as the template's README says, runs the main
/// package's tests (the component's main package, with the world's exports
/// in its test binary) and passes.
fn assert_template_tests_pass(project: &Path, name: &str, readme: &str) {
    assert!(readme.contains("witgo test ./..."), "{readme}");
    let o = witgo()
        .current_dir(project)
        .args(["test", "./...", "--", "-v"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(o.status.success(), "{name}: {out}{}", stderr(&o));
    assert!(out.contains("--- PASS: Test"), "{name}: {out}");
    assert!(!out.contains("--- FAIL"), "{name}: {out}");
    assert!(out.contains(&format!("ok  \t{name}\t")), "{name}: {out}");
}

/// `witgo test` runs a package's tests inside a component: goroutines
/// awaiting the host's clock (async imports), a stream to WASI stdout, a
/// world import the host does not provide (harmless until called); a
/// failing package gives go test's output and a non-zero exit; `-run`
/// selects.
#[test]
fn witgo_test_runs_go_tests_as_components() {
    if !have_go() {
        eprintln!("skipping: no Go");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tested");
    write(&root, "go.mod", "module example.com/tested\n\ngo 1.25\n");
    write(
        &root,
        "wit/world.wit",
        "package example:tested;\n\ninterface host {\n  ping: func() -> u32;\n}\n\nworld tested {\n  import host;\n  \
         import wasi:clocks/monotonic-clock@0.3.0;\n  import wasi:cli/stdout@0.3.0;\n  export wasi:cli/run@0.3.0;\n}\n",
    );
    write(&root, "main.go", "package main\n\nfunc main() {}\n");
    write(
        &root,
        "nap/nap.go",
        r#"// Package nap waits on the host's clock and writes through a WASI stream.
package nap

import (
	"context"
	"fmt"

	"example.com/tested/gen/wasi/cli/stdout"
	monotonicclock "example.com/tested/gen/wasi/clocks/monotonic-clock"
	"example.com/tested/gen/witgo/async"
)

// Nap waits ms milliseconds on the host's clock.
func Nap(ctx context.Context, ms uint32) error {
	return monotonicclock.WaitFor(ctx, monotonicclock.Duration(ms)*1_000_000)
}

// Say writes text to stdout through a wasi:cli 0.3 stream.
func Say(ctx context.Context, text string) error {
	w, r := async.NewStream[uint8]()
	done := stdout.WriteViaStream(r)
	if _, err := async.Writer(w).Write([]byte(text)); err != nil {
		return err
	}
	w.Close()
	res, err := done.Read(ctx)
	if err != nil {
		return err
	}
	if res.IsErr() {
		return fmt.Errorf("write-via-stream: %v", res)
	}
	return nil
}
"#,
    );
    write(
        &root,
        "nap/nap_test.go",
        r#"package nap

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestParallelNaps(t *testing.T) {
	start := time.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := Nap(context.Background(), 50); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if took := time.Since(start); took < 50*time.Millisecond || took > 140*time.Millisecond {
		t.Fatalf("three parallel 50 ms naps took %v", took)
	}
}

func TestStreamToStdout(t *testing.T) {
	if err := Say(context.Background(), "streamed hello\n"); err != nil {
		t.Fatal(err)
	}
}
"#,
    );
    write(
        &root,
        "bad/bad_test.go",
        "package bad\n\nimport \"testing\"\n\nfunc TestBad(t *testing.T) { t.Fatal(\"broken on purpose\") }\n",
    );
    let o = witgo()
        .current_dir(&root)
        .args(["test", "./nap"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    assert!(
        out.contains("streamed hello\n") && out.contains("ok  \texample.com/tested/nap\t"),
        "{out}"
    );

    let o = witgo()
        .current_dir(&root)
        .args(["test", "./bad"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(
        out.contains("--- FAIL: TestBad") && out.contains("broken on purpose"),
        "{out}"
    );
    assert!(out.contains("FAIL\texample.com/tested/bad\t"), "{out}");

    let o = witgo()
        .current_dir(&root)
        .args(["test", "./...", "--", "-run", "Parallel", "-v"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(
        out.contains("=== RUN   TestParallelNaps") && !out.contains("TestStreamToStdout"),
        "{out}"
    );
    assert!(
        out.contains("?   \texample.com/tested\t[no test files]"),
        "{out}"
    );
    // TestBad does not match -run Parallel, so ./... passes.
    assert!(o.status.success(), "{out}{}", stderr(&o));

    // A test calling an import of the world's own: a trap naming it.
    write(
        &root,
        "ping/ping_test.go",
        "package ping\n\nimport (\n\t\"testing\"\n\n\t\"example.com/tested/gen/example/tested/host\"\n)\n\n\
         func TestPing(t *testing.T) { t.Log(host.Ping()) }\n",
    );
    let o = witgo()
        .current_dir(&root)
        .args(["test", "./ping"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("FAIL\texample.com/tested/ping\t"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o)
            .contains("example:tested/host#ping was called, but this host does not provide it"),
        "{}",
        stderr(&o)
    );

    // Coverage: the profile comes back to the host, where -coverprofile says.
    let o = witgo()
        .current_dir(&root)
        .args(["test", "./nap", "--", "-coverprofile=cover.out"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    assert!(
        out.contains("coverage: ") && out.contains("% of statements"),
        "{out}"
    );
    let profile = std::fs::read_to_string(root.join("cover.out")).unwrap();
    assert!(
        profile.starts_with("mode: set\n") && profile.contains("example.com/tested/nap/nap.go:"),
        "{profile}"
    );
}
