//! Go code that formats a WIT value as fmt's %v would, without fmt.
//!
//! Generated String and Error methods are linked into every program that
//! puts their type in an interface (every WIT error type is returned as a Go
//! error), so fmt there would cost every such program reflect and about
//! 400 KB. The generator knows each value's WIT type and composes the
//! helpers of go/abi/format.go instead.

use crate::gofile::GoFileBuilder;
use crate::gotypes::TypeCx;
use crate::names;
use crate::plan::dealias;
use wit_parser::{Handle, Record, Type, TypeDefKind, TypeId};

/// A Go expression of type string that formats `value`, a Go expression of
/// WIT type `ty`. `value` is evaluated more than once for options and
/// results and sliced for fixed-length lists: pass a variable, a field or a
/// parameter.
pub fn expr(tcx: &TypeCx, file: &mut GoFileBuilder, ty: &Type, value: &str) -> String {
    Formatter { tcx, depth: 0 }.expr(file, ty, value)
}

/// The body of record `id`'s String method: `{Field:value ...}` for the
/// record value `value`, as %+v prints a struct.
pub fn record_fields(
    tcx: &TypeCx,
    file: &mut GoFileBuilder,
    id: TypeId,
    r: &Record,
    value: &str,
) -> String {
    Formatter { tcx, depth: 0 }.record(file, id, r, value)
}

struct Formatter<'a, 'b> {
    tcx: &'a TypeCx<'b>,
    /// Nesting of element functions, which names their parameters.
    depth: usize,
}

impl Formatter<'_, '_> {
    fn expr(&mut self, file: &mut GoFileBuilder, ty: &Type, v: &str) -> String {
        let abi = |file: &mut GoFileBuilder| self.tcx.abi_pkg(file);
        match ty {
            Type::Bool => format!("{}.FormatBool({v})", abi(file)),
            Type::U64 => format!("{}.FormatUint({v})", abi(file)),
            Type::U8 | Type::U16 | Type::U32 => format!("{}.FormatUint(uint64({v}))", abi(file)),
            Type::S64 => format!("{}.FormatInt({v})", abi(file)),
            // A char prints as its code point, as %v prints a rune.
            Type::S8 | Type::S16 | Type::S32 | Type::Char => {
                format!("{}.FormatInt(int64({v}))", abi(file))
            }
            Type::F32 => format!(
                "{}.FormatFloat(float64({v}), 'g', -1, 32)",
                file.std("strconv")
            ),
            Type::F64 => format!("{}.FormatFloat({v}, 'g', -1, 64)", file.std("strconv")),
            Type::String => v.to_string(),
            Type::ErrorContext => format!("{v}.Error()"),
            Type::Id(id) => self.type_id(file, *id, v),
        }
    }

    fn type_id(&mut self, file: &mut GoFileBuilder, id: TypeId, v: &str) -> String {
        let resolve = self.tcx.resolve;
        let abi = self.tcx.abi_pkg(file);
        match &resolve.types[id].kind {
            TypeDefKind::Type(t) => self.expr(file, t, v),
            TypeDefKind::Record(r) if record_has_string(r) => format!("{v}.String()"),
            TypeDefKind::Record(r) => self.record(file, id, r, v),
            TypeDefKind::Tuple(t) => {
                let mut out = Concat::default();
                out.lit("{");
                for (i, ty) in t.types.iter().enumerate() {
                    let e = self.expr(file, ty, &format!("{v}.F{i}"));
                    out.lit(if i == 0 { "" } else { " " }).expr(e);
                }
                out.lit("}").finish()
            }
            TypeDefKind::Enum(_) | TypeDefKind::Flags(_) | TypeDefKind::Variant(_) => {
                format!("{v}.String()")
            }
            TypeDefKind::Resource => format!(
                "{:?}",
                format!(
                    "<resource {}>",
                    resolve.types[id].name.as_deref().unwrap_or("")
                )
            ),
            TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
                let r = dealias(resolve, *r);
                format!(
                    "{:?}",
                    format!(
                        "<resource {}>",
                        resolve.types[r].name.as_deref().unwrap_or("")
                    )
                )
            }
            TypeDefKind::Future(_) => "\"<future>\"".into(),
            TypeDefKind::Stream(_) => "\"<stream>\"".into(),
            TypeDefKind::List(t) => format!("{abi}.FormatList({v}, {})", self.func(file, t)),
            TypeDefKind::FixedLengthList(t, _) => {
                format!("{abi}.FormatList({v}[:], {})", self.func(file, t))
            }
            TypeDefKind::Map(k, t) => format!(
                "{abi}.FormatMap({v}, {}, {})",
                self.func(file, k),
                self.func(file, t)
            ),
            TypeDefKind::Option(t) => {
                format!("{abi}.FormatOption({v}.Get, {})", self.func(file, t))
            }
            TypeDefKind::Result(r) => {
                let ok = self.opt_func(file, r.ok.as_ref());
                let err = self.opt_func(file, r.err.as_ref());
                format!("{abi}.FormatResult({v}.Ok, {v}.Err, {ok}, {err})")
            }
            TypeDefKind::Unknown => unreachable!("unknown type"),
        }
    }

    /// `{Field:value ...}`, as %+v prints a struct.
    fn record(&mut self, file: &mut GoFileBuilder, id: TypeId, r: &Record, v: &str) -> String {
        let names = self.tcx.field_names(dealias(self.tcx.resolve, id), r);
        let mut out = Concat::default();
        out.lit("{");
        for (i, (f, n)) in r.fields.iter().zip(&names).enumerate() {
            out.lit(if i == 0 { "" } else { " " }).lit(n).lit(":");
            let e = self.expr(file, &f.ty, &format!("{v}.{n}"));
            out.expr(e);
        }
        out.lit("}").finish()
    }

    /// A Go `func(T) string` formatting WIT type `ty`.
    fn func(&mut self, file: &mut GoFileBuilder, ty: &Type) -> String {
        match ty {
            Type::Bool => format!("{}.FormatBool", self.tcx.abi_pkg(file)),
            Type::U64 => format!("{}.FormatUint", self.tcx.abi_pkg(file)),
            Type::S64 => format!("{}.FormatInt", self.tcx.abi_pkg(file)),
            _ => {
                let go_ty = self.tcx.ty(file, ty);
                let param = format!("x{}", self.depth);
                self.depth += 1;
                let body = self.expr(file, ty, &param);
                self.depth -= 1;
                format!("func({param} {go_ty}) string {{ return {body} }}")
            }
        }
    }

    /// As `func`, for the absent payload of a result (Go `struct{}`).
    fn opt_func(&mut self, file: &mut GoFileBuilder, ty: Option<&Type>) -> String {
        match ty {
            Some(t) => self.func(file, t),
            None => "func(struct{}) string { return \"{}\" }".into(),
        }
    }
}

/// Whether the Go type of record `r` has a String method: every record
/// but one with a field named String, which Go would not allow beside it.
pub fn record_has_string(r: &Record) -> bool {
    !r.fields
        .iter()
        .any(|f| names::exported(&f.name) == "String")
}

/// A Go string concatenation, with adjacent literals merged.
#[derive(Default)]
pub struct Concat {
    parts: Vec<String>,
    lit: String,
}

impl Concat {
    /// Appends literal text (a WIT name or punctuation: ASCII, which Rust
    /// quotes as Go does).
    pub fn lit(&mut self, text: &str) -> &mut Self {
        self.lit.push_str(text);
        self
    }

    /// Appends a Go expression of type string.
    pub fn expr(&mut self, go: String) -> &mut Self {
        if !self.lit.is_empty() {
            self.parts
                .push(format!("{:?}", std::mem::take(&mut self.lit)));
        }
        self.parts.push(go);
        self
    }

    pub fn finish(&mut self) -> String {
        if !self.lit.is_empty() || self.parts.is_empty() {
            self.parts
                .push(format!("{:?}", std::mem::take(&mut self.lit)));
        }
        self.parts.join(" + ")
    }
}
