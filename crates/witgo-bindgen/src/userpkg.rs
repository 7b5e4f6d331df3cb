//! Files for the user's package (normally `main`): `witgo_exports.go`, which
//! hands the user's implementation types to the export glue and holds the
//! glue of synchronous functions (see [`crate::funcs::glue_in_user_package`]),
//! and the optional `witgo_stubs.go`.
//!
//! The convention: the implementation of an exported interface `ns:pkg/iface`
//! is a Go type named after the interface (`Iface`), the implementation of a
//! world's own exported functions a type named after the world. A missing type
//! or method is a compile error naming it. `wasi:cli/run` is special: it runs
//! the package's `main`.

use crate::WorldCx;
use crate::abi_gen::ResultShape;
use crate::decls::doc_comment;
use crate::funcs::FuncCx;
use crate::gofile::GoFileBuilder;
use crate::gotypes::TypeCx;
use crate::names::{self, Namespace};
use crate::plan::{Dir, PkgKey, dealias};
use crate::{GoFile, Options, exports_methods};
use std::collections::BTreeSet;
use std::fmt::Write;
use wit_parser::{
    Function, FunctionKind, Handle, Resolve, Type, TypeDefKind, TypeId, WorldItem, WorldKey,
};

struct ExportPkg<'a> {
    idx: usize,
    key: Option<&'a WorldKey>,
    funcs: Vec<&'a Function>,
    wit_owner: String,
    impl_name: String,
    is_cli_run: bool,
}

impl<'a> ExportPkg<'a> {
    /// Types as the user's package spells them, from this export's package.
    fn type_cx(&self, wcx: &'a WorldCx<'_>) -> TypeCx<'a> {
        TypeCx {
            resolve: wcx.resolve,
            plan: &wcx.plan,
            import_path: &wcx.opts.import_path,
            pkg: None,
            from: self.idx,
        }
    }

    /// Functions of this export as the user's package writes them; the
    /// names of its package-level glue start with `glue_prefix`.
    fn func_cx<'c>(
        &self,
        wcx: &'c WorldCx<'_>,
        tcx: &'c TypeCx<'c>,
        glue_prefix: String,
    ) -> FuncCx<'c>
    where
        'a: 'c,
    {
        FuncCx {
            tcx,
            sizes: &wcx.sizes,
            error_types: &wcx.error_types,
            reserved: &wcx.reserved,
            key: self.key,
            wit_owner: self.wit_owner.clone(),
            glue_prefix,
        }
    }
}

/// The files of the exports package; the import paths they use go to `imports`.
pub fn generate(wcx: &WorldCx<'_>, imports: &mut BTreeSet<String>) -> Vec<GoFile> {
    let WorldCx {
        resolve,
        world,
        opts,
        ..
    } = *wcx;
    let plan = &wcx.plan;
    let w = &resolve.worlds[world];
    let mut user_ns = Namespace::default();
    for r in ["main", "init"] {
        user_ns.reserve(r);
    }
    let mut exports: Vec<ExportPkg> = Vec::new();
    for (key, item) in w.exports.iter() {
        if let WorldItem::Interface { id, .. } = item {
            let iface = &resolve.interfaces[*id];
            if iface.functions.is_empty() {
                continue;
            }
            if wcx.http.as_ref().is_some_and(|h| h.handler == Some(*id)) {
                // witgo/wasihttp implements it with the program's http.Handler.
                continue;
            }
            let idx = plan.by_key[&PkgKey::Interface(*id, Dir::Export)];
            let is_cli_run = runs_main(resolve, *id, opts);
            let leaf = iface
                .name
                .clone()
                .unwrap_or_else(|| resolve.name_world_key(key));
            let mut want = names::exported(&leaf);
            if user_ns.contains(&want)
                && let Some(p) = iface.package
            {
                want = format!("{}{want}", names::exported(&resolve.packages[p].name.name));
            }
            let impl_name = if is_cli_run {
                "witgoMain".to_string()
            } else {
                user_ns.claim(&want)
            };
            exports.push(ExportPkg {
                idx,
                key: Some(key),
                funcs: iface.functions.values().collect(),
                wit_owner: resolve.name_world_key(key),
                impl_name,
                is_cli_run,
            });
        }
    }
    let world_funcs = crate::world_functions(w.exports.values());
    if !world_funcs.is_empty() {
        let impl_name = user_ns.claim(&names::exported(&w.name));
        exports.push(ExportPkg {
            idx: plan.world_pkg(),
            key: None,
            funcs: world_funcs,
            wit_owner: w.name.clone(),
            impl_name,
            is_cli_run: false,
        });
    }

    let mut files = Vec::new();
    let header = "// This file connects the types that implement the component's exports to\n// the generated export glue, and holds the glue that calls their methods\n// directly. A missing type or method is a compile error: see\n// witgo_stubs.go (witgo bindgen --stubs) for a starting point.";
    // Import names get a prefix: this file shares its package block with
    // the user's code, whose names witgo cannot know.
    let mut glue =
        GoFileBuilder::new(&opts.exports_package_name, header).with_import_prefix("witgo_");
    let mut body = String::new();
    let mut registrations = Vec::new();
    for e in &exports {
        let tcx = e.type_cx(wcx);
        let q = tcx.qual(&mut glue, e.idx);
        if e.is_cli_run {
            // wasi:cli/run@0.3 declares `run` async: it takes a context
            // (its glue marks the task as a program's main, so that a main
            // that deadlocks ends as Go's does).
            let params = if e.funcs.iter().any(|f| f.kind.is_async()) {
                format!("{}.Context", glue.std("context"))
            } else {
                String::new()
            };
            // It calls main through the linker's name for the program's
            // main: in a `go test` binary of this package that is the test
            // driver, so `witgo test` runs the tests through this export.
            writeln!(
                body,
                "// witgoMain runs the program's main function as the {} export,\n// so a Go program stays a program.\ntype witgoMain struct{{}}\n\nfunc (witgoMain) Run({params}) error {{\nwitgoProgramMain()\nreturn nil\n}}\n",
                e.wit_owner
            )
            .unwrap();
            glue.linkname("witgoProgramMain", "main.main", "()");
            registrations.push(format!("{q}Export(witgoMain{{}})"));
        } else {
            let value = format!("witgo{}", e.impl_name);
            writeln!(
                body,
                "// {value} implements {}: the glue below calls its methods directly,\n// the rest of the glue through {q}Exports.\nvar {value} {}\n",
                e.wit_owner, e.impl_name
            )
            .unwrap();
            registrations.push(format!("{q}Export(&{value})"));
            let glue_prefix = format!("{}_", e.impl_name);
            let fcx = e.func_cx(wcx, &tcx, glue_prefix);
            for (f, name) in exports_methods(plan, e.idx, &e.funcs) {
                if crate::funcs::glue_in_user_package(resolve, f) {
                    body.push_str(&fcx.export_func_direct(&mut glue, f, format!("{value}.{name}")));
                }
            }
        }
    }
    let http = wcx.http.as_ref();
    if let Some(http) = http {
        // Its init registers the handler export and installs the transport.
        glue.blank_import(&format!("{}/witgo/wasihttp", opts.import_path));
        let (handler, client) = if http.p2 {
            ("incoming-handler", "outgoing-handler")
        } else {
            ("handler", "client")
        };
        if http.handler.is_some() {
            writeln!(body, "// wasi:http/{handler} is implemented by witgo/wasihttp, imported above: it\n// serves with the http.Handler given to wasihttp.Handle (or ListenAndServe),\n// or with http.DefaultServeMux.\n").unwrap();
        }
        if http.client.is_some() {
            writeln!(body, "// witgo/wasihttp, imported above, makes wasi:http/{client} the transport of\n// http.DefaultClient.\n").unwrap();
        }
    }
    if exports.is_empty() && http.is_none() {
        return files;
    }
    if !registrations.is_empty() {
        writeln!(body, "func init() {{\n{}\n}}", registrations.join("\n")).unwrap();
    }
    glue.body = body;
    imports.extend(glue.imported_paths());
    files.push(GoFile::generated("witgo_exports.go", glue.finish()));

    if opts.stubs {
        files.push(stubs(wcx, &exports, &mut user_ns, imports));
    }
    files
}

/// Whether exported interface `id` is wasi:cli/run run by the package's
/// `main` (see [`generate`]).
pub fn runs_main(resolve: &Resolve, id: wit_parser::InterfaceId, opts: &Options) -> bool {
    opts.exports_package_name == "main" && is_wasi_cli_run(resolve, id)
}

pub(crate) fn is_wasi_cli_run(resolve: &Resolve, id: wit_parser::InterfaceId) -> bool {
    let iface = &resolve.interfaces[id];
    let Some(pkg) = iface.package else {
        return false;
    };
    let n = &resolve.packages[pkg].name;
    n.namespace == "wasi" && n.name == "cli" && iface.name.as_deref() == Some("run")
}

fn stubs(
    wcx: &WorldCx<'_>,
    exports: &[ExportPkg],
    user_ns: &mut Namespace,
    imports: &mut BTreeSet<String>,
) -> GoFile {
    let WorldCx { resolve, opts, .. } = *wcx;
    let plan = &wcx.plan;
    let header = "// witgo bindgen --stubs wrote this file as a starting point: every export,\n// returning zero values. It is yours to edit; witgo never writes it again\n// once it exists.";
    let mut file = GoFileBuilder::new(&opts.exports_package_name, header).user_file();
    let mut out = String::new();
    for e in exports.iter().filter(|e| !e.is_cli_run) {
        let tcx = e.type_cx(wcx);
        let fcx = e.func_cx(wcx, &tcx, String::new());
        // A stub Go type for each exported resource of this interface.
        let mut resource_stubs: Vec<(TypeId, String)> = Vec::new();
        if let PkgKey::Interface(id, _) = plan.pkgs[e.idx].key {
            for t in resolve.interfaces[id].types.values() {
                if matches!(resolve.types[*t].kind, TypeDefKind::Resource) {
                    let name =
                        user_ns.claim(&format!("{}{}", e.impl_name, plan.type_names[&(*t, e.idx)]));
                    resource_stubs.push((*t, name));
                }
            }
        }
        writeln!(
            out,
            "// {} implements the exports of {}.\ntype {} struct{{}}\n",
            e.impl_name, e.wit_owner, e.impl_name
        )
        .unwrap();
        for (f, name) in exports_methods(plan, e.idx, &e.funcs) {
            let sig = fcx.sig(&mut file, f, false);
            let ret = zero_return(resolve, f, &sig, &resource_stubs);
            doc_comment(
                &mut out,
                &f.docs,
                &format!("{name} implements {}.", wit_name(f)),
            );
            writeln!(
                out,
                "func ({}) {name}({}){} {{\n{ret}}}\n",
                e.impl_name,
                sig.params_decl(),
                sig.results_decl()
            )
            .unwrap();
        }
        for (rid, stub) in &resource_stubs {
            let crate::plan::Derived::Resource { methods, .. } = &plan.derived[&(*rid, e.idx)]
            else {
                unreachable!()
            };
            let rname = resolve.types[*rid].name.as_deref().unwrap_or("");
            writeln!(
                out,
                "// {stub} implements the resource {}.{rname}.\ntype {stub} struct{{}}\n",
                e.wit_owner
            )
            .unwrap();
            for f in &e.funcs {
                if let FunctionKind::Method(r) | FunctionKind::AsyncMethod(r) = f.kind {
                    if r != *rid {
                        continue;
                    }
                    let sig = fcx.sig(&mut file, f, true);
                    let ret = zero_return(resolve, f, &sig, &resource_stubs);
                    let method = &methods[&f.name];
                    doc_comment(
                        &mut out,
                        &f.docs,
                        &format!("{method} implements {}.", wit_name(f)),
                    );
                    writeln!(
                        out,
                        "func ({stub}) {method}({}){} {{\n{ret}}}\n",
                        sig.params_decl(),
                        sig.results_decl()
                    )
                    .unwrap();
                }
            }
        }
    }
    if opts.exports_package_name == "main" {
        out.push_str("func main() {}\n");
    }
    file.body = out;
    imports.extend(file.imported_paths());
    GoFile::generated("witgo_stubs.go", file.finish())
}

/// The name a WIT user knows a function by: `f`, `r.m`, `r.new` for a
/// constructor, `r.s` for a static function.
fn wit_name(f: &Function) -> String {
    match &f.kind {
        FunctionKind::Constructor(_) => {
            format!("{}.new", f.name.trim_start_matches("[constructor]"))
        }
        FunctionKind::Freestanding | FunctionKind::AsyncFreestanding => f.name.clone(),
        _ => f
            .name
            .split_once(']')
            .map_or(f.name.clone(), |(_, rest)| rest.to_string()),
    }
}

/// `return` with a zero value per result (a stub value for exported resources).
fn zero_return(
    resolve: &Resolve,
    f: &Function,
    sig: &crate::funcs::GoSig,
    resource_stubs: &[(TypeId, String)],
) -> String {
    if sig.results.is_empty() {
        return String::new();
    }
    // The WIT type behind each Go result (None: the error or the bool).
    let mut wit: Vec<Option<Type>> = Vec::new();
    if let Some(ty) = &f.result {
        let kind = match ty {
            Type::Id(id) => Some(&resolve.types[dealias(resolve, *id)].kind),
            _ => None,
        };
        match (&sig.shape, kind) {
            (ResultShape::Result { .. }, Some(TypeDefKind::Result(r))) => {
                wit.extend(r.ok.map(Some))
            }
            (ResultShape::Option, Some(TypeDefKind::Option(t))) => wit.push(Some(*t)),
            (ResultShape::Tuple(_), Some(TypeDefKind::Tuple(t))) => {
                wit.extend(t.types.iter().map(|t| Some(*t)))
            }
            _ => wit.push(Some(*ty)),
        }
    }
    let vals: Vec<String> = sig
        .results
        .iter()
        .enumerate()
        .map(|(i, go)| match wit.get(i).copied().flatten() {
            Some(t) => zero_value(resolve, &t, go, resource_stubs),
            None if go == "bool" => "false".to_string(),
            None => "nil".to_string(),
        })
        .collect();
    format!("return {}\n", vals.join(", "))
}

/// The zero value of WIT type `t`, spelled `go` in Go, as a Go reader
/// writes it; an exported resource returned owned gets its stub type.
fn zero_value(
    resolve: &Resolve,
    t: &Type,
    go: &str,
    resource_stubs: &[(TypeId, String)],
) -> String {
    let composite = || format!("{go}{{}}");
    match t {
        Type::Bool => "false".into(),
        Type::String => "\"\"".into(),
        Type::ErrorContext => composite(),
        Type::Id(id) => match &resolve.types[dealias(resolve, *id)].kind {
            TypeDefKind::Handle(Handle::Own(r)) => {
                match resource_stubs
                    .iter()
                    .find(|(id, _)| *id == dealias(resolve, *r))
                {
                    Some((_, stub)) => format!("{stub}{{}}"),
                    None => "nil".into(),
                }
            }
            TypeDefKind::Handle(_)
            | TypeDefKind::List(_)
            | TypeDefKind::Map(..)
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_)
            | TypeDefKind::Resource => "nil".into(),
            TypeDefKind::Flags(_) | TypeDefKind::Enum(_) => "0".into(),
            TypeDefKind::Type(inner) => zero_value(resolve, inner, go, resource_stubs),
            _ => composite(),
        },
        _ => "0".into(),
    }
}
