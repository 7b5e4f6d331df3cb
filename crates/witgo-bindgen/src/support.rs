//! The Go support packages from `go/`, vendored into a bindings output
//! (those it imports) with their import paths rewritten to live under
//! `<out>/witgo/`, and the executor under `<out>/internal/exec`: Go's
//! internal-path rule lets the generated packages (all under `<out>`)
//! import it and keeps it from the program's own packages.

use crate::{GoFile, gomerge};
use std::collections::BTreeSet;

/// (path relative to go/, contents). A test checks that this list matches the directory.
const SOURCES: &[(&str, &str)] = &[
    (
        "abi/clock_overlay.go",
        include_str!("../../../go/abi/clock_overlay.go"),
    ),
    (
        "abi/clock_stock.go",
        include_str!("../../../go/abi/clock_stock.go"),
    ),
    ("abi/doc.go", include_str!("../../../go/abi/doc.go")),
    ("abi/format.go", include_str!("../../../go/abi/format.go")),
    (
        "abi/format_float.go",
        include_str!("../../../go/abi/format_float.go"),
    ),
    ("abi/gc.go", include_str!("../../../go/abi/gc.go")),
    (
        "abi/gc_overlay.go",
        include_str!("../../../go/abi/gc_overlay.go"),
    ),
    (
        "abi/gc_stock.go",
        include_str!("../../../go/abi/gc_stock.go"),
    ),
    ("abi/handles.go", include_str!("../../../go/abi/handles.go")),
    (
        "abi/kind_overlay.go",
        include_str!("../../../go/abi/kind_overlay.go"),
    ),
    (
        "abi/kind_stock.go",
        include_str!("../../../go/abi/kind_stock.go"),
    ),
    ("abi/memory.go", include_str!("../../../go/abi/memory.go")),
    (
        "abi/onstack_overlay.go",
        include_str!("../../../go/abi/onstack_overlay.go"),
    ),
    (
        "abi/onstack_stock.go",
        include_str!("../../../go/abi/onstack_stock.go"),
    ),
    ("abi/preinit.go", include_str!("../../../go/abi/preinit.go")),
    ("abi/realloc.go", include_str!("../../../go/abi/realloc.go")),
    ("abi/recycle.go", include_str!("../../../go/abi/recycle.go")),
    (
        "abi/resource.go",
        include_str!("../../../go/abi/resource.go"),
    ),
    (
        "abi/typename_overlay.go",
        include_str!("../../../go/abi/typename_overlay.go"),
    ),
    (
        "abi/typename_stock.go",
        include_str!("../../../go/abi/typename_stock.go"),
    ),
    ("abi/values.go", include_str!("../../../go/abi/values.go")),
    ("async/doc.go", include_str!("../../../go/async/doc.go")),
    (
        "async/executor.go",
        include_str!("../../../go/async/executor.go"),
    ),
    (
        "async/stream.go",
        include_str!("../../../go/async/stream.go"),
    ),
    (
        "internal/exec/builtins_other.go",
        include_str!("../../../go/internal/exec/builtins_other.go"),
    ),
    (
        "internal/exec/builtins_wasm.go",
        include_str!("../../../go/internal/exec/builtins_wasm.go"),
    ),
    (
        "internal/exec/deadlock.go",
        include_str!("../../../go/internal/exec/deadlock.go"),
    ),
    (
        "internal/exec/doc.go",
        include_str!("../../../go/internal/exec/doc.go"),
    ),
    (
        "internal/exec/hook_native.go",
        include_str!("../../../go/internal/exec/hook_native.go"),
    ),
    (
        "internal/exec/hook_none.go",
        include_str!("../../../go/internal/exec/hook_none.go"),
    ),
    (
        "internal/exec/hook_overlay.go",
        include_str!("../../../go/internal/exec/hook_overlay.go"),
    ),
    (
        "internal/exec/inline_none.go",
        include_str!("../../../go/internal/exec/inline_none.go"),
    ),
    (
        "internal/exec/members.go",
        include_str!("../../../go/internal/exec/members.go"),
    ),
    (
        "internal/exec/queue.go",
        include_str!("../../../go/internal/exec/queue.go"),
    ),
    (
        "internal/exec/send.go",
        include_str!("../../../go/internal/exec/send.go"),
    ),
    (
        "internal/exec/stream.go",
        include_str!("../../../go/internal/exec/stream.go"),
    ),
    (
        "internal/exec/task.go",
        include_str!("../../../go/internal/exec/task.go"),
    ),
    (
        "internal/exec/taskctx.go",
        include_str!("../../../go/internal/exec/taskctx.go"),
    ),
    ("wit/doc.go", include_str!("../../../go/wit/doc.go")),
    (
        "wit/errorcontext_other.go",
        include_str!("../../../go/wit/errorcontext_other.go"),
    ),
    (
        "wit/errorcontext_wasm.go",
        include_str!("../../../go/wit/errorcontext_wasm.go"),
    ),
    ("wit/handles.go", include_str!("../../../go/wit/handles.go")),
    ("wit/option.go", include_str!("../../../go/wit/option.go")),
    ("wit/result.go", include_str!("../../../go/wit/result.go")),
    ("wit/tuple.go", include_str!("../../../go/wit/tuple.go")),
];

/// The net/http adapter for worlds that use wasi:http 0.3 or 0.2 (see
/// `crate::http`), vendored as `witgo/wasihttp`. It lives in a directory
/// the go tool skips: it imports the generated bindings, which exist only
/// in an output.
const WASIHTTP_SOURCES: &[(&str, &str)] = &[
    (
        "body_p2.go",
        include_str!("../../../go/_wasihttp/body_p2.go"),
    ),
    (
        "body_p3.go",
        include_str!("../../../go/_wasihttp/body_p3.go"),
    ),
    (
        "client_p2.go",
        include_str!("../../../go/_wasihttp/client_p2.go"),
    ),
    (
        "client_p3.go",
        include_str!("../../../go/_wasihttp/client_p3.go"),
    ),
    (
        "client_transport.go",
        include_str!("../../../go/_wasihttp/client_transport.go"),
    ),
    ("doc.go", include_str!("../../../go/_wasihttp/doc.go")),
    ("fields.go", include_str!("../../../go/_wasihttp/fields.go")),
    ("handle.go", include_str!("../../../go/_wasihttp/handle.go")),
    (
        "main_link.go",
        include_str!("../../../go/_wasihttp/main_link.go"),
    ),
    (
        "poll_p2.go",
        include_str!("../../../go/_wasihttp/poll_p2.go"),
    ),
    (
        "request.go",
        include_str!("../../../go/_wasihttp/request.go"),
    ),
    (
        "response.go",
        include_str!("../../../go/_wasihttp/response.go"),
    ),
    (
        "serve_p2.go",
        include_str!("../../../go/_wasihttp/serve_p2.go"),
    ),
    (
        "serve_p3.go",
        include_str!("../../../go/_wasihttp/serve_p3.go"),
    ),
];

/// Go's networking over wasi:sockets 0.3 (see `crate::net`), vendored as
/// `witgo/wasinet`; like wasihttp it imports the generated bindings.
const WASINET_SOURCES: &[(&str, &str)] = &[
    ("addr.go", include_str!("../../../go/_wasinet/addr.go")),
    (
        "deadline.go",
        include_str!("../../../go/_wasinet/deadline.go"),
    ),
    ("dial.go", include_str!("../../../go/_wasinet/dial.go")),
    ("doc.go", include_str!("../../../go/_wasinet/doc.go")),
    ("errors.go", include_str!("../../../go/_wasinet/errors.go")),
    ("listen.go", include_str!("../../../go/_wasinet/listen.go")),
    ("lookup.go", include_str!("../../../go/_wasinet/lookup.go")),
    (
        "tcpconn.go",
        include_str!("../../../go/_wasinet/tcpconn.go"),
    ),
    ("udp.go", include_str!("../../../go/_wasinet/udp.go")),
];

/// Written only for worlds with floats (see go/abi/format.go, formatFloat).
const FLOATS_ONLY: &str = "abi/format_float.go";

/// The support packages, by their directory under `go/`.
const PACKAGES: [&str; 4] = ["abi", "async", "internal/exec", "wit"];

/// Where support package `pkg` is vendored, relative to the output.
fn vendored_dir(pkg: &str) -> String {
    match pkg.strip_prefix("internal/") {
        Some(name) => format!("internal/{name}"),
        None => format!("witgo/{pkg}"),
    }
}

/// The support packages among `imports` (the import paths of the
/// generated files), and always `abi` (it holds
/// `cabi_realloc`, which every component exports). `async` and the
/// executor come together: async is defined on the executor, and a program
/// whose bindings use only the executor (async functions without streams)
/// still calls async's HoldCalls or Yield. `wit` imports nothing else of
/// witgo; a test checks these dependencies. Only these are vendored: a
/// world without streams, futures or async functions gets neither
/// `witgo/async` nor the executor, one without options, results, tuples or
/// error contexts no `witgo/wit` (fewer files to write, which on a slow
/// disk was most of bindgen's time).
pub fn used_packages(import_path: &str, imports: &BTreeSet<String>) -> Vec<&'static str> {
    let mut used = vec!["abi"];
    used.extend(
        PACKAGES
            .iter()
            .filter(|pkg| imports.contains(&format!("{import_path}/{}", vendored_dir(pkg)))),
    );
    if used.iter().any(|p| ["async", "internal/exec"].contains(p)) {
        used.extend(["async", "internal/exec"]);
    }
    used.sort_unstable();
    used.dedup();
    used
}

fn package_of(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(pkg, _)| pkg)
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
        let dir = vendored_dir(pkg);
        let name = dir.rsplit_once('/').map_or(pkg, |(_, name)| name);
        out.extend(
            joined(name, &sources)
                .into_iter()
                .map(|(name, contents)| GoFile {
                    path: format!("{dir}/{name}"),
                    contents: rewrite_imports(&contents, import_path),
                    // gofmt-clean in go/, joining keeps them so (a test checks),
                    // and the rewrite too (witgo imports are a group of their own).
                    formatted: true,
                }),
        );
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
    let header =
        format!("// Code generated by witgo: its Go support package {pkg}, vendored. DO NOT EDIT.");
    for (build, files) in groups {
        let joined_name = match build {
            _ if files.len() == 1 => None,
            None => Some(format!("{pkg}.go")),
            Some(_) => {
                common_suffix(files.iter().map(|(name, _)| *name)).map(|s| format!("{pkg}_{s}.go"))
            }
        };
        let free = |name: &String| {
            !sources.iter().any(|(n, _)| n == name) && !out.iter().any(|(n, _)| n == name)
        };
        let merged = joined_name.filter(free).and_then(|name| {
            gomerge::merge(&header, &files)
                .ok()
                .map(|text| (name, text))
        });
        match merged {
            Some(file) => out.push(file),
            None => out.extend(
                files
                    .iter()
                    .map(|(name, src)| (name.to_string(), src.text.to_string())),
            ),
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

/// The files of `witgo/wasihttp` that `wants`, with its imports of the bindings
/// pointed at `bindings` ((path as written, path in the output)) and of
/// the support packages at theirs; and the import paths it uses, so that
/// those support packages are vendored too.
pub fn wasihttp_files(
    import_path: &str,
    bindings: &[(&str, String)],
    wants: impl Fn(&str) -> bool,
) -> (Vec<GoFile>, Vec<String>) {
    adapter_files("wasihttp", WASIHTTP_SOURCES, import_path, bindings, wants)
}

/// The files of `witgo/wasinet`, as [`wasihttp_files`] gives wasihttp's.
pub fn wasinet_files(import_path: &str, bindings: &[(&str, String)]) -> (Vec<GoFile>, Vec<String>) {
    adapter_files("wasinet", WASINET_SOURCES, import_path, bindings, |_| true)
}

/// The files of adapter package `witgo/<name>` (from `sources`) that
/// `wants`, with its imports rewritten (see [`wasihttp_files`]).
fn adapter_files(
    name: &str,
    sources: &[(&str, &str)],
    import_path: &str,
    bindings: &[(&str, String)],
    wants: impl Fn(&str) -> bool,
) -> (Vec<GoFile>, Vec<String>) {
    let mut uses = Vec::new();
    let files = sources
        .iter()
        .filter(|(file, _)| wants(file))
        .map(|(file, contents)| {
            let mut text = contents.to_string();
            for (from, to) in bindings {
                text = text.replace(&format!("\"{from}\""), &format!("\"{to}\""));
            }
            for pkg in PACKAGES {
                if text.contains(&format!("\"witgo/{pkg}\"")) {
                    uses.push(format!("{import_path}/{}", vendored_dir(pkg)));
                }
            }
            // Rewritten paths sort differently: gofmt lays the imports out again.
            GoFile::generated(
                format!("witgo/{name}/{file}"),
                rewrite_imports(&text, import_path),
            )
        })
        .collect();
    (files, uses)
}

/// Points the support packages' imports of each other (`"witgo/abi"`) at
/// their vendored copies; error texts such as `"witgo/async: ..."` stay.
fn rewrite_imports(contents: &str, import_path: &str) -> String {
    PACKAGES.iter().fold(contents.to_string(), |text, pkg| {
        text.replace(
            &format!("\"witgo/{pkg}\""),
            &format!("\"{import_path}/{}\"", vendored_dir(pkg)),
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn float_formatting_is_written_only_for_worlds_with_floats() {
        let has = |floats| {
            super::files("m", &["abi"], floats)
                .iter()
                .any(|f| f.contents.contains("// From format_float.go."))
        };
        assert!(has(true));
        assert!(!has(false));
    }

    #[test]
    fn only_imported_packages_are_vendored() {
        let used = |paths: &[&str]| {
            super::used_packages("m/gen", &paths.iter().map(|p| p.to_string()).collect())
        };
        assert_eq!(used(&[]), ["abi"]);
        assert_eq!(used(&["m/gen/witgo/wit"]), ["abi", "wit"]);
        assert_eq!(
            used(&["m/gen/witgo/async"]),
            ["abi", "async", "internal/exec"]
        );
        assert_eq!(
            used(&["m/gen/internal/exec"]),
            ["abi", "async", "internal/exec"]
        );
        // Another module's witgo packages are not ours.
        assert_eq!(used(&["other/witgo/async"]), ["abi"]);
        let vendored = super::files("m/gen", &["abi", "wit"], true);
        assert!(vendored.iter().any(|f| f.path.starts_with("witgo/wit/")));
        assert!(!vendored.iter().any(|f| f.path.starts_with("witgo/async/")));
    }

    #[test]
    fn support_packages_depend_as_used_packages_assumes() {
        // used_packages relies on it: abi (always vendored), and async with
        // the executor, cover every dependency between support packages.
        for (path, contents) in super::SOURCES {
            let allowed: &[&str] = if path.starts_with("async/") {
                &["abi", "internal/exec"]
            } else {
                &["abi"]
            };
            for pkg in super::PACKAGES.iter().filter(|p| !allowed.contains(p)) {
                assert!(
                    !contents.contains(&format!("\"witgo/{pkg}\"")),
                    "{path} imports witgo/{pkg}"
                );
            }
        }
    }

    #[test]
    fn witgo_async_offers_only_the_user_api() {
        // The executor's entry points for glue (Start, Callback, Await,
        // StreamOps, lifting and taking handles) live in internal/exec.
        let mut names: Vec<String> = Vec::new();
        for (_, contents) in super::SOURCES
            .iter()
            .filter(|(p, _)| p.starts_with("async/"))
        {
            for line in contents.lines() {
                let decl = ["func ", "type ", "var "]
                    .iter()
                    .find_map(|k| line.strip_prefix(k));
                let Some(decl) = decl else { continue };
                // A method: the name after the receiver.
                let decl = if decl.starts_with('(') {
                    decl.split_once(") ").map_or(decl, |(_, d)| d)
                } else {
                    decl
                };
                let name: String = decl
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if name.starts_with(|c: char| c.is_ascii_uppercase()) && !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names.sort();
        assert_eq!(
            names,
            [
                "ByteReader",
                "ByteWriter",
                "Close",
                "ErrPeerGone",
                "ErrUnwritten",
                "FutureReader",
                "FutureWriter",
                "HoldCalls",
                "NewFuture",
                "NewStream",
                "Read",
                "ReadFrom",
                "ReadStats",
                "Reader",
                "Ready",
                "Stats",
                "StreamReader",
                "StreamWriter",
                "Unsent",
                "Write",
                "WriteTo",
                "Writer",
                "Yield"
            ]
        );
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
        assert_eq!(
            names("abi"),
            ["abi.go", "abi_overlay.go", "abi_stock.go", "preinit.go"]
        );
        assert_eq!(names("async"), ["async.go"]);
        assert_eq!(
            names("internal/exec"),
            [
                "builtins_other.go",
                "builtins_wasm.go",
                "exec.go",
                "hook_native.go",
                "hook_none.go",
                "hook_overlay.go",
                "inline_none.go"
            ]
        );
        assert_eq!(
            names("wit"),
            ["errorcontext_other.go", "errorcontext_wasm.go", "wit.go"]
        );
        // Every source file's declarations are in the output.
        for pkg in super::PACKAGES {
            let all: String = super::files("m", &[pkg], true)
                .into_iter()
                .map(|f| f.contents)
                .collect();
            for (path, contents) in super::SOURCES
                .iter()
                .filter(|(p, _)| super::package_of(p) == pkg)
            {
                let body = crate::gomerge::parse(contents).unwrap().body;
                let body = super::rewrite_imports(body, "m");
                assert!(
                    all.contains(&body),
                    "go/{path} is missing from the vendored {pkg}"
                );
            }
        }
    }

    #[test]
    fn every_support_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../go");
        let mut on_disk = Vec::new();
        for pkg in super::PACKAGES {
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
