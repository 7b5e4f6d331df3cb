//! Every guest the e2e suites build is valid on a default-configured host:
//! wasmparser's default features (the component model with
//! `component-model-async`, none of its optional extensions) plus only what
//! the guest's own WIT types need (error-context, maps, fixed-length
//! lists). `witgo build` checks the same on every build; this test names
//! the guests and, when `wasm-tools` is at hand (`$WITGO_WASM_TOOLS` or
//! PATH), asks an independent validator too.

use std::path::{Path, PathBuf};
use std::process::Command;

use witgo_build::OptionalFeature;

/// The guests under guests/ that build on their own (a world.wit, or a
/// wit/ directory, with a world named like the directory).
fn guests() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("guests");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("world.wit").is_file() || e.path().join("wit").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn wit_of(case: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("guests")
        .join(case);
    if dir.join("wit").is_dir() {
        dir.join("wit")
    } else {
        dir.join("world.wit")
    }
}

/// wasm-tools' name for an optional feature.
fn wasm_tools_name(f: OptionalFeature) -> &'static str {
    match f {
        OptionalFeature::ErrorContext => "cm-error-context",
        OptionalFeature::Map => "cm-map",
        OptionalFeature::FixedLengthLists => "cm-fixed-length-lists",
    }
}

#[test]
fn every_guest_validates_with_default_features() {
    if witgo_build::GoToolchain::discover(None).is_err() {
        eprintln!("skipping: no Go");
        return;
    }
    let wasm_tools = std::env::var_os("WITGO_WASM_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| "wasm-tools".into());
    let have_wasm_tools = Command::new(&wasm_tools)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_wasm_tools {
        let required = std::env::var("WITGO_INTEROP").is_ok_and(|v| v == "require");
        assert!(
            !required,
            "wasm-tools not found (set WITGO_WASM_TOOLS); WITGO_INTEROP=require"
        );
        eprintln!("note: wasm-tools not found; validating with wasmparser only");
    }
    let cases = guests();
    assert!(cases.len() >= 10, "found only {cases:?}");
    let mut plain = 0;
    for case in &cases {
        let component = witgo_e2e::guest(case);
        let bytes = std::fs::read(&component).unwrap();
        let mut loaded = witgo_build::load_wit_sources(&wit_of(case)).unwrap();
        let world = witgo_build::select_world(&mut loaded.resolve, loaded.package, &[case.clone()])
            .unwrap();
        let needs = witgo_build::world_features(&loaded.resolve, world);
        witgo_build::validate_component_for(&bytes, &loaded.resolve, world)
            .unwrap_or_else(|e| panic!("guest {case}: {e:#}"));
        if needs.is_empty() {
            witgo_build::validate_component(&bytes)
                .unwrap_or_else(|e| panic!("guest {case}: {e:#}"));
            plain += 1;
        }
        if have_wasm_tools {
            let mut cmd = Command::new(&wasm_tools);
            cmd.arg("validate");
            if !needs.is_empty() {
                let names: Vec<&str> = needs.iter().map(|f| wasm_tools_name(*f)).collect();
                cmd.arg("--features").arg(names.join(","));
            }
            let o = cmd.arg(&component).output().unwrap();
            assert!(
                o.status.success(),
                "wasm-tools validate {} (guest {case}, features {needs:?}): {}",
                component.display(),
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
    // Most guests need nothing optional at all.
    assert!(
        plain * 2 > cases.len(),
        "only {plain} of {} guests validate with plain defaults",
        cases.len()
    );
}
