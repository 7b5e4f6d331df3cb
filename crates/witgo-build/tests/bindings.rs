mod common;

use std::fs;
use std::path::Path;

use common::{err_text, write};
use witgo_bindgen::{Bindings, GoFile};
use witgo_build::bindings::{MANIFEST_FILE, StampInputs, write_stamp};
use witgo_build::{
    compute_stamp, exports_package_name, go_import_path, stamp_is_fresh, write_bindings,
};

fn file(path: &str, contents: &str) -> GoFile {
    GoFile::generated(path, contents)
}

#[test]
fn import_path_from_go_mod() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "go.mod",
        "// comment\nmodule example.com/app\n\ngo 1.25\n",
    );
    assert_eq!(
        go_import_path(&dir.path().join("gen")).unwrap(),
        "example.com/app/gen"
    );
    assert_eq!(
        go_import_path(&dir.path().join("cmd/tool/./gen")).unwrap(),
        "example.com/app/cmd/tool/gen"
    );
    assert_eq!(
        go_import_path(&dir.path().join("a/../b")).unwrap(),
        "example.com/app/b"
    );
    assert_eq!(go_import_path(dir.path()).unwrap(), "example.com/app");
    // A nested module wins.
    write(dir.path(), "sub/go.mod", "module \"example.com/sub\"\n");
    assert_eq!(
        go_import_path(&dir.path().join("sub/gen/x")).unwrap(),
        "example.com/sub/gen/x"
    );
}

#[test]
fn import_path_without_go_mod() {
    let dir = tempfile::tempdir().unwrap();
    let e = err_text(go_import_path(&dir.path().join("gen")).unwrap_err());
    assert!(e.contains("no go.mod found"), "{e}");
    assert!(
        e.contains("go mod init") && e.contains("--import-path"),
        "{e}"
    );
}

#[test]
fn exports_package_detection() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(exports_package_name(dir.path()), "main");
    assert_eq!(exports_package_name(&dir.path().join("missing")), "main");
    write(dir.path(), "witgo_exports.go", "package wrong\n");
    write(dir.path(), "x_test.go", "package lib_test\n");
    assert_eq!(exports_package_name(dir.path()), "main");
    write(
        dir.path(),
        "lib.go",
        "// Copyright\n\n//go:build wasip1\n\n/* Package lib does things. */\npackage lib\n",
    );
    assert_eq!(exports_package_name(dir.path()), "lib");
}

fn bindings(files: &[(&str, &str)], exports: &[(&str, &str)]) -> Bindings {
    Bindings {
        files: files.iter().map(|(p, c)| file(p, c)).collect(),
        exports_files: exports.iter().map(|(p, c)| file(p, c)).collect(),
    }
}

#[test]
fn manifest_removes_only_stale_generated_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gen");
    let first = bindings(
        &[
            ("a/a.go", "package a\n"),
            ("b/b.go", "package b\n"),
            ("c/deep/c.go", "package deep\n"),
            ("d/d.go", "package d\n"),
        ],
        &[("witgo_exports.go", "package main\n")],
    );
    let r = write_bindings(None, &first, &out, dir.path()).unwrap();
    assert_eq!(r.written.len(), 5);
    assert!(r.removed.is_empty());
    let manifest = fs::read_to_string(out.join(MANIFEST_FILE)).unwrap();
    assert!(
        manifest.contains("  a/a.go\n") && manifest.contains("  ../witgo_exports.go\n"),
        "{manifest}"
    );

    // Files witgo did not write are never touched.
    write(&out, "b/user.go", "package b\n");
    write(&out, "mine.txt", "notes\n");
    // A generated file the user edited is kept.
    write(&out, "d/d.go", "package d\n// edited\n");

    let second = bindings(&[("a/a.go", "package a\n\nconst X = 1\n")], &[]);
    let r = write_bindings(None, &second, &out, dir.path()).unwrap();
    let mut removed: Vec<String> = r
        .removed
        .iter()
        .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
        .collect();
    removed.sort();
    assert_eq!(
        removed,
        ["gen/b/b.go", "gen/c/deep/c.go", "witgo_exports.go"]
    );
    assert_eq!(r.kept_modified, [out.join("d/d.go")]);
    assert!(!out.join("b/b.go").exists());
    assert!(out.join("b/user.go").exists());
    assert!(out.join("mine.txt").exists());
    assert!(out.join("d/d.go").exists());
    assert!(!out.join("c").exists(), "emptied directories are removed");
    assert!(dir.path().exists());
    assert_eq!(
        fs::read_to_string(out.join("a/a.go")).unwrap(),
        "package a\n\nconst X = 1\n"
    );
    let manifest = fs::read_to_string(out.join(MANIFEST_FILE)).unwrap();
    assert_eq!(
        manifest.lines().filter(|l| !l.starts_with('#')).count(),
        1,
        "{manifest}"
    );
}

#[test]
fn writes_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let b = bindings(
        &[("z.go", "package z\n"), ("a/a.go", "package a\n")],
        &[("witgo_exports.go", "package main\n")],
    );
    write_bindings(None, &b, &dir.path().join("gen"), dir.path()).unwrap();
    let m1 = fs::read(dir.path().join("gen").join(MANIFEST_FILE)).unwrap();
    write_bindings(None, &b, &dir.path().join("gen"), dir.path()).unwrap();
    let m2 = fs::read(dir.path().join("gen").join(MANIFEST_FILE)).unwrap();
    assert_eq!(m1, m2);
}

#[test]
fn stubs_are_written_once_and_never_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gen");
    let with_stubs = bindings(
        &[("a/a.go", "package a\n")],
        &[("witgo_stubs.go", "package main\n// stub\n")],
    );
    let r = write_bindings(None, &with_stubs, &out, dir.path()).unwrap();
    assert_eq!(r.written.len(), 2);
    write(
        dir.path(),
        "witgo_stubs.go",
        "package main\n// my implementation\n",
    );
    let r = write_bindings(None, &with_stubs, &out, dir.path()).unwrap();
    assert_eq!(r.kept_existing, [dir.path().join("witgo_stubs.go")]);
    let without = bindings(&[("a/a.go", "package a\n")], &[]);
    write_bindings(None, &without, &out, dir.path()).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("witgo_stubs.go")).unwrap(),
        "package main\n// my implementation\n"
    );
}

#[test]
fn bad_generated_paths_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["../escape.go", "/abs.go", "a//b.go", ".witgo-manifest"] {
        let b = bindings(&[(bad, "package x\n")], &[]);
        let e =
            err_text(write_bindings(None, &b, &dir.path().join("gen"), dir.path()).unwrap_err());
        assert!(e.contains("generator produced"), "{bad}: {e}");
    }
    let b = bindings(&[("a.go", "package x\n"), ("a.go", "package y\n")], &[]);
    let e = err_text(write_bindings(None, &b, &dir.path().join("gen"), dir.path()).unwrap_err());
    assert!(e.contains("twice"), "{e}");
}

#[test]
fn gofmt_formats_and_reports_generator_bugs() {
    let Some(go) = common::real_go() else {
        eprintln!("skipping: no Go");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gen");
    let b = bindings(
        &[
            ("a/a.go", "package a\nfunc  F( ) int {return 1}\n"),
            ("a/README.txt", "x  y\n"),
        ],
        &[],
    );
    let r = write_bindings(Some(&go.gofmt), &b, &out, dir.path()).unwrap();
    assert!(r.formatted);
    assert_eq!(
        fs::read_to_string(out.join("a/a.go")).unwrap(),
        "package a\n\nfunc F() int { return 1 }\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("a/README.txt")).unwrap(),
        "x  y\n"
    );
    // The manifest hashes the formatted file: unchanged output counts as unedited.
    let again = bindings(&[], &[]);
    let r = write_bindings(Some(&go.gofmt), &again, &out, dir.path()).unwrap();
    assert_eq!(r.removed.len(), 2, "{r:?}");

    let broken = bindings(&[("b/b.go", "package b\nfunc {\n")], &[]);
    let e = err_text(write_bindings(Some(&go.gofmt), &broken, &out, dir.path()).unwrap_err());
    println!("{e}");
    assert!(e.contains("gofmt rejected the generated Go code"), "{e}");
    assert!(e.contains("witgo bug"), "{e}");
    assert!(e.contains("b.go:2:"), "gofmt's own message is shown: {e}");
}

#[test]
fn generated_files_are_formatted_by_one_gofmt_and_written_once() {
    let Some(go) = common::real_go() else {
        eprintln!("skipping: no Go");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gen");
    let h = "// Code generated by witgo. DO NOT EDIT.";
    let mut b = bindings(
        &[
            (
                "a/a.go",
                &format!("{h}\n\npackage a\nfunc  F( ) int {{\nreturn 1\n}}\n"),
            ),
            (
                "b/b.go",
                &format!("{h}\n\npackage b\n\ntype T struct {{\nA int\nLong string\n}}\n"),
            ),
            // Already clean: gofmt leaves it, and so does the writer.
            ("c/c.go", &format!("{h}\n\npackage c\n")),
        ],
        &[(
            "witgo_exports.go",
            &format!("{h}\n\npackage main\nvar x=1\n"),
        )],
    );
    b.files.push(GoFile {
        path: "v/v.go".into(),
        contents: "package v\n".into(),
        formatted: true,
    });
    let r = write_bindings(Some(&go.gofmt), &b, &out, dir.path()).unwrap();
    assert!(r.formatted && r.unchanged.is_empty());
    assert_eq!(r.written.len(), 5);
    let read = |p: &Path| fs::read_to_string(p).unwrap();
    assert_eq!(
        read(&out.join("a/a.go")),
        format!("{h}\n\npackage a\n\nfunc F() int {{\n\treturn 1\n}}\n")
    );
    assert_eq!(
        read(&out.join("b/b.go")),
        format!("{h}\n\npackage b\n\ntype T struct {{\n\tA    int\n\tLong string\n}}\n")
    );
    assert_eq!(read(&out.join("c/c.go")), format!("{h}\n\npackage c\n"));
    assert_eq!(
        read(&dir.path().join("witgo_exports.go")),
        format!("{h}\n\npackage main\n\nvar x = 1\n")
    );
    // The manifest holds the formatted files' hashes: they count as unedited.
    assert!(stamp_is_fresh_after(&out));

    // Again: the formatted file already on disk is not rewritten; an
    // edited one is.
    let r = write_bindings(Some(&go.gofmt), &b, &out, dir.path()).unwrap();
    assert_eq!(r.unchanged, [out.join("v/v.go")]);
    fs::write(out.join("v/v.go"), "package v // edited\n").unwrap();
    let r = write_bindings(Some(&go.gofmt), &b, &out, dir.path()).unwrap();
    assert!(r.unchanged.is_empty() && r.written.contains(&out.join("v/v.go")));
    assert_eq!(read(&out.join("v/v.go")), "package v\n");
}

/// Whether every file the manifest in `out` lists hashes as recorded.
fn stamp_is_fresh_after(out: &Path) -> bool {
    write_stamp(out, "s").unwrap();
    stamp_is_fresh(out, "s")
}

/// write_bindings leaves the files marked formatted (the vendored support
/// packages) to themselves: they must be gofmt-clean as generated, with
/// their imports pointing into a deep module path.
#[test]
fn files_marked_formatted_are_gofmt_clean() {
    let Some(go) = common::real_go() else {
        eprintln!("skipping: no Go");
        return;
    };
    let mut resolve = wit_parser::Resolve::default();
    let pkg = resolve
        .push_str(
            "w.wit",
            "package a:b;\nworld w { export f: async func(s: stream<u8>) -> string; }\n",
        )
        .unwrap();
    let world = resolve.select_world(&[pkg], None).unwrap();
    let opts = witgo_bindgen::Options {
        import_path: "example.com/some/deeply/nested/module/gen".into(),
        exports_package_name: "main".into(),
        stubs: false,
        async_mode: Default::default(),
    };
    let b = witgo_bindgen::generate(&resolve, world, &opts).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut marked = Vec::new();
    for f in b.files.iter().filter(|f| f.formatted) {
        let path = dir.path().join(&f.path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &f.contents).unwrap();
        marked.push(path);
    }
    // abi and async, joined by build constraint (see witgo-bindgen's support.rs).
    assert!(
        marked.len() >= 9,
        "only {} files marked formatted",
        marked.len()
    );
    let out = std::process::Command::new(&go.gofmt)
        .arg("-l")
        .args(&marked)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "",
        "files gofmt would change"
    );
}

fn stamp(dir: &Path, sources: &[std::path::PathBuf], worlds: &[String], stubs: bool) -> String {
    compute_stamp(&StampInputs {
        wit_sources: sources,
        worlds,
        import_path: "example.com/app/gen",
        exports_package_name: "main",
        exports_dir: dir,
        stubs,
        async_all: false,
    })
    .unwrap()
}

#[test]
fn stamp_detects_changes() {
    let dir = tempfile::tempdir().unwrap();
    let wit = write(dir.path(), "wit/app.wit", "package a:b;\nworld w {}\n");
    let sources = vec![wit.clone()];
    let worlds = vec!["w".to_string()];
    let s1 = stamp(dir.path(), &sources, &worlds, false);
    assert_eq!(s1, stamp(dir.path(), &sources, &worlds, false));
    assert_eq!(s1.len(), 64);
    assert_ne!(s1, stamp(dir.path(), &sources, &worlds, true));
    assert_ne!(s1, stamp(dir.path(), &sources, &["w2".to_string()], false));

    let out = dir.path().join("gen");
    assert!(!stamp_is_fresh(&out, &s1), "nothing generated yet");
    write_bindings(
        None,
        &bindings(&[("w/w.go", "package w\n")], &[]),
        &out,
        dir.path(),
    )
    .unwrap();
    write_stamp(&out, &s1).unwrap();
    assert!(stamp_is_fresh(&out, &s1));
    assert!(!stamp_is_fresh(&out, &"0".repeat(64)));

    // Editing a generated file makes the bindings stale.
    write(&out, "w/w.go", "package w\n// edited\n");
    assert!(!stamp_is_fresh(&out, &s1));
    write(&out, "w/w.go", "package w\n");
    assert!(stamp_is_fresh(&out, &s1));
    // So does deleting one.
    fs::remove_file(out.join("w/w.go")).unwrap();
    assert!(!stamp_is_fresh(&out, &s1));

    // Editing the WIT changes the stamp.
    fs::write(&wit, "package a:b;\nworld w { export f: func(); }\n").unwrap();
    assert_ne!(s1, stamp(dir.path(), &sources, &worlds, false));
}
