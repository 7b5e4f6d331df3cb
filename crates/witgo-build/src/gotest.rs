//! `witgo test`: Go tests as components.
//!
//! Each package's tests are compiled for wasip1 with witgo's runtime
//! overlay (`go test -c -buildmode=c-shared`), and the test binary becomes
//! a command component whose `wasi:cli/run` export runs the test binary's
//! `main` (the one `go test` generates), so tests call the world's imports,
//! sleep on the host's clock and use goroutines as code inside a component
//! does.
//!
//! - Any package but the component's main: the component's world is the
//!   project world's imports plus `wasi:cli/run@0.3.0`, which a file the
//!   overlay adds to the package exports.
//! - The component's main package (the module root, where
//!   witgo_exports.go is): it implements the world's exports, so its
//!   world keeps them. witgo_exports.go is replaced, through the overlay,
//!   by the one for that world plus `wasi:cli/run@0.3.0` (a command
//!   world's own `wasi:cli/run` export stays): its run glue calls the
//!   linker's `main.main`, which in a test binary is the test driver.
//!
//! Running the components is the caller's job (the CLI runs them on
//! witgo-host): this crate knows nothing of Wasmtime.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::toolchain::GoToolchain;
use crate::{componentize, exitcode, overlay, validate, wide, wit};

/// What to test.
#[derive(Clone, Debug)]
pub struct TestRequest {
    /// The project's WIT (a file or directory).
    pub wit: PathBuf,
    /// The world (`--world`); optional when the package has one.
    pub worlds: Vec<String>,
    /// The Go module's directory (holding go.mod); the working directory
    /// for `go`.
    pub module_dir: PathBuf,
    /// The bindings directory the packages import (default `<module>/gen`).
    pub bindings_out: Option<PathBuf>,
    /// Package patterns, as `go test` takes them (default `./...`).
    pub packages: Vec<String>,
    /// The `go` binary; default `$WITGO_GO`, then PATH.
    pub go: Option<PathBuf>,
    /// Where the test components go.
    pub out_dir: PathBuf,
    /// `go test -c` flags for coverage (`-cover`, `-covermode=…`, `-coverpkg=…`).
    pub build_flags: Vec<String>,
}

/// One package's test component, or why there is none.
#[derive(Clone, Debug)]
pub struct PackageTests {
    /// The import path.
    pub import_path: String,
    /// The package's directory (the tests' working directory).
    pub dir: PathBuf,
    /// The component, or `None` when the package has no test files.
    pub component: Option<PathBuf>,
}

/// Builds a test component for every package `req` names that has tests.
pub fn build_tests(req: &TestRequest) -> Result<Vec<PackageTests>> {
    let go = GoToolchain::discover(req.go.as_deref())?;
    let module_dir = std::path::absolute(&req.module_dir)?;
    let out_dir = req
        .bindings_out
        .clone()
        .unwrap_or_else(|| module_dir.join("gen"));

    // The project's own bindings, as `witgo build` writes them: the
    // packages under test import them.
    let report = crate::bindgen(&crate::BindgenRequest {
        wit: req.wit.clone(),
        worlds: req.worlds.clone(),
        out_dir: out_dir.clone(),
        import_path: None,
        exports_dir: Some(module_dir.clone()),
        stubs: false,
        async_all: false,
        go: req.go.clone(),
    })?;
    let import_path = report.import_path.clone();

    let mut loaded = wit::load_wit_sources(&req.wit)?;
    let world = wit::select_world(&mut loaded.resolve, loaded.package, &req.worlds)?;
    std::fs::create_dir_all(&req.out_dir)?;
    let runtime = overlay::runtime_overlay(&go, &overlay::cache_root())?;
    let mut flavors: [Option<Flavor>; 2] = [None, None];

    let mut results = Vec::new();
    for pkg in list_packages(&go, &module_dir, &req.packages, runtime.tag)? {
        if !pkg.has_tests {
            results.push(PackageTests {
                import_path: pkg.import_path,
                dir: pkg.dir,
                component: None,
            });
            continue;
        }
        // The component's main package (where witgo_exports.go goes)
        // implements the world's exports; its tests keep them.
        let is_component_main = pkg.name == "main" && same_dir(&pkg.dir, &module_dir);
        let flavor = match &mut flavors[usize::from(is_component_main)] {
            Some(f) => f,
            slot => slot.insert(Flavor::new(
                &loaded.resolve,
                world,
                is_component_main,
                &runtime.replace,
                &TestPaths {
                    import_path: &import_path,
                    bindings_dir: &out_dir,
                    module_dir: &module_dir,
                    work_dir: &req.out_dir,
                },
            )?),
        };
        let mut pkg_replace = flavor.replace.clone();
        if !is_component_main {
            let glue = req
                .out_dir
                .join(format!("glue-{}.go", sanitize(&pkg.import_path)));
            crate::bindings::write_atomic(&glue, test_glue(&pkg.name, &import_path).as_bytes())?;
            pkg_replace.insert(
                pkg.dir
                    .join("witgo_test_main_wasip1_test.go")
                    .to_string_lossy()
                    .into_owned(),
                glue.to_string_lossy().into_owned().into(),
            );
        }
        let overlay_json = req
            .out_dir
            .join(format!("overlay-{}.json", sanitize(&pkg.import_path)));
        let json = serde_json::json!({ "Replace": pkg_replace });
        crate::bindings::write_atomic(
            &overlay_json,
            serde_json::to_string_pretty(&json)?.as_bytes(),
        )?;

        let core_path = req
            .out_dir
            .join(format!("{}.test.core.wasm", sanitize(&pkg.import_path)));
        let mut cmd = Command::new(&go.go);
        cmd.current_dir(&module_dir)
            .env("GOOS", "wasip1")
            .env("GOARCH", "wasm")
            .env("GOTOOLCHAIN", "local")
            .args(["test", "-c", "-buildmode=c-shared", "-vet=off"])
            .args(&req.build_flags)
            .arg(format!("-tags={}", runtime.tag))
            .arg(format!("-overlay={}", overlay_json.display()))
            .arg("-o")
            .arg(&core_path)
            .arg(&pkg.import_path);
        let out = cmd
            .output()
            .with_context(|| format!("cannot run {}", go.go.display()))?;
        if !out.status.success() {
            bail!(
                "`go test -c` failed for {} ({}):\n{}{}",
                pkg.import_path,
                out.status,
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            );
        }
        let core = std::fs::read(&core_path)
            .with_context(|| format!("cannot read {}", core_path.display()))?;
        let component = test_component(core, &flavor.resolve, flavor.world)
            .with_context(|| format!("cannot make a component of {}'s tests", pkg.import_path))?;
        let path = req
            .out_dir
            .join(format!("{}.test.wasm", sanitize(&pkg.import_path)));
        crate::write_atomic(&path, &component)?;
        results.push(PackageTests {
            import_path: pkg.import_path,
            dir: pkg.dir,
            component: Some(path),
        });
    }
    Ok(results)
}

/// Where a test build reads and writes.
struct TestPaths<'a> {
    /// The Go import path of the project's bindings.
    import_path: &'a str,
    /// The project's bindings directory.
    bindings_dir: &'a Path,
    /// The Go module (and the component's main package).
    module_dir: &'a Path,
    /// witgo test's own files.
    work_dir: &'a Path,
}

/// One kind of test component: for the component's main package (the
/// world's exports kept) or for any other package.
struct Flavor {
    /// The overlay's replacements: the runtime's, and the test world's
    /// bindings the project's own lack.
    replace: serde_json::Map<String, serde_json::Value>,
    /// The component's world.
    resolve: wit_parser::Resolve,
    world: wit_parser::WorldId,
}

impl Flavor {
    fn new(
        resolve: &wit_parser::Resolve,
        world: wit_parser::WorldId,
        main: bool,
        runtime_replace: &serde_json::Map<String, serde_json::Value>,
        paths: &TestPaths,
    ) -> Result<Flavor> {
        let mut resolve = resolve.clone();
        let test_world = wit::test_world(&mut resolve, world, main)?;
        let opts = witgo_bindgen::Options {
            import_path: paths.import_path.to_string(),
            exports_package_name: "main".into(),
            stubs: false,
            async_mode: witgo_bindgen::AsyncMode::AsDeclared,
        };
        let bindings = witgo_bindgen::generate(&resolve, test_world, &opts)?;
        let added_dir = paths
            .work_dir
            .join(if main { "bindings-main" } else { "bindings" });
        let mut replace = runtime_replace.clone();
        let mut add =
            |target: PathBuf, file: &witgo_bindgen::GoFile, copy: PathBuf| -> Result<()> {
                crate::bindings::write_atomic(&copy, file.contents.as_bytes())?;
                replace.insert(
                    target.to_string_lossy().into_owned(),
                    copy.to_string_lossy().into_owned().into(),
                );
                Ok(())
            };
        for f in &bindings.files {
            let target = paths.bindings_dir.join(&f.path);
            if !target.exists() {
                // (else the project's own copy, generated from the same WIT)
                add(target, f, added_dir.join(&f.path))?;
            }
        }
        if main {
            // The main package's witgo_exports.go for the test world: its
            // wasi:cli/run export runs the test binary's main.
            for f in &bindings.exports_files {
                let copy = added_dir.join("exports").join(&f.path);
                add(paths.module_dir.join(&f.path), f, copy)?;
            }
        }
        let (resolve, world) = wit::component_world(&resolve, test_world)?;
        Ok(Flavor {
            replace,
            resolve,
            world,
        })
    }
}

/// The test binary's core module as a component of `world`, the way
/// `witgo build` makes one (exit codes kept, wide exports joined).
fn test_component(
    core: Vec<u8>,
    resolve: &wit_parser::Resolve,
    world: wit_parser::WorldId,
) -> Result<Vec<u8>> {
    let mut core = wide::join_wide_exports(&core)?.unwrap_or(core);
    if let Some(routed) = exitcode::route_proc_exit(&core)? {
        core = routed;
        exitcode::embed_exit_world(&mut core)?;
    }
    componentize::embed_wit(&mut core, resolve, world)?;
    let component = componentize::encode_component(&core)?;
    validate::validate_component_for(&component, resolve, world)?;
    Ok(component)
}

/// The file added to each package under test: it exports
/// `wasi:cli/run@0.3.0` and runs the test binary's `main` (the one `go
/// test` generates) as the program, on the async executor.
fn test_glue(package: &str, import_path: &str) -> String {
    format!(
        "// Added by witgo test: the test binary runs as the wasi:cli/run@0.3.0 export.\n\n\
         package {package}\n\n\
         import (\n\t\"context\"\n\t_ \"unsafe\" // for go:linkname\n\n\
         \twitgo_run \"{import_path}/wasi/cli/run\"\n)\n\n\
         //go:linkname witgoTestMain main.main\nfunc witgoTestMain()\n\n\
         type witgoTestRun struct{{}}\n\n\
         func (witgoTestRun) Run(context.Context) error {{\n\twitgoTestMain()\n\treturn nil\n}}\n\n\
         func init() {{ witgo_run.Export(witgoTestRun{{}}) }}\n"
    )
}

struct GoPackage {
    import_path: String,
    dir: PathBuf,
    name: String,
    has_tests: bool,
}

/// `go list` of `patterns` for wasip1: each package, its directory and
/// name, and whether it has test files.
fn list_packages(
    go: &GoToolchain,
    module_dir: &Path,
    patterns: &[String],
    tag: &str,
) -> Result<Vec<GoPackage>> {
    let mut cmd = Command::new(&go.go);
    cmd.current_dir(module_dir)
        .env("GOOS", "wasip1")
        .env("GOARCH", "wasm")
        .env("GOTOOLCHAIN", "local")
        .args([
            "list",
            &format!("-tags={tag}"),
            "-f",
            "{{.ImportPath}}\t{{.Dir}}\t{{.Name}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}",
        ]);
    if patterns.is_empty() {
        cmd.arg("./...");
    } else {
        cmd.args(patterns);
    }
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {}", go.go.display()))?;
    if !out.status.success() {
        bail!(
            "`go list` failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut pkgs = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if let [path, dir, name, tests, xtests] = f.as_slice() {
            pkgs.push(GoPackage {
                import_path: path.to_string(),
                dir: PathBuf::from(dir),
                name: name.to_string(),
                has_tests: *tests != "0" || *xtests != "0",
            });
        }
    }
    Ok(pkgs)
}

/// Whether `a` and `b` name one directory (`go list` resolves symlinks).
fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// An import path as a file name.
fn sanitize(import_path: &str) -> String {
    import_path
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `go test` flags that the test binary takes (as `-test.<name>`), and
/// whether each takes a value.
const TEST_FLAGS: &[(&str, bool)] = &[
    ("run", true),
    ("skip", true),
    ("v", false),
    ("count", true),
    ("bench", true),
    ("benchtime", true),
    ("benchmem", false),
    ("timeout", true),
    ("short", false),
    ("failfast", false),
    ("cpu", true),
    ("parallel", true),
    ("shuffle", true),
    ("fullpath", false),
];

/// The `go test` flags of one `witgo test`, sorted out.
#[derive(Debug, Default, PartialEq)]
pub struct TestFlags {
    /// For the test binary (`-test.run=X`, ...).
    pub binary_args: Vec<String>,
    /// For `go test -c` (`-cover`, `-covermode=…`, `-coverpkg=…`).
    pub build_flags: Vec<String>,
    /// `-coverprofile`: where the packages' coverage profiles go, merged.
    pub cover_profile: Option<PathBuf>,
}

/// Sorts `go test` flags (`-run X`, `-v`, `-count=2`, `-cover`, ...) into
/// the test binary's own (`-test.run=X`, ...) and the build's.
pub fn parse_test_flags(flags: &[String]) -> Result<TestFlags> {
    let mut out = TestFlags::default();
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        let body = flag.trim_start_matches('-');
        if body.len() == flag.len() {
            bail!(
                "unexpected argument {flag:?}: after `--` witgo test takes go test flags such as -run, -v, -count"
            );
        }
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        let name = name.strip_prefix("test.").unwrap_or(name);
        let mut value_of = |value: Option<String>| match value {
            Some(v) => Ok(v),
            None => it
                .next()
                .cloned()
                .with_context(|| format!("the go test flag -{name} needs a value")),
        };
        match name {
            "cover" => out.build_flags.push("-cover".into()),
            "covermode" | "coverpkg" => {
                let v = value_of(value)?;
                out.build_flags.push(format!("-{name}={v}"));
            }
            "coverprofile" => {
                out.cover_profile = Some(PathBuf::from(value_of(value)?));
                if !out.build_flags.iter().any(|f| f == "-cover") {
                    out.build_flags.push("-cover".into());
                }
            }
            _ => {
                let Some((_, takes_value)) = TEST_FLAGS.iter().find(|(n, _)| *n == name) else {
                    let known: Vec<&str> = TEST_FLAGS.iter().map(|(n, _)| *n).collect();
                    bail!(
                        "witgo test does not support the go test flag -{name} yet; it passes on -{}, \
                         -cover, -covermode, -coverpkg and -coverprofile",
                        known.join(", -")
                    );
                };
                match (takes_value, value) {
                    (true, v) => {
                        let v = value_of(v)?;
                        out.binary_args.push(format!("-test.{name}={v}"));
                    }
                    (false, Some(v)) => out.binary_args.push(format!("-test.{name}={v}")),
                    (false, None) => out.binary_args.push(format!("-test.{name}")),
                }
            }
        }
    }
    // -cover alone still wants go test's own order: build flags first.
    out.build_flags.sort_by_key(|f| f != "-cover");
    Ok(out)
}

/// Appends coverage profile `part` (one package's) to `merged`, which
/// keeps one `mode:` line, as `go test -coverprofile` writes for several
/// packages.
pub fn merge_cover_profile(merged: &mut String, part: &str) {
    for (i, line) in part.lines().enumerate() {
        if i == 0 && line.starts_with("mode:") && !merged.is_empty() {
            continue;
        }
        merged.push_str(line);
        merged.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(args: &[&str]) -> Result<TestFlags> {
        parse_test_flags(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn go_test_flags_become_test_binary_flags() {
        let f = flags(&[
            "-run",
            "TestX",
            "-v",
            "-count=2",
            "--short",
            "-test.timeout",
            "5s",
        ])
        .unwrap();
        assert_eq!(
            f.binary_args,
            [
                "-test.run=TestX",
                "-test.v",
                "-test.count=2",
                "-test.short",
                "-test.timeout=5s"
            ]
        );
        assert!(f.build_flags.is_empty() && f.cover_profile.is_none());
        let f = flags(&["-coverprofile", "c.out", "-covermode=atomic"]).unwrap();
        assert_eq!(f.build_flags, ["-cover", "-covermode=atomic"]);
        assert_eq!(f.cover_profile, Some(PathBuf::from("c.out")));
        assert!(
            flags(&["-json"])
                .unwrap_err()
                .to_string()
                .contains("-json yet")
        );
        assert!(
            flags(&["-run"])
                .unwrap_err()
                .to_string()
                .contains("needs a value")
        );
        assert!(flags(&["pkg"]).is_err());
    }

    #[test]
    fn coverage_profiles_merge_under_one_mode_line() {
        let mut merged = String::new();
        merge_cover_profile(&mut merged, "mode: set\na.go:1.1,2.2 1 1\n");
        merge_cover_profile(&mut merged, "mode: set\nb.go:3.1,4.2 1 0\n");
        assert_eq!(merged, "mode: set\na.go:1.1,2.2 1 1\nb.go:3.1,4.2 1 0\n");
    }
}
