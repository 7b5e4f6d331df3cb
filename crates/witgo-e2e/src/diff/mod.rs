//! Differential Canonical ABI testing (tests/differential.rs): a seed names
//! a set of random WIT types; for each, the Go guest exports `echo<i>`
//! (returns its arguments) and `round<i>` (passes them to the host's
//! `echo<i>` import and returns what came back). A host drives both with
//! random values through Wasmtime's dynamic `Val` API and requires the
//! values back unchanged, so Go's lifting and lowering is checked against
//! Wasmtime's in both directions.
//!
//! Every world also exports `char-of` and `string-of`, which return whatever
//! Go makes of a number or bytes: the host must reject an invalid `char` or
//! string with a trap.

pub mod types;
pub mod values;

use std::fmt::Write;
use std::path::{Path, PathBuf};

use types::{Def, Rng, Ty, TypeGen, go_type, wit_def, wit_type};

/// The WIT package of every case.
pub const PACKAGE: &str = "diff:echo";

/// One echo function: its parameters, whether WIT declares it `async`, and
/// whether it returns them (without a result, only `round`'s host import
/// sees them).
#[derive(Clone, Debug)]
pub struct Func {
    pub params: Vec<Ty>,
    pub is_async: bool,
    pub returns: bool,
}

impl Func {
    /// The WIT result: the parameter itself, or a tuple of all parameters.
    pub fn result(&self) -> Ty {
        match self.params.as_slice() {
            [one] => one.clone(),
            many => Ty::Tuple(many.to_vec()),
        }
    }
}

/// The types and functions of one seed.
#[derive(Clone, Debug)]
pub struct Case {
    pub seed: u64,
    pub defs: Vec<Def>,
    pub funcs: Vec<Func>,
}

impl Case {
    /// `funcs` random echo functions; about one in three is async, one in
    /// five takes several parameters (flattening past 16 values, spilling
    /// async parameters to memory).
    pub fn generate(seed: u64, funcs: usize) -> Case {
        let mut rng = Rng::new(seed);
        let mut defs = Vec::new();
        let mut out = Vec::new();
        for _ in 0..funcs {
            let n = if rng.chance(1, 5) { rng.range(2, 4) } else { 1 };
            let mut types = TypeGen {
                rng: &mut rng,
                defs: &mut defs,
            };
            let params = (0..n).map(|_| types.ty(4)).collect();
            out.push(Func {
                params,
                is_async: rng.chance(1, 3),
                returns: true,
            });
        }
        Case {
            seed,
            defs,
            funcs: out,
        }
    }

    /// The WIT signature of function `i`, for messages.
    pub fn signature(&self, i: usize) -> String {
        let f = &self.funcs[i];
        let params: Vec<_> = f
            .params
            .iter()
            .enumerate()
            .map(|(j, t)| format!("p{j}: {}", wit_type(t, &self.defs)))
            .collect();
        format!(
            "{}func({}){}",
            if f.is_async { "async " } else { "" },
            params.join(", "),
            if f.returns {
                format!(" -> {}", wit_type(&f.result(), &self.defs))
            } else {
                String::new()
            }
        )
    }

    /// The world: interface `types` with the named types, `host` (imported)
    /// and `api` (exported) with one function per echo.
    pub fn wit(&self) -> String {
        let mut w = format!("package {PACKAGE};\n\ninterface types {{\n");
        for i in 0..self.defs.len() {
            writeln!(w, "  {}", wit_def(i, &self.defs)).unwrap();
        }
        w.push_str("}\n");
        let uses = if self.defs.is_empty() {
            String::new()
        } else {
            let names: Vec<_> = self
                .defs
                .iter()
                .enumerate()
                .map(|(i, d)| d.name(i))
                .collect();
            format!("  use types.{{{}}};\n", names.join(", "))
        };
        write!(w, "\ninterface host {{\n{uses}").unwrap();
        for i in 0..self.funcs.len() {
            writeln!(w, "  echo{i}: {};", self.signature(i)).unwrap();
        }
        write!(w, "}}\n\ninterface api {{\n{uses}").unwrap();
        for i in 0..self.funcs.len() {
            writeln!(w, "  echo{i}: {};", self.signature(i)).unwrap();
            writeln!(w, "  round{i}: {};", self.signature(i)).unwrap();
        }
        w.push_str(
            "  char-of: func(c: u32) -> char;\n  string-of: func(b: list<u8>) -> string;\n}\n",
        );
        w.push_str("\nworld echo {\n  import host;\n  export api;\n}\n");
        w
    }

    /// The Go main package implementing `api` (module `diff`, bindings in
    /// `gen/`).
    pub fn go_main(&self) -> String {
        let mut body = String::new();
        for (i, f) in self.funcs.iter().enumerate() {
            let results = if f.returns {
                self.go_results(&f.result())
            } else {
                Vec::new()
            };
            let sig = self.go_params(f);
            let ret = match results.len() {
                0 => String::new(),
                1 => results[0].clone(),
                _ => format!("({})", results.join(", ")),
            };
            writeln!(
                body,
                "\nfunc (API) Echo{i}({sig}) {ret} {{\n{}}}",
                self.echo_body(f)
            )
            .unwrap();
            writeln!(
                body,
                "\nfunc (API) Round{i}({sig}) {ret} {{\n{}}}",
                self.round_body(i, f, results.len())
            )
            .unwrap();
        }
        let mut imports = Vec::new();
        if body.contains("host.") {
            imports.push("\"diff/gen/diff/echo/host\"");
        }
        if self.funcs.iter().any(|f| f.is_async) {
            imports.push("\"context\"");
        }
        if !self.defs.is_empty() && body.contains("t.") {
            imports.push("t \"diff/gen/diff/echo/types\"");
        }
        if body.contains("wit.") {
            imports.push("\"diff/gen/witgo/wit\"");
        }
        format!(
            "// Generated by witgo-e2e's differential test (seed {}).\npackage main\n\nimport (\n\t{}\n)\n\n\
             type API struct{{}}\n\n\
             func (API) CharOf(c uint32) rune {{ return rune(c) }}\n\n\
             func (API) StringOf(b []uint8) string {{ return string(b) }}\n{body}\nfunc main() {{}}\n",
            self.seed,
            imports.join("\n\t")
        )
    }

    fn go_params(&self, f: &Func) -> String {
        let mut params: Vec<String> = f
            .params
            .iter()
            .enumerate()
            .map(|(j, t)| format!("p{j} {}", go_type(t, &self.defs)))
            .collect();
        if f.is_async {
            params.insert(0, "ctx context.Context".into());
        }
        params.join(", ")
    }

    /// Go's results for a WIT result type (docs/go-api.md, Functions).
    fn go_results(&self, ty: &Ty) -> Vec<String> {
        match ty {
            Ty::Option(t) => vec![go_type(t, &self.defs), "bool".into()],
            Ty::Result(ok, _) => ok
                .iter()
                .map(|t| go_type(t, &self.defs))
                .chain(["error".into()])
                .collect(),
            Ty::Tuple(ts) => ts.iter().map(|t| go_type(t, &self.defs)).collect(),
            t => vec![go_type(t, &self.defs)],
        }
    }

    /// Returns the argument(s), unpacked into Go's result convention.
    fn echo_body(&self, f: &Func) -> String {
        let names: Vec<_> = (0..f.params.len()).map(|j| format!("p{j}")).collect();
        if !f.returns {
            return String::new();
        }
        if names.len() > 1 {
            return format!("\treturn {}\n", names.join(", "));
        }
        match &f.params[0] {
            Ty::Option(_) => "\treturn p0.Get()\n".into(),
            Ty::Tuple(ts) => format!(
                "\treturn {}\n",
                (0..ts.len())
                    .map(|j| format!("p0.F{j}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Ty::Result(ok, err) => {
                // The error value as the export expects it back: a named
                // type is itself an error; others travel in wit.Error.
                let wrap = match err.as_deref() {
                    None => "wit.Unit{}".to_string(),
                    Some(Ty::Named(_)) => "e".into(),
                    Some(t) => format!("wit.Error[{}]{{Value: e}}", go_type(t, &self.defs)),
                };
                let e = if err.is_some() { "e" } else { "_" };
                match ok {
                    Some(t) => format!(
                        "\tif {e}, isErr := p0.Err(); isErr {{\n\t\treturn *new({}), {wrap}\n\t}}\n\tv, _ := p0.Ok()\n\treturn v, nil\n",
                        go_type(t, &self.defs)
                    ),
                    None => format!(
                        "\tif {e}, isErr := p0.Err(); isErr {{\n\t\treturn {wrap}\n\t}}\n\treturn nil\n"
                    ),
                }
            }
            _ => "\treturn p0\n".into(),
        }
    }

    /// Passes the arguments to the host's echo and returns its answer.
    fn round_body(&self, i: usize, f: &Func, results: usize) -> String {
        let mut args: Vec<_> = (0..f.params.len()).map(|j| format!("p{j}")).collect();
        if !f.returns {
            return match f.is_async {
                false => format!("\thost.Echo{i}({})\n", args.join(", ")),
                true => format!(
                    "\tif err := host.Echo{i}(ctx, {}); err != nil {{\n\t\tpanic(err)\n\t}}\n",
                    args.join(", ")
                ),
            };
        }
        if !f.is_async || matches!(f.result(), Ty::Result(..)) {
            // A result's error and a cancelled call share Go's error.
            if f.is_async {
                args.insert(0, "ctx".into());
            }
            return format!("\treturn host.Echo{i}({})\n", args.join(", "));
        }
        args.insert(0, "ctx".into());
        let rs: Vec<_> = (0..results).map(|j| format!("r{j}")).collect();
        format!(
            "\t{}, err := host.Echo{i}({})\n\tif err != nil {{\n\t\tpanic(err)\n\t}}\n\treturn {}\n",
            rs.join(", "),
            args.join(", "),
            rs.join(", ")
        )
    }

    /// Writes the guest into `dir` (world.wit, go.mod, main.go) and builds
    /// it with witgo; returns the component's path.
    pub fn build(&self, dir: &Path) -> anyhow::Result<PathBuf> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("world.wit"), self.wit())?;
        std::fs::write(dir.join("go.mod"), "module diff\n\ngo 1.25\n")?;
        std::fs::write(dir.join("main.go"), self.go_main())?;
        let out = dir.join("echo.wasm");
        let req = witgo_build::BuildRequest {
            wit: dir.join("world.wit"),
            worlds: vec!["echo".into()],
            package_dir: dir.to_path_buf(),
            output: Some(out.clone()),
            strip: true,
            ..Default::default()
        };
        witgo_build::build(&req)?;
        Ok(out)
    }
}
