//! `witgo init`: a new project that builds and runs at once.
//!
//! Every template is a Go module with a WIT world in `wit/world.wit` (on
//! witgo's built-in WASI packages, so no `deps/` folder and no download), a
//! `main.go`, a README with the exact commands, and a `.gitignore`. Nothing
//! is overwritten: if any file the template would write exists, nothing is
//! written and the error names them.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// The kinds of project `witgo init` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    /// A WASI 0.2 command: `main` is `wasi:cli/run`.
    Command,
    /// A WASI 0.3 command: `main` is the async `wasi:cli/run`.
    P3Command,
    /// A library: a custom exported interface with a resource and a
    /// function returning `result`.
    Library,
    /// A WASI 0.3 HTTP service written with net/http.
    Http,
}

impl Template {
    /// Every template, by the name `--template` takes.
    pub const ALL: [(&'static str, Template); 4] = [
        ("command", Template::Command),
        ("p3-command", Template::P3Command),
        ("library", Template::Library),
        ("http", Template::Http),
    ];

    fn files(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Template::Command => (
                include_str!("../templates/command/world.wit"),
                include_str!("../templates/command/main.go"),
                include_str!("../templates/command/main_test.go"),
            ),
            Template::P3Command => (
                include_str!("../templates/p3-command/world.wit"),
                include_str!("../templates/p3-command/main.go"),
                include_str!("../templates/p3-command/main_test.go"),
            ),
            Template::Library => (
                include_str!("../templates/library/world.wit"),
                include_str!("../templates/library/main.go"),
                include_str!("../templates/library/main_test.go"),
            ),
            Template::Http => (
                include_str!("../templates/http/world.wit"),
                include_str!("../templates/http/main.go"),
                include_str!("../templates/http/main_test.go"),
            ),
        }
    }

    /// The commands that try the built component `wasm`: with witgo, and
    /// on the standard Wasmtime CLI.
    fn run_commands(self, wasm: &str) -> (String, String) {
        let (before, after) = match self {
            Template::Command => ("", " Gopher"),
            Template::P3Command => ("", ""),
            Template::Library => ("--invoke 'greet(\"Gopher\")' ", ""),
            Template::Http => {
                // -Scli: Go components import the WASI CLI interfaces,
                // which `wasmtime serve` links only when asked.
                return (
                    format!(
                        "witgo serve --addr 127.0.0.1:8080 {wasm}   # then: curl http://127.0.0.1:8080/hello/Gopher"
                    ),
                    format!("wasmtime serve -Scli --addr 127.0.0.1:8080 {wasm}"),
                );
            }
        };
        (
            format!("witgo run {before}{wasm}{after}"),
            format!("wasmtime run {before}{wasm}{after}"),
        )
    }
}

/// What [`init`] wrote.
#[derive(Debug)]
pub struct InitReport {
    /// The files, in the order written.
    pub files: Vec<PathBuf>,
    /// The Go module path.
    pub module: String,
    /// The WIT world (and component file stem).
    pub name: String,
    /// The commands that build and run the project, from its directory.
    pub build: String,
    pub run: String,
}

/// Writes a `template` project into `dir` (created if missing), with Go
/// module path `module` (default: the directory's name).
pub fn init(dir: &Path, template: Template, module: Option<&str>) -> Result<InitReport> {
    let dir_name = std::path::absolute(dir)?
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let module = match module {
        Some(m) => m.to_string(),
        None => dir_name.clone(),
    };
    check_module_path(&module)?;
    let name = wit_name(&dir_name).ok_or_else(|| {
        anyhow::anyhow!(
            "cannot make a WIT world name from the directory name {dir_name:?}: use a directory whose \
             name has a letter (e.g. `witgo init my-app`)"
        )
    })?;
    let (world, main, test) = template.files();
    let fill = |text: &str| {
        text.replace("{{name}}", &name)
            .replace("{{module}}", &module)
    };
    let build = format!("witgo build --wit wit -o {name}.wasm .");
    let (run, wasmtime) = template.run_commands(&format!("{name}.wasm"));
    let files: Vec<(&str, String)> = vec![
        ("go.mod", format!("module {module}\n\ngo 1.25\n")),
        ("wit/world.wit", fill(world)),
        ("main.go", fill(main)),
        ("main_test.go", fill(test)),
        ("README.md", readme(&name, &build, &run, &wasmtime)),
        (".gitignore", GITIGNORE.to_string()),
    ];
    let existing: Vec<String> = files
        .iter()
        .filter(|(rel, _)| dir.join(rel).exists())
        .map(|(rel, _)| dir.join(rel).display().to_string())
        .collect();
    if !existing.is_empty() {
        bail!(
            "witgo init writes nothing over existing files, and these exist: {}",
            existing.join(", ")
        );
    }
    let mut written = Vec::new();
    for (rel, text) in &files {
        let path = dir.join(rel);
        crate::bindings::write_atomic(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(InitReport {
        files: written,
        module,
        name,
        build,
        run,
    })
}

/// The generated bindings and the component are made from the WIT by
/// `witgo build` (deterministically, and again whenever the WIT or witgo
/// changes), so they stay out of version control, as `go build`'s output
/// does; `witgo_stubs.go`, if asked for, is the user's own file.
const GITIGNORE: &str = "# Written by `witgo build` from wit/ (and again whenever it changes).\n/gen/\n/witgo_exports.go\n*.wasm\n";

fn readme(name: &str, build: &str, run: &str, wasmtime: &str) -> String {
    format!(
        "# {name}\n\nA Go program built into a WebAssembly component with witgo.\n\n\
         ```sh\n{build}   # go build, embed wit/world.wit, componentize, validate\n{run}\n\
         witgo test ./...   # go test inside components; go test flags after --: -- -run Greet -v\n\
         go vet ./...   # after the first build, which writes the bindings into gen/\n```\n\n\
         {}\
         `gen/` and `witgo_exports.go` are written by `witgo build` from `wit/`; edit the WIT,\n\
         not them. `witgo bindgen --wit wit --out gen --stubs` writes `witgo_stubs.go`, a\n\
         starting point for every export.\n",
        if run == wasmtime {
            String::new()
        } else {
            format!("The component runs on the standard Wasmtime CLI too: `{wasmtime}`.\n")
        }
    )
}

/// A WIT identifier from a directory name: lowercase words of letters and
/// digits joined by `-`, each starting with a letter (`My_App2` -> `my-app2`).
fn wit_name(dir_name: &str) -> Option<String> {
    let lower = dir_name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(|w| w.trim_start_matches(|c: char| c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .collect();
    (!words.is_empty()).then(|| words.join("-"))
}

/// The module path rules that matter here (cmd/go checks the rest).
fn check_module_path(module: &str) -> Result<()> {
    let ok = !module.is_empty()
        && !module.starts_with('/')
        && !module.contains("..")
        && module
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/".contains(c));
    if !ok {
        bail!("{module:?} is not a Go module path: pass --module example.com/name");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_names_from_directory_names() {
        assert_eq!(wit_name("mycomp").as_deref(), Some("mycomp"));
        assert_eq!(wit_name("My_App2").as_deref(), Some("my-app2"));
        assert_eq!(wit_name("2fast").as_deref(), Some("fast"));
        assert_eq!(wit_name("hello.world").as_deref(), Some("hello-world"));
        assert_eq!(wit_name("123"), None);
    }

    #[test]
    fn module_paths() {
        assert!(check_module_path("example.com/app").is_ok());
        assert!(check_module_path("app").is_ok());
        assert!(check_module_path("has space").is_err());
        assert!(check_module_path("").is_err());
    }

    #[test]
    fn refuses_to_overwrite_and_names_the_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.go"), "package main\n").unwrap();
        let e = init(dir.path(), Template::Command, Some("example.com/x"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("main.go") && !e.contains("go.mod"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("main.go")).unwrap(),
            "package main\n"
        );
        assert!(!dir.path().join("go.mod").exists(), "nothing is written");
    }
}
