//! A Go source file under construction: package clause, imports with
//! collision-free aliases, and a body. gofmt (run by witgo-build) takes care
//! of alignment; this writer keeps the text syntactically valid and deterministic.

use std::collections::BTreeMap;
use std::fmt::Write;

/// One `//go:wasmimport module name` declaration of Go function `func`.
struct WasmImportDecl {
    module: String,
    name: String,
    func: String,
    /// Go parameter list and result type, as written in the declaration.
    params: String,
    result: Option<String>,
}

pub struct GoFileBuilder {
    package: String,
    header: String,
    /// import path -> name used in this file
    imports: BTreeMap<String, String>,
    /// names already used by imports (or reserved by the file's own declarations)
    used: BTreeMap<String, String>,
    pub body: String,
    /// `//go:wasmimport` declarations: they have no body, so they go into a
    /// file only GOARCH=wasm compiles; other platforms get panicking stand-ins
    /// so that go vet, gopls and tests work on the developer's machine.
    wasm_imports: Vec<WasmImportDecl>,
    /// (is stream, Go payload type) -> number of its built-ins variable.
    stream_ops: BTreeMap<(bool, String), usize>,
    /// Prefix of the names of non-standard imports.
    import_prefix: &'static str,
    /// The file is the user's to edit: no "Code generated" line.
    user_file: bool,
    /// Functions of other generated packages this file calls although they
    /// are unexported: local name -> (symbol, signature).
    linknames: BTreeMap<String, (String, String)>,
}

impl GoFileBuilder {
    pub fn new(package: &str, header: &str) -> Self {
        GoFileBuilder {
            package: package.to_string(),
            header: header.to_string(),
            imports: BTreeMap::new(),
            used: BTreeMap::new(),
            body: String::new(),
            wasm_imports: Vec::new(),
            stream_ops: BTreeMap::new(),
            import_prefix: "",
            user_file: false,
            linknames: BTreeMap::new(),
        }
    }

    /// A file written once for the user to edit (`witgo_stubs.go`): Go tools
    /// must not take it for generated code.
    pub fn user_file(mut self) -> Self {
        self.user_file = true;
        self
    }

    /// Names every import of a generated package with `prefix` (standard
    /// packages keep their names: generated code spells some of them out).
    pub fn with_import_prefix(mut self, prefix: &'static str) -> Self {
        self.import_prefix = prefix;
        self
    }

    /// `code` (a type, say) with the import prefix taken off its qualifiers,
    /// as a program importing those packages under their own names spells
    /// it: for messages.
    pub fn as_user_writes(&self, code: &str) -> String {
        if self.import_prefix.is_empty() {
            code.to_string()
        } else {
            code.replace(self.import_prefix, "")
        }
    }

    /// The number of the package-level variable holding the built-ins of
    /// `stream<go_payload>` (or future), numbered in order of first use;
    /// glue code names the variable, the file declares it afterwards.
    pub fn stream_ops_number(&mut self, is_stream: bool, go_payload: &str) -> usize {
        let next = self.stream_ops.len() + 1;
        *self
            .stream_ops
            .entry((is_stream, go_payload.to_string()))
            .or_insert(next)
    }

    /// Imports `path`, whose package clause says `name`, and returns the
    /// qualifier to use for it in this file.
    pub fn import(&mut self, path: &str, name: &str) -> String {
        let name = format!("{}{name}", self.import_prefix);
        self.import_as(path, &name)
    }

    fn import_as(&mut self, path: &str, name: &str) -> String {
        if let Some(alias) = self.imports.get(path) {
            return alias.clone();
        }
        let mut alias = name.to_string();
        let mut n = 1;
        while self.used.contains_key(&alias) {
            n += 1;
            alias = format!("{name}{n}");
        }
        self.used.insert(alias.clone(), path.to_string());
        self.imports.insert(path.to_string(), alias.clone());
        alias
    }

    /// Imports `path` for its side effects (`import _ "path"`).
    pub fn blank_import(&mut self, path: &str) {
        self.imports.insert(path.to_string(), "_".to_string());
    }

    /// Imports a standard-library package.
    pub fn std(&mut self, path: &str) -> String {
        let name = path.rsplit('/').next().unwrap();
        self.import_as(path, name)
    }

    /// Declares `local`, with signature `sig` (`(v T) int32`), as function
    /// `symbol` (`import/path.name`) of another generated package: glue
    /// calls helpers that the package does not export, so that they stay out
    /// of its API. The linker checks such references only into the
    /// standard library.
    pub fn linkname(&mut self, local: &str, symbol: &str, sig: &str) {
        self.linknames
            .insert(local.to_string(), (symbol.to_string(), sig.to_string()));
    }

    pub fn wasm_import(
        &mut self,
        module: &str,
        name: &str,
        func: &str,
        params: &str,
        result: Option<&str>,
    ) {
        self.wasm_imports.push(WasmImportDecl {
            module: module.to_string(),
            name: name.to_string(),
            func: func.to_string(),
            params: params.to_string(),
            result: result.map(str::to_string),
        });
    }

    /// The main file plus, if there are wasm imports, the `_wasm.go` file
    /// declaring them and the `!wasm` file standing in for them. Those two
    /// are written gofmt-clean (a corpus test checks): gofmt's time grows
    /// with the code it reads, and they were half of it in import-heavy
    /// worlds.
    pub fn finish_split(mut self) -> (String, Option<(String, String)>) {
        let imports = std::mem::take(&mut self.wasm_imports);
        if imports.is_empty() {
            return (self.finish(), None);
        }
        let needs_unsafe = imports.iter().any(|i| {
            i.params.contains("unsafe.")
                || i.result.as_deref().is_some_and(|r| r.contains("unsafe."))
        });
        let unsafe_import = if needs_unsafe {
            "import \"unsafe\"\n\n"
        } else {
            ""
        };
        let mut wasm = format!(
            "// Code generated by witgo. DO NOT EDIT.\n\n//go:build wasm\n\npackage {}\n\n{unsafe_import}",
            self.package
        );
        let mut other = format!(
            "// Code generated by witgo. DO NOT EDIT.\n\n//go:build !wasm\n\npackage {}\n\n{unsafe_import}",
            self.package
        );
        for WasmImportDecl {
            module,
            name,
            func,
            params,
            result,
        } in &imports
        {
            let res = result.as_ref().map(|r| format!(" {r}")).unwrap_or_default();
            writeln!(
                wasm,
                "//go:wasmimport {module} {name}\nfunc {func}({params}){res}\n"
            )
            .unwrap();
            writeln!(
                other,
                "func {func}({params}){res} {{\n\tpanic(\"witgo: {module} {name} can only be called in a WebAssembly component (GOOS=wasip1 GOARCH=wasm)\")\n}}\n"
            )
            .unwrap();
        }
        // gofmt ends a file with one newline.
        wasm.truncate(wasm.trim_end().len() + 1);
        other.truncate(other.trim_end().len() + 1);
        (self.finish(), Some((wasm, other)))
    }

    /// The import paths the file's code uses: what `finish` imports.
    pub fn imported_paths(&self) -> Vec<String> {
        self.used_imports().into_keys().collect()
    }

    /// Imports (path -> name) the code uses. Types computed but never
    /// written (e.g. for a signature a stub does not spell out) must not
    /// leave an unused import behind.
    fn used_imports(&self) -> BTreeMap<String, String> {
        let code: String = self
            .body
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        self.imports
            .iter()
            .filter(|(_, alias)| *alias == "_" || uses_qualifier(&code, alias))
            .map(|(p, a)| (p.clone(), a.clone()))
            .collect()
    }

    pub fn finish(mut self) -> String {
        let linknames = std::mem::take(&mut self.linknames);
        for (local, (symbol, sig)) in &linknames {
            writeln!(
                self.body,
                "\n//go:linkname {local} {symbol}\nfunc {local}{sig}"
            )
            .unwrap();
        }
        let mut out = String::new();
        if !self.user_file {
            out.push_str("// Code generated by witgo. DO NOT EDIT.\n\n");
        }
        if !self.header.is_empty() {
            out.push_str(&self.header);
            if !self.header.ends_with('\n') {
                out.push('\n');
            }
        }
        writeln!(out, "package {}\n", self.package).unwrap();
        let mut imports = self.used_imports();
        if !linknames.is_empty() {
            imports
                .entry("unsafe".to_string())
                .or_insert_with(|| "_".to_string());
        }
        if !imports.is_empty() {
            out.push_str("import (\n");
            let (std, other): (Vec<_>, Vec<_>) = imports
                .iter()
                .partition(|(p, _)| !p.contains('.') && !p.starts_with("witgo/") && is_std(p));
            for (i, group) in [std, other].iter().enumerate() {
                if i == 1 && !group.is_empty() && out.ends_with("\"\n") {
                    out.push('\n');
                }
                for (path, alias) in group {
                    let name = path.rsplit('/').next().unwrap();
                    if *alias == name {
                        writeln!(out, "\t{path:?}").unwrap();
                    } else {
                        writeln!(out, "\t{alias} {path:?}").unwrap();
                    }
                }
            }
            out.push_str(")\n\n");
        }
        out.push_str(&self.body);
        out
    }
}

fn uses_qualifier(code: &str, alias: &str) -> bool {
    let needle = format!("{alias}.");
    code.match_indices(&needle).any(|(i, _)| {
        i == 0
            || !code[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
    })
}

fn is_std(path: &str) -> bool {
    matches!(
        path,
        "unsafe"
            | "runtime"
            | "errors"
            | "fmt"
            | "strconv"
            | "strings"
            | "math"
            | "unicode/utf8"
            | "os"
            | "io"
            | "context"
            | "time"
            | "sync"
    )
}
