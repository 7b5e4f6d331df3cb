//! `run` on a real Go program (GOOS=wasip1, wrapped with the p1 command adapter).

mod common;

use wasmtime::Store;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use witgo_host::{
    HostCtx, RunOptions, engine, load_component, run, run_component, wasi_builder, wasi_linker,
};

#[path = "common/go.rs"]
mod go;

/// Runs the hello program with captured stdout and stderr; returns
/// (exit code, stdout, stderr).
fn run_captured(opts: &RunOptions) -> (i32, String, String) {
    let path = go::hello_component();
    let engine = engine().unwrap();
    let component = load_component(&engine, path, opts.cache_dir.as_deref()).unwrap();
    let stdout = MemoryOutputPipe::new(1 << 20);
    let stderr = MemoryOutputPipe::new(1 << 20);
    let wasi = wasi_builder("hello.wasm", opts)
        .unwrap()
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .build();
    let mut store = Store::new(&engine, HostCtx::from_wasi(wasi, ()));
    let linker = wasi_linker(&engine).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let code = runtime
        .block_on(run_component(&mut store, &linker, &component))
        .unwrap();
    let text = |pipe: MemoryOutputPipe| String::from_utf8(pipe.contents().to_vec()).unwrap();
    (code, text(stdout), text(stderr))
}

#[test]
fn prints_args_and_env_and_exits_0() {
    let opts = RunOptions {
        args: vec!["a b".into(), "c".into()],
        env: vec![("WITGO_GREETING".into(), "hi".into())],
        ..common::options()
    };
    let (code, stdout, _) = run_captured(&opts);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(r#"hello from Go args=["a b" "c"]"#),
        "{stdout}"
    );
    assert!(stdout.contains("argv0=hello.wasm greeting=hi"), "{stdout}");
}

/// The stock WASI p1 command adapter (48.0.8) turns `proc_exit(n)` into
/// `wasi:cli/exit#exit(if n == 0 { ok } else { err })`: every non-zero code
/// becomes 1. (The host keeps any code given to `exit-with-code`, see
/// `run_wat.rs`; witgo's own build must route Go's exit there to keep `n`.)
#[test]
fn os_exit_through_the_stock_adapter_keeps_only_zero_or_nonzero() {
    let code = |n: &str| {
        let opts = RunOptions {
            args: vec!["exit".into(), n.into()],
            ..common::options()
        };
        run_captured(&opts).0
    };
    assert_eq!(code("0"), 0);
    assert_eq!(code("3"), 1);
    assert_eq!(code("255"), 1);
}

#[test]
fn blocking_run_returns_the_exit_code() {
    let opts = RunOptions {
        args: vec!["exit".into(), "3".into()],
        ..common::options()
    };
    assert_eq!(run(go::hello_component(), &opts).unwrap(), 1);
}

/// Go exits with status 2 after an unrecovered panic; through the stock
/// adapter that is 1, as above.
#[test]
fn go_panic_is_a_nonzero_exit_not_a_trap() {
    let opts = RunOptions {
        args: vec!["panic".into()],
        ..common::options()
    };
    let (code, _, stderr) = run_captured(&opts);
    assert_eq!(code, 1);
    assert!(stderr.contains("panic: boom"), "{stderr}");
}

#[test]
fn preopened_directory_is_readable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.txt"), "from the host").unwrap();
    let opts = RunOptions {
        args: vec!["cat".into(), "/data/in.txt".into()],
        preopens: vec![(dir.path().to_path_buf(), "/data".into())],
        ..common::options()
    };
    let (code, stdout, _) = run_captured(&opts);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("file=from the host"), "{stdout}");
}

#[test]
fn missing_preopen_directory_is_a_clear_error() {
    let opts = RunOptions {
        preopens: vec![("/definitely/not/here".into(), "/data".into())],
        ..common::options()
    };
    let msg = format!("{:#}", run(go::hello_component(), &opts).unwrap_err());
    assert!(
        msg.contains("cannot preopen host directory /definitely/not/here"),
        "{msg}"
    );
}

#[test]
fn compiled_component_cache_is_written_and_hit() {
    let path = go::hello_component();
    let engine = engine().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let start = std::time::Instant::now();
    load_component(&engine, path, Some(cache.path())).unwrap();
    let miss = start.elapsed();

    let key = witgo_host::cache_key(&engine, &std::fs::read(path).unwrap());
    let entry = cache.path().join(format!("{key}.cwasm"));
    assert!(entry.is_file(), "no cache entry at {}", entry.display());
    let entries: Vec<_> = std::fs::read_dir(cache.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "temp files left behind: {entries:?}");

    let start = std::time::Instant::now();
    load_component(&engine, path, Some(cache.path())).unwrap();
    let hit = start.elapsed();
    eprintln!("compile (cache miss): {miss:?}, cache hit: {hit:?}");
    assert!(
        hit < miss,
        "cache hit ({hit:?}) was not faster than compiling ({miss:?})"
    );

    // A corrupt entry is recompiled and replaced, not an error.
    std::fs::write(&entry, b"garbage").unwrap();
    load_component(&engine, path, Some(cache.path())).unwrap();
    assert!(std::fs::metadata(&entry).unwrap().len() > 1000);
}

#[test]
fn explicit_env_overrides_inherited_env() {
    let opts = RunOptions {
        inherit_env: true,
        ..common::options()
    };
    let (_, stdout, _) = run_captured(&opts);
    let home = std::env::var("HOME").unwrap_or_default();
    assert!(stdout.contains(&format!("home={home}\n")), "{stdout}");

    let opts = RunOptions {
        inherit_env: true,
        env: vec![("HOME".into(), "/explicit".into())],
        ..common::options()
    };
    let (_, stdout, _) = run_captured(&opts);
    assert!(stdout.contains("home=/explicit\n"), "{stdout}");
}
