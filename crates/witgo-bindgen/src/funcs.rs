//! Go functions for WIT functions: import wrappers, the `Exports` contract
//! with its core-wasm export glue, and resource handle types.

use crate::abi_gen::{
    ErrShape, ExportCall, FuncGen, Lent, Recycling, ResultShape, Side, is_canonical_element,
};
use crate::decls::doc_comment;
use crate::gofile::GoFileBuilder;
use crate::gotypes::TypeCx;
use crate::names;
use crate::plan::{Derived, dealias};
use std::collections::HashSet;
use std::fmt::Write;
use wit_bindgen_core::abi::{self, AbiVariant, LiftLower, WasmType};
use wit_parser::{
    Function, FunctionKind, FutureIntrinsic, LiftLowerAbi, ManglingAndAbi, Resolve, SizeAlign,
    StreamIntrinsic, Type, TypeDefKind, TypeId, WasmExport, WasmExportKind, WasmImport, WorldKey,
};

pub const MANGLING: ManglingAndAbi = ManglingAndAbi::Legacy(LiftLowerAbi::Sync);
/// Names of async-lowered imports and async-lifted (callback) exports.
pub const ASYNC_MANGLING: ManglingAndAbi = ManglingAndAbi::Legacy(LiftLowerAbi::AsyncCallback);

/// The Go type of a core wasm parameter, of imports and exports alike.
/// Pointers are uint32 addresses: a core value of pointer type may carry a
/// length (a joined variant slot), a small integer held as unsafe.Pointer
/// makes Go's runtime throw when it moves the stack, and a `//go:wasmexport`
/// function's arguments must fit in 128 bytes (see [`wasmexport`]).
fn core_param_type(t: &WasmType) -> &'static str {
    match t {
        WasmType::I32 => "int32",
        WasmType::I64 | WasmType::PointerOrI64 => "int64",
        WasmType::F32 => "float32",
        WasmType::F64 => "float64",
        WasmType::Pointer | WasmType::Length => "uint32",
    }
}

/// The Go type of a core wasm result: a pointer result (a return area) is
/// an unsafe.Pointer, which always holds a real address.
fn core_result_type(file: &mut GoFileBuilder, t: &WasmType) -> String {
    match t {
        WasmType::Pointer => format!("{}.Pointer", file.std("unsafe")),
        t => core_param_type(t).to_string(),
    }
}

/// Go-side signature of a WIT function.
pub struct GoSig {
    pub params: Vec<(String, String)>,
    pub results: Vec<String>,
    pub shape: ResultShape,
}

impl GoSig {
    pub fn params_decl(&self) -> String {
        self.params
            .iter()
            .map(|(n, t)| format!("{n} {t}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn results_decl(&self) -> String {
        match self.results.len() {
            0 => String::new(),
            1 => format!(" {}", self.results[0]),
            _ => format!(" ({})", self.results.join(", ")),
        }
    }
}

/// A stream or future type some function passes: its WIT type, payload,
/// the payload's Go type, and the number of its built-ins variable.
struct StreamType<'t> {
    ty: TypeId,
    is_stream: bool,
    payload: Option<&'t Type>,
    go_payload: String,
    k: usize,
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
    /// Prefix of package-level names of export glue: empty in a binding
    /// package, the implementation type's name in the user's package (where
    /// several interfaces' glue meets).
    pub glue_prefix: String,
}

/// Whether the glue of exported `func` is written into the user's package,
/// next to the implementation, rather than into the binding package: there
/// it calls the implementation's method directly, which Go inlines, instead
/// of through the `Exports` interface. That is every synchronous freestanding
/// function whose values hold no stream or future (their built-ins belong to
/// the binding package); wasi:cli/run, which runs `main`, keeps its glue.
pub fn glue_in_user_package(resolve: &Resolve, func: &Function) -> bool {
    func.kind == FunctionKind::Freestanding && func.find_futures_and_streams(resolve).is_empty()
}

/// Bytes of Go stack a `//go:wasmexport` function with these core params and
/// results takes (parameters packed with their alignment, results after them
/// at an 8-byte boundary), for the 128-byte limit (see [`wasmexport`]).
pub fn wasmexport_arg_width(params: &[WasmType], results: &[WasmType]) -> u64 {
    let size = |t: &WasmType| match t {
        WasmType::I64 | WasmType::F64 | WasmType::PointerOrI64 => 8u64,
        // Results that are pointers are unsafe.Pointer: 8 bytes.
        WasmType::Pointer => 8,
        WasmType::I32 | WasmType::F32 | WasmType::Length => 4,
    };
    let mut off = 0u64;
    for t in params {
        // Pointer params are uint32 (core_param_type).
        let n = if *t == WasmType::Pointer { 4 } else { size(t) };
        off = off.next_multiple_of(n) + n;
    }
    let mut off = off.next_multiple_of(8);
    for t in results {
        let n = size(t);
        off = off.next_multiple_of(n) + n;
    }
    off
}

/// Core export names of the two halves of an export too wide for Go's
/// `//go:wasmexport` (see [`wasmexport`]); witgo-build joins them again.
pub const WIDE_EXPORT_PREFIX: &str = "[witgo-wide]";
pub const WIDE_RESULT_PREFIX: &str = "[witgo-wide-result]";

/// A `//go:wasmexport` function named `export_name` with the core `params`
/// and `result` (its core type and Go type) and Go `body`.
///
/// Go refuses one whose arguments and result take more than 128 bytes of Go
/// stack (`abi.StackSmall`: "wasmexport function argument too large"),
/// laid out with Go's sizes, where an `unsafe.Pointer` takes 8 bytes: so
/// pointers arrive as `uint32` ([`core_param_type`]) and are converted with
/// `abi.Ptr`. The Canonical ABI passes up to 16 flat values, so 16 64-bit
/// parameters with a result still do not fit. Such an export is
/// split: `[witgo-wide]<name>` takes the parameters and keeps the result in
/// a package variable, `[witgo-wide-result]<name>` returns it, and
/// witgo-build adds a core function of the whole signature, exported as
/// `<name>`, that calls one and then the other (`wide.rs`).
pub fn wasmexport(
    export_name: &str,
    go_name: &str,
    params: &[WasmType],
    result: Option<(WasmType, &str)>,
    body: &str,
) -> String {
    let go_params = wasmexport_params(params);
    let results: Vec<WasmType> = result.iter().map(|(t, _)| *t).collect();
    match result {
        Some((_, go_result)) if wasmexport_arg_width(params, &results) > 128 => {
            let args = (0..params.len())
                .map(|i| format!("p{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "//go:wasmexport {WIDE_EXPORT_PREFIX}{export_name}\nfunc {go_name}({go_params}) {{\n{go_name}_result = {go_name}_body({args})\n}}\n\n\
                 // {go_name}_result is the result of the last call, until {WIDE_RESULT_PREFIX}{export_name} takes it.\n\
                 var {go_name}_result {go_result}\n\n\
                 //go:wasmexport {WIDE_RESULT_PREFIX}{export_name}\nfunc {go_name}_take() {go_result} {{\nreturn {go_name}_result\n}}\n\n\
                 func {go_name}_body({go_params}) {go_result} {{\n{body}}}\n"
            )
        }
        _ => {
            let go_result = result.map(|(_, t)| format!(" {t}")).unwrap_or_default();
            format!(
                "//go:wasmexport {export_name}\nfunc {go_name}({go_params}){go_result} {{\n{body}}}\n"
            )
        }
    }
}

/// The Go parameter list of a `//go:wasmexport` function with the core
/// `params`: `p0 int32, p1 uint32, ...`.
fn wasmexport_params(params: &[WasmType]) -> String {
    params
        .iter()
        .enumerate()
        .map(|(i, t)| format!("p{i} {}", core_param_type(t)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The resume function of the async export [`wasmexport`] made as
/// `go_name`: the same Go signature, returning `expr` the way that export
/// returns its result (through `{go_name}_result` when it is split).
pub fn wasmexport_resume(
    go_name: &str,
    resume_name: &str,
    params: &[WasmType],
    result: (WasmType, &str),
    expr: &str,
) -> String {
    let go_params = wasmexport_params(params);
    let (core_result, go_result) = result;
    if wasmexport_arg_width(params, &[core_result]) > 128 {
        format!("func {resume_name}({go_params}) {{\n{go_name}_result = {expr}\n}}\n")
    } else {
        format!("func {resume_name}({go_params}) {go_result} {{\nreturn {expr}\n}}\n")
    }
}

/// How WIT source names `func` of `owner` (`ns:pkg/iface` or a world),
/// for comments and messages: the function `owner#name`, the method
/// `owner#res.name`, the static function `owner#res.name`, or the
/// constructor of `owner#res` (`func.name` spells these with the ABI's
/// `[method]` prefixes, which users never write).
pub fn wit_func_phrase(resolve: &Resolve, owner: &str, func: &Function) -> String {
    let resource = |id: &TypeId| resolve.types[*id].name.clone().unwrap_or_default();
    match &func.kind {
        FunctionKind::Freestanding | FunctionKind::AsyncFreestanding => {
            format!("function {owner}#{}", func.name)
        }
        FunctionKind::Method(r) | FunctionKind::AsyncMethod(r) => {
            format!("method {owner}#{}.{}", resource(r), func.item_name())
        }
        FunctionKind::Static(r) | FunctionKind::AsyncStatic(r) => {
            format!(
                "static function {owner}#{}.{}",
                resource(r),
                func.item_name()
            )
        }
        FunctionKind::Constructor(r) => format!("constructor of {owner}#{}", resource(r)),
    }
}

/// Unique Go-identifier spelling of a WIT function name, for glue functions.
pub fn mangle(func: &Function) -> String {
    let clean = |s: &str| s.replace('-', "_");
    match &func.kind {
        FunctionKind::Freestanding | FunctionKind::AsyncFreestanding => {
            format!("f_{}", clean(&func.name))
        }
        // `[constructor]r`: the resource name tells constructors apart.
        FunctionKind::Constructor(_) => {
            format!("c_{}", clean(func.name.trim_start_matches("[constructor]")))
        }
        _ => {
            let (res, method) = func
                .name
                .split_once(']')
                .unwrap()
                .1
                .split_once('.')
                .unwrap();
            let prefix = if matches!(
                func.kind,
                FunctionKind::Static(_) | FunctionKind::AsyncStatic(_)
            ) {
                "s"
            } else {
                "m"
            };
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
                                Type::Id(eid)
                                    if self
                                        .error_types
                                        .contains(&dealias(self.resolve(), *eid)) =>
                                {
                                    ErrShape::Direct { go_ty }
                                }
                                // wit.ErrorContext implements error.
                                Type::ErrorContext => ErrShape::Direct { go_ty },
                                Type::Id(eid)
                                    if matches!(
                                        self.resolve().types[dealias(self.resolve(), *eid)].kind,
                                        TypeDefKind::Type(Type::ErrorContext)
                                    ) =>
                                {
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
                    return (
                        results,
                        ResultShape::Result {
                            has_ok: r.ok.is_some(),
                            err,
                        },
                    );
                }
                TypeDefKind::Option(t) => {
                    return (
                        vec![self.tcx.ty(file, t), "bool".into()],
                        ResultShape::Option,
                    );
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
        // Async functions take a context: cancelling it cancels the call.
        if func.kind.is_async() {
            let ctx = file.std("context");
            params.push(("ctx".to_string(), format!("{ctx}.Context")));
            used.insert("ctx".to_string());
        }
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
        GoSig {
            params,
            results,
            shape,
        }
    }

    /// The Go types of `func`'s core results.
    fn core_results(
        &self,
        file: &mut GoFileBuilder,
        func: &Function,
        variant: AbiVariant,
    ) -> Vec<String> {
        self.resolve()
            .wasm_signature(variant, func)
            .results
            .iter()
            .map(|t| core_result_type(file, t))
            .collect()
    }

    /// The Go wrapper and `//go:wasmimport` declaration for an imported function.
    pub fn import_func(
        &self,
        file: &mut GoFileBuilder,
        func: &Function,
        go_name: &str,
        receiver: Option<&str>,
    ) -> String {
        if func.kind.is_async() {
            return self.async_import_func(file, func, go_name, receiver);
        }
        let resolve = self.resolve();
        let is_method = receiver.is_some();
        let sig = self.sig(file, func, is_method);
        let mangled = mangle(func);
        let callee = format!("wasmimport_{mangled}");
        let mut fg = FuncGen::new(self.tcx, file, self.sizes, Side::Import);
        fg.params = if is_method {
            std::iter::once("r".to_string())
                .chain(sig.params.iter().map(|(n, _)| n.clone()))
                .collect()
        } else {
            sig.params.iter().map(|(n, _)| n.clone()).collect()
        };
        fg.shape = sig.shape.clone();
        fg.wasm_callee = callee.clone();
        fg.area_prefix = format!("{mangled}_");
        fg.release_after_lift = abi::guest_export_needs_post_return(resolve, func);
        // Package-level areas and host allocations: run without goroutine
        // switches (see FuncGen::finish). A return area without host
        // allocations needs no such window: the results are copied out of
        // it right after the call, before lifting can switch goroutines
        // (see FuncGen::copy_return_area).
        fg.gc_window = fg.release_after_lift
            || resolve
                .wasm_signature(AbiVariant::GuestImport, func)
                .indirect_params;
        abi::call(
            resolve,
            AbiVariant::GuestImport,
            LiftLower::LowerArgsLiftResults,
            func,
            &mut fg,
            false,
        );
        let (body, decls) = fg.finish();

        let core_results = self.core_results(file, func, AbiVariant::GuestImport);
        let core = resolve.wasm_signature(AbiVariant::GuestImport, func);
        let core_params: Vec<&str> = core.params.iter().map(core_param_type).collect();
        let (module, name) = resolve.wasm_import_name(
            MANGLING,
            WasmImport::Func {
                interface: self.key,
                func,
            },
        );

        let mut out = String::new();
        doc_comment(
            &mut out,
            &func.docs,
            &format!(
                "{go_name} calls the imported WIT {}.",
                wit_func_phrase(resolve, &self.wit_owner, func)
            ),
        );
        let recv = match receiver {
            Some(r) => format!("(r {r}) "),
            None => String::new(),
        };
        writeln!(
            out,
            "func {recv}{go_name}({}){} {{\n{body}}}\n",
            sig.params_decl(),
            sig.results_decl()
        )
        .unwrap();
        out.push_str(&decls);
        file.wasm_import(
            &module,
            &name,
            &callee,
            &core_params
                .iter()
                .enumerate()
                .map(|(i, t)| format!("p{i} {t}"))
                .collect::<Vec<_>>()
                .join(", "),
            core_results.first().map(String::as_str),
        );
        out
    }

    /// The Go wrapper for an async-lowered import: it lowers the arguments
    /// into memory owned by this call, starts the call, parks the calling
    /// goroutine until the subtask returns (exec.Await), and lifts the
    /// results. Cancelling ctx cancels the subtask; the wrapper then returns
    /// ctx's error (every async import returns an error for that reason).
    fn async_import_func(
        &self,
        file: &mut GoFileBuilder,
        func: &Function,
        go_name: &str,
        receiver: Option<&str>,
    ) -> String {
        let resolve = self.resolve();
        let is_method = receiver.is_some();
        let sig = self.sig(file, func, is_method);
        let mangled = mangle(func);
        let callee = format!("wasmimport_{mangled}");
        let core = resolve.wasm_signature(AbiVariant::GuestImportAsync, func);
        let exec = self.tcx.exec_pkg(file);
        let unsafe_ = file.std("unsafe");
        let rt = file.std("runtime");

        // Go results: the WIT shape, plus an error for cancellation.
        let mut results = sig.results.clone();
        let has_error = matches!(sig.shape, ResultShape::Result { .. });
        if !has_error {
            results.push("error".to_string());
        }

        let mut fg = FuncGen::new(self.tcx, file, self.sizes, Side::Import);
        fg.local_areas = true;
        fg.shape = sig.shape.clone();
        fg.extra_nil_error = !has_error;
        // Results the host allocated are unpinned as they are lifted.
        fg.release_after_lift = true;
        let mut wit_args: Vec<String> = Vec::new();
        if is_method {
            wit_args.push("r".to_string());
        }
        wit_args.extend(sig.params.iter().skip(1).map(|(n, _)| n.clone()));
        let mut core_args = Vec::new();
        if core.indirect_params {
            let info = self.sizes.record(func.params.iter().map(|p| &p.ty));
            let area = fg.return_pointer_for(info.size, info.align);
            let mut offset = wit_parser::ArchitectureSize::default();
            for (p, arg) in func.params.iter().zip(&wit_args) {
                offset = wit_parser::align_to_arch(offset, self.sizes.align(&p.ty));
                let addr = format!("{unsafe_}.Add({area}, {})", offset.size_wasm32());
                abi::lower_to_memory(resolve, &mut fg, addr, arg.clone(), &p.ty);
                offset += self.sizes.size(&p.ty);
            }
            core_args.push(area);
        } else {
            for (p, arg) in func.params.iter().zip(&wit_args) {
                core_args.extend(abi::lower_flat(resolve, &mut fg, arg.clone(), &p.ty));
            }
        }
        let ret_area = func.result.as_ref().map(|ty| {
            let info = self.sizes.params(std::iter::once(ty));
            fg.return_pointer_for(info.size, info.align)
        });
        core_args.extend(ret_area.clone());
        let core_args: Vec<String> = core_args
            .iter()
            .zip(&core.params)
            .map(|(op, t)| {
                if *t == WasmType::Pointer {
                    fg.addr_operand(op)
                } else {
                    op.clone()
                }
            })
            .collect();
        let zeros: Vec<String> = sig
            .results
            .iter()
            .enumerate()
            .map(|(i, _)| format!("zero{i}_"))
            .collect();
        let zero_decls: String = sig
            .results
            .iter()
            .zip(&zeros)
            .filter(|(t, _)| *t != "error")
            .map(|(t, z)| format!("var {z} {t}\n"))
            .collect();
        let mut cancelled: Vec<String> = sig
            .results
            .iter()
            .zip(&zeros)
            .filter(|(t, _)| *t != "error")
            .map(|(_, z)| z.clone())
            .collect();
        cancelled.push("ctx.Err()".to_string());
        let keep = fg.take_keep_alive(&rt);
        fg.push_code(&format!(
            "status_ := {callee}({})\nif !{exec}.Await(ctx, uint32(status_)) {{\n{keep}{zero_decls}return {}\n}}\n{keep}",
            core_args.join(", "),
            cancelled.join(", ")
        ));
        match (&func.result, &ret_area) {
            (Some(ty), Some(area)) => {
                let v = abi::lift_from_memory(resolve, &mut fg, area.clone(), ty);
                fg.push_return(&v);
            }
            _ => fg.push_code("return nil"),
        }
        let (body, decls) = fg.finish();

        let params: Vec<String> = core
            .params
            .iter()
            .enumerate()
            .map(|(i, t)| format!("p{i} {}", core_param_type(t)))
            .collect();
        let (module, name) = resolve.wasm_import_name(
            ASYNC_MANGLING,
            WasmImport::Func {
                interface: self.key,
                func,
            },
        );
        let mut out = String::new();
        doc_comment(
            &mut out,
            &func.docs,
            &format!(
                "{go_name} calls the imported async WIT {}.",
                wit_func_phrase(resolve, &self.wit_owner, func)
            ),
        );
        let recv = match receiver {
            Some(r) => format!("(r {r}) "),
            None => String::new(),
        };
        let results_decl = match results.len() {
            1 => format!(" {}", results[0]),
            _ => format!(" ({})", results.join(", ")),
        };
        writeln!(
            out,
            "func {recv}{go_name}({}){results_decl} {{\n{body}}}\n",
            sig.params_decl()
        )
        .unwrap();
        out.push_str(&decls);
        file.wasm_import(&module, &name, &callee, &params.join(", "), Some("int32"));
        out
    }

    /// A FuncGen for the glue of exported `func`: lifts the core params and
    /// calls `callee` (sync and async exports alike).
    fn export_glue<'f>(
        &'f self,
        file: &'f mut GoFileBuilder,
        func: &Function,
        core: &wit_bindgen_core::abi::WasmSignature,
        sig: &GoSig,
        callee: String,
        is_method: bool,
    ) -> FuncGen<'f, 'f> {
        let mut fg = FuncGen::new(self.tcx, file, self.sizes, Side::Export);
        // Pointer parameters arrive as uint32 (see core_param_type).
        let abi_pkg = self.tcx.abi_pkg(fg.file);
        fg.params = core
            .params
            .iter()
            .enumerate()
            .map(|(i, t)| match t {
                WasmType::Pointer => format!("{abi_pkg}.Ptr(p{i})"),
                _ => format!("p{i}"),
            })
            .collect();
        if is_method && core.params.first() == Some(&WasmType::Pointer) {
            // Methods receive their resource's rep typed as a pointer.
            fg.params[0] = "int32(p0)".to_string();
        }
        fg.shape = sig.shape.clone();
        fg.area_prefix = format!("{}{}_", self.glue_prefix, mangle(func));
        fg.export_call = Some(ExportCall {
            callee,
            is_method,
            wit_name: wit_func_phrase(self.resolve(), &self.wit_owner, func),
            recycle: None,
        });
        fg.release_after_lift =
            core.indirect_params || abi::guest_export_params_have_allocations(self.resolve(), func);
        if core.indirect_params {
            fg.unpin_at_call = Some(fg.params[0].clone());
        }
        fg
    }

    /// The `//go:wasmexport` glue for an async export (callback ABI): the
    /// `[async-lift]` entry lifts the arguments and hands the Go call to the
    /// executor (exec.Start), the `[callback]` entry passes host events to
    /// it, and the results go back through the `[task-return]` import.
    ///
    /// With `early` (the Go name of the implementation's method), a
    /// `Return<name>` function delivers the results before the method
    /// returns (exec.Return).
    fn async_export_func(
        &self,
        file: &mut GoFileBuilder,
        func: &Function,
        callee: String,
        is_method: bool,
        early: Option<&str>,
    ) -> String {
        let resolve = self.resolve();
        let sig = self.sig(file, func, is_method);
        let mangled = mangle(func);
        let core = resolve.wasm_signature(AbiVariant::GuestExportAsync, func);
        let mut fg = self.export_glue(file, func, &core, &sig, callee, is_method);

        let (tr_module, tr_name) = self.task_return_name(func);
        fg.task_return_callee = format!("wasmimport_task_return_{mangled}");
        fg.inline_frame = Some((
            format!("wasmexport_{mangled}"),
            format!("wasmresume_{mangled}"),
        ));
        fg.program_main = self.key.is_some_and(|k| match k {
            WorldKey::Interface(id) => crate::userpkg::is_wasi_cli_run(self.resolve(), *id),
            WorldKey::Name(_) => false,
        });
        // A program's main (wasi:cli/run) returns when the program ends.
        let early = early.filter(|_| !fg.program_main);
        let results_func = format!("wasmresults_{mangled}");
        if early.is_some() {
            fg.results_func = Some((results_func.clone(), sig.results.clone()));
        }
        abi::call(
            resolve,
            AbiVariant::GuestExportAsync,
            LiftLower::LiftArgsLowerResults,
            func,
            &mut fg,
            true,
        );
        let task_return_params = std::mem::take(&mut fg.task_return_params);
        let (body, decls) = fg.finish();

        let lift = resolve.wasm_export_name(
            ASYNC_MANGLING,
            WasmExport::Func {
                interface: self.key,
                func,
                kind: WasmExportKind::Normal,
            },
        );
        let callback = resolve.wasm_export_name(
            ASYNC_MANGLING,
            WasmExport::Func {
                interface: self.key,
                func,
                kind: WasmExportKind::Callback,
            },
        );
        let exec = self.tcx.exec_pkg(file);
        // Enter before lifting the arguments: lifting allocates, and other
        // goroutines may run from then on (see exec.Enter).
        let mut out = wasmexport(
            &lift,
            &format!("wasmexport_{mangled}"),
            &core.params,
            Some((WasmType::I32, "uint32")),
            &format!("{exec}.Enter()\n{body}"),
        );
        out.push_str(&format!(
            "\n// wasmresume_{mangled} has wasmexport_{mangled}'s signature: it returns from that\n\
             // export's call when the implementation, run inline, blocked (see {exec}.Resume).\n"
        ));
        out.push_str(&wasmexport_resume(
            &format!("wasmexport_{mangled}"),
            &format!("wasmresume_{mangled}"),
            &core.params,
            (WasmType::I32, "uint32"),
            &format!("{exec}.Resume()"),
        ));
        out.push('\n');
        writeln!(
            out,
            "//go:wasmexport {callback}\nfunc wasmcallback_{mangled}(event, handle, payload uint32) uint32 {{\nreturn {exec}.Callback(event, handle, payload)\n}}\n",
        )
        .unwrap();
        out.push_str(&decls);
        if let Some(name) = early {
            out.push_str(&early_return_func(
                file,
                &exec,
                name,
                &results_func,
                &sig.results,
            ));
        }
        let params: Vec<String> = task_return_params
            .iter()
            .enumerate()
            .map(|(i, t)| format!("p{i} {}", core_param_type(t)))
            .collect();
        file.wasm_import(
            &tr_module,
            &tr_name,
            &format!("wasmimport_task_return_{mangled}"),
            &params.join(", "),
            None,
        );
        out
    }

    /// The built-ins and element codecs of every stream and future payload
    /// type the package's functions use, one package-level variable each,
    /// which the glue passes to the executor when it lifts or lowers a
    /// handle. Nothing else refers to them, so the linker keeps only those
    /// of the functions a program calls.
    pub fn stream_ops(
        &self,
        file: &mut GoFileBuilder,
        imports: &[&Function],
        exports: &[&Function],
    ) -> String {
        let resolve = self.resolve();
        let mut seen = HashSet::new();
        let mut out = String::new();
        for (funcs, exported) in [(imports, false), (exports, true)] {
            for func in funcs {
                for ty in func.find_futures_and_streams(resolve) {
                    let (is_stream, payload) = match &resolve.types[ty].kind {
                        TypeDefKind::Stream(p) => (true, *p),
                        TypeDefKind::Future(p) => (false, *p),
                        _ => continue,
                    };
                    let go_payload = self.tcx.opt_ty(file, payload.as_ref());
                    if !seen.insert((is_stream, go_payload.clone())) {
                        continue;
                    }
                    let k = file.stream_ops_number(is_stream, &go_payload);
                    let st = StreamType {
                        ty,
                        is_stream,
                        payload: payload.as_ref(),
                        go_payload,
                        k,
                    };
                    let code = self.payload_ops(file, func, exported, &st);
                    out.push_str(&code);
                }
            }
        }
        out
    }

    /// The built-ins and element codec of stream or future type `st`,
    /// which `func` passes (`exported`: as an export).
    fn payload_ops(
        &self,
        file: &mut GoFileBuilder,
        func: &Function,
        exported: bool,
        st: &StreamType<'_>,
    ) -> String {
        let StreamType {
            ty,
            is_stream,
            payload,
            ref go_payload,
            k,
        } = *st;
        let resolve = self.resolve();
        let exec = self.tcx.exec_pkg(file);
        let unsafe_ = file.std("unsafe");
        let kind = if is_stream { "stream" } else { "future" };
        let name = |intr: &str| format!("wasmimport_{kind}{k}_{intr}");
        let import =
            |intr_s: Option<StreamIntrinsic>, intr_f: Option<FutureIntrinsic>, async_: bool| {
                let (module, iname) = match (intr_s, intr_f) {
                    (Some(intrinsic), _) => resolve.wasm_import_name(
                        ASYNC_MANGLING,
                        WasmImport::StreamIntrinsic {
                            interface: self.key,
                            func,
                            ty: Some(ty),
                            intrinsic,
                            exported,
                            async_,
                        },
                    ),
                    (_, Some(intrinsic)) => resolve.wasm_import_name(
                        ASYNC_MANGLING,
                        WasmImport::FutureIntrinsic {
                            interface: self.key,
                            func,
                            ty: Some(ty),
                            intrinsic,
                            exported,
                            async_,
                        },
                    ),
                    _ => unreachable!(),
                };
                (module, iname)
            };
        let copy_params = if is_stream {
            "end uint32, ptr uint32, n uint32"
        } else {
            "end uint32, ptr uint32"
        };
        let specs: [(
            &str,
            Option<StreamIntrinsic>,
            Option<FutureIntrinsic>,
            bool,
            &str,
            Option<&str>,
        ); 7] = [
            (
                "new",
                Some(StreamIntrinsic::New),
                Some(FutureIntrinsic::New),
                false,
                "",
                Some("uint64"),
            ),
            (
                "read",
                Some(StreamIntrinsic::Read),
                Some(FutureIntrinsic::Read),
                true,
                copy_params,
                Some("uint32"),
            ),
            (
                "write",
                Some(StreamIntrinsic::Write),
                Some(FutureIntrinsic::Write),
                true,
                copy_params,
                Some("uint32"),
            ),
            // Cancels are synchronous: their async forms belong to the optional
            // "more async builtins" feature that standard hosts leave off.
            (
                "cancel_read",
                Some(StreamIntrinsic::CancelRead),
                Some(FutureIntrinsic::CancelRead),
                false,
                "end uint32",
                Some("uint32"),
            ),
            (
                "cancel_write",
                Some(StreamIntrinsic::CancelWrite),
                Some(FutureIntrinsic::CancelWrite),
                false,
                "end uint32",
                Some("uint32"),
            ),
            (
                "drop_readable",
                Some(StreamIntrinsic::DropReadable),
                Some(FutureIntrinsic::DropReadable),
                false,
                "end uint32",
                None,
            ),
            (
                "drop_writable",
                Some(StreamIntrinsic::DropWritable),
                Some(FutureIntrinsic::DropWritable),
                false,
                "end uint32",
                None,
            ),
        ];
        for (intr, s_i, f_i, async_, params, result) in specs {
            let (module, iname) = if is_stream {
                import(s_i, None, async_)
            } else {
                import(None, f_i, async_)
            };
            file.wasm_import(&module, &iname, &name(intr), params, result);
        }

        // The element codec.
        let (size, align) = match payload {
            Some(t) => (
                self.sizes.size(t).size_wasm32(),
                self.sizes.align(t).align_wasm32(),
            ),
            None => (0, 1),
        };
        let canonical = is_stream
            && matches!(
                payload,
                Some(
                    Type::U8
                        | Type::S8
                        | Type::U16
                        | Type::S16
                        | Type::U32
                        | Type::S32
                        | Type::U64
                        | Type::S64
                        | Type::F32
                        | Type::F64
                )
            );
        let (lift, lower) = match payload {
            None => (
                "func(unsafe.Pointer, []struct{}) {}".to_string(),
                "func([]struct{}, unsafe.Pointer) []unsafe.Pointer { return nil }".to_string(),
            ),
            Some(t) => {
                let mut fg = FuncGen::new(self.tcx, file, self.sizes, Side::Import);
                fg.release_after_lift = true;
                let v = abi::lift_from_memory(resolve, &mut fg, "base_".to_string(), t);
                fg.push_code(&format!("dst[i_] = {v}"));
                let (body, _) = fg.finish();
                let lift = format!(
                    "func(p {unsafe_}.Pointer, dst []{go_payload}) {{\nfor i_ := range dst {{\nbase_ := {unsafe_}.Add(p, uintptr(i_)*{size})\n{body}}}\n}}"
                );
                let mut fg = FuncGen::new(self.tcx, file, self.sizes, Side::Import);
                fg.local_areas = true;
                fg.keep_in_slice = true;
                abi::lower_to_memory(
                    resolve,
                    &mut fg,
                    "base_".to_string(),
                    "src[i_]".to_string(),
                    t,
                );
                let (body, _) = fg.finish();
                let body = body.replace("var keep_ []unsafe.Pointer\n", "");
                let lower = format!(
                    "func(src []{go_payload}, p {unsafe_}.Pointer) []{unsafe_}.Pointer {{\nvar keep_ []{unsafe_}.Pointer\nfor i_ := range src {{\nbase_ := {unsafe_}.Add(p, uintptr(i_)*{size})\n{body}}}\nreturn keep_\n}}"
                );
                (lift, lower)
            }
        };
        let ops_ty = if is_stream { "StreamOps" } else { "FutureOps" };
        let var = format!("{kind}Ops{k}_");
        let mut out = String::new();
        writeln!(
            out,
            "// {var} are the built-ins for {kind}<{go_payload}>.\nvar {var} = &{exec}.{ops_ty}[{go_payload}]{{\n\
             New: {}, Read: {}, Write: {}, CancelRead: {}, CancelWrite: {}, DropReadable: {}, DropWritable: {},\n\
             Size: {size}, Align: {align},{}\nLift: {lift},\nLower: {lower},\n}}\n",
            name("new"),
            name("read"),
            name("write"),
            name("cancel_read"),
            name("cancel_write"),
            name("drop_readable"),
            name("drop_writable"),
            if canonical { " Canonical: true," } else { "" },
        )
        .unwrap();
        out
    }

    /// Module and name of the `[task-return]` import for exported `func`.
    fn task_return_name(&self, func: &Function) -> (String, String) {
        let module = match self.key {
            Some(key) => format!("[export]{}", self.resolve().name_world_key(key)),
            None => "[export]$root".to_string(),
        };
        (module, format!("[task-return]{}", func.name))
    }

    /// The `//go:wasmexport` glue for an exported function, calling `callee`.
    pub fn export_func(
        &self,
        file: &mut GoFileBuilder,
        func: &Function,
        callee: String,
        is_method: bool,
    ) -> String {
        if func.kind.is_async() {
            return self.async_export_func(file, func, callee, is_method, None);
        }
        self.sync_export_func(file, func, callee, is_method, String::new())
    }

    /// [`Self::export_func`] for a function of `Exports`, whose Go method is
    /// `name`: an async one also gets its `Return<name>` function.
    pub fn export_func_of_exports(
        &self,
        file: &mut GoFileBuilder,
        func: &Function,
        name: &str,
    ) -> String {
        let callee = format!("impl_().{name}");
        if func.kind.is_async() {
            return self.async_export_func(file, func, callee, false, Some(name));
        }
        self.sync_export_func(file, func, callee, false, String::new())
    }

    /// The glue for an exported function that calls `callee`, a method of
    /// the implementation value, statically: escape analysis sees through
    /// the call, so the glue of a synchronous function can learn whether the
    /// method keeps its string and list arguments, and recycle their memory
    /// if it does not (see abi.Recycle).
    pub fn export_func_direct(
        &self,
        file: &mut GoFileBuilder,
        func: &Function,
        callee: String,
    ) -> String {
        if func.kind.is_async() {
            return self.async_export_func(file, func, callee, false, None);
        }
        let sig = self.sig(file, func, false);
        let lent = self.lent_args(file, func);
        if lent.is_empty() {
            return self.sync_export_func(file, func, callee, false, String::new());
        }
        let probe = format!("witgoRecycles_{}{}", self.glue_prefix, mangle(func));
        let decl = self.lent_probe(file, &probe, &callee, &sig, &lent);
        let mut out = self.sync_export_func(file, func, callee, false, probe.clone());
        out.push_str(&decl);
        out
    }

    /// The parameters of `func` whose Go values view the host's block in
    /// place: strings, and lists whose elements have the ABI's layout.
    fn lent_args(&self, file: &mut GoFileBuilder, func: &Function) -> Vec<(usize, Lent)> {
        let resolve = self.resolve();
        let mut lent = Vec::new();
        for (i, p) in func.params.iter().enumerate() {
            let go_ty = self.tcx.ty(file, &p.ty);
            let mut ty = p.ty;
            while let Type::Id(id) = ty {
                match &resolve.types[id].kind {
                    TypeDefKind::Type(t) => ty = *t,
                    TypeDefKind::List(elem) if is_canonical_element(resolve, elem) => {
                        let elem = self.tcx.ty(file, elem);
                        lent.push((
                            i,
                            Lent::List {
                                go_ty: go_ty.clone(),
                                elem,
                            },
                        ));
                        break;
                    }
                    _ => break,
                }
            }
            if ty == Type::String {
                lent.push((i, Lent::String { go_ty }));
            }
        }
        lent
    }

    /// The package variable that tells whether `callee` keeps any of its
    /// lent arguments: set at init by a probe that passes views of local
    /// one-element arrays in a call that never runs, and asks whether the
    /// arrays stayed on the stack (see abi.OnGoroutineStack).
    fn lent_probe(
        &self,
        file: &mut GoFileBuilder,
        probe: &str,
        callee: &str,
        sig: &GoSig,
        lent: &[(usize, Lent)],
    ) -> String {
        let abi_pkg = self.tcx.abi_pkg(file);
        let unsafe_ = file.std("unsafe");
        let mut body = String::new();
        let mut args = Vec::new();
        let mut checks = Vec::new();
        for (i, (_, go_ty)) in sig.params.iter().enumerate() {
            let v = format!("a{i}");
            match lent.iter().find(|(j, _)| *j == i).map(|(_, l)| l) {
                Some(Lent::String { .. }) => {
                    writeln!(body, "var {v} [1]byte").unwrap();
                    let s = format!("{unsafe_}.String(&{v}[0], 1)");
                    args.push(if go_ty == "string" {
                        s
                    } else {
                        format!("{go_ty}({s})")
                    });
                    checks.push(format!(
                        "{abi_pkg}.OnGoroutineStack({unsafe_}.Pointer(&{v}))"
                    ));
                }
                Some(Lent::List { elem, .. }) => {
                    writeln!(body, "var {v} [1]{elem}").unwrap();
                    let s = format!("{v}[:]");
                    args.push(if *go_ty == format!("[]{elem}") {
                        s
                    } else {
                        format!("{go_ty}({s})")
                    });
                    checks.push(format!(
                        "{abi_pkg}.OnGoroutineStack({unsafe_}.Pointer(&{v}))"
                    ));
                }
                None => {
                    writeln!(body, "var {v} {go_ty}").unwrap();
                    args.push(v);
                }
            }
        }
        let call = format!("{callee}({})", args.join(", "));
        let results: Vec<String> = (0..sig.results.len()).map(|i| format!("r{i}")).collect();
        let sink = if results.is_empty() {
            call
        } else {
            let sinks: Vec<String> = results
                .iter()
                .map(|r| format!("{abi_pkg}.Sink = {r}"))
                .collect();
            format!(
                "{} := {call}
{}",
                results.join(", "),
                sinks.join("\n")
            )
        };
        format!(
            "// {probe} reports whether\n// {callee} keeps no reference to its string and list\n\
             // arguments once it returns, as escape analysis finds: the arrays below\n\
             // stay on the stack only if so. The glue then recycles the arguments'\n\
             // memory for the host's next call.\n\
             var {probe} = func() bool {{\n{body}if {abi_pkg}.Probing {{\n{sink}\n}}\nreturn {}\n}}()\n\n",
            checks.join(" && ")
        )
    }

    fn sync_export_func(
        &self,
        file: &mut GoFileBuilder,
        func: &Function,
        callee: String,
        is_method: bool,
        probe: String,
    ) -> String {
        let resolve = self.resolve();
        let sig = self.sig(file, func, is_method);
        let mangled = mangle(func);
        let core = resolve.wasm_signature(AbiVariant::GuestExport, func);
        let mut fg = self.export_glue(file, func, &core, &sig, callee, is_method);
        if !probe.is_empty() {
            let args = self.lent_args(fg.file, func);
            fg.export_call.as_mut().unwrap().recycle = Some(Recycling { probe, args });
        }
        abi::call(
            resolve,
            AbiVariant::GuestExport,
            LiftLower::LiftArgsLowerResults,
            func,
            &mut fg,
            false,
        );
        let (body, decls) = fg.finish();

        let core_results = self.core_results(file, func, AbiVariant::GuestExport);
        let export_name = resolve.wasm_export_name(
            MANGLING,
            WasmExport::Func {
                interface: self.key,
                func,
                kind: WasmExportKind::Normal,
            },
        );
        let result = core
            .results
            .first()
            .copied()
            .zip(core_results.first().map(String::as_str));
        let mut out = wasmexport(
            &export_name,
            &format!("wasmexport_{}{mangled}", self.glue_prefix),
            &core.params,
            result,
            &body,
        );
        out.push_str(&decls);
        if abi::guest_export_needs_post_return(resolve, func) {
            let post = resolve.wasm_export_name(
                MANGLING,
                WasmExport::Func {
                    interface: self.key,
                    func,
                    kind: WasmExportKind::PostReturn,
                },
            );
            let abi_pkg = self.tcx.abi_pkg(file);
            writeln!(
                out,
                "//go:wasmexport {post}\nfunc wasmpost_{}{mangled}({}) {{\n{abi_pkg}.ReleaseReturn()\n}}\n",
                self.glue_prefix,
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
        let Derived::Resource { helpers, .. } = &self.tcx.plan.derived[&(id, pkg)] else {
            unreachable!()
        };
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
        let drop_fn = format!(
            "wasmimport_drop_{}",
            def.name.as_deref().unwrap().replace('-', "_")
        );
        let mut out = String::new();
        doc_comment(
            &mut out,
            &def.docs,
            &format!("{go_name} is a handle to the imported WIT resource {wit_name}."),
        );
        writeln!(
            out,
            "//\n// Close it when done with it; {} that becomes unreachable without\n// being closed is dropped by a cleanup.\ntype {go_name} struct {{\nhandle {abi_pkg}.Handle\n}}\n",
            names::with_article(go_name)
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
    pub fn exported_resource(
        &self,
        file: &mut GoFileBuilder,
        id: TypeId,
        go_name: &str,
        funcs: &[&Function],
    ) -> String {
        let resolve = self.resolve();
        let def = &resolve.types[id];
        let pkg = self.tcx.pkg.unwrap();
        let Derived::Resource { helpers, methods } = &self.tcx.plan.derived[&(id, pkg)] else {
            unreachable!()
        };
        let rname = def.name.as_deref().unwrap();
        let wit_name = format!("{}.{}", self.wit_owner, rname);
        let abi_pkg = self.tcx.abi_pkg(file);
        let key = self.key.expect("exported resources live in interfaces");
        let intrinsic = |i| {
            resolve.wasm_import_name(
                MANGLING,
                WasmImport::ResourceIntrinsic {
                    interface: Some(key),
                    resource: id,
                    intrinsic: i,
                },
            )
        };
        let snake = rname.replace('-', "_");
        let mut out = String::new();
        doc_comment(
            &mut out,
            &def.docs,
            &format!("{go_name} is the WIT resource {wit_name}, implemented by this component."),
        );
        writeln!(
            out,
            "//\n// Any Go type with these methods can be handed out as {}; if it also\n// has a method Drop(), that runs when the last handle to it is dropped.\ntype {go_name} interface {{",
            names::with_article(go_name)
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
                writeln!(
                    out,
                    "{}({}){}",
                    methods[&f.name],
                    sig.params_decl(),
                    sig.results_decl()
                )
                .unwrap();
            }
        }
        out.push_str("}\n\n");
        let table = format!("table_{snake}");
        let (new_h, take_h, from_rep) = (
            &helpers["NewHandle"],
            &helpers["TakeHandle"],
            &helpers["FromRep"],
        );
        let (m_new, n_new) = intrinsic(wit_parser::ResourceIntrinsic::ExportedNew);
        let (m_rep, n_rep) = intrinsic(wit_parser::ResourceIntrinsic::ExportedRep);
        let (m_drop, n_drop) = intrinsic(wit_parser::ResourceIntrinsic::ExportedDrop);
        let dtor = resolve.wasm_export_name(
            MANGLING,
            WasmExport::ResourceDtor {
                interface: key,
                resource: id,
            },
        );
        writeln!(
            out,
            "var {table} {abi_pkg}.Table[{go_name}]\n\n\
             // {new_h} hands v to the host as a new owned {wit_name} handle.\nfunc {new_h}(v {go_name}) int32 {{ return wasmimport_new_{snake}({table}.Add(v)) }}\n\n\
             // {take_h} takes back the value behind an owned handle the host passed in.\n\
             // Dropping the handle runs the destructor; holding rep meanwhile keeps it from\n\
             // seeing the last handle go: ownership returns to Go, so no Drop.\n\
             func {take_h}(h int32) {go_name} {{\nrep := wasmimport_rep_{snake}(h)\n{table}.Hold(rep)\nwasmimport_drop_{snake}(h)\nreturn {table}.Remove(rep)\n}}\n\n\
             // {from_rep} returns the value behind a borrowed handle's representation.\nfunc {from_rep}(rep int32) {go_name} {{ return {table}.Get(rep) }}\n\n\
             //go:wasmexport {dtor}\nfunc wasmexport_dtor_{snake}(rep int32) {{\nif v, ok := {table}.TryRemove(rep); ok {{\nif d, ok := v.(interface{{ Drop() }}); ok {{\nd.Drop()\n}}\n}}\n}}\n"
        )
        .unwrap();
        file.wasm_import(
            &m_new,
            &n_new,
            &format!("wasmimport_new_{snake}"),
            "rep int32",
            Some("int32"),
        );
        file.wasm_import(
            &m_rep,
            &n_rep,
            &format!("wasmimport_rep_{snake}"),
            "h int32",
            Some("int32"),
        );
        file.wasm_import(
            &m_drop,
            &n_drop,
            &format!("wasmimport_drop_{snake}"),
            "h int32",
            None,
        );
        out
    }
}

/// `Return<name>`: delivers the results of the async export whose Go method
/// is `name` before that method returns, through the glue's results
/// function.
fn early_return_func(
    file: &mut GoFileBuilder,
    exec: &str,
    name: &str,
    results_func: &str,
    results: &[String],
) -> String {
    let ctx = file.std("context");
    let names: Vec<String> = match results {
        [t] if t == "error" => vec!["err".into()],
        [_] => vec!["v".into()],
        [_, e] if e == "error" => vec!["v".into(), "err".into()],
        _ => (0..results.len()).map(|i| format!("v{i}")).collect(),
    };
    let mut params = vec![format!("ctx {ctx}.Context")];
    params.extend(names.iter().zip(results).map(|(n, t)| format!("{n} {t}")));
    format!(
        "// Return{name} delivers {name}'s results to the caller now, before {name}\n\
         // returns: call it from {name}, with the context {name} was given. {name}\n\
         // goes on running, its call's context done, and what it returns is then\n\
         // ignored. It reports false, delivering nothing, if the results were\n\
         // delivered already.\n\
         func Return{name}({}) bool {{\nfinish, err_ := {results_func}({})\nreturn {exec}.Return(ctx, finish, err_)\n}}\n\n",
        params.join(", "),
        names.join(", ")
    )
}
