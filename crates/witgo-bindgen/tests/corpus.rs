//! Generates every world of the shared WIT conformance corpus (with stubs)
//! into one Go module and checks it with gofmt, go vet and
//! GOOS=wasip1 GOARCH=wasm go build. Prints `N passed, N failed`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use wit_parser::Resolve;

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/codegen");
    dir.is_dir().then_some(dir)
}

struct Case {
    dir: String,
    label: String,
    gated: Option<String>,
    error: Option<String>,
}

#[test]
fn corpus_generates_vets_and_builds() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipping: ../shared/corpus is not present");
        return;
    };
    let root = std::env::temp_dir().join(format!("witgo-corpus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("go.mod"), "module corpus\n\ngo 1.25\n").unwrap();

    let mut entries: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut cases = Vec::new();
    // Files the generator says are gofmt-clean, which bindgen writes as they are.
    let mut marked_formatted = Vec::new();
    let mut async_all = (0usize, 0usize); // (generated, refused) under --async all
    let started = std::time::Instant::now();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".md") {
            continue;
        }
        let text = if path.is_dir() {
            String::new()
        } else {
            std::fs::read_to_string(&path).unwrap()
        };
        let head: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
        let mut resolve = Resolve::default();
        resolve.all_features = true;
        let wit_path = if path.join("wit").is_dir() {
            path.join("wit")
        } else {
            path.clone()
        };
        let pkg = match resolve.push_path(&wit_path) {
            Ok((pkg, _)) => pkg,
            Err(e) => {
                cases.push(Case {
                    dir: String::new(),
                    label: name.clone(),
                    gated: None,
                    error: Some(format!("{e:#}")),
                });
                continue;
            }
        };
        let worlds: Vec<_> = resolve.packages[pkg]
            .worlds
            .iter()
            .map(|(n, id)| (n.clone(), *id))
            .collect();
        for (wname, world) in worlds {
            let dir = format!("c{:03}", cases.len());
            let label = format!("{name}:{wname}");
            let gated = if head.lines().any(|l| {
                l.strip_prefix("//@")
                    .is_some_and(|d| d.trim() == "async = true")
            }) {
                Some("async".to_string())
            } else {
                None
            };
            let opts = witgo_bindgen::Options {
                import_path: format!("corpus/{dir}/gen"),
                exports_package_name: "main".into(),
                stubs: true,
                async_mode: witgo_bindgen::AsyncMode::AsDeclared,
            };
            let declared = witgo_bindgen::generate(&resolve, world, &opts);
            if gated.is_some() {
                // `//@ async = true`: generated with --async all, which is
                // only valid where every function is `async func` already
                // (the async ABI needs an async function type); there it
                // must change nothing, elsewhere it must say why it refuses.
                let all = witgo_bindgen::Options {
                    async_mode: witgo_bindgen::AsyncMode::All,
                    ..opts.clone()
                };
                match (witgo_bindgen::generate(&resolve, world, &all), &declared) {
                    (Ok(a), Ok(d)) => {
                        assert!(
                            a.files == d.files && a.exports_files == d.exports_files,
                            "{label}: --async all differs"
                        );
                        async_all.0 += 1;
                    }
                    (Err(e), _) => {
                        let e = format!("{e:#}");
                        assert!(
                            e.contains("its WIT type is not `async func`"),
                            "{label}: --async all: {e}"
                        );
                        async_all.1 += 1;
                    }
                    (Ok(_), Err(_)) => {
                        panic!("{label}: --async all succeeds where the declared ABI fails")
                    }
                }
            }
            match declared {
                Ok(b) => {
                    let base = root.join(&dir);
                    for f in &b.files {
                        let p = base.join("gen").join(&f.path);
                        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                        std::fs::write(&p, &f.contents).unwrap();
                        if f.formatted {
                            marked_formatted.push(p);
                        }
                    }
                    std::fs::create_dir_all(&base).unwrap();
                    for f in &b.exports_files {
                        std::fs::write(base.join(&f.path), &f.contents).unwrap();
                        if f.formatted {
                            marked_formatted.push(base.join(&f.path));
                        }
                    }
                    if b.exports_files.is_empty() {
                        std::fs::write(base.join("main.go"), "package main\n\nfunc main() {}\n")
                            .unwrap();
                    }
                    cases.push(Case {
                        dir,
                        label,
                        gated,
                        error: None,
                    });
                }
                Err(e) => cases.push(Case {
                    dir,
                    label,
                    gated,
                    error: Some(format!("generate: {e:#}")),
                }),
            }
        }
    }

    eprintln!(
        "corpus: parsed, generated and wrote {} worlds in {:?}",
        cases.len(),
        started.elapsed()
    );
    let go_on = |args: &[&str], wasm: bool| {
        let mut cmd = Command::new("go");
        cmd.args(args).current_dir(&root);
        if wasm {
            cmd.env("GOOS", "wasip1").env("GOARCH", "wasm");
        }
        let out = cmd.env("GOFLAGS", "-mod=mod").output().expect("run go");
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
    };
    let mut unformatted = String::new();
    for chunk in marked_formatted.chunks(500) {
        let out = Command::new("gofmt")
            .arg("-l")
            .args(chunk)
            .output()
            .expect("gofmt -l");
        unformatted += &String::from_utf8_lossy(&out.stdout);
        unformatted += &String::from_utf8_lossy(&out.stderr);
    }
    let unformatted: String = unformatted
        .lines()
        .map(|l| format!("{l}: marked formatted, but gofmt would change it\n"))
        .collect();
    // witgo formats its output with gofmt; a syntax error shows up here.
    let gofmt = Command::new("gofmt")
        .arg("-w")
        .arg("-e")
        .arg(".")
        .current_dir(&root)
        .output()
        .expect("gofmt");
    let fmt_out = String::from_utf8_lossy(&gofmt.stderr).to_string();
    let vet_out = go_on(&["vet", "./..."], true);
    let build_out = go_on(&["build", "./..."], true);
    // Bindings also type-check on the developer's own platform (gopls, go vet, tests).
    let host_vet_out = go_on(&["vet", "./..."], false);

    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut passed, mut failed, mut gated_fail) = (0, 0, 0);
    for c in &cases {
        let mut why = Vec::new();
        if let Some(e) = &c.error {
            why.push(e.clone());
        } else {
            let needle = format!("{}/", c.dir);
            for (tool, out) in [
                ("gofmt -l", &unformatted),
                ("gofmt", &fmt_out),
                ("vet", &vet_out),
                ("build", &build_out),
                ("host vet", &host_vet_out),
            ] {
                for line in out
                    .lines()
                    .filter(|l| l.contains(&needle) || l.contains(&format!("corpus/{}", c.dir)))
                {
                    why.push(format!("{tool}: {line}"));
                }
            }
        }
        if why.is_empty() {
            passed += 1;
        } else if c.gated.is_some() {
            gated_fail += 1;
            failures.insert(format!("{} [{}]", c.label, c.gated.as_ref().unwrap()), why);
        } else {
            failed += 1;
            failures.insert(c.label.clone(), why);
        }
    }
    for (label, why) in &failures {
        eprintln!("FAIL {label}");
        for w in why.iter().take(8) {
            eprintln!("    {w}");
        }
    }
    eprintln!(
        "corpus: {} worlds; gated features failing: {gated_fail}",
        cases.len()
    );
    eprintln!(
        "corpus: {} worlds marked async = true: --async all generates {} of them (all their functions are \
         async func already: the same bindings), refuses {} (sync-typed functions, which the async ABI \
         cannot lower or lift)",
        async_all.0 + async_all.1,
        async_all.0,
        async_all.1
    );
    println!("corpus: {passed} passed, {failed} failed");
    if std::env::var_os("WITGO_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&root);
    } else {
        eprintln!("kept {}", root.display());
    }
    assert_eq!(failed + gated_fail, 0, "corpus failures");
}
