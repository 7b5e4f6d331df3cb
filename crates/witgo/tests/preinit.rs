//! `witgo build --preinit`: Go's start-up and package inits run at build
//! time, and each instance of the snapshot still gets its own arguments,
//! environment, preopened directories, random state and clock.

mod common;

use common::http::{Server, Wasi, check_net_http_guest};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn have_go() -> bool {
    witgo_build::GoToolchain::discover(None).is_ok()
}

/// The `preinit` guest's report, from `witgo run` with `env` and `/data`.
fn report(component: &Path, env: &str, data: &Path) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_witgo"))
        .arg("run")
        .args(["--env", &format!("PREINIT_ENV={env}")])
        .arg("--dir")
        .arg(format!("{}::/data", data.display()))
        .arg(component)
        .args(["a", "b"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "witgo run failed\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn data_dir() -> PathBuf {
    let data = Path::new(env!("CARGO_TARGET_TMPDIR")).join("preinit-data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("hello.txt"), "hello from the host\n").unwrap();
    data
}

#[test]
fn each_instance_of_a_snapshot_has_its_own_state() {
    if !have_go() {
        return;
    }
    let component = common::preinit_guest("preinit");
    let built = Instant::now();
    // Init ran when the component was built: its clock reading is older
    // than this pause.
    std::thread::sleep(Duration::from_millis(1100));
    let data = data_dir();
    let one = report(&component, "one", &data);
    let two = report(&component, "two", &data);
    assert!(built.elapsed() >= Duration::from_millis(1100));

    for (r, env) in [(&one, "one"), (&two, "two")] {
        let args = r["args"].as_array().unwrap();
        assert_eq!(&args[1..], &["a", "b"], "{r}");
        assert_eq!(r["env"], env, "{r}");
        assert_eq!(
            r["lookup_env"],
            serde_json::json!([format!("PREINIT_ENV={env}")])
        );
        assert_eq!(r["file"], "hello from the host\n", "{r}");
        assert_eq!(r["wd"], "/data", "{r}");
        // Init ran once, at build time, with the build's arguments and
        // environment.
        assert_eq!(r["init_runs"], 1, "{r}");
        assert_eq!(
            r["init_args"],
            serde_json::json!(["e2e-preinit-preinit"]),
            "{r}"
        );
        assert_eq!(r["init_env"], "", "{r}");
        assert_eq!(r["init_table"], "0ba88ac7", "{r}");
        let (now, init) = (
            r["now_unix_ms"].as_i64().unwrap(),
            r["init_unix_ms"].as_i64().unwrap(),
        );
        assert!(
            now - init >= 1000,
            "init ran {} ms before main: {r}",
            now - init
        );
        // Wall clock: now, not the build's.
        let host_now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        assert!((host_now - now).abs() < 30_000, "{r}");
        // The monotonic clock goes on from the snapshot: a sleep takes its time.
        let slept = r["slept_ms"].as_i64().unwrap();
        assert!((20..2000).contains(&slept), "{r}");
        // A goroutine started by init, parked in the snapshot, answers.
        assert_eq!(r["echo"], "echo hi", "{r}");
    }
    // Random state is the instance's own...
    for key in ["rand_v2", "math_rand", "maphash", "new_map_seed"] {
        assert_ne!(one[key], two[key], "{key} is the same in two instances");
    }
    // ...except a map made by init keeps the seed it got at build time
    // (docs/preinit.md says so).
    assert_eq!(one["init_map_seed"], two["init_map_seed"]);
}

/// A guest package under the target directory, built with --preinit:
/// `main.go` imports `imports` and holds `decls`.
fn build_init(name: &str, imports: &str, decls: &str) -> anyhow::Result<witgo_build::BuildReport> {
    build_init_with(name, imports, decls, witgo_build::Preinit::Required)
}

fn build_init_with(
    name: &str,
    imports: &str,
    decls: &str,
    preinit: witgo_build::Preinit,
) -> anyhow::Result<witgo_build::BuildReport> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("preinit-refused-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("go.mod"), format!("module {name}\n\ngo 1.25\n")).unwrap();
    let world = format!(
        "package example:{name};\n\nworld {name} {{\n  include wasi:cli/command@0.2.12;\n}}\n"
    );
    std::fs::write(dir.join("world.wit"), world).unwrap();
    let main = format!("package main\n\nimport (\n{imports}\n)\n\n{decls}\n\nfunc main() {{}}\n");
    std::fs::write(dir.join("main.go"), main).unwrap();
    witgo_build::build(&witgo_build::BuildRequest {
        wit: dir.join("world.wit"),
        package_dir: dir.clone(),
        output: Some(dir.join("out.wasm")),
        preinit,
        ..Default::default()
    })
}

#[test]
fn init_that_uses_the_outside_world_stops_the_build() {
    if !have_go() {
        return;
    }
    let cases: [(&str, &str, &str, &[&str]); 5] = [
        (
            "printer",
            "\t\"fmt\"",
            "func init() { fmt.Println(\"hello from init\") }",
            &["wrote output", "hello from init"],
        ),
        (
            "randomkey",
            "\t\"crypto/rand\"",
            "var key [16]byte\n\nfunc init() { rand.Read(key[:]) }",
            &["read random bytes"],
        ),
        (
            "exiter",
            "\t\"os\"",
            "func init() { os.Exit(3) }",
            &["exited"],
        ),
        (
            "reader",
            "\t\"os\"",
            "func init() { os.Stdin.Read(make([]byte, 1)) }",
            &["called WASI `fd_read`"],
        ),
        (
            "panicker",
            "\t\"os\"",
            "func init() {\n\tif len(os.Args) > 0 {\n\t\tpanic(\"init gave up\")\n\t}\n}",
            &["panicked or trapped"],
        ),
    ];
    for (name, imports, decls, wanted) in cases {
        let err = match build_init(name, imports, decls) {
            Ok(_) => panic!("{name}: the build succeeded"),
            Err(e) => format!("{e:#}"),
        };
        for w in wanted {
            assert!(err.contains(w), "{name}: no {w:?} in:\n{err}");
        }
        assert!(err.contains("without --preinit"), "{name}: {err}");
    }
    // Computing, allocating and sleeping in init are fine.
    build_init(
        "computer",
        "\t\"strings\"\n\t\"time\"",
        "var (\n\ttable string\n\tm     map[string]int\n)\n\n\
         func init() {\n\ttable = strings.Repeat(\"x\", 1<<20)\n\tm = map[string]int{\"a\": len(table)}\n\
         \ttime.Sleep(time.Millisecond)\n}",
    )
    .unwrap();
}

/// By default witgo pre-initialises when it can: a program whose init
/// prints is built without, says why, and prints from init in every run.
#[test]
fn a_default_build_falls_back_and_says_why() {
    if !have_go() {
        return;
    }
    let noisy = || {
        build_init_with(
            "noisy",
            "\t\"fmt\"",
            "func init() { fmt.Println(\"hello from init\") }",
            witgo_build::Preinit::Auto,
        )
        .unwrap()
    };
    let report = noisy();
    match &report.preinit {
        witgo_build::PreinitOutcome::Skipped(why) => {
            assert!(
                why.contains("wrote output") && why.contains("hello from init"),
                "{why}"
            )
        }
        other => panic!("{other:?}"),
    }
    for _ in 0..2 {
        let o = Command::new(env!("CARGO_BIN_EXE_witgo"))
            .arg("run")
            .arg(&report.output)
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
        assert_eq!(String::from_utf8_lossy(&o.stdout), "hello from init\n");
    }
    // The same program built again: the cached component, the same note.
    assert_eq!(noisy().preinit, report.preinit);
    // A program whose init keeps to itself is pre-initialised by default.
    let quiet = build_init_with(
        "quiet",
        "\t\"strings\"",
        "var s = strings.Repeat(\"x\", 10)",
        witgo_build::Preinit::Auto,
    )
    .unwrap();
    assert_eq!(quiet.preinit, witgo_build::PreinitOutcome::Done);
}

/// The net/http guests serve from snapshots on witgo serve: WASI 0.2 makes
/// an instance per request, each resuming the snapshot.
#[test]
fn net_http_guests_serve_from_a_snapshot() {
    if !have_go() {
        return;
    }
    for (guest, wasi) in [("nethttp2", Wasi::P2), ("nethttp", Wasi::P3)] {
        let component = common::preinit_guest(guest);
        let server = Server::witgo(&component, &[]);
        check_net_http_guest(&server, wasi);
    }
}
