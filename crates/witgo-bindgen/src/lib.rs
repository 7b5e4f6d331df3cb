//! WIT -> Go bindings. Pure: takes a resolved WIT world, returns Go source
//! files. The Canonical ABI instruction stream comes from
//! `wit-bindgen-core`; this crate decides the Go API and spells the glue.

mod abi_gen;
mod decls;
mod format;
mod funcs;
mod gofile;
mod gomerge;
mod gotypes;
mod http;
mod names;
mod net;
mod plan;
mod support;
mod userpkg;

pub use funcs::{WIDE_EXPORT_PREFIX, WIDE_RESULT_PREFIX};

use anyhow::{Result, bail};
use decls::DeclCx;
use funcs::FuncCx;
use gofile::GoFileBuilder;
use gotypes::TypeCx;
use plan::{Dir, PkgKey, Plan, dealias};
use std::collections::{BTreeSet, HashSet};
use wit_parser::{
    Function, FunctionKind, Resolve, SizeAlign, Type, TypeDefKind, TypeId, WorldId, WorldItem,
    WorldKey,
};

/// How functions are lowered and lifted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AsyncMode {
    /// Functions are async only where WIT says `async func`.
    #[default]
    AsDeclared,
    /// Every import is async-lowered and every export async-lifted.
    All,
}

/// Options for [`generate`].
#[derive(Clone, Debug)]
pub struct Options {
    /// Go import path of the output directory, e.g. `example.com/app/gen`.
    pub import_path: String,
    /// Go package name of the exports package (the directory that receives
    /// `witgo_exports.go`), normally `main`.
    pub exports_package_name: String,
    /// Also write `witgo_stubs.go`: a compilable zero implementation of every export.
    pub stubs: bool,
    pub async_mode: AsyncMode,
}

/// One generated Go file; `path` is slash-separated and relative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoFile {
    pub path: String,
    pub contents: String,
    /// Already gofmt-clean (the vendored support packages and the
    /// wasm-import files, checked by tests): writers need not run gofmt on it.
    pub formatted: bool,
}

impl GoFile {
    /// Generated code, for gofmt to lay out.
    pub fn generated(path: impl Into<String>, contents: impl Into<String>) -> GoFile {
        GoFile {
            path: path.into(),
            contents: contents.into(),
            formatted: false,
        }
    }

    /// Code that is gofmt-clean as it stands.
    pub fn formatted(path: impl Into<String>, contents: impl Into<String>) -> GoFile {
        GoFile {
            path: path.into(),
            contents: contents.into(),
            formatted: true,
        }
    }
}

/// The generator's output.
#[derive(Clone, Debug, Default)]
pub struct Bindings {
    /// Files relative to the output directory (`--out`).
    pub files: Vec<GoFile>,
    /// Files relative to the exports package directory.
    pub exports_files: Vec<GoFile>,
}

/// Generates Go bindings for `world`.
pub fn generate(resolve: &Resolve, world: WorldId, opts: &Options) -> Result<Bindings> {
    if opts.async_mode == AsyncMode::All {
        check_all_async(resolve, world)?;
    }
    let plan = Plan::new(resolve, world);
    let mut sizes = SizeAlign::default();
    sizes.fill(resolve);
    let error_types = error_types(resolve, world, &plan);
    let mut reserved: HashSet<String> = plan.pkgs.iter().map(|p| p.name.clone()).collect();
    for n in [
        "abi", "wit", "unsafe", "runtime", "errors", "fmt", "strconv", "self", "r",
    ] {
        reserved.insert(n.to_string());
    }
    let http = http::HttpWorld::find(resolve, world);
    let wcx = WorldCx {
        resolve,
        world,
        plan,
        sizes,
        error_types,
        reserved,
        http,
        opts,
    };
    let mut out = Bindings::default();
    let mut imports = BTreeSet::new();
    for (idx, pkg) in wcx.plan.pkgs.iter().enumerate() {
        let contents = generate_package(&wcx, idx);
        if let Some(file) = contents {
            imports.extend(file.imported_paths());
            let base = format!("{}/{}", pkg.dir, pkg.name.trim_end_matches('_'));
            let (main, wasm) = file.finish_split();
            out.files
                .push(GoFile::generated(format!("{base}.wit.go"), main));
            if let Some((wasm, other)) = wasm {
                out.files
                    .push(GoFile::formatted(format!("{base}.wit_wasm.go"), wasm));
                out.files
                    .push(GoFile::formatted(format!("{base}.wit_other.go"), other));
            }
        }
    }
    out.exports_files = userpkg::generate(&wcx, &mut imports);
    if let Some(http) = &wcx.http {
        let bindings = http.bindings(&wcx.plan, &opts.import_path);
        let (files, uses) =
            support::wasihttp_files(&opts.import_path, &bindings, |f| http.wants(f));
        out.files.extend(files);
        imports.extend(uses);
    }
    if let Some(net) = net::NetWorld::find(resolve, world) {
        let bindings = net.bindings(&wcx.plan, &opts.import_path);
        let (files, uses) = support::wasinet_files(&opts.import_path, &bindings);
        out.files.extend(files);
        imports.extend(uses);
    }
    let packages = support::used_packages(&opts.import_path, &imports);
    out.files.extend(support::files(
        &opts.import_path,
        &packages,
        world_has_floats(resolve, world),
    ));
    Ok(out)
}

/// The functions among a world's imports or exports.
pub(crate) fn world_functions<'a>(
    items: impl IntoIterator<Item = &'a WorldItem>,
) -> Vec<&'a Function> {
    items
        .into_iter()
        .filter_map(|i| {
            if let WorldItem::Function(f) = i {
                Some(f)
            } else {
                None
            }
        })
        .collect()
}

/// `--async all` asks for every import to be lowered and every export lifted
/// with the async ABI. The Component Model allows that ABI only for
/// functions whose WIT type is `async func` (component-model PR 646), and
/// Wasmtime and wasm-tools refuse a component that uses it on any other:
/// so `--async all` is accepted only where it changes nothing, and a
/// function declared without `async` is named.
fn check_all_async(resolve: &Resolve, world: WorldId) -> Result<()> {
    let w = &resolve.worlds[world];
    let items = w
        .imports
        .iter()
        .map(|i| ("import", i))
        .chain(w.exports.iter().map(|e| ("export", e)));
    for (dir, (key, item)) in items {
        let (owner, funcs): (String, Vec<&Function>) = match item {
            WorldItem::Function(f) => (w.name.clone(), vec![f]),
            WorldItem::Interface { id, .. } => (
                resolve.name_world_key(key),
                resolve.interfaces[*id].functions.values().collect(),
            ),
            WorldItem::Type { .. } => continue,
        };
        if let Some(f) = funcs.iter().find(|f| !f.kind.is_async()) {
            bail!(
                "--async all would {} {owner}#{} with the async ABI, but its WIT type is not `async func`: \
                 the Component Model allows the async ABI only for async function types, and Wasmtime \
                 and wasm-tools refuse components that use it on others; declare the functions that \
                 should be async as `async func` in the WIT, and generate without --async",
                if dir == "import" {
                    "lower the import"
                } else {
                    "lift the export"
                },
                f.name
            );
        }
    }
    Ok(())
}

/// Whether a type or function of `world` holds an f32 or f64 anywhere.
fn world_has_floats(resolve: &Resolve, world: WorldId) -> bool {
    let mut pending: Vec<Type> = Vec::new();
    let add_func = |f: &Function, pending: &mut Vec<Type>| {
        pending.extend(f.params.iter().map(|p| p.ty));
        pending.extend(f.result);
    };
    let w = &resolve.worlds[world];
    for item in w.imports.values().chain(w.exports.values()) {
        match item {
            WorldItem::Function(f) => add_func(f, &mut pending),
            WorldItem::Interface { id, .. } => {
                let iface = &resolve.interfaces[*id];
                pending.extend(iface.types.values().map(|t| Type::Id(*t)));
                iface
                    .functions
                    .values()
                    .for_each(|f| add_func(f, &mut pending));
            }
            WorldItem::Type { id, .. } => pending.push(Type::Id(*id)),
        }
    }
    let mut seen = HashSet::new();
    while let Some(ty) = pending.pop() {
        let id = match ty {
            Type::F32 | Type::F64 => return true,
            Type::Id(id) => id,
            _ => continue,
        };
        if !seen.insert(id) {
            continue;
        }
        match &resolve.types[id].kind {
            TypeDefKind::Record(r) => pending.extend(r.fields.iter().map(|f| f.ty)),
            TypeDefKind::Tuple(t) => pending.extend(t.types.iter().copied()),
            TypeDefKind::Variant(v) => pending.extend(v.cases.iter().filter_map(|c| c.ty)),
            TypeDefKind::Option(t)
            | TypeDefKind::List(t)
            | TypeDefKind::FixedLengthList(t, _)
            | TypeDefKind::Type(t) => pending.push(*t),
            TypeDefKind::Map(k, v) => pending.extend([*k, *v]),
            TypeDefKind::Result(r) => pending.extend(r.ok.iter().chain(r.err.iter()).copied()),
            TypeDefKind::Future(t) | TypeDefKind::Stream(t) => pending.extend(t.iter().copied()),
            TypeDefKind::Handle(_)
            | TypeDefKind::Resource
            | TypeDefKind::Enum(_)
            | TypeDefKind::Flags(_)
            | TypeDefKind::Unknown => {}
        }
    }
    false
}

/// Named types used as the error payload of a top-level `result` that can
/// carry Go's `error` interface themselves.
fn error_types(resolve: &Resolve, world: WorldId, _plan: &Plan) -> HashSet<TypeId> {
    let mut set = HashSet::new();
    let mut visit = |f: &Function| {
        let Some(Type::Id(id)) = &f.result else {
            return;
        };
        let TypeDefKind::Result(r) = &resolve.types[dealias(resolve, *id)].kind else {
            return;
        };
        let Some(Type::Id(e)) = &r.err else { return };
        let e = dealias(resolve, *e);
        let def = &resolve.types[e];
        let ok = match &def.kind {
            TypeDefKind::Record(rec) => !rec
                .fields
                .iter()
                .any(|f| names::exported(&f.name) == "Error"),
            TypeDefKind::Variant(_) | TypeDefKind::Enum(_) | TypeDefKind::Flags(_) => true,
            _ => false,
        };
        if ok && def.name.is_some() {
            set.insert(e);
        }
    };
    let w = &resolve.worlds[world];
    for item in w.imports.values().chain(w.exports.values()) {
        match item {
            WorldItem::Function(f) => visit(f),
            WorldItem::Interface { id, .. } => resolve.interfaces[*id]
                .functions
                .values()
                .for_each(&mut visit),
            WorldItem::Type { .. } => {}
        }
    }
    set
}

/// What every part of the generator reads about the world it generates.
pub(crate) struct WorldCx<'a> {
    pub resolve: &'a Resolve,
    pub world: WorldId,
    pub plan: Plan,
    pub sizes: SizeAlign,
    /// Types that are the error payload of some `result` (their Go types
    /// get an Error method).
    pub error_types: HashSet<TypeId>,
    /// Names a parameter may not take (package names used by generated code).
    pub reserved: HashSet<String>,
    /// What the world uses of wasi:http 0.3 (served by witgo/wasihttp).
    pub http: Option<http::HttpWorld>,
    pub opts: &'a Options,
}

fn generate_package(wcx: &WorldCx<'_>, idx: usize) -> Option<GoFileBuilder> {
    let WorldCx {
        resolve,
        world,
        opts,
        ..
    } = *wcx;
    let (plan, sizes, error_types, reserved) =
        (&wcx.plan, &wcx.sizes, &wcx.error_types, &wcx.reserved);
    let pkg = &plan.pkgs[idx];
    let tcx = TypeCx {
        resolve,
        plan,
        import_path: &opts.import_path,
        pkg: Some(idx),
        from: idx,
    };
    let w = &resolve.worlds[world];
    let (wit_owner, types, imports, exports, key): (
        String,
        Vec<TypeId>,
        Vec<&Function>,
        Vec<&Function>,
        Option<&WorldKey>,
    ) = match pkg.key {
        PkgKey::Interface(id, dir) => {
            let iface = &resolve.interfaces[id];
            let wk = pkg.world_key.as_ref().unwrap();
            let funcs: Vec<&Function> = iface.functions.values().collect();
            let (i, e) = if dir == Dir::Import {
                (funcs, Vec::new())
            } else {
                (Vec::new(), funcs)
            };
            (
                resolve.name_world_key(wk),
                iface.types.values().copied().collect(),
                i,
                e,
                Some(wk),
            )
        }
        PkgKey::World => {
            let types = w
                .imports
                .values()
                .filter_map(|i| match i {
                    WorldItem::Type { id, .. } => Some(*id),
                    _ => None,
                })
                .collect();
            let fi = world_functions(w.imports.values());
            let fe = world_functions(w.exports.values());
            (w.name.clone(), types, fi, fe, None)
        }
    };
    if types.is_empty() && imports.is_empty() && exports.is_empty() {
        return None;
    }
    let is_export = matches!(pkg.key, PkgKey::Interface(_, Dir::Export));
    let header = match pkg.key {
        PkgKey::Interface(_, Dir::Import) => {
            format!(
                "// Package {} is the Go binding of the WIT interface {wit_owner}, imported by this component.",
                pkg.name
            )
        }
        PkgKey::Interface(_, Dir::Export) => format!(
            "// Package {} is the Go binding of the WIT interface {wit_owner}, exported by this component:\n// implement Exports.",
            pkg.name
        ),
        PkgKey::World => format!(
            "// Package {} holds the world-level items of the WIT world {wit_owner}.",
            pkg.name
        ),
    };
    let mut file = GoFileBuilder::new(&pkg.name, &header);
    let dcx = DeclCx {
        tcx: &tcx,
        error_types,
        wit_owner: wit_owner.clone(),
    };
    let fcx = FuncCx {
        tcx: &tcx,
        sizes,
        error_types,
        reserved,
        key,
        wit_owner: wit_owner.clone(),
        glue_prefix: String::new(),
    };

    for id in &types {
        let go_name = plan.type_names[&(*id, idx)].clone();
        if let TypeDefKind::Resource = resolve.types[*id].kind {
            let code = if is_export {
                fcx.exported_resource(&mut file, *id, &go_name, &exports)
            } else {
                fcx.imported_resource(&mut file, *id, &go_name)
            };
            file.body.push_str(&code);
        } else {
            dcx.declare(&mut file, *id, &go_name);
        }
    }

    for f in &imports {
        let code = match f.kind {
            FunctionKind::Method(r) | FunctionKind::AsyncMethod(r) => {
                let plan::Derived::Resource { methods, .. } = &plan.derived[&(r, idx)] else {
                    unreachable!()
                };
                let recv = format!("*{}", plan.type_names[&(r, idx)]);
                fcx.import_func(&mut file, f, &methods[&f.name], Some(&recv))
            }
            _ => fcx.import_func(&mut file, f, &plan.func_names[&(idx, f.name.clone())], None),
        };
        file.body.push_str(&code);
    }

    if !exports.is_empty() {
        // wasi:cli/run runs `main` through the Exports interface, and
        // witgo/wasihttp implements the wasi:http handler: their glue stays
        // here.
        let glue_in_user_pkg = match pkg.key {
            PkgKey::Interface(id, _) => {
                !userpkg::runs_main(resolve, id, opts)
                    && wcx.http.as_ref().is_none_or(|h| h.handler != Some(id))
            }
            PkgKey::World => true,
        };
        let contract = export_contract(
            &fcx,
            &mut file,
            plan,
            idx,
            &exports,
            &wit_owner,
            glue_in_user_pkg,
        );
        file.body.push_str(&contract);
    }
    let ops = fcx.stream_ops(&mut file, &imports, &exports);
    file.body.push_str(&ops);
    Some(file)
}

/// Go name of an export function as a method of `Exports`.
pub(crate) fn export_method_name(plan: &Plan, idx: usize, f: &Function) -> String {
    match f.kind {
        FunctionKind::Constructor(r) => format!("New{}", plan.type_names[&(r, idx)]),
        FunctionKind::Static(r) | FunctionKind::AsyncStatic(r) => {
            format!(
                "{}{}",
                plan.type_names[&(r, idx)],
                names::exported(f.item_name())
            )
        }
        _ => names::method(&f.name),
    }
}

/// The functions of `Exports` (every export but resource methods) with their
/// Go method names, claimed in WIT order: the binding package's interface,
/// the user package's direct glue and the stubs must agree on them.
pub(crate) fn exports_methods<'f>(
    plan: &Plan,
    idx: usize,
    exports: &[&'f Function],
) -> Vec<(&'f Function, String)> {
    let mut names = names::Namespace::default();
    exports
        .iter()
        .filter(|f| {
            !matches!(
                f.kind,
                FunctionKind::Method(_) | FunctionKind::AsyncMethod(_)
            )
        })
        .map(|f| (*f, names.claim(&export_method_name(plan, idx, f))))
        .collect()
}

/// The `Exports` interface, its registration and the core export glue.
///
/// With `glue_in_user_pkg`, the glue of functions that [`funcs::glue_in_user_package`]
/// accepts is left to `witgo_exports.go` (see `userpkg`).
fn export_contract(
    fcx: &FuncCx,
    file: &mut GoFileBuilder,
    plan: &Plan,
    idx: usize,
    exports: &[&Function],
    wit_owner: &str,
    glue_in_user_pkg: bool,
) -> String {
    let mut out = String::new();
    let entries = exports_methods(plan, idx, exports);
    use std::fmt::Write;
    writeln!(
        out,
        "// Exports is the implementation of {wit_owner} that this component provides."
    )
    .unwrap();
    writeln!(out, "// witgo_exports.go in the component's main package registers it.\ntype Exports interface {{").unwrap();
    for (f, name) in &entries {
        let sig = fcx.sig(file, f, false);
        if f.docs.contents.is_some() {
            decls::doc_comment(&mut out, &f.docs, "");
        }
        writeln!(out, "{name}({}){}", sig.params_decl(), sig.results_decl()).unwrap();
    }
    out.push_str("}\n\n");
    writeln!(
        out,
        "var exports_ Exports\n\n// Export installs impl as the implementation of {wit_owner}.\nfunc Export(impl Exports) {{ exports_ = impl }}\n\n\
         func impl_() Exports {{\nif exports_ == nil {{\npanic(\"witgo: no implementation of {wit_owner} is registered: build with the generated witgo_exports.go\")\n}}\nreturn exports_\n}}\n"
    )
    .unwrap();
    for f in exports {
        if glue_in_user_pkg && funcs::glue_in_user_package(fcx.tcx.resolve, f) {
            continue;
        }
        let code = match f.kind {
            FunctionKind::Method(r) | FunctionKind::AsyncMethod(r) => {
                let plan::Derived::Resource { methods, .. } = &plan.derived[&(r, idx)] else {
                    unreachable!()
                };
                fcx.export_func(file, f, format!(".{}", methods[&f.name]), true)
            }
            _ => {
                let name = &entries
                    .iter()
                    .find(|(e, _)| std::ptr::eq(*e, *f))
                    .unwrap()
                    .1;
                fcx.export_func_of_exports(file, f, name)
            }
        };
        out.push_str(&code);
    }
    out
}
