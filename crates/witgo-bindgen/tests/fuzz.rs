//! Generator fuzzing: random WIT packages from `wit-smith`, every world
//! generated with stubs into one Go module, then gofmt, `go vet` (default
//! analyzers) and `GOOS=wasip1 GOARCH=wasm go build`, as the corpus test
//! does. Seeds 0..40 run in the normal tests; `WITGO_FUZZ_SEEDS=N` runs N
//! (and `WITGO_FUZZ_FIRST=K` starts at seed K). Prints `N passed, N failed`.
//!
//! A seed's input bytes come from a fixed generator (splitmix64), so a seed
//! number names the same WIT on every machine; a failing seed becomes a
//! regression case by writing its WIT (printed on failure) under
//! tests/fuzz-regressions/.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use arbitrary::Unstructured;
use wit_parser::Resolve;

/// The input bytes of `seed`.
fn seed_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// The WIT package of `seed`, or None when wit-smith rejects the input.
fn package(seed: u64) -> Option<(Resolve, wit_parser::PackageId)> {
    let bytes = seed_bytes(seed, 16 << 10);
    let mut u = Unstructured::new(&bytes);
    let config = wit_smith::Config {
        // witgo's async support is exercised by its own tests; keep the
        // generated worlds to what every world can have.
        async_: true,
        futures: true,
        streams: true,
        error_context: true,
        fixed_length_lists: true,
        ..wit_smith::Config::default()
    };
    let wasm = wit_smith::smith(&config, &mut u).ok()?;
    match wit_component::decode(&wasm).expect("wit-smith's output decodes") {
        wit_component::DecodedWasm::WitPackage(resolve, pkg) => Some((resolve, pkg)),
        wit_component::DecodedWasm::Component(..) => None,
    }
}

/// The regression cases: every `.wit` file in tests/fuzz-regressions.
fn regressions() -> Vec<(String, Resolve, wit_parser::PackageId)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "wit"))
        .map(|p| {
            let mut resolve = Resolve::default();
            resolve.all_features = true;
            let (pkg, _) = resolve
                .push_path(&p)
                .unwrap_or_else(|e| panic!("{}: {e:#}", p.display()));
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                resolve,
                pkg,
            )
        })
        .collect()
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_worlds_generate_vet_and_build() {
    if Command::new("go").arg("version").output().is_err() {
        eprintln!("skipping: no Go");
        return;
    }
    let first = env_u64("WITGO_FUZZ_FIRST", 0);
    let seeds = env_u64("WITGO_FUZZ_SEEDS", 40);
    let root = std::env::temp_dir().join(format!("witgo-fuzz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("go.mod"), "module fuzz\n\ngo 1.25\n").unwrap();

    // (seed, world) -> generation error, or the directory it was written to.
    let mut cases: Vec<(String, Result<String, String>, String)> = Vec::new();
    let mut rejected = 0;
    // Failures found earlier, minimized: tests/fuzz-regressions/*.wit.
    let mut packages: Vec<(String, Resolve, wit_parser::PackageId)> = regressions();
    for seed in first..first + seeds {
        match package(seed) {
            Some((resolve, pkg)) => packages.push((format!("seed {seed}"), resolve, pkg)),
            None => rejected += 1,
        }
    }
    for (n, (source, resolve, pkg)) in packages.iter().enumerate() {
        let (resolve, pkg) = (resolve, *pkg);
        let wit = print_package(resolve, pkg);
        for (wname, world) in resolve.packages[pkg].worlds.clone() {
            let dir = format!("p{n}_{}", cases.len());
            let label = format!("{source} world {wname}");
            let opts = witgo_bindgen::Options {
                import_path: format!("fuzz/{dir}/gen"),
                exports_package_name: "main".into(),
                stubs: true,
                async_mode: witgo_bindgen::AsyncMode::AsDeclared,
            };
            let generated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                witgo_bindgen::generate(resolve, world, &opts)
            }))
            .unwrap_or_else(|panic| {
                let msg = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned());
                Err(anyhow::anyhow!(
                    "the generator panicked: {}",
                    msg.unwrap_or_default()
                ))
            });
            match generated {
                Ok(b) => {
                    write_bindings(&root.join(&dir), &b);
                    cases.push((label, Ok(dir), wit.clone()));
                }
                Err(e) => cases.push((label, Err(format!("generate: {e:#}")), wit.clone())),
            }
        }
    }

    let go = |args: &[&str], wasm: bool| {
        let mut cmd = Command::new("go");
        cmd.args(args).current_dir(&root).env("GOFLAGS", "-mod=mod");
        if wasm {
            cmd.env("GOOS", "wasip1").env("GOARCH", "wasm");
        }
        let out = cmd.output().expect("run go");
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
    };
    // witgo formats what it writes with gofmt (witgo-build); a syntax
    // error shows up here.
    let gofmt = Command::new("gofmt")
        .args(["-w", "-e", "."])
        .current_dir(&root)
        .output()
        .expect("gofmt");
    let fmt_out = String::from_utf8_lossy(&gofmt.stderr).to_string();
    let vet_out = go(&["vet", "./..."], true);
    let build_out = go(&["build", "./..."], true);

    let mut failures: BTreeMap<String, (Vec<String>, String)> = BTreeMap::new();
    let mut passed = 0;
    for (label, outcome, wit) in &cases {
        let why: Vec<String> = match outcome {
            Err(e) => vec![e.clone()],
            Ok(dir) => {
                let needle = format!("{dir}/");
                [
                    ("gofmt", &fmt_out),
                    ("vet", &vet_out),
                    ("build", &build_out),
                ]
                .iter()
                .flat_map(|(tool, out)| {
                    out.lines()
                        .filter(|l| l.contains(&needle))
                        .map(move |l| format!("{tool}: {l}"))
                })
                .collect()
            }
        };
        if why.is_empty() {
            passed += 1;
        } else {
            failures.insert(label.clone(), (why, wit.clone()));
        }
    }
    for (label, (why, wit)) in &failures {
        eprintln!("FAIL {label}");
        for w in why.iter().take(6) {
            eprintln!("    {w}");
        }
        eprintln!("--- its WIT ---\n{wit}---");
    }
    eprintln!(
        "fuzz: seeds {first}..{}, {rejected} rejected by wit-smith",
        first + seeds
    );
    println!("fuzz: {passed} passed, {} failed", failures.len());
    if std::env::var_os("WITGO_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&root);
    }
    assert!(failures.is_empty(), "{} worlds failed", failures.len());
}

fn write_bindings(base: &Path, b: &witgo_bindgen::Bindings) {
    for f in &b.files {
        let p = base.join("gen").join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &f.contents).unwrap();
    }
    std::fs::create_dir_all(base).unwrap();
    for f in &b.exports_files {
        std::fs::write(base.join(&f.path), &f.contents).unwrap();
    }
    if b.exports_files.is_empty() {
        std::fs::write(base.join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    }
}

/// The package as WIT text (for the failure report and regression files).
fn print_package(resolve: &Resolve, pkg: wit_parser::PackageId) -> String {
    let mut printer = wit_component::WitPrinter::default();
    match printer.print(resolve, pkg, &[]) {
        Ok(()) => printer.output.to_string(),
        Err(e) => format!("(cannot print: {e})"),
    }
}
