//! Go functions for WIT functions: import wrappers, the `Exports` contract
//! with its core-wasm export glue, and resource handle types.

use crate::abi_gen::{ErrShape, ExportCall, FuncGen, ResultShape, Side};
use crate::decls::doc_comment;
use crate::gofile::GoFileBuilder;
use crate::gotypes::TypeCx;
use crate::names;
use crate::plan::{Derived, dealias};
use std::collections::HashSet;
use std::fmt::Write;
use wit_bindgen_core::abi::{self, AbiVariant, LiftLower, WasmType};
use wit_parser::{
    Function, FunctionKind, LiftLowerAbi, ManglingAndAbi, Resolve, SizeAlign, Type, TypeDefKind, TypeId, WasmExport,
    WasmExportKind, WasmImport, WorldKey,
};

pub const MANGLING: ManglingAndAbi = ManglingAndAbi::Legacy(LiftLowerAbi::Sync);

/// Go-side signature of a WIT function.
pub struct GoSig {
    pub params: Vec<(String, String)>,
    pub results: Vec<String>,
    pub shape: ResultShape,
}

impl GoSig {
    pub fn params_decl(&self) -> String {
        self.params.iter().map(|(n, t)| format!("{n} {t}")).collect::<Vec<_>>().join(", ")
    }

    pub fn results_decl(&self) -> String {
        match self.results.len() {
            0 => String::new(),
            1 => format!(" {}", self.results[0]),
            _ => format!(" ({})", self.results.join(", ")),
        }
    }
}

pub struct FuncCx<'a> {
    pub tcx: &'a TypeCx<'a>,
    pub sizes: &'a SizeAlign,
    pub error_types: &'a HashSet<TypeId>,
    /// Names a parameter may not take (package names used by generated code).
    pub reserved: &'a HashSet<String>,
    pub key: Option<&'a WorldKey>,
    /// `ns:pkg/iface` (or the world name) for messages.
    pub wit_owner: String,
}

/// Unique Go-identifier spelling of a WIT function name, for glue functions.
pub fn mangle(func: &Function) -> String {
    let clean = |s: &str| s.replace('-', "_");
    match &func.kind {
        FunctionKind::Freestanding | FunctionKind::AsyncFreestanding => format!("f_{}", clean(&func.name)),
        // `[constructor]r`: the resource name tells constructors apart.
        FunctionKind::Constructor(_) => format!("c_{}", clean(func.name.trim_start_matches("[constructor]"))),
        _ => {
            let (res, method) = func.name.split_once(']').unwrap().1.split_once('.').unwrap();
            let prefix = if matches!(func.kind, FunctionKind::Static(_) | FunctionKind::AsyncStatic(_)) { "s" } else { "m" };
            format!("{prefix}_{}__{}", clean(res), clean(method))
        }
    }
}

impl FuncCx<'_> {
    fn resolve(&self) -> &Resolve {
        self.tcx.resolve
    }

    /// Result shape and Go result types of `func`.
    fn results(&self, file: &mut GoFileBuilder, func: &Function) -> (Vec<String>, ResultShape) {
        let Some(ty) = &func.result else {
            return (Vec::new(), ResultShape::None);
        };
        if let Type::Id(id) = ty {
            let id = dealias(self.resolve(), *id);
            match &self.resolve().types[id].kind {
                TypeDefKind::Result(r) => {
                    let err = match &r.err {
                        None => ErrShape::Unit,
                        Some(e) => {
                            let go_ty = self.tcx.ty(file, e);
                            match e {
                                Type::Id(eid) if self.error_types.contains(&dealias(self.resolve(), *eid)) => {
                                    ErrShape::Direct { go_ty }
                                }
                                _ => ErrShape::Wrapped { go_ty },
                            }
                        }
                    };
                    let mut results = Vec::new();
                    if let Some(ok) = &r.ok {
                        results.push(self.tcx.ty(file, ok));
                    }
                    results.push("error".to_string());
                    return (results, ResultShape::Result { has_ok: r.ok.is_some(), err });
                }
                TypeDefKind::Option(t) => {
                    return (vec![self.tcx.ty(file, t), "bool".into()], ResultShape::Option);
                }
                TypeDefKind::Tuple(t) if !t.types.is_empty() => {
                    let results = t.types.iter().map(|t| self.tcx.ty(file, t)).collect();
                    return (results, ResultShape::Tuple(t.types.len()));
                }
                _ => {}
            }
        }
        (vec![self.tcx.ty(file, ty)], ResultShape::Single)
    }

    pub fn sig(&self, file: &mut GoFileBuilder, func: &Function, skip_self: bool) -> GoSig {
        let mut used = HashSet::new();
        let mut params = Vec::new();
        for (i, p) in func.params.iter().enumerate() {
            if skip_self && i == 0 {
                continue;
            }
            let mut name = names::local(&p.name);
            while self.reserved.contains(&name) || used.contains(&name) {
                name.push('_');
            }
            used.insert(name.clone());
            params.push((name, self.tcx.ty(file, &p.ty)));
        }
        let (results, shape) = self.results(file, func);
        GoSig { params, results, shape }
    }

    fn core_sig(&self, file: &mut GoFileBuilder, func: &Function, variant: AbiVariant) -> (Vec<String>, Vec<String>) {
        let sig = self.resolve().wasm_signature(variant, func);
        let conv = |file: &mut GoFileBuilder, t: &WasmType| match t {
            WasmType::I32 => "int32".to_string(),
            WasmType::I64 | WasmType::PointerOrI64 => "int64".to_string(),
            WasmType::F32 => "float32".to_string(),
            WasmType::F64 => "float64".to_string(),
            WasmType::Pointer => format!("{}.Pointer", file.std("unsafe")),
            WasmType::Length => "uint32".to_string(),
        };
        let params = sig.params.iter().map(|t| conv(file, t)).collect();
        let results = sig.results.iter().map(|t| conv(file, t)).collect();
        (params, results)
    }

    /// The Go wrapper and `//go:wasmimport` declaration for an imported function.
    pub fn import_func(&self, file: &mut GoFileBuilder, func: &Function, go_name: &str, receiver: Option<&str>) -> String {
        let resolve = self.resolve();
        let is_method = receiver.is_some();
        let sig = self.sig(file, func, is_method);
        let mangled = mangle(func);
        let callee = format!("wasmimport_{mangled}");
        let mut fg = FuncGen::new(self.tcx, file, self.sizes, Side::Import);
        fg.params = if is_method {
            std::iter::once("self".to_string()).chain(sig.params.iter().map(|(n, _)| n.clone())).collect()
        } else {
            sig.params.iter().map(|(n, _)| n.clone()).collect()
        };
        fg.shape = sig.shape.clone();
        fg.wasm_callee = callee.clone();
        fg.area_prefix = format!("{mangled}_");
        fg.release_after_lift = abi::guest_export_needs_post_return(resolve, func);
        abi::call(resolve, AbiVariant::GuestImport, LiftLower::LowerArgsLiftResults, func, &mut fg, false);
        let (body, decls) = fg.finish();

        let (core_params, core_results) = self.core_sig(file, func, AbiVariant::GuestImport);
        let (module, name) = resolve.wasm_import_name(MANGLING, WasmImport::Func { interface: self.key, func });

        let mut out = String::new();
        doc_comment(&mut out, &func.docs, &format!("{go_name} calls the imported WIT function {}#{}.", self.wit_owner, func.name));
        let recv = match receiver {
            Some(r) => format!("(self {r}) "),
            None => String::new(),
        };
        writeln!(out, "func {recv}{go_name}({}){} {{\n{body}}}\n", sig.params_decl(), sig.results_decl()).unwrap();
        out.push_str(&decls);
        file.wasm_import(
            &module,
            &name,
            &callee,
            &core_params.iter().enumerate().map(|(i, t)| format!("p{i} {t}")).collect::<Vec<_>>().join(", "),
            core_results.first().map(String::as_str),
        );
        out
    }

    /// The `//go:wasmexport` glue for an exported function, calling `callee`.
    pub fn export_func(&self, file: &mut GoFileBuilder, func: &Function, callee: String, is_method: bool) -> String {
        let resolve = self.resolve();
        let sig = self.sig(file, func, is_method);
        let mangled = mangle(func);
        let core = resolve.wasm_signature(AbiVariant::GuestExport, func);
        let mut fg = FuncGen::new(self.tcx, file, self.sizes, Side::Export);
        fg.params = (0..core.params.len()).map(|i| format!("p{i}")).collect();
        if is_method && core.params.first() == Some(&WasmType::Pointer) {
            // Methods receive their resource's rep typed as a pointer.
            let abi_pkg = self.tcx.abi_pkg(fg.file);
            fg.params[0] = format!("int32({abi_pkg}.Addr(p0))");
        }
        fg.shape = sig.shape.clone();
        fg.area_prefix = format!("{mangled}_");
        fg.export_call = Some(ExportCall { callee, is_method, wit_name: format!("{}#{}", self.wit_owner, func.name) });
        fg.release_after_lift = core.indirect_params || abi::guest_export_params_have_allocations(resolve, func);
        abi::call(resolve, AbiVariant::GuestExport, LiftLower::LiftArgsLowerResults, func, &mut fg, false);
        let (body, decls) = fg.finish();

        let (core_params, core_results) = self.core_sig(file, func, AbiVariant::GuestExport);
        let export_name =
            resolve.wasm_export_name(MANGLING, WasmExport::Func { interface: self.key, func, kind: WasmExportKind::Normal });
        let mut out = String::new();
        writeln!(
            out,
            "//go:wasmexport {export_name}\nfunc wasmexport_{mangled}({}){} {{\n{body}}}\n",
            core_params.iter().enumerate().map(|(i, t)| format!("p{i} {t}")).collect::<Vec<_>>().join(", "),
            match core_results.len() {
                0 => String::new(),
                _ => format!(" {}", core_results[0]),
            }
        )
        .unwrap();
        out.push_str(&decls);
        if abi::guest_export_needs_post_return(resolve, func) {
            let post =
                resolve.wasm_export_name(MANGLING, WasmExport::Func { interface: self.key, func, kind: WasmExportKind::PostReturn });
            let abi_pkg = self.tcx.abi_pkg(file);
            writeln!(
                out,
                "//go:wasmexport {post}\nfunc wasmpost_{mangled}({}) {{\n{abi_pkg}.ReleaseReturn()\n}}\n",
                core_results.iter().enumerate().map(|(i, t)| format!("p{i} {t}")).collect::<Vec<_>>().join(", ")
            )
            .unwrap();
        }
        out
    }

    /// Declares imported resource `id` as a Go handle type.
    pub fn imported_resource(&self, file: &mut GoFileBuilder, id: TypeId, go_name: &str) -> String {
        let resolve = self.resolve();
        let def = &resolve.types[id];
        let pkg = self.tcx.pkg.unwrap();
        let Derived::Resource { helpers, .. } = &self.tcx.plan.derived[&(id, pkg)] else { unreachable!() };
        let wit_name = format!("{}.{}", self.wit_owner, def.name.as_deref().unwrap());
        let abi_pkg = self.tcx.abi_pkg(file);
        let (module, name) = resolve.wasm_import_name(
            MANGLING,
            WasmImport::ResourceIntrinsic {
                interface: self.key,
                resource: id,
                intrinsic: wit_parser::ResourceIntrinsic::ImportedDrop,
            },
        );
        let drop_fn = format!("wasmimport_drop_{}", def.name.as_deref().unwrap().replace('-', "_"));
        let mut out = String::new();
        doc_comment(&mut out, &def.docs, &format!("{go_name} is a handle to the imported WIT resource {wit_name}."));
        writeln!(
            out,
            "//\n// Close it when done with it; a {go_name} that becomes unreachable without\n// being closed is dropped by a cleanup.\ntype {go_name} struct {{\nhandle {abi_pkg}.Handle\n}}\n"
        )
        .unwrap();
        let from_handle = &helpers["FromHandle"];
        let from_borrow = &helpers["FromBorrow"];
        writeln!(
            out,
            "// {from_handle} takes ownership of a raw {wit_name} handle.\nfunc {from_handle}(h int32) *{go_name} {{\nv := &{go_name}{{}}\n{abi_pkg}.Own(v, &v.handle, h, {drop_fn})\nreturn v\n}}\n"
        )
        .unwrap();
        writeln!(
            out,
            "// {from_borrow} wraps a borrowed {wit_name} handle, valid during the export call that received it.\nfunc {from_borrow}(h int32) *{go_name} {{\nv := &{go_name}{{}}\n{abi_pkg}.Borrowed(&v.handle, h, {drop_fn})\nreturn v\n}}\n"
        )
        .unwrap();
        writeln!(
            out,
            "// Handle returns the raw handle, still owned by r.\nfunc (r *{go_name}) Handle() int32 {{ return r.handle.Use({wit_name:?}) }}\n\n\
             // TakeHandle returns the raw handle and gives up ownership of it: r is closed afterwards.\nfunc (r *{go_name}) TakeHandle() int32 {{ return r.handle.Take({wit_name:?}) }}\n\n\
             // Close drops the handle. Closing again does nothing.\nfunc (r *{go_name}) Close() error {{\nr.handle.Close()\nreturn nil\n}}\n"
        )
        .unwrap();
        file.wasm_import(&module, &name, &drop_fn, "h int32", None);
        out
    }

    /// Declares exported resource `id`: the Go interface the component
    /// implements, its rep table, intrinsics and destructor.
    pub fn exported_resource(&self, file: &mut GoFileBuilder, id: TypeId, go_name: &str, funcs: &[&Function]) -> String {
        let resolve = self.resolve();
        let def = &resolve.types[id];
        let pkg = self.tcx.pkg.unwrap();
        let Derived::Resource { helpers, methods } = &self.tcx.plan.derived[&(id, pkg)] else { unreachable!() };
        let rname = def.name.as_deref().unwrap();
        let wit_name = format!("{}.{}", self.wit_owner, rname);
        let abi_pkg = self.tcx.abi_pkg(file);
        let key = self.key.expect("exported resources live in interfaces");
        let intrinsic = |i| {
            resolve.wasm_import_name(MANGLING, WasmImport::ResourceIntrinsic { interface: Some(key), resource: id, intrinsic: i })
        };
        let snake = rname.replace('-', "_");
        let mut out = String::new();
        doc_comment(&mut out, &def.docs, &format!("{go_name} is the WIT resource {wit_name}, implemented by this component."));
        writeln!(
            out,
            "//\n// Any Go type with these methods can be handed out as a {go_name}; if it also\n// has a method Drop(), that runs when the last handle to it is dropped.\ntype {go_name} interface {{"
        )
        .unwrap();
        for f in funcs {
            if let FunctionKind::Method(r) | FunctionKind::AsyncMethod(r) = f.kind {
                if r != id {
                    continue;
                }
                let sig = self.sig(file, f, true);
                let mut d = String::new();
                if f.docs.contents.is_some() {
                    doc_comment(&mut d, &f.docs, "");
                }
                out.push_str(&d);
                writeln!(out, "{}({}){}", methods[&f.name], sig.params_decl(), sig.results_decl()).unwrap();
            }
        }
        out.push_str("}\n\n");
        let table = format!("table_{snake}");
        let (new_h, take_h, from_rep) = (&helpers["NewHandle"], &helpers["TakeHandle"], &helpers["FromRep"]);
        let (m_new, n_new) = intrinsic(wit_parser::ResourceIntrinsic::ExportedNew);
        let (m_rep, n_rep) = intrinsic(wit_parser::ResourceIntrinsic::ExportedRep);
        let (m_drop, n_drop) = intrinsic(wit_parser::ResourceIntrinsic::ExportedDrop);
        let dtor = resolve.wasm_export_name(MANGLING, WasmExport::ResourceDtor { interface: key, resource: id });
        writeln!(
            out,
            "var {table} {abi_pkg}.Table[{go_name}]\n\n\
             // {new_h} hands v to the host as a new owned {wit_name} handle.\nfunc {new_h}(v {go_name}) int32 {{ return wasmimport_new_{snake}({table}.Add(v)) }}\n\n\
             // {take_h} takes back the value behind an owned handle the host passed in.\nfunc {take_h}(h int32) {go_name} {{\nv := {table}.Remove(wasmimport_rep_{snake}(h))\nwasmimport_drop_{snake}(h)\nreturn v\n}}\n\n\
             // {from_rep} returns the value behind a borrowed handle's representation.\nfunc {from_rep}(rep int32) {go_name} {{ return {table}.Get(rep) }}\n\n\
             //go:wasmexport {dtor}\nfunc wasmexport_dtor_{snake}(rep int32) {{\nif v, ok := {table}.TryRemove(rep); ok {{\nif d, ok := v.(interface{{ Drop() }}); ok {{\nd.Drop()\n}}\n}}\n}}\n"
        )
        .unwrap();
        file.wasm_import(&m_new, &n_new, &format!("wasmimport_new_{snake}"), "rep int32", Some("int32"));
        file.wasm_import(&m_rep, &n_rep, &format!("wasmimport_rep_{snake}"), "h int32", Some("int32"));
        file.wasm_import(&m_drop, &n_drop, &format!("wasmimport_drop_{snake}"), "h int32", None);
        out
    }
}
