//! The WASI 0.2.12 and 0.3.0 WIT packages, as shipped inside the
//! wasmtime-wasi / wasmtime-wasi-http 48.0.8 crate sources (a test checks
//! they stay byte-identical). witgo offers them to every WIT it loads, so a
//! world can `export wasi:cli/run@0.2.12;` without copying WASI into `deps/`.

/// (label, WIT text). The label is what error messages show as the file.
pub const PACKAGES: &[(&str, &str)] = &[
    (
        "<witgo>/wasi-0.2.12/cli.wit",
        include_str!("../wit/wasi-0.2.12/cli.wit"),
    ),
    (
        "<witgo>/wasi-0.2.12/clocks.wit",
        include_str!("../wit/wasi-0.2.12/clocks.wit"),
    ),
    (
        "<witgo>/wasi-0.2.12/filesystem.wit",
        include_str!("../wit/wasi-0.2.12/filesystem.wit"),
    ),
    (
        "<witgo>/wasi-0.2.12/http.wit",
        include_str!("../wit/wasi-0.2.12/http.wit"),
    ),
    (
        "<witgo>/wasi-0.2.12/io.wit",
        include_str!("../wit/wasi-0.2.12/io.wit"),
    ),
    (
        "<witgo>/wasi-0.2.12/random.wit",
        include_str!("../wit/wasi-0.2.12/random.wit"),
    ),
    (
        "<witgo>/wasi-0.2.12/sockets.wit",
        include_str!("../wit/wasi-0.2.12/sockets.wit"),
    ),
    (
        "<witgo>/wasi-0.3.0/cli.wit",
        include_str!("../wit/wasi-0.3.0/cli.wit"),
    ),
    (
        "<witgo>/wasi-0.3.0/clocks.wit",
        include_str!("../wit/wasi-0.3.0/clocks.wit"),
    ),
    (
        "<witgo>/wasi-0.3.0/filesystem.wit",
        include_str!("../wit/wasi-0.3.0/filesystem.wit"),
    ),
    (
        "<witgo>/wasi-0.3.0/http.wit",
        include_str!("../wit/wasi-0.3.0/http.wit"),
    ),
    (
        "<witgo>/wasi-0.3.0/random.wit",
        include_str!("../wit/wasi-0.3.0/random.wit"),
    ),
    (
        "<witgo>/wasi-0.3.0/sockets.wit",
        include_str!("../wit/wasi-0.3.0/sockets.wit"),
    ),
];

/// Writes the embedded packages as a `deps/` tree (`<dir>/<version>/<name>.wit`
/// becomes `<dir>/wasi-<name>-<version>.wit`), for editors and other tools.
pub fn write_deps(dir: &std::path::Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (label, text) in PACKAGES {
        let rest = label.trim_start_matches("<witgo>/wasi-");
        let (version, file) = rest.split_once('/').unwrap();
        let path = dir.join(format!(
            "wasi-{}-{version}.wit",
            file.trim_end_matches(".wit")
        ));
        std::fs::write(&path, text)?;
        written.push(path);
    }
    Ok(written)
}
