//! The Go support packages from `go/`, vendored into a bindings output
//! (those it imports) with their import paths rewritten to live under
//! `<out>/witgo/`.

use crate::{GoFile, gomerge};

/// (path relative to go/, contents). A test checks that this list matches the directory.
const SOURCES: &[(&str, &str)] = &[
    ("abi/clock_overlay.go", include_str!("../../../go/abi/clock_overlay.go")),
    ("abi/clock_stock.go", include_str!("../../../go/abi/clock_stock.go")),
    ("abi/doc.go", include_str!("../../../go/abi/doc.go")),
    ("abi/format.go", include_str!("../../../go/abi/format.go")),
    ("abi/format_float.go", include_str!("../../../go/abi/format_float.go")),
    ("abi/gc.go", include_str!("../../../go/abi/gc.go")),
    ("abi/gc_overlay.go", include_str!("../../../go/abi/gc_overlay.go")),
    ("abi/gc_stock.go", include_str!("../../../go/abi/gc_stock.go")),
    ("abi/handles.go", include_str!("../../../go/abi/handles.go")),
    ("abi/kind_overlay.go", include_str!("../../../go/abi/kind_overlay.go")),
    ("abi/kind_stock.go", include_str!("../../../go/abi/kind_stock.go")),
    ("abi/memory.go", include_str!("../../../go/abi/memory.go")),
    ("abi/onstack_overlay.go", include_str!("../../../go/abi/onstack_overlay.go")),
    ("abi/onstack_stock.go", include_str!("../../../go/abi/onstack_stock.go")),
    ("abi/realloc.go", include_str!("../../../go/abi/realloc.go")),
    ("abi/recycle.go", include_str!("../../../go/abi/recycle.go")),
    ("abi/resource.go", include_str!("../../../go/abi/resource.go")),
    ("abi/typename_overlay.go", include_str!("../../../go/abi/typename_overlay.go")),
    ("abi/typename_stock.go", include_str!("../../../go/abi/typename_stock.go")),
    ("abi/values.go", include_str!("../../../go/abi/values.go")),
    ("async/builtins_other.go", include_str!("../../../go/async/builtins_other.go")),
    ("async/builtins_wasm.go", include_str!("../../../go/async/builtins_wasm.go")),
    ("async/deadlock.go", include_str!("../../../go/async/deadlock.go")),
    ("async/doc.go", include_str!("../../../go/async/doc.go")),
    ("async/hook_native.go", include_str!("../../../go/async/hook_native.go")),
    ("async/hook_none.go", include_str!("../../../go/async/hook_none.go")),
    ("async/hook_overlay.go", include_str!("../../../go/async/hook_overlay.go")),
    ("async/stream.go", include_str!("../../../go/async/stream.go")),
    ("async/task.go", include_str!("../../../go/async/task.go")),
    ("async/taskctx.go", include_str!("../../../go/async/taskctx.go")),
    ("wit/doc.go", include_str!("../../../go/wit/doc.go")),
    ("wit/errorcontext_other.go", include_str!("../../../go/wit/errorcontext_other.go")),
    ("wit/errorcontext_wasm.go", include_str!("../../../go/wit/errorcontext_wasm.go")),
    ("wit/handles.go", include_str!("../../../go/wit/handles.go")),
    ("wit/option.go", include_str!("../../../go/wit/option.go")),
    ("wit/result.go", include_str!("../../../go/wit/result.go")),
    ("wit/tuple.go", include_str!("../../../go/wit/tuple.go")),
];

/// Written only for worlds with floats (see go/abi/format.go, formatFloat).
const FLOATS_ONLY: &str = "abi/format_float.go";

/// The support packages.
const PACKAGES: [&str; 3] = ["abi", "async", "wit"];

/// The support packages `generated` imports, and always `abi` (it holds
/// `cabi_realloc`, which every component exports; `async` and `wit` import
/// nothing else of witgo, which a test checks). Only these are vendored: a
/// world without streams, futures or async functions gets no
/// `witgo/async`, one without options, results, tuples or error contexts
/// no `witgo/wit` (fewer files to write, which on a slow disk was most of
/// bindgen's time).
pub fn used_packages<'a>(import_path: &str, generated: impl IntoIterator<Item = &'a GoFile>) -> Vec<&'static str> {
    let imports = PACKAGES.map(|pkg| format!("\"{import_path}/witgo/{pkg}\""));
    let mut used = vec!["abi"];
    for f in generated {
        for (pkg, import) in PACKAGES.iter().zip(&imports) {
            if !used.contains(pkg) && f.contents.contains(import.as_str()) {
                used.push(pkg);
            }
        }
    }
    used.sort_unstable();
    used
}

fn package_of(path: &str) -> &str {
    path.split_once('/').map_or(path, |(pkg, _)| pkg)
}

/// The files of the support packages in `packages` (see `used_packages`),
/// joined by build constraint (see `joined`).
pub fn files(import_path: &str, packages: &[&str], world_has_floats: bool) -> Vec<GoFile> {
    let mut out = Vec::new();
    for &pkg in packages {
        let sources: Vec<(&str, &str)> = SOURCES
            .iter()
            .filter(|(path, _)| package_of(path) == pkg)
            .filter(|(path, _)| world_has_floats || *path != FLOATS_ONLY)
            .map(|(path, contents)| (&path[pkg.len() + 1..], *contents))
            .collect();
        out.extend(joined(pkg, &sources).into_iter().map(|(name, contents)| GoFile {
            path: format!("witgo/{pkg}/{name}"),
            contents: rewrite_imports(&contents, import_path),
            // gofmt-clean in go/, joining keeps them so (a test checks),
            // and the rewrite too (witgo imports are a group of their own).
            formatted: true,
        }));
    }
    out
}

/// The files of support package `pkg` ((file name, contents) pairs), those
/// with the same build constraint joined into one: the unconstrained ones
/// into `<pkg>.go`, and e.g. `gc_overlay.go` and `clock_overlay.go` into
/// `<pkg>_overlay.go`. Seventeen files of abi become three: on a slow disk
/// each file created cost about a millisecond. A group that cannot be
/// joined (see `gomerge`; a test checks that none is) stays apart.
fn joined(pkg: &str, sources: &[(&'static str, &'static str)]) -> Vec<(String, String)> {
    let mut groups: Vec<(Option<&str>, Vec<(&str, gomerge::GoSource<'_>)>)> = Vec::new();
    let mut out = Vec::new();
    for &(name, contents) in sources {
        match gomerge::parse(contents) {
            Ok(src) => match groups.iter_mut().find(|(build, _)| *build == src.build) {
                Some((_, files)) => files.push((name, src)),
                None => groups.push((src.build, vec![(name, src)])),
            },
            Err(_) => out.push((name.to_string(), contents.to_string())),
        }
    }
    let header = format!("// Code generated by witgo: its Go support package {pkg}, vendored. DO NOT EDIT.");
    for (build, files) in groups {
        let joined_name = match build {
            _ if files.len() == 1 => None,
            None => Some(format!("{pkg}.go")),
            Some(_) => common_suffix(files.iter().map(|(name, _)| *name)).map(|s| format!("{pkg}_{s}.go")),
        };
        let free = |name: &String| !sources.iter().any(|(n, _)| n == name) && !out.iter().any(|(n, _)| n == name);
        let merged = joined_name
            .filter(free)
            .and_then(|name| gomerge::merge(&header, &files).ok().map(|text| (name, text)));
        match merged {
            Some(file) => out.push(file),
            None => out.extend(files.iter().map(|(name, src)| (name.to_string(), src.text.to_string()))),
        }
    }
    out
}

/// The last `_`-separated part of every name's stem, if they share it
/// (`gc_overlay.go`, `clock_overlay.go`: `overlay`).
fn common_suffix<'a>(mut names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let suffix = |name: &'a str| name.strip_suffix(".go")?.rsplit_once('_').map(|(_, s)| s);
    let first = suffix(names.next()?)?;
    names.all(|n| suffix(n) == Some(first)).then_some(first)
}

/// Points the support packages' imports of each other (`"witgo/abi"`) at
/// their vendored copies; error texts such as `"witgo/async: ..."` stay.
fn rewrite_imports(contents: &str, import_path: &str) -> String {
    PACKAGES.iter().fold(contents.to_string(), |text, pkg| {
        text.replace(&format!("\"witgo/{pkg}\""), &format!("\"{import_path}/witgo/{pkg}\""))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn float_formatting_is_written_only_for_worlds_with_floats() {
        let has = |floats| super::files("m", &["abi"], floats).iter().any(|f| f.contents.contains("// From format_float.go."));
        assert!(has(true));
        assert!(!has(false));
    }

    #[test]
    fn only_imported_packages_are_vendored() {
        let file = |text: &str| crate::GoFile::generated("p/p.wit.go", text);
        let used = |files: &[crate::GoFile]| super::used_packages("m/gen", files);
        assert_eq!(used(&[]), ["abi"]);
        assert_eq!(used(&[file("import \"m/gen/witgo/wit\"")]), ["abi", "wit"]);
        assert_eq!(used(&[file("import \"m/gen/witgo/async\"")]), ["abi", "async"]);
        // Another module's witgo packages are not ours.
        assert_eq!(used(&[file("import \"other/witgo/async\"")]), ["abi"]);
        let vendored = super::files("m/gen", &["abi", "wit"], true);
        assert!(vendored.iter().any(|f| f.path.starts_with("witgo/wit/")));
        assert!(!vendored.iter().any(|f| f.path.starts_with("witgo/async/")));
    }

    #[test]
    fn support_packages_import_only_abi_of_witgo() {
        // used_packages relies on it: vendoring abi always covers every
        // dependency between support packages.
        for (path, contents) in super::SOURCES {
            for pkg in ["async", "wit"] {
                assert!(!contents.contains(&format!("\"witgo/{pkg}\"")), "{path} imports witgo/{pkg}");
            }
        }
    }

    #[test]
    fn every_support_file_joins() {
        for (path, contents) in super::SOURCES {
            if let Err(e) = crate::gomerge::parse(contents) {
                panic!("go/{path} does not parse for joining: {e:#}");
            }
        }
        let names = |pkg| -> Vec<String> {
            let mut v: Vec<String> = super::files("m", &[pkg], true)
                .into_iter()
                .map(|f| f.path.rsplit_once('/').unwrap().1.to_string())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names("abi"), ["abi.go", "abi_overlay.go", "abi_stock.go"]);
        assert_eq!(
            names("async"),
            ["async.go", "builtins_other.go", "builtins_wasm.go", "hook_native.go", "hook_none.go", "hook_overlay.go"]
        );
        assert_eq!(names("wit"), ["errorcontext_other.go", "errorcontext_wasm.go", "wit.go"]);
        // Every source file's declarations are in the output.
        for pkg in super::PACKAGES {
            let all: String = super::files("m", &[pkg], true).into_iter().map(|f| f.contents).collect();
            for (path, contents) in super::SOURCES.iter().filter(|(p, _)| super::package_of(p) == pkg) {
                let body = crate::gomerge::parse(contents).unwrap().body;
                let body = super::rewrite_imports(body, "m");
                assert!(all.contains(&body), "go/{path} is missing from the vendored {pkg}");
            }
        }
    }

    #[test]
    fn every_support_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../go");
        let mut on_disk = Vec::new();
        for pkg in ["abi", "async", "wit"] {
            for e in std::fs::read_dir(root.join(pkg)).unwrap() {
                let name = e.unwrap().file_name().into_string().unwrap();
                if name.ends_with(".go") && !name.ends_with("_test.go") {
                    on_disk.push(format!("{pkg}/{name}"));
                }
            }
        }
        on_disk.sort();
        let embedded: Vec<String> = super::SOURCES.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(on_disk, embedded);
    }
}
