//! The embedded WASI WIT must stay identical to what Wasmtime implements,
//! and must be usable from a user's world without a deps/ folder.

use std::path::PathBuf;
use std::process::Command;

fn crate_dir(name: &str) -> PathBuf {
    // Offline, and only the host's packages (`host-tuple`): the build has
    // fetched those, while a fresh machine lacks other platforms'
    // (windows-sys...) and `cargo metadata` would need them for the full
    // graph.
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--filter-platform",
            "host-tuple",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata json");
    let pkg = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in cargo metadata"));
    PathBuf::from(pkg["manifest_path"].as_str().unwrap())
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn embedded_wasi_matches_wasmtime_sources() {
    let http = crate_dir("wasmtime-wasi-http");
    let wasi = crate_dir("wasmtime-wasi");
    for (label, text) in witgo_build::wasi_wit::PACKAGES {
        let rest = label.trim_start_matches("<witgo>/");
        let (set, file) = rest.split_once('/').unwrap();
        let source = match (set, file) {
            ("wasi-0.2.12", f) => http.join("wit/deps").join(f),
            ("wasi-0.3.0", "http.wit") => http.join("src/p3/wit/deps/http.wit"),
            ("wasi-0.3.0", f) => wasi.join("src/p3/wit/deps").join(f),
            _ => unreachable!(),
        };
        let upstream = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("{}: {e}", source.display()));
        assert_eq!(*text, upstream, "{label} differs from {}", source.display());
    }
}

/// The loader finds an embedded package by name through its label
/// (`<witgo>/wasi-<version>/<name>.wit`, one package per file).
#[test]
fn each_embedded_label_names_its_package() {
    for (label, text) in witgo_build::wasi_wit::PACKAGES {
        let group = wit_parser::UnresolvedPackageGroup::parse(label, text).unwrap();
        let name = &group.main.name;
        assert_eq!(
            *label,
            format!(
                "<witgo>/wasi-{}/{}.wit",
                name.version.as_ref().unwrap(),
                name.name
            ),
            "{label} holds {name}"
        );
        assert_eq!(name.namespace, "wasi");
        assert!(group.nested.is_empty(), "{label} nests packages");
    }
}

#[test]
fn user_world_can_use_wasi_without_deps() {
    let dir = tempfile::tempdir().unwrap();
    let wit = dir.path().join("world.wit");
    std::fs::write(
        &wit,
        "package my:app;\nworld app {\n  import wasi:http/types@0.3.0;\n  export wasi:cli/run@0.2.12;\n}\n",
    )
    .unwrap();
    let (mut resolve, pkg) = witgo_build::load_wit(&wit).unwrap();
    let world = witgo_build::wit::select_world(&mut resolve, pkg, &["app".to_string()]).unwrap();
    let w = &resolve.worlds[world];
    let names: Vec<String> = w
        .exports
        .keys()
        .map(|k| resolve.name_world_key(k))
        .collect();
    assert_eq!(names, ["wasi:cli/run@0.2.12"]);
}

#[test]
fn users_own_wasi_package_wins() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("deps")).unwrap();
    std::fs::write(
        dir.path().join("deps/cli.wit"),
        "package wasi:cli@0.2.12;\ninterface run {\n  /// mine\n  run: func() -> result;\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("world.wit"),
        "package my:app;\nworld app {\n  export wasi:cli/run@0.2.12;\n}\n",
    )
    .unwrap();
    let (resolve, _) = witgo_build::load_wit(dir.path()).unwrap();
    let run = resolve
        .interfaces
        .iter()
        .find(|(_, i)| i.name.as_deref() == Some("run"))
        .unwrap()
        .1;
    assert_eq!(run.functions["run"].docs.contents.as_deref(), Some("mine"));
}
