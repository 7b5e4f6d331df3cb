//! Go code for one function's Canonical ABI glue, driven by the instruction
//! stream of `wit_bindgen_core::abi` (which owns flattening, memory layout and
//! the order of operations). This file only spells each instruction in Go.

use crate::gofile::GoFileBuilder;
use crate::gotypes::TypeCx;
use crate::plan::dealias;
use std::fmt::Write;
use wit_bindgen_core::abi::{Bindgen, Bitcast, Instruction, WasmType};
use wit_parser::{Alignment, ArchitectureSize, Handle, Resolve, SizeAlign, Type, TypeDefKind};

/// What the glue does with the function's results at the Go boundary.
#[derive(Clone, Debug)]
pub enum ResultShape {
    None,
    Single,
    /// option<T> at the top level: Go `(T, bool)`.
    Option,
    /// result<T, E> at the top level: Go `(T, error)` or `error`.
    Result {
        has_ok: bool,
        err: ErrShape,
    },
    /// tuple<...> at the top level: several Go results.
    Tuple(usize),
}

/// How a WIT error payload maps to a Go error.
#[derive(Clone, Debug)]
pub enum ErrShape {
    /// `result<T>`: any error; the payload-less `wit.Unit`.
    Unit,
    /// The payload type implements `error` itself (enum/variant/record/flags).
    Direct { go_ty: String },
    /// The payload is wrapped in `wit.Error[E]`.
    Wrapped { go_ty: String },
}

/// Which side of the boundary the glue is on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Go calls an imported function.
    Import,
    /// The host calls an exported function.
    Export,
}

/// How the export glue calls the user's Go code.
pub struct ExportCall {
    /// e.g. `exports_.Add` or `.Inc` (method on the first argument) or a full callee.
    pub callee: String,
    pub is_method: bool,
    /// Name used in panics about unconvertible errors.
    pub wit_name: String,
    /// Arguments whose host blocks go back for reuse after the call.
    pub recycle: Option<Recycling>,
}

/// The string and list arguments a synchronous export's Go values view in
/// place, recycled after the call if its probe (a package variable set at
/// init, see abi.OnGoroutineStack) found that the callee keeps none of them.
pub struct Recycling {
    pub probe: String,
    pub args: Vec<(usize, Lent)>,
}

/// What a lent argument is in Go: its type as the parameter declares it
/// (maybe a named type), and for a list the element type.
pub enum Lent {
    String { go_ty: String },
    List { go_ty: String, elem: String },
}

/// A finished block of generated code (a variant case, an option's or a
/// result's arm, a list's element loop): its Go statements, the values it
/// leaves, and the name its case's payload is bound to.
struct Block {
    body: String,
    results: Vec<String>,
    payload: Option<String>,
}

impl Block {
    /// The payload's name, if the block uses the payload.
    fn used_payload(&self) -> Option<&str> {
        let name = self.payload.as_deref()?;
        (mentions(&self.body, name) || self.results.iter().any(|r| mentions(r, name)))
            .then_some(name)
    }
}

/// Whether Go code `code` mentions identifier `ident` (as a whole name:
/// `base1_` does not mention `e1_`).
fn mentions(code: &str, ident: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(ident).any(|(i, _)| {
        !code[..i].chars().next_back().is_some_and(is_ident)
            && !code[i + ident.len()..].chars().next().is_some_and(is_ident)
    })
}

pub struct FuncGen<'a, 'b> {
    pub cx: &'a TypeCx<'a>,
    pub file: &'b mut GoFileBuilder,
    pub sizes: &'a SizeAlign,
    pub side: Side,
    /// Go names of the parameters (import side) or core parameters (export side).
    pub params: Vec<String>,
    pub shape: ResultShape,
    /// Name of the `//go:wasmimport` function (import side).
    pub wasm_callee: String,
    pub export_call: Option<ExportCall>,
    /// Release host allocations after lifting (export params / import results).
    pub release_after_lift: bool,
    /// Async import: parameter and result areas belong to the call (heap
    /// memory kept alive until the results are lifted), not the package.
    pub local_areas: bool,
    /// Lowering inside a loop the caller writes (stream/future codecs):
    /// everything to keep alive goes into `keep_`.
    pub keep_in_slice: bool,
    /// Async import: the Go results end with an error that is nil unless the
    /// call was cancelled.
    pub extra_nil_error: bool,
    /// Async export: the `[task-return]` import to call, and (filled in by
    /// `AsyncTaskReturn`) its core parameter types.
    pub task_return_callee: String,
    pub task_return_params: Vec<WasmType>,
    /// Async export of `wasi:cli/run`: the task is a program's main (see
    /// exec.ProgramMain: a deadlock ends it as Go's runtime ends one).
    pub program_main: bool,
    /// For an async export: the Go names of its `//go:wasmexport` function
    /// and of the resume function with the same signature, which the
    /// executor needs to run the implementation inline (exec.Start).
    pub inline_frame: Option<(String, String)>,
    /// Async export: the implementation's error variable, for the executor.
    async_err: Option<String>,
    /// Async export: the name of a package-level function to generate that
    /// turns the implementation's results (these Go types) into what
    /// exec.Start's run returns, so that they can also be delivered before
    /// the implementation returns (exec.Return).
    pub results_func: Option<(String, Vec<String>)>,
    /// With `results_func`: the export function's body, done once the
    /// implementation is called; the blocks then hold the results function.
    results_main: Option<String>,
    results_header: String,
    /// Export side with indirect params: the host's params block, unpinned
    /// once the params are lifted.
    pub unpin_at_call: Option<String>,
    /// Import side: keep the collector off from the start of the wrapper to
    /// its return (see `finish`).
    pub gc_window: bool,
    /// Sync import with a package-level return area: the area's address as
    /// the call takes it, and the local copy the results are lifted from
    /// (see `CallWasm`).
    ret_copy: Option<(String, String)>,
    /// Package-level declarations this function needs (return areas).
    pub decls: String,
    pub area_prefix: String,

    blocks: Vec<String>,
    payloads: Vec<Option<String>>,
    iters: Vec<usize>,
    next_block: usize,
    finished: Vec<Block>,
    finished_iters: Vec<usize>,
    tmp: usize,
    areas: usize,
    /// Pointers that must stay alive until the import call returns.
    keep: Vec<String>,
    keep_slice: bool,
    last_iter: usize,
    /// Export side: code recycling lent arguments, emitted before returning.
    recycle_code: String,
}

impl<'a, 'b> FuncGen<'a, 'b> {
    pub fn new(
        cx: &'a TypeCx<'a>,
        file: &'b mut GoFileBuilder,
        sizes: &'a SizeAlign,
        side: Side,
    ) -> Self {
        FuncGen {
            cx,
            file,
            sizes,
            side,
            params: Vec::new(),
            shape: ResultShape::None,
            wasm_callee: String::new(),
            export_call: None,
            release_after_lift: false,
            gc_window: false,
            ret_copy: None,
            unpin_at_call: None,
            local_areas: false,
            keep_in_slice: false,
            extra_nil_error: false,
            task_return_callee: String::new(),
            program_main: false,
            inline_frame: None,
            task_return_params: Vec::new(),
            async_err: None,
            results_func: None,
            results_main: None,
            results_header: String::new(),
            decls: String::new(),
            area_prefix: String::new(),
            blocks: vec![String::new()],
            payloads: vec![None],
            iters: vec![0],
            next_block: 0,
            finished: Vec::new(),
            finished_iters: Vec::new(),
            tmp: 0,
            areas: 0,
            recycle_code: String::new(),
            keep: Vec::new(),
            keep_slice: false,
            last_iter: 0,
        }
    }

    /// The finished function body.
    pub fn finish(mut self) -> (String, String) {
        let code = self.blocks.pop().unwrap();
        let mut body = String::new();
        if self.side == Side::Import && self.gc_window {
            // An import wrapper uses package-level areas (indirect
            // parameters, the return area) and the shared list of host
            // allocations, so no other goroutine may run between the first
            // store to them and the last load. Go switches goroutines on
            // wasm only when one blocks — and a collection blocks: a cycle
            // started by an allocation (mark assists park), or runtime.GC
            // in GoRuns. With the collector off from here to the return,
            // allocations while lowering and lifting cannot start or assist
            // a cycle, so the wrapper runs without interruption.
            // (HostMayAllocate itself may wait for a running cycle, but
            // before anything is written.)
            let abi = self.abi();
            body.push_str(&format!("gcOff_ := {abi}.HostMayAllocate()\n"));
        }
        let keep_decl = if self.keep_slice {
            "var keep_ []unsafe.Pointer\n"
        } else {
            ""
        };
        if let Some(main) = self.results_main.take() {
            // Lowering the results (all that uses keep_) is in the closure
            // the results function returns: keep_ is declared inside it, as
            // a variable the closure captured and appends to would be one
            // more allocation per call.
            let mut decls = self.decls;
            decls.push_str(&self.results_header);
            let opening = "return func() {\n";
            assert!(
                code.contains(opening),
                "results function without its closure"
            );
            decls.push_str(&code.replacen(opening, &format!("{opening}{keep_decl}"), 1));
            decls.push('\n');
            body.push_str(&main);
            return (body, decls);
        }
        body.push_str(keep_decl);
        body.push_str(&code);
        (body, self.decls)
    }

    fn tmp(&mut self, base: &str) -> String {
        self.tmp += 1;
        format!("{base}{}_", self.tmp)
    }

    fn push(&mut self, s: &str) {
        let cur = self.blocks.last_mut().unwrap();
        cur.push_str(s);
        if !s.ends_with('\n') {
            cur.push('\n');
        }
    }

    /// Binds `expr` to a fresh local unless it already is a plain name.
    fn bind(&mut self, expr: &str) -> String {
        if is_simple(expr) {
            return expr.to_string();
        }
        let t = self.tmp("v");
        self.push(&format!("{t} := {expr}"));
        t
    }

    fn abi(&mut self) -> String {
        self.cx.abi_pkg(self.file)
    }

    fn wit(&mut self) -> String {
        self.cx.wit_pkg(self.file)
    }

    fn unsafe_(&mut self) -> String {
        self.file.std("unsafe")
    }

    /// The package-level variable holding the built-ins of `stream<payload>`
    /// (or future), which `FuncCx::stream_ops` declares.
    /// The executor's type of a stream's or future's readable end.
    fn exec_end(&mut self, is_stream: bool, payload: Option<&Type>) -> String {
        let exec = self.cx.exec_pkg(self.file);
        let go_payload = self.cx.opt_ty(self.file, payload);
        format!(
            "{exec}.{}Reader[{go_payload}]",
            if is_stream { "Stream" } else { "Future" }
        )
    }

    fn stream_ops_var(&mut self, is_stream: bool, payload: Option<&Type>) -> String {
        let go_payload = self.cx.opt_ty(self.file, payload);
        let k = self.file.stream_ops_number(is_stream, &go_payload);
        format!("{}Ops{k}_", if is_stream { "stream" } else { "future" })
    }

    fn ty(&mut self, t: &Type) -> String {
        self.cx.ty(self.file, t)
    }

    /// Copies a sync import's results out of its package-level return area
    /// (`area`, as `return_pointer` named it) into a local array at once,
    /// and lifts them from there. Lifting allocates (a resource's Go value,
    /// a stream's or future's end), an allocation may start a collection,
    /// and a collection switches goroutines: another goroutine calling the
    /// same import meanwhile would overwrite the area, and the rest of these
    /// results would be its results (two Go values holding one handle).
    fn copy_return_area(&mut self, area: &str) {
        let unsafe_ = self.unsafe_();
        let name = area
            .strip_prefix(&format!("{unsafe_}.Pointer(&"))
            .and_then(|rest| rest.strip_suffix(')'))
            .unwrap_or_else(|| panic!("return area {area} is not a package-level array"));
        let copy = self.tmp("results");
        self.push(&format!("{copy} := {name}"));
        self.ret_copy = Some((area.to_string(), format!("{unsafe_}.Pointer(&{copy})")));
    }

    fn in_nested_block(&self) -> bool {
        self.blocks.len() > 1
    }

    /// Keeps a pointer alive until the import call has returned.
    fn keep_alive(&mut self, ptr: &str) {
        // Imports: until the call returns; async exports: until task.return.
        if self.side != Side::Import && self.task_return_callee.is_empty() {
            return;
        }
        if self.in_nested_block() || self.keep_in_slice {
            if self.side == Side::Import
                && self.gc_window
                && !self.local_areas
                && !self.keep_in_slice
            {
                // The collector is held from the wrapper's start to its
                // return (see `finish`), so nothing lowered can be freed
                // before the host has read it; a slice of the pointers
                // would cost allocations for nothing.
                return;
            }
            self.unsafe_();
            self.keep_slice = true;
            self.push(&format!("keep_ = append(keep_, {ptr})"));
        } else {
            self.keep.push(ptr.to_string());
        }
    }

    /// Keeps memory handed to the host alive until post-return (export results).
    fn pin_for_return(&mut self, ptr: &str) {
        if self.local_areas {
            // An async import's own memory: alive until its results are in.
            self.keep_alive(ptr);
            return;
        }
        let abi = self.abi();
        self.push(&format!("{abi}.PinForReturn({ptr})"));
    }

    fn wasm_ty(&mut self, t: WasmType) -> String {
        match t {
            WasmType::I32 => "int32".into(),
            WasmType::I64 | WasmType::PointerOrI64 => "int64".into(),
            WasmType::F32 => "float32".into(),
            WasmType::F64 => "float64".into(),
            WasmType::Pointer => format!("{}.Pointer", self.unsafe_()),
            WasmType::Length => "uint32".into(),
        }
    }

    fn zero(&mut self, t: WasmType) -> String {
        match t {
            WasmType::I32 => "int32(0)".into(),
            WasmType::I64 | WasmType::PointerOrI64 => "int64(0)".into(),
            WasmType::F32 => "float32(0)".into(),
            WasmType::F64 => "float64(0)".into(),
            WasmType::Pointer => format!("{}.Pointer(nil)", self.unsafe_()),
            WasmType::Length => "uint32(0)".into(),
        }
    }

    /// Declares the flat slots of a lowered variant, option or result. A
    /// pointer slot may carry another case's integer (a u32 payload, a
    /// length): it is held as a uint32 address, because `abi.Ptr` turns
    /// small values into nil and the collector must never see an integer in
    /// a pointer variable.
    fn declare_slots(&mut self, tys: &[WasmType]) -> Vec<String> {
        let mut slots = Vec::with_capacity(tys.len());
        for t in tys {
            let r = self.tmp("r");
            let go = if *t == WasmType::Pointer {
                "uint32".to_string()
            } else {
                self.wasm_ty(*t)
            };
            self.push(&format!("var {r} {go}"));
            slots.push(r);
        }
        slots
    }

    /// Writes one case's flat values into the slots of [`Self::declare_slots`].
    fn assign_slots(
        &mut self,
        code: &mut String,
        slots: &[String],
        vals: &[String],
        tys: &[WasmType],
    ) {
        for ((r, val), t) in slots.iter().zip(vals).zip(tys) {
            let val = if *t == WasmType::Pointer {
                self.addr_of(val)
            } else {
                val.clone()
            };
            writeln!(code, "{r} = {val}").unwrap();
        }
    }

    /// The slots as operands of their core types; a pointer slot reads as
    /// `abi.Ptr(slot)`, which [`Self::addr_of`] turns back into the integer.
    fn slot_values(&mut self, slots: Vec<String>, tys: &[WasmType]) -> Vec<String> {
        let abi = self.abi();
        slots
            .into_iter()
            .zip(tys)
            .map(|(r, t)| {
                if *t == WasmType::Pointer {
                    format!("{abi}.Ptr({r})")
                } else {
                    r
                }
            })
            .collect()
    }

    /// `op` (a pointer) as a uint32 address. `abi.Ptr(x)` turns small values
    /// into nil, so where a core value only passed through pointer type (a
    /// length in a joined variant slot) the original integer is used.
    fn addr_of(&mut self, op: &str) -> String {
        let abi = self.abi();
        if let Some(inner) = strip_call(op, &format!("{abi}.Ptr")) {
            return inner.to_string();
        }
        if let Some(inner) = strip_call(op, &format!("{abi}.PtrFromI64")) {
            return format!("uint32({inner})");
        }
        format!("{abi}.Addr({op})")
    }

    fn bitcast(&mut self, c: &Bitcast, op: &str) -> String {
        let abi = self.abi();
        match c {
            Bitcast::PToL => return self.addr_of(op),
            Bitcast::PToI32 => {
                let a = self.addr_of(op);
                return format!("int32({a})");
            }
            Bitcast::PToP64 => {
                let a = self.addr_of(op);
                return format!("int64({a})");
            }
            _ => {}
        }
        match c {
            Bitcast::F32ToI32 => format!("{abi}.F32ToI32({op})"),
            Bitcast::F64ToI64 => format!("{abi}.F64ToI64({op})"),
            Bitcast::I32ToI64 => format!("int64(uint32({op}))"),
            Bitcast::F32ToI64 => format!("{abi}.F32ToI64({op})"),
            Bitcast::I32ToF32 => format!("{abi}.I32ToF32({op})"),
            Bitcast::I64ToF64 => format!("{abi}.I64ToF64({op})"),
            Bitcast::I64ToI32 => format!("int32({op})"),
            Bitcast::I64ToF32 => format!("{abi}.I64ToF32({op})"),
            Bitcast::P64ToI64 | Bitcast::I64ToP64 => op.to_string(),
            Bitcast::P64ToP => format!("{abi}.PtrFromI64({op})"),
            Bitcast::PToP64 => format!("int64({abi}.Addr({op}))"),
            Bitcast::I32ToP => format!("{abi}.Ptr(uint32({op}))"),
            Bitcast::PToI32 => format!("int32({abi}.Addr({op}))"),
            Bitcast::PToL => format!("{abi}.Addr({op})"),
            Bitcast::LToP => format!("{abi}.Ptr({op})"),
            Bitcast::I32ToL => format!("uint32({op})"),
            Bitcast::LToI32 => format!("int32({op})"),
            Bitcast::I64ToL => format!("uint32({op})"),
            Bitcast::LToI64 => format!("int64({op})"),
            Bitcast::Sequence(seq) => {
                let first = self.bitcast(&seq[0], op);
                self.bitcast(&seq[1], &first)
            }
            Bitcast::None => op.to_string(),
        }
    }

    fn load(
        &mut self,
        func: &str,
        ops: &[String],
        offset: ArchitectureSize,
        wrap: Option<&str>,
    ) -> String {
        let abi = self.abi();
        let off = offset.size_wasm32();
        let e = format!("{abi}.{func}({}, {off})", ops[0]);
        match wrap {
            Some(w) => format!("{w}({e})"),
            None => e,
        }
    }

    fn store(&mut self, func: &str, ops: &[String], offset: ArchitectureSize, conv: Option<&str>) {
        let abi = self.abi();
        let off = offset.size_wasm32();
        let v = match conv {
            Some(c) => format!("{c}({})", ops[0]),
            None => ops[0].clone(),
        };
        self.push(&format!("{abi}.{func}({}, {off}, {v})", ops[1]));
    }

    /// Go value of element `i` of a lowering/lifting block's results.
    fn take_blocks(&mut self, n: usize) -> Vec<Block> {
        let at = self.finished.len() - n;
        self.last_iter = self.finished_iters[at..].first().copied().unwrap_or(0);
        self.finished_iters.truncate(at);
        self.finished.drain(at..).collect()
    }

    /// Loop-variable names of the block most recently taken by `take_blocks`:
    /// (element, base pointer, map key); `_` where the block does not use them.
    fn iter_names(&self, body: &str) -> (String, String, String) {
        let id = self.last_iter;
        let pick = |n: String| {
            if mentions(body, &n) {
                n
            } else {
                "_".to_string()
            }
        };
        (
            pick(format!("e{id}_")),
            pick(format!("base{id}_")),
            pick(format!("k{id}_")),
        )
    }

    /// Emits `name, _ := expr` (or `_, _ =` if the block does not use the payload).
    fn bind_payload(&mut self, block: &Block, expr: &str) -> String {
        match block.used_payload() {
            Some(name) => format!("{name}, _ := {expr}\n"),
            None => String::new(),
        }
    }

    /// Converts the lifted Go values of a top-level result into the function's Go results.
    /// Memory for `size` bytes the host reads or writes during one call: a
    /// package-level area for synchronous calls (no other goroutine runs
    /// meanwhile), the call's own heap block for async ones.
    pub fn return_pointer_for(&mut self, size: ArchitectureSize, align: Alignment) -> String {
        if !self.local_areas {
            return self.return_pointer(size, align);
        }
        self.areas += 1;
        let name = format!("area{}_", self.areas);
        let abi = self.abi();
        self.push(&format!(
            "{name} := {abi}.Alloc({}, {})",
            size.size_wasm32().max(1),
            align.align_wasm32()
        ));
        self.keep.push(name.clone());
        name
    }

    /// `runtime.KeepAlive` statements for everything lowered so far.
    pub fn take_keep_alive(&mut self, rt: &str) -> String {
        let mut out = String::new();
        for k in std::mem::take(&mut self.keep) {
            writeln!(out, "{rt}.KeepAlive({k})").unwrap();
        }
        if self.keep_slice {
            writeln!(out, "{rt}.KeepAlive(keep_)").unwrap();
        }
        out
    }

    pub fn addr_operand(&mut self, op: &str) -> String {
        self.addr_of(op)
    }

    pub fn push_code(&mut self, code: &str) {
        self.push(code);
    }

    /// Returns the lifted WIT value `v` in the function's Go shape.
    pub fn push_return(&mut self, v: &str) {
        self.go_return(&[v.to_string()]);
    }

    /// `ptr`, an address of Go memory passed to the callee, as an address
    /// the compiler must keep off goroutine stacks when the call is async
    /// (the callee may read it after the caller parked; see abi.Escape).
    fn heap_only(&mut self, ptr: String) -> String {
        if !self.local_areas {
            return ptr;
        }
        let abi = self.abi();
        format!("{abi}.Escape({ptr})")
    }

    /// Where memory lifted from comes from the host (cabi_realloc), emits
    /// the unpinning of the block at `ptr` and returns the pointer to use.
    pub fn unpin_host_alloc(&mut self, ptr: &str) -> String {
        if !self.release_after_lift {
            return ptr.to_string();
        }
        let p = self.bind(ptr);
        let abi = self.abi();
        self.push(&format!("{abi}.Unpin({p})"));
        p
    }

    /// Binds the lent arguments among `args` to variables, and returns the
    /// code that recycles their blocks if the probe allows.
    fn recycle_lent(&mut self, r: &Recycling, args: &mut [String]) -> String {
        let abi = self.abi();
        let mut code = format!("if {} {{\n", r.probe);
        for (i, lent) in &r.args {
            let v = self.tmp("lent");
            self.push(&format!("{v} := {}", args[*i]));
            args[*i] = v.clone();
            // Named string and slice types convert to the helpers' types.
            match lent {
                Lent::String { go_ty } if go_ty == "string" => {
                    writeln!(code, "{abi}.RecycleString({v})").unwrap()
                }
                Lent::String { .. } => writeln!(code, "{abi}.RecycleString(string({v}))").unwrap(),
                Lent::List { go_ty, elem } if *go_ty == format!("[]{elem}") => {
                    writeln!(code, "{abi}.RecycleSlice({v})").unwrap()
                }
                Lent::List { elem, .. } => {
                    writeln!(code, "{abi}.RecycleSlice([]{elem}({v}))").unwrap()
                }
            }
        }
        code.push('}');
        code
    }

    fn go_return(&mut self, operands: &[String]) {
        let shape = self.shape.clone();
        let nil = if self.extra_nil_error { ", nil" } else { "" };
        match shape {
            ResultShape::None => {
                if self.extra_nil_error {
                    self.push("return nil");
                }
            }
            ResultShape::Single => {
                let v = operands[0].clone();
                self.push(&format!("return {v}{nil}"));
            }
            ResultShape::Option => {
                let v = operands[0].clone();
                if self.extra_nil_error {
                    let (a, b) = (self.tmp("v"), self.tmp("ok"));
                    self.push(&format!("{a}, {b} := {v}.Get()\nreturn {a}, {b}, nil"));
                } else {
                    self.push(&format!("return {v}.Get()"));
                }
            }
            ResultShape::Tuple(n) => {
                let v = self.bind(&operands[0]);
                let fields: Vec<String> = (0..n).map(|i| format!("{v}.F{i}")).collect();
                self.push(&format!("return {}{nil}", fields.join(", ")));
            }
            ResultShape::Result { has_ok, err } => {
                let r = self.bind(&operands[0]);
                let e = self.tmp("e");
                let (bind_e, err_val) = match &err {
                    ErrShape::Unit => {
                        let wit = self.wit();
                        ("_".to_string(), format!("{wit}.Unit{{}}"))
                    }
                    ErrShape::Direct { .. } => (e.clone(), e.clone()),
                    ErrShape::Wrapped { go_ty } => {
                        let wit = self.wit();
                        (e.clone(), format!("{wit}.Error[{go_ty}]{{Value: {e}}}"))
                    }
                };
                if has_ok {
                    let v = self.tmp("v");
                    self.push(&format!(
                        "{v}, _ := {r}.Ok()\nif {bind_e}, isErr := {r}.Err(); isErr {{\nreturn {v}, {err_val}\n}}\nreturn {v}, nil"
                    ));
                } else {
                    self.push(&format!("if {bind_e}, isErr := {r}.Err(); isErr {{\nreturn {err_val}\n}}\nreturn nil"));
                }
            }
        }
    }
}

/// `inner` if `e` is exactly `func(inner)`.
fn strip_call<'e>(e: &'e str, func: &str) -> Option<&'e str> {
    let inner = e.strip_prefix(func)?.strip_prefix('(')?.strip_suffix(')')?;
    // The parentheses must pair up: `f(a) + g(b)` is not one call.
    let mut depth = 0i32;
    for c in inner.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
    }
    (depth == 0).then_some(inner)
}

fn is_simple(e: &str) -> bool {
    e.chars().all(|c| c.is_alphanumeric() || c == '_')
}

impl FuncGen<'_, '_> {
    /// `emit` for strings, lists, maps and fixed-length lists.
    fn emit_lists(
        &mut self,
        inst: &Instruction<'_>,
        operands: &[String],
        results: &mut Vec<String>,
    ) {
        use Instruction as I;
        match inst {
            I::StringLower { realloc } => {
                let s = self.bind(&operands[0]);
                let abi = self.abi();
                let p = self.tmp("ptr");
                let data = self.heap_only(format!("{abi}.StringData({s})"));
                self.push(&format!("{p} := {data}"));
                if realloc.is_some() {
                    self.pin_for_return(&p);
                } else {
                    self.keep_alive(&p);
                }
                results.push(p);
                results.push(format!("uint32(len({s}))"));
            }
            I::ListCanonLower { element, realloc } => {
                let l = self.bind(&operands[0]);
                let abi = self.abi();
                let align = self.sizes.align(element).align_wasm32();
                let p = self.tmp("ptr");
                let data = self.heap_only(format!("{abi}.SliceData({l}, {align})"));
                self.push(&format!("{p} := {data}"));
                if realloc.is_some() {
                    self.pin_for_return(&p);
                } else {
                    self.keep_alive(&p);
                }
                results.push(p);
                results.push(format!("uint32(len({l}))"));
            }
            I::ListLower { element, realloc } => {
                let body = self.take_blocks(1).pop().unwrap().body;
                let l = self.bind(&operands[0]);
                let abi = self.abi();
                let unsafe_ = self.unsafe_();
                let size = self.sizes.size(element).size_wasm32();
                let align = self.sizes.align(element).align_wasm32();
                let p = self.tmp("ptr");
                let (elem, base, _) = self.iter_names(&body);
                self.push(&format!(
                    "{p} := {abi}.Alloc(uintptr(len({l}))*{size}, {align})"
                ));
                let (idx, base_line) = if base == "_" {
                    ("_".to_string(), String::new())
                } else {
                    (
                        "i_".to_string(),
                        format!("{base} := {unsafe_}.Add({p}, uintptr(i_)*{size})\n"),
                    )
                };
                self.push(&format!(
                    "for {idx}, {elem} := range {l} {{\n{base_line}{body}}}"
                ));
                if realloc.is_some() {
                    self.pin_for_return(&p);
                } else {
                    self.keep_alive(&p);
                }
                results.push(p);
                results.push(format!("uint32(len({l}))"));
            }
            I::IterElem { .. } | I::IterMapValue { .. } => {
                results.push(format!("e{}_", self.iters.last().unwrap()))
            }
            I::IterBasePointer => results.push(format!("base{}_", self.iters.last().unwrap())),
            I::IterMapKey { .. } => results.push(format!("k{}_", self.iters.last().unwrap())),
            I::StringLift => {
                let abi = self.abi();
                let p = self.unpin_host_alloc(&operands[0]);
                results.push(format!("{abi}.LiftString({p}, {})", operands[1]));
            }
            I::ListCanonLift { element, .. } => {
                let abi = self.abi();
                let t = self.ty(element);
                let p = self.unpin_host_alloc(&operands[0]);
                results.push(format!("{abi}.LiftSlice[{t}]({p}, {})", operands[1]));
            }
            I::ListLift { element, .. } => {
                let Block {
                    body, results: res, ..
                } = self.take_blocks(1).pop().unwrap();
                let unsafe_ = self.unsafe_();
                let t = self.ty(element);
                let size = self.sizes.size(element).size_wasm32();
                let p = self.bind(&operands[0]);
                let n = self.bind(&operands[1]);
                let l = self.tmp("list");
                let (_, base, _) = self.iter_names(&format!("{body}{}", res[0]));
                self.push(&format!(
                        "{l} := make([]{t}, {n})\nfor i_ := range {l} {{\n{base} := {unsafe_}.Add({p}, uintptr(i_)*{size})\n{body}{l}[i_] = {}\n}}",
                        res[0],
                    ));
                // The elements are copied out: the host's block is garbage
                // now, and the host's next allocation may reuse it.
                if self.release_after_lift {
                    self.unpin_host_alloc(&p);
                    let abi = self.abi();
                    self.push(&format!("{abi}.Recycle({p}, uintptr({n})*{size})"));
                }
                results.push(l);
            }
            I::MapLower {
                key,
                value,
                realloc,
            } => {
                let body = self.take_blocks(1).pop().unwrap().body;
                let m = self.bind(&operands[0]);
                let abi = self.abi();
                let unsafe_ = self.unsafe_();
                let info = self.sizes.record([*key, *value]);
                let size = info.size.size_wasm32();
                let align = info.align.align_wasm32();
                let p = self.tmp("ptr");
                let i = self.tmp("i");
                let (e, base, k) = self.iter_names(&body);
                self.push(&format!(
                    "{p} := {abi}.Alloc(uintptr(len({m}))*{size}, {align})\n{i} := 0"
                ));
                self.push(&format!(
                        "for {k}, {e} := range {m} {{\n{base} := {unsafe_}.Add({p}, uintptr({i})*{size})\n{body}{i}++\n}}"
                    ));
                if realloc.is_some() {
                    self.pin_for_return(&p);
                } else {
                    self.keep_alive(&p);
                }
                results.push(p);
                results.push(format!("uint32(len({m}))"));
            }
            I::MapLift { key, value, .. } => {
                let Block {
                    body, results: res, ..
                } = self.take_blocks(1).pop().unwrap();
                let unsafe_ = self.unsafe_();
                let kt = self.ty(key);
                let vt = self.ty(value);
                let info = self.sizes.record([*key, *value]);
                let size = info.size.size_wasm32();
                let p = self.bind(&operands[0]);
                let n = self.bind(&operands[1]);
                let m = self.tmp("map");
                let (_, base, _) = self.iter_names(&format!("{body}{}{}", res[0], res[1]));
                self.push(&format!(
                        "{m} := make(map[{kt}]{vt}, {n})\nfor i_ := 0; i_ < int({n}); i_++ {{\n{base} := {unsafe_}.Add({p}, uintptr(i_)*{size})\n{body}{m}[{}] = {}\n}}",
                        res[0],
                        res[1],
                    ));
                results.push(m);
            }
            I::FixedLengthListLift { element, size, .. } => {
                let t = self.ty(element);
                results.push(format!("[{size}]{t}{{{}}}", operands.join(", ")));
            }
            I::FixedLengthListLower { size, .. } => {
                let a = self.bind(&operands[0]);
                for i in 0..*size {
                    results.push(format!("{a}[{i}]"));
                }
            }
            I::FixedLengthListLowerToMemory { element, size, .. } => {
                let body = self.take_blocks(1).pop().unwrap().body;
                let a = self.bind(&operands[0]);
                let addr = self.bind(&operands[1]);
                let unsafe_ = self.unsafe_();
                let esize = self.sizes.size(element).size_wasm32();
                let (e, base, _) = self.iter_names(&body);
                let e_line = if e == "_" {
                    String::new()
                } else {
                    format!("{e} := {a}[i_]\n")
                };
                let base_line = if base == "_" {
                    String::new()
                } else {
                    format!("{base} := {unsafe_}.Add({addr}, uintptr(i_)*{esize})\n")
                };
                self.push(&format!(
                    "for i_ := 0; i_ < {size}; i_++ {{\n{e_line}{base_line}{body}}}"
                ));
            }
            I::FixedLengthListLiftFromMemory { element, size, .. } => {
                let Block {
                    body, results: res, ..
                } = self.take_blocks(1).pop().unwrap();
                let addr = self.bind(&operands[0]);
                let unsafe_ = self.unsafe_();
                let et = self.ty(element);
                let esize = self.sizes.size(element).size_wasm32();
                let a = self.tmp("arr");
                let (_, base, _) = self.iter_names(&format!("{body}{}", res[0]));
                let base_line = if base == "_" {
                    String::new()
                } else {
                    format!("{base} := {unsafe_}.Add({addr}, uintptr(i_)*{esize})\n")
                };
                self.push(&format!(
                        "var {a} [{size}]{et}\nfor i_ := 0; i_ < {size}; i_++ {{\n{base_line}{body}{a}[i_] = {}\n}}",
                        res[0]
                    ));
                results.push(a);
            }

            _ => unreachable!("not a strings: {inst:?}"),
        }
    }

    /// `emit` for records, tuples and flags.
    fn emit_aggregates(
        &mut self,
        inst: &Instruction<'_>,
        operands: &[String],
        results: &mut Vec<String>,
    ) {
        use Instruction as I;
        match inst {
            I::RecordLower { record, .. } if record.fields.is_empty() => {}
            I::RecordLower { record, ty, .. } => {
                let r = self.bind(&operands[0]);
                let names = self.cx.field_names(*ty, record);
                for n in names {
                    results.push(format!("{r}.{n}"));
                }
            }
            I::RecordLift { record, ty, .. } => {
                let t = self.cx.type_id(self.file, *ty);
                let names = self.cx.field_names(*ty, record);
                let fields: Vec<String> = names
                    .iter()
                    .zip(operands.iter())
                    .map(|(n, v)| format!("{n}: {v}"))
                    .collect();
                let v = self.tmp("rec");
                self.push(&format!("{v} := {t}{{{}}}", fields.join(", ")));
                results.push(v);
            }
            I::TupleLower { tuple, .. } if tuple.types.is_empty() => {}
            I::TupleLower { tuple, .. } => {
                let r = self.bind(&operands[0]);
                for i in 0..tuple.types.len() {
                    results.push(format!("{r}.F{i}"));
                }
            }
            I::TupleLift { tuple, .. } => {
                let t = self.cx.tuple(self.file, &tuple.types);
                let fields: Vec<String> = operands
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!("F{i}: {v}"))
                    .collect();
                let v = self.tmp("tup");
                self.push(&format!("{v} := {t}{{{}}}", fields.join(", ")));
                results.push(v);
            }
            I::FlagsLower { flags, .. } => {
                let n = flags.repr().count();
                if n == 1 {
                    results.push(format!("int32({})", operands[0]));
                } else {
                    let f = self.bind(&operands[0]);
                    for i in 0..n {
                        results.push(format!("int32(uint32(uint64({f}) >> {}))", 32 * i));
                    }
                }
            }
            I::FlagsLift { flags, ty, .. } => {
                let t = self.cx.type_id(self.file, *ty);
                let n = flags.repr().count();
                // The Canonical ABI ignores bits above the last flag when
                // lifting (`lift_flags` reads one bit per label), and senders
                // do set them: Wasmtime's `Flags::all()` is `!empty()`, so 3
                // flags arrive as 0xff. Mask them off, or Go would see flags
                // that do not exist (and `==` against valid sets would fail).
                let mask = |bits: usize| -> Option<String> {
                    (!bits.is_multiple_of(32)).then(|| format!("{:#x}", (1u64 << (bits % 32)) - 1))
                };
                if n == 1 {
                    let w = match flags.repr() {
                        wit_parser::FlagsRepr::U8 => "uint8",
                        wit_parser::FlagsRepr::U16 => "uint16",
                        _ => "uint32",
                    };
                    match mask(flags.flags.len()) {
                        Some(m) => results.push(format!("{t}({w}(uint32({}) & {m}))", operands[0])),
                        None => results.push(format!("{t}({w}({}))", operands[0])),
                    }
                } else {
                    let last = operands.len() - 1;
                    let parts: Vec<String> = operands
                        .iter()
                        .enumerate()
                        .map(
                            |(i, o)| match mask(flags.flags.len()).filter(|_| i == last) {
                                Some(m) => format!("uint64(uint32({o}) & {m})<<{}", 32 * i),
                                None => format!("uint64(uint32({o}))<<{}", 32 * i),
                            },
                        )
                        .collect();
                    results.push(format!("{t}({})", parts.join(" | ")));
                }
            }

            _ => unreachable!("not a records: {inst:?}"),
        }
    }

    /// `emit` for resource handles, streams, futures and error contexts.
    fn emit_handles(
        &mut self,
        resolve: &Resolve,
        inst: &Instruction<'_>,
        operands: &[String],
        results: &mut Vec<String>,
    ) {
        use Instruction as I;
        match inst {
            I::HandleLower { handle, .. } => {
                let v = operands[0].clone();
                let (Handle::Own(r) | Handle::Borrow(r)) = handle;
                let r = dealias(resolve, *r);
                let exported = self.cx.resource_is_exported(r);
                let e = match (handle, exported) {
                    (Handle::Own(_), false) => format!("{v}.TakeHandle()"),
                    (Handle::Borrow(_), false) => {
                        let b = self.bind(&v);
                        let unsafe_ = self.unsafe_();
                        self.keep_alive(&format!("{unsafe_}.Pointer({b})"));
                        format!("{b}.Handle()")
                    }
                    (Handle::Own(_), true) => {
                        let helper = self.cx.resource_helper(self.file, r, "NewHandle");
                        format!("{helper}({v})")
                    }
                    (Handle::Borrow(_), true) => {
                        // A borrow of our own resource only ever flows out of
                        // Go into an import of another component: lower as a
                        // fresh handle is not allowed; pass the rep's handle.
                        let helper = self.cx.resource_helper(self.file, r, "NewHandle");
                        format!("{helper}({v})")
                    }
                };
                results.push(e);
            }
            I::HandleLift { handle, .. } => {
                let h = operands[0].clone();
                let (Handle::Own(r) | Handle::Borrow(r)) = handle;
                let r = dealias(resolve, *r);
                let exported = self.cx.resource_is_exported(r);
                let v = self.tmp("res");
                match (handle, exported) {
                    (Handle::Own(_), false) => {
                        let helper = self.cx.resource_helper(self.file, r, "FromHandle");
                        self.push(&format!("{v} := {helper}({h})"));
                    }
                    (Handle::Borrow(_), false) => {
                        let helper = self.cx.resource_helper(self.file, r, "FromBorrow");
                        self.push(&format!("{v} := {helper}({h})\ndefer {v}.Close()"));
                    }
                    (Handle::Own(_), true) => {
                        let helper = self.cx.resource_helper(self.file, r, "TakeHandle");
                        self.push(&format!("{v} := {helper}({h})"));
                    }
                    (Handle::Borrow(_), true) => {
                        let helper = self.cx.resource_helper(self.file, r, "FromRep");
                        self.push(&format!("{v} := {helper}({h})"));
                    }
                }
                results.push(v);
            }
            I::FutureLower { payload, .. } | I::StreamLower { payload, .. } => {
                // The readable end goes to the other side, as this WIT type.
                let is_stream = matches!(inst, I::StreamLower { .. });
                let ops = self.stream_ops_var(is_stream, payload.as_ref());
                let end = self.exec_end(is_stream, payload.as_ref());
                results.push(format!("(*{end})({}).TakeHandleFor({ops})", operands[0]));
            }
            I::ErrorContextLower => {
                results.push(format!("{}.Handle()", operands[0]));
            }
            I::FutureLift { payload, ty } | I::StreamLift { payload, ty } => {
                // The executor's end, converted to the async package's type
                // defined on it.
                let is_stream = matches!(inst, I::StreamLift { .. });
                let exec = self.cx.exec_pkg(self.file);
                let ops = self.stream_ops_var(is_stream, payload.as_ref());
                let lift = if is_stream {
                    "LiftStreamReader"
                } else {
                    "LiftFutureReader"
                };
                let go_ty = self.ty(&Type::Id(*ty));
                results.push(format!("({go_ty})({exec}.{lift}({}, {ops}))", operands[0]));
            }
            I::ErrorContextLift => {
                let wit = self.wit();
                results.push(format!("{wit}.ErrorContextFromHandle({})", operands[0]));
            }

            _ => unreachable!("not a resource handles: {inst:?}"),
        }
    }

    /// `emit` for variants, enums, options and results.
    fn emit_variants(
        &mut self,
        inst: &Instruction<'_>,
        operands: &[String],
        results: &mut Vec<String>,
    ) {
        use Instruction as I;
        match inst {
            I::VariantPayloadName => {
                let name = self.tmp("payload");
                *self.payloads.last_mut().unwrap() = Some(name.clone());
                results.push(name);
            }
            I::VariantLower {
                variant,
                ty,
                results: rtys,
                ..
            } => {
                let blocks = self.take_blocks(variant.cases.len());
                let v = self.bind(&operands[0]);
                let res = self.declare_slots(rtys);
                let (tag_consts, accessors) = self.cx.variant_names(self.file, *ty, variant);
                let mut code = format!("switch {v}.Tag() {{\n");
                for (i, block) in blocks.iter().enumerate() {
                    writeln!(code, "case {}:", tag_consts[i]).unwrap();
                    if variant.cases[i].ty.is_some() {
                        code.push_str(
                            &self.bind_payload(block, &format!("{v}.{}()", accessors[i])),
                        );
                    }
                    code.push_str(&block.body);
                    self.assign_slots(&mut code, &res, &block.results, rtys);
                }
                code.push('}');
                self.push(&code);
                results.extend(self.slot_values(res, rtys));
            }
            I::VariantLift { variant, ty, .. } => {
                let blocks = self.take_blocks(variant.cases.len());
                let t = self.cx.type_id(self.file, *ty);
                let ctors = self.cx.variant_ctors(self.file, *ty, variant);
                let v = self.tmp("variant");
                let mut code = format!("var {v} {t}\nswitch {} {{\n", operands[0]);
                for (i, block) in blocks.iter().enumerate() {
                    writeln!(code, "case {i}:").unwrap();
                    code.push_str(&block.body);
                    if variant.cases[i].ty.is_some() {
                        writeln!(code, "{v} = {}({})", ctors[i], block.results[0]).unwrap();
                    } else {
                        writeln!(code, "{v} = {}()", ctors[i]).unwrap();
                    }
                }
                code.push('}');
                self.push(&code);
                results.push(v);
            }
            I::EnumLower { .. } => results.push(format!("int32({})", operands[0])),
            I::EnumLift { ty, .. } => {
                let t = self.cx.type_id(self.file, *ty);
                results.push(format!("{t}({})", operands[0]));
            }
            I::OptionLower { results: rtys, .. } => {
                let blocks = self.take_blocks(2);
                let v = self.bind(&operands[0]);
                let res = self.declare_slots(rtys);
                let some = &blocks[1];
                let payload = some.used_payload().unwrap_or("_").to_string();
                let mut code = format!("if {payload}, ok_ := {v}.Get(); ok_ {{\n");
                code.push_str(&some.body);
                self.assign_slots(&mut code, &res, &some.results, rtys);
                code.push_str("} else {\n");
                code.push_str(&blocks[0].body);
                self.assign_slots(&mut code, &res, &blocks[0].results, rtys);
                code.push('}');
                self.push(&code);
                results.extend(self.slot_values(res, rtys));
            }
            I::OptionLift { payload, .. } => {
                let blocks = self.take_blocks(2);
                let wit = self.wit();
                let t = self.ty(payload);
                let v = self.tmp("option");
                let mut code = format!("var {v} {wit}.Option[{t}]\nif {} != 0 {{\n", operands[0]);
                code.push_str(&blocks[1].body);
                writeln!(code, "{v} = {wit}.Some({})", blocks[1].results[0]).unwrap();
                code.push('}');
                self.push(&code);
                results.push(v);
            }
            I::ResultLower { results: rtys, .. } => {
                let blocks = self.take_blocks(2);
                let v = self.bind(&operands[0]);
                let res = self.declare_slots(rtys);
                let mut code = String::new();
                let pay = |b: &Block| b.used_payload().unwrap_or("_").to_string();
                writeln!(
                    code,
                    "if {}, isErr_ := {v}.Err(); isErr_ {{",
                    pay(&blocks[1])
                )
                .unwrap();
                code.push_str(&blocks[1].body);
                self.assign_slots(&mut code, &res, &blocks[1].results, rtys);
                code.push_str("} else {\n");
                let okp = pay(&blocks[0]);
                if okp != "_" {
                    writeln!(code, "{okp}, _ := {v}.Ok()").unwrap();
                }
                code.push_str(&blocks[0].body);
                self.assign_slots(&mut code, &res, &blocks[0].results, rtys);
                code.push('}');
                self.push(&code);
                results.extend(self.slot_values(res, rtys));
            }
            I::ResultLift { result, .. } => {
                let blocks = self.take_blocks(2);
                let wit = self.wit();
                let ok = self.cx.opt_ty(self.file, result.ok.as_ref());
                let err = self.cx.opt_ty(self.file, result.err.as_ref());
                let v = self.tmp("result");
                let okv = if result.ok.is_some() {
                    blocks[0].results[0].clone()
                } else {
                    "struct{}{}".into()
                };
                let errv = if result.err.is_some() {
                    blocks[1].results[0].clone()
                } else {
                    "struct{}{}".into()
                };
                let mut code = format!(
                    "var {v} {wit}.Result[{ok}, {err}]\nif {} == 0 {{\n",
                    operands[0]
                );
                code.push_str(&blocks[0].body);
                writeln!(code, "{v} = {wit}.Ok[{ok}, {err}]({okv})").unwrap();
                code.push_str("} else {\n");
                code.push_str(&blocks[1].body);
                writeln!(code, "{v} = {wit}.Err[{ok}, {err}]({errv})").unwrap();
                code.push('}');
                self.push(&code);
                results.push(v);
            }

            _ => unreachable!("not a variants: {inst:?}"),
        }
    }

    /// `emit` for calls, returns, allocations and task.return.
    fn emit_calls(
        &mut self,
        resolve: &Resolve,
        inst: &Instruction<'_>,
        operands: &[String],
        results: &mut Vec<String>,
    ) {
        use Instruction as I;
        match inst {
            I::CallWasm { sig, .. } => {
                // Pointers cross as uint32 addresses (see core_param_type).
                let args: Vec<String> = operands
                    .iter()
                    .zip(&sig.params)
                    .map(|(op, t)| {
                        if *t == WasmType::Pointer {
                            self.addr_of(op)
                        } else {
                            op.clone()
                        }
                    })
                    .collect();
                let args = args.join(", ");
                let call = format!("{}({args})", self.wasm_callee);
                // The host writes list and string results through cabi_realloc,
                // which must not start a collection (see abi/gc.go): the
                // collector is off since the start of the wrapper (gc_window).
                assert!(
                    !self.release_after_lift || self.gc_window,
                    "host allocations need the collector off"
                );
                if sig.results.is_empty() {
                    self.push(&call);
                    if sig.retptr && !self.local_areas {
                        self.copy_return_area(operands.last().unwrap());
                    }
                } else {
                    let r = self.tmp("ret");
                    self.push(&format!("{r} := {call}"));
                    results.push(r);
                }
                // Arguments stay reachable until the host has read them.
                let keep = std::mem::take(&mut self.keep);
                if !keep.is_empty() || self.keep_slice {
                    let rt = self.file.std("runtime");
                    for k in keep {
                        self.push(&format!("{rt}.KeepAlive({k})"));
                    }
                    if self.keep_slice {
                        self.push(&format!("{rt}.KeepAlive(keep_)"));
                    }
                }
            }
            I::CallInterface { func, async_ } => {
                if let Some(p) = self.unpin_at_call.take() {
                    let abi = self.abi();
                    self.push(&format!("{abi}.Unpin({p})"));
                }
                if *async_ {
                    // The executor runs the call on a goroutine; the closure
                    // it returns delivers the results in the task's context.
                    let exec = self.cx.exec_pkg(self.file);
                    let ctx = self.file.std("context");
                    let (export, resume) = self.inline_frame.clone().expect("async export frame");
                    self.push(&format!(
                        "return {exec}.Start({export}, {resume}, func(ctx_ {ctx}.Context) (func(), error) {{"
                    ));
                    if self.program_main {
                        let os = self.file.std("os");
                        self.push(&format!("{exec}.ProgramMain(ctx_, {os}.Exit)"));
                    }
                } else {
                    // Go code runs from here on: the collector may work (abi/gc.go).
                    let abi = self.abi();
                    self.push(&format!("{abi}.ExportStarts()"));
                }
                let call = self.export_call.take().expect("export call");
                let callee = call.callee.clone();
                let wit_name = call.wit_name.clone();
                let (recv, mut args) = if call.is_method {
                    (Some(operands[0].clone()), operands[1..].to_vec())
                } else {
                    (None, operands.to_vec())
                };
                if let Some(r) = call.recycle.as_ref().filter(|_| !*async_) {
                    self.recycle_code = self.recycle_lent(r, &mut args);
                }
                if *async_ {
                    args.insert(0, "ctx_".to_string());
                }
                let target = match recv {
                    Some(r) => format!("{r}{callee}"),
                    None => callee,
                };
                let mut call_expr = format!("{target}({})", args.join(", "));
                if let (true, Some((name, types))) = (*async_, self.results_func.clone()) {
                    // The results go through their own function, which
                    // exec.Return can call too; it takes them as the
                    // parameters rv0_, rv1_, ... Results given early
                    // (Return) make what the implementation returns moot:
                    // it is not lowered.
                    let exec = self.cx.exec_pkg(self.file);
                    let vars: Vec<String> = (0..types.len()).map(|i| format!("rv{i}_")).collect();
                    if types.is_empty() {
                        self.push(&call_expr);
                    } else {
                        self.push(&format!("{} := {call_expr}", vars.join(", ")));
                    }
                    self.push(&format!(
                        "if {exec}.ReturnedEarly(ctx_) {{\nreturn nil, nil\n}}\nreturn {name}({})\n}})",
                        vars.join(", ")
                    ));
                    let main = std::mem::take(self.blocks.last_mut().unwrap());
                    self.results_main = Some(main);
                    let params: Vec<String> = (0..types.len()).map(|i| format!("rv{i}_")).collect();
                    let decl: Vec<String> = params
                        .iter()
                        .zip(&types)
                        .map(|(p, t)| format!("{p} {t}"))
                        .collect();
                    self.results_header = format!(
                        "// {name} is what the implementation's results deliver (see exec.Start).\nfunc {name}({}) (func(), error) {{\n",
                        decl.join(", ")
                    );
                    call_expr = params.join(", ");
                }
                let shape = self.shape.clone();
                match shape {
                    ResultShape::None if self.results_main.is_some() => {}
                    ResultShape::None => self.push(&call_expr),
                    ResultShape::Single => {
                        let r = self.tmp("result");
                        self.push(&format!("{r} := {call_expr}"));
                        results.push(r);
                    }
                    ResultShape::Option => {
                        let wit = self.wit();
                        let t = self.ty(func.result.as_ref().unwrap());
                        let (v, ok, o) = (self.tmp("v"), self.tmp("ok"), self.tmp("option"));
                        self.push(&format!(
                                "{v}, {ok} := {call_expr}\nvar {o} {t}\nif {ok} {{\n{o} = {wit}.Some({v})\n}}"
                            ));
                        results.push(o);
                    }
                    ResultShape::Tuple(n) => {
                        let t = self.ty(func.result.as_ref().unwrap());
                        let vs: Vec<String> = (0..n).map(|_| self.tmp("v")).collect();
                        let fields: Vec<String> = vs
                            .iter()
                            .enumerate()
                            .map(|(i, v)| format!("F{i}: {v}"))
                            .collect();
                        let tup = self.tmp("tup");
                        self.push(&format!(
                            "{} := {call_expr}\n{tup} := {t}{{{}}}",
                            vs.join(", "),
                            fields.join(", ")
                        ));
                        results.push(tup);
                    }
                    ResultShape::Result { has_ok, err } => {
                        let wit = self.wit();
                        let (okt, errt) = match &resolve.types[match func.result.as_ref().unwrap() {
                            Type::Id(id) => dealias(resolve, *id),
                            _ => unreachable!(),
                        }]
                        .kind
                        {
                            TypeDefKind::Result(r) => (
                                self.cx.opt_ty(self.file, r.ok.as_ref()),
                                self.cx.opt_ty(self.file, r.err.as_ref()),
                            ),
                            _ => unreachable!(),
                        };
                        let (v, e, out) = (self.tmp("v"), self.tmp("err"), self.tmp("result"));
                        self.async_err = Some(e.clone());
                        if has_ok {
                            self.push(&format!("{v}, {e} := {call_expr}"));
                        } else {
                            self.push(&format!("{e} := {call_expr}"));
                        }
                        if *async_ {
                            // Converting the error may panic (an error the
                            // WIT type cannot carry): not if the host's
                            // cancellation is acknowledged instead.
                            self.push("return func() {");
                        }
                        let okval = if has_ok {
                            v.clone()
                        } else {
                            "struct{}{}".into()
                        };
                        let mut code = format!(
                            "var {out} {wit}.Result[{okt}, {errt}]\nif {e} == nil {{\n{out} = {wit}.Ok[{okt}, {errt}]({okval})\n}} else {{\n"
                        );
                        match &err {
                            ErrShape::Unit => {
                                writeln!(code, "{out} = {wit}.Err[{okt}, {errt}](struct{{}}{{}})")
                                    .unwrap();
                            }
                            ErrShape::Direct { go_ty } | ErrShape::Wrapped { go_ty } => {
                                let ev = self.tmp("e");
                                let fallback = if go_ty == "string" {
                                    format!("{ev} = {e}.Error()")
                                } else if go_ty.ends_with(".ErrorContext") {
                                    // Any Go error crosses as an error-context with its message.
                                    format!("{ev} = {wit}.NewErrorContext({e}.Error())")
                                } else {
                                    // Named as the program's own code names them;
                                    // without fmt (see format.rs).
                                    let (ty, wit_pkg) = (
                                        self.file.as_user_writes(go_ty),
                                        self.file.as_user_writes(&wit),
                                    );
                                    let abi = self.abi();
                                    format!(
                                        "panic(\"witgo: export {wit_name} returned error \\\"\" + {e}.Error() + \"\\\" (\" + {abi}.TypeName({e}) + \"), which has no {ty} to pass to the caller: return {} or {wit_pkg}.Error[{ty}]\")",
                                        crate::names::with_article(&ty)
                                    )
                                };
                                // wit.ErrorValue walks the chain as errors.As
                                // does, without its reflection.
                                let ok = self.tmp("ok");
                                writeln!(code, "{ev}, {ok} := {wit}.ErrorValue[{go_ty}]({e})\nif !{ok} {{\n{fallback}\n}}").unwrap();
                                writeln!(code, "{out} = {wit}.Err[{okt}, {errt}]({ev})").unwrap();
                            }
                        }
                        code.push('}');
                        self.push(&code);
                        results.push(out);
                    }
                }
                if *async_ && !matches!(self.shape, ResultShape::Result { .. }) {
                    self.push("return func() {");
                }
            }
            I::Return { amt, .. } => match self.side {
                Side::Import => {
                    // Everything is lifted into Go values: Go code may run
                    // (and collect, and switch goroutines) again.
                    if self.gc_window {
                        let abi = self.abi();
                        self.push(&format!("if gcOff_ {{\n{abi}.GoRuns()\n}}"));
                    }
                    if *amt > 0 {
                        self.go_return(operands);
                    }
                }
                Side::Export => {
                    // Back to the host, which may call cabi_realloc next; a
                    // collection may be due if it allocated the arguments.
                    let recycle = std::mem::take(&mut self.recycle_code);
                    self.push(&recycle);
                    let abi = self.abi();
                    let ends = if self.release_after_lift {
                        "ExportEndsAllocated"
                    } else {
                        "ExportEnds"
                    };
                    self.push(&format!("{abi}.{ends}()"));
                    if !operands.is_empty() {
                        self.push(&format!("return {}", operands.join(", ")));
                    }
                }
            },
            I::Malloc { size, align, .. } => {
                let abi = self.abi();
                results.push(format!(
                    "{abi}.Alloc({}, {})",
                    size.size_wasm32(),
                    align.align_wasm32()
                ));
            }
            I::GuestDeallocate { .. }
            | I::GuestDeallocateString
            | I::GuestDeallocateList { .. }
            | I::GuestDeallocateMap { .. }
            | I::GuestDeallocateVariant { .. } => {
                // Memory from cabi_realloc belongs to the Go collector; nothing to free.
                let n = match inst {
                    I::GuestDeallocateList { .. } | I::GuestDeallocateMap { .. } => 1,
                    I::GuestDeallocateVariant { blocks } => *blocks,
                    _ => 0,
                };
                self.take_blocks(n);
            }
            I::AsyncTaskReturn { params, .. } => {
                self.task_return_params = params.to_vec();
                let callee = self.task_return_callee.clone();
                let args: Vec<String> = operands
                    .iter()
                    .zip(params.iter())
                    .map(|(op, t)| {
                        if *t == WasmType::Pointer {
                            self.addr_of(op)
                        } else {
                            op.clone()
                        }
                    })
                    .collect();
                self.push(&format!("{callee}({})", args.join(", ")));
                let rt = self.file.std("runtime");
                let keep = self.take_keep_alive(&rt);
                self.push(&keep);
                let err = self.async_err.take().unwrap_or_else(|| "nil".to_string());
                if self.results_main.is_some() {
                    self.push(&format!("}}, {err}\n}}"));
                } else {
                    self.push(&format!("}}, {err}\n}})"));
                }
            }
            I::DropHandle { .. } => {
                unreachable!("handles are dropped by their Go types")
            }
            I::Flush { amt } => {
                for op in operands.iter().take(*amt) {
                    let v = self.bind(op);
                    results.push(v);
                }
            }
            _ => unreachable!("not a calls: {inst:?}"),
        }
    }
}

impl Bindgen for FuncGen<'_, '_> {
    type Operand = String;

    fn emit(
        &mut self,
        resolve: &Resolve,
        inst: &Instruction<'_>,
        operands: &mut Vec<String>,
        results: &mut Vec<String>,
    ) {
        use Instruction as I;
        if let Some((area, copy)) = &self.ret_copy {
            for op in operands.iter_mut() {
                if op == area {
                    *op = copy.clone();
                }
            }
        }
        match inst {
            I::GetArg { nth } => results.push(self.params[*nth].clone()),
            I::I32Const { val } => results.push(format!("int32({val})")),
            I::Bitcasts { casts } => {
                for (c, op) in casts.iter().zip(operands.iter()) {
                    let e = self.bitcast(c, op);
                    results.push(e);
                }
            }
            I::ConstZero { tys } => {
                for t in tys.iter() {
                    let z = self.zero(*t);
                    results.push(z);
                }
            }

            I::I32Load { offset } => results.push(self.load("LoadI32", operands, *offset, None)),
            I::I32Load8U { offset } => {
                results.push(self.load("LoadU8", operands, *offset, Some("int32")))
            }
            I::I32Load8S { offset } => {
                results.push(self.load("LoadI8", operands, *offset, Some("int32")))
            }
            I::I32Load16U { offset } => {
                results.push(self.load("LoadU16", operands, *offset, Some("int32")))
            }
            I::I32Load16S { offset } => {
                results.push(self.load("LoadI16", operands, *offset, Some("int32")))
            }
            I::I64Load { offset } => results.push(self.load("LoadI64", operands, *offset, None)),
            I::F32Load { offset } => results.push(self.load("LoadF32", operands, *offset, None)),
            I::F64Load { offset } => results.push(self.load("LoadF64", operands, *offset, None)),
            I::PointerLoad { offset } => {
                results.push(self.load("LoadPtr", operands, *offset, None))
            }
            I::LengthLoad { offset } => results.push(self.load("LoadU32", operands, *offset, None)),

            I::I32Store { offset } => self.store("StoreI32", operands, *offset, None),
            I::I32Store8 { offset } => self.store("StoreU8", operands, *offset, Some("uint8")),
            I::I32Store16 { offset } => self.store("StoreU16", operands, *offset, Some("uint16")),
            I::I64Store { offset } => self.store("StoreI64", operands, *offset, None),
            I::F32Store { offset } => self.store("StoreF32", operands, *offset, None),
            I::F64Store { offset } => self.store("StoreF64", operands, *offset, None),
            I::PointerStore { offset } => self.store("StorePtr", operands, *offset, None),
            I::LengthStore { offset } => self.store("StoreU32", operands, *offset, None),

            I::I32FromChar
            | I::I32FromU32
            | I::I32FromU16
            | I::I32FromS16
            | I::I32FromU8
            | I::I32FromS8 => results.push(format!("int32({})", operands[0])),
            I::I32FromS32 | I::I64FromS64 | I::CoreF32FromF32 | I::CoreF64FromF64 => {
                results.push(operands[0].clone())
            }
            I::I64FromU64 => results.push(format!("int64({})", operands[0])),
            I::S8FromI32 => results.push(format!("int8({})", operands[0])),
            I::U8FromI32 => results.push(format!("uint8({})", operands[0])),
            I::S16FromI32 => results.push(format!("int16({})", operands[0])),
            I::U16FromI32 => results.push(format!("uint16({})", operands[0])),
            I::S32FromI32 | I::S64FromI64 | I::F32FromCoreF32 | I::F64FromCoreF64 => {
                results.push(operands[0].clone())
            }
            I::U32FromI32 => results.push(format!("uint32({})", operands[0])),
            I::U64FromI64 => results.push(format!("uint64({})", operands[0])),
            I::CharFromI32 => results.push(format!("rune({})", operands[0])),
            I::BoolFromI32 => results.push(format!("({} != 0)", operands[0])),
            I::I32FromBool => {
                let abi = self.abi();
                results.push(format!("{abi}.BoolI32({})", operands[0]))
            }

            I::StringLower { .. }
            | I::ListCanonLower { .. }
            | I::ListLower { .. }
            | I::IterElem { .. }
            | I::IterMapValue { .. }
            | I::IterBasePointer { .. }
            | I::IterMapKey { .. }
            | I::StringLift { .. }
            | I::ListCanonLift { .. }
            | I::ListLift { .. }
            | I::MapLower { .. }
            | I::MapLift { .. }
            | I::FixedLengthListLift { .. }
            | I::FixedLengthListLower { .. }
            | I::FixedLengthListLowerToMemory { .. }
            | I::FixedLengthListLiftFromMemory { .. } => self.emit_lists(inst, operands, results),
            I::RecordLower { .. }
            | I::RecordLift { .. }
            | I::TupleLower { .. }
            | I::TupleLift { .. }
            | I::FlagsLower { .. }
            | I::FlagsLift { .. } => self.emit_aggregates(inst, operands, results),
            I::HandleLower { .. }
            | I::HandleLift { .. }
            | I::FutureLower { .. }
            | I::StreamLower { .. }
            | I::ErrorContextLower { .. }
            | I::FutureLift { .. }
            | I::StreamLift { .. }
            | I::ErrorContextLift { .. } => self.emit_handles(resolve, inst, operands, results),
            I::VariantPayloadName { .. }
            | I::VariantLower { .. }
            | I::VariantLift { .. }
            | I::EnumLower { .. }
            | I::EnumLift { .. }
            | I::OptionLower { .. }
            | I::OptionLift { .. }
            | I::ResultLower { .. }
            | I::ResultLift { .. } => self.emit_variants(inst, operands, results),
            I::CallWasm { .. }
            | I::CallInterface { .. }
            | I::Return { .. }
            | I::Malloc { .. }
            | I::GuestDeallocate { .. }
            | I::GuestDeallocateString { .. }
            | I::GuestDeallocateList { .. }
            | I::GuestDeallocateMap { .. }
            | I::GuestDeallocateVariant { .. }
            | I::AsyncTaskReturn { .. }
            | I::DropHandle { .. }
            | I::Flush { .. } => self.emit_calls(resolve, inst, operands, results),
        }
    }

    fn return_pointer(&mut self, size: ArchitectureSize, _align: Alignment) -> String {
        // Areas are arrays of uint64: 8-byte aligned, enough for any type.
        let words = size.size_wasm32().div_ceil(8).max(1);
        self.areas += 1;
        let name = format!("{}area{}_", self.area_prefix, self.areas);
        writeln!(self.decls, "var {name} [{words}]uint64").unwrap();
        let unsafe_ = self.unsafe_();
        format!("{unsafe_}.Pointer(&{name})")
    }

    fn push_block(&mut self) {
        self.blocks.push(String::new());
        self.payloads.push(None);
        self.next_block += 1;
        self.iters.push(self.next_block);
    }

    fn finish_block(&mut self, operands: &mut Vec<String>) {
        let code = self.blocks.pop().unwrap();
        let payload = self.payloads.pop().unwrap();
        let iter = self.iters.pop().unwrap();
        self.finished.push(Block {
            body: code,
            results: std::mem::take(operands),
            payload,
        });
        self.finished_iters.push(iter);
    }

    fn sizes(&self) -> &SizeAlign {
        self.sizes
    }

    fn is_list_canonical(&self, resolve: &Resolve, element: &Type) -> bool {
        is_canonical_element(resolve, element)
    }
}

/// Whether a list of `element` has the same layout in Go as in the Canonical
/// ABI: such a list is lifted as a view of the host's block, not copied.
pub fn is_canonical_element(resolve: &Resolve, element: &Type) -> bool {
    match element {
        Type::U8
        | Type::S8
        | Type::U16
        | Type::S16
        | Type::U32
        | Type::S32
        | Type::U64
        | Type::S64 => true,
        Type::F32 | Type::F64 | Type::Char => true,
        Type::Id(id) => match &resolve.types[*id].kind {
            TypeDefKind::Type(t) => is_canonical_element(resolve, t),
            _ => false,
        },
        _ => false,
    }
}
