//! Go declarations for named WIT types.

use crate::format;
use crate::gofile::GoFileBuilder;
use crate::gotypes::TypeCx;
use crate::names;
use crate::plan::Derived;
use std::collections::HashSet;
use std::fmt::Write;
use wit_parser::{Docs, Type, TypeDefKind, TypeId};

/// Writes `docs` as a Go comment, or `fallback` when WIT has none.
pub fn doc_comment(out: &mut String, docs: &Docs, fallback: &str) {
    match &docs.contents {
        Some(text) if !text.trim().is_empty() => {
            for line in text.trim_end().lines() {
                if line.is_empty() {
                    out.push_str("//\n");
                } else {
                    writeln!(out, "// {line}").unwrap();
                }
            }
        }
        _ => writeln!(out, "// {fallback}").unwrap(),
    }
}

pub struct DeclCx<'a> {
    pub tcx: &'a TypeCx<'a>,
    /// Types (dealiased) that are WIT error payloads and implement Go's error.
    pub error_types: &'a HashSet<TypeId>,
    /// `ns:pkg/iface` or world name, for comments.
    pub wit_owner: String,
}

impl DeclCx<'_> {
    pub fn declare(&self, file: &mut GoFileBuilder, id: TypeId, go_name: &str) {
        let resolve = self.tcx.resolve;
        let def = &resolve.types[id];
        let wit_name = format!("{}.{}", self.wit_owner, def.name.as_deref().unwrap_or(""));
        let pkg = self.tcx.pkg.unwrap();
        let derived = self
            .tcx
            .plan
            .derived
            .get(&(id, pkg))
            .cloned()
            .unwrap_or(Derived::Other);
        let mut out = String::new();
        match &def.kind {
            TypeDefKind::Record(r) => {
                doc_comment(
                    &mut out,
                    &def.docs,
                    &format!("{go_name} is the WIT record {wit_name}."),
                );
                let Derived::Record { fields } = derived else {
                    unreachable!()
                };
                writeln!(out, "type {go_name} struct {{").unwrap();
                for (f, name) in r.fields.iter().zip(fields.iter()) {
                    let mut d = String::new();
                    if f.docs.contents.is_some() {
                        doc_comment(&mut d, &f.docs, "");
                    }
                    out.push_str(&d);
                    writeln!(out, "{name} {}", self.tcx.ty(file, &f.ty)).unwrap();
                }
                out.push_str("}\n\n");
                let braced = format::record_fields(self.tcx, file, id, r, "r");
                let braced = if format::record_has_string(r) {
                    writeln!(
                        out,
                        "// String formats r as {{Field:value ...}}.\nfunc (r {go_name}) String() string {{\nreturn {braced}\n}}\n"
                    )
                    .unwrap();
                    "r.String()".to_string()
                } else {
                    braced
                };
                if self.error_types.contains(&id) {
                    writeln!(
                        out,
                        "// Error makes {go_name} usable as a Go error: it is the error payload of a WIT result.\nfunc (r {go_name}) Error() string {{\nreturn {}\n}}\n",
                        format::Concat::default().lit(def.name.as_deref().unwrap_or("")).lit(": ").expr(braced).finish(),
                    )
                    .unwrap();
                }
            }
            TypeDefKind::Enum(e) => {
                doc_comment(
                    &mut out,
                    &def.docs,
                    &format!("{go_name} is the WIT enum {wit_name}."),
                );
                let Derived::Enum { consts } = derived else {
                    unreachable!()
                };
                let repr = match e.cases.len() {
                    0..=256 => "uint8",
                    257..=65536 => "uint16",
                    _ => "uint32",
                };
                writeln!(out, "type {go_name} {repr}\n\nconst (").unwrap();
                for (i, (c, name)) in e.cases.iter().zip(consts.iter()).enumerate() {
                    if c.docs.contents.is_some() {
                        doc_comment(&mut out, &c.docs, "");
                    }
                    if i == 0 {
                        writeln!(out, "{name} {go_name} = iota").unwrap();
                    } else {
                        writeln!(out, "{name}").unwrap();
                    }
                }
                out.push_str(")\n\n");
                let abi = self.tcx.abi_pkg(file);
                writeln!(out, "// String returns the WIT name of the case.\nfunc (e {go_name}) String() string {{\nswitch e {{").unwrap();
                for (c, name) in e.cases.iter().zip(consts.iter()) {
                    writeln!(out, "case {name}:\nreturn {:?}", c.name).unwrap();
                }
                writeln!(
                    out,
                    "}}\nreturn \"{go_name}(\" + {abi}.FormatUint(uint64(e)) + \")\"\n}}\n"
                )
                .unwrap();
                if self.error_types.contains(&id) {
                    writeln!(out, "// Error makes {go_name} usable as a Go error: it is the error payload of a WIT result.\nfunc (e {go_name}) Error() string {{ return e.String() }}\n").unwrap();
                }
            }
            TypeDefKind::Flags(f) => {
                doc_comment(
                    &mut out,
                    &def.docs,
                    &format!("{go_name} is the WIT flags {wit_name}: a set of bits."),
                );
                let Derived::Flags { consts } = derived else {
                    unreachable!()
                };
                let repr = match f.flags.len() {
                    0..=8 => "uint8",
                    9..=16 => "uint16",
                    17..=32 => "uint32",
                    _ => "uint64",
                };
                writeln!(out, "type {go_name} {repr}\n").unwrap();
                if !f.flags.is_empty() {
                    out.push_str("const (\n");
                    for (i, (c, name)) in f.flags.iter().zip(consts.iter()).enumerate() {
                        if c.docs.contents.is_some() {
                            doc_comment(&mut out, &c.docs, "");
                        }
                        if i == 0 {
                            writeln!(out, "{name} {go_name} = 1 << iota").unwrap();
                        } else {
                            writeln!(out, "{name}").unwrap();
                        }
                    }
                    out.push_str(")\n\n");
                }
                writeln!(out, "// String lists the set flags by WIT name, separated by |.\nfunc (f {go_name}) String() string {{\ns := \"\"").unwrap();
                for (c, name) in f.flags.iter().zip(consts.iter()) {
                    writeln!(
                        out,
                        "if f&{name} != 0 {{\nif s != \"\" {{\ns += \"|\"\n}}\ns += {:?}\n}}",
                        c.name
                    )
                    .unwrap();
                }
                writeln!(out, "if s == \"\" {{\nreturn \"0\"\n}}\nreturn s\n}}\n").unwrap();
                if self.error_types.contains(&id) {
                    writeln!(out, "// Error makes {go_name} usable as a Go error: it is the error payload of a WIT result.\nfunc (f {go_name}) Error() string {{ return f.String() }}\n").unwrap();
                }
            }
            TypeDefKind::Variant(v) => {
                let Derived::Variant {
                    tag_type,
                    tags,
                    ctors,
                    accessors,
                } = derived
                else {
                    unreachable!()
                };
                // One storage field per distinct payload Go type keeps the value small
                // without boxing payloads in interfaces.
                let mut slots: Vec<String> = Vec::new();
                let mut case_slot: Vec<Option<usize>> = Vec::new();
                for c in &v.cases {
                    match &c.ty {
                        Some(t) => {
                            let gt = self.tcx.ty(file, t);
                            let i = match slots.iter().position(|s| *s == gt) {
                                Some(i) => i,
                                None => {
                                    slots.push(gt);
                                    slots.len() - 1
                                }
                            };
                            case_slot.push(Some(i));
                        }
                        None => case_slot.push(None),
                    }
                }
                doc_comment(
                    &mut out,
                    &def.docs,
                    &format!("{go_name} is the WIT variant {wit_name}."),
                );
                writeln!(
                    out,
                    "//\n// Build one with a constructor ({}...), switch on Tag() and read a\n// payload with its accessor, which also reports whether the case matches.",
                    ctors.first().cloned().unwrap_or_default()
                )
                .unwrap();
                writeln!(out, "type {go_name} struct {{\ntag {tag_type}").unwrap();
                for (i, s) in slots.iter().enumerate() {
                    writeln!(out, "v{i} {s}").unwrap();
                }
                out.push_str("}\n\n");
                let repr = if v.cases.len() <= 256 {
                    "uint8"
                } else {
                    "uint32"
                };
                writeln!(
                    out,
                    "// {tag_type} names the cases of {go_name}.\ntype {tag_type} {repr}\n\nconst ("
                )
                .unwrap();
                for (i, t) in tags.iter().enumerate() {
                    if i == 0 {
                        writeln!(out, "{t} {tag_type} = iota").unwrap();
                    } else {
                        writeln!(out, "{t}").unwrap();
                    }
                }
                out.push_str(")\n\n");
                let abi = self.tcx.abi_pkg(file);
                writeln!(out, "// String returns the WIT name of the case.\nfunc (t {tag_type}) String() string {{\nswitch t {{").unwrap();
                for (c, t) in v.cases.iter().zip(tags.iter()) {
                    writeln!(out, "case {t}:\nreturn {:?}", c.name).unwrap();
                }
                writeln!(
                    out,
                    "}}\nreturn \"{tag_type}(\" + {abi}.FormatUint(uint64(t)) + \")\"\n}}\n"
                )
                .unwrap();
                for (i, c) in v.cases.iter().enumerate() {
                    let ctor = &ctors[i];
                    match case_slot[i] {
                        Some(s) => {
                            writeln!(
                                out,
                                "// {ctor} returns {} holding case {}.\nfunc {ctor}(v {}) {go_name} {{\nreturn {go_name}{{tag: {}, v{s}: v}}\n}}\n",
                                names::with_article(go_name),
                                c.name, slots[s], tags[i]
                            )
                            .unwrap();
                        }
                        None => {
                            writeln!(
                                out,
                                "// {ctor} returns {} holding case {}.\nfunc {ctor}() {go_name} {{\nreturn {go_name}{{tag: {}}}\n}}\n",
                                names::with_article(go_name),
                                c.name, tags[i]
                            )
                            .unwrap();
                        }
                    }
                }
                writeln!(out, "// Tag reports which case v holds.\nfunc (v {go_name}) Tag() {tag_type} {{ return v.tag }}\n").unwrap();
                for (i, c) in v.cases.iter().enumerate() {
                    if let Some(s) = case_slot[i] {
                        writeln!(
                            out,
                            "// {} returns the payload of case {} and whether v holds that case.\nfunc (v {go_name}) {}() ({}, bool) {{\nif v.tag != {} {{\nvar zero {}\nreturn zero, false\n}}\nreturn v.v{s}, true\n}}\n",
                            accessors[i], c.name, accessors[i], slots[s], tags[i], slots[s]
                        )
                        .unwrap();
                    }
                }
                writeln!(out, "// String formats v as case or case(payload).\nfunc (v {go_name}) String() string {{\nswitch v.tag {{").unwrap();
                for (i, c) in v.cases.iter().enumerate() {
                    match case_slot[i] {
                        Some(s) => {
                            let payload = format::expr(
                                self.tcx,
                                file,
                                c.ty.as_ref().unwrap(),
                                &format!("v.v{s}"),
                            );
                            let text = format::Concat::default()
                                .lit(&c.name)
                                .lit("(")
                                .expr(payload)
                                .lit(")")
                                .finish();
                            writeln!(out, "case {}:\nreturn {text}", tags[i]).unwrap()
                        }
                        None => writeln!(out, "case {}:\nreturn {:?}", tags[i], c.name).unwrap(),
                    }
                }
                writeln!(out, "}}\nreturn v.tag.String()\n}}\n").unwrap();
                if self.error_types.contains(&id) {
                    writeln!(out, "// Error makes {go_name} usable as a Go error: it is the error payload of a WIT result.\nfunc (v {go_name}) Error() string {{ return v.String() }}\n").unwrap();
                }
            }
            TypeDefKind::Type(t) => {
                doc_comment(
                    &mut out,
                    &def.docs,
                    &format!("{go_name} is the WIT type {wit_name}."),
                );
                let target = match t {
                    Type::Id(other)
                        if matches!(resolve.types[*other].kind, TypeDefKind::Resource) =>
                    {
                        self.tcx.named(file, *other)
                    }
                    _ => self.tcx.ty(file, t),
                };
                writeln!(out, "type {go_name} = {target}\n").unwrap();
            }
            TypeDefKind::Resource => {
                // Declared with the interface's functions (see funcs.rs).
            }
            TypeDefKind::Handle(_)
            | TypeDefKind::List(_)
            | TypeDefKind::Map(..)
            | TypeDefKind::FixedLengthList(..)
            | TypeDefKind::Option(_)
            | TypeDefKind::Result(_)
            | TypeDefKind::Tuple(_)
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_) => {
                doc_comment(
                    &mut out,
                    &def.docs,
                    &format!("{go_name} is the WIT type {wit_name}."),
                );
                let target = self.tcx.anonymous(file, &def.kind);
                writeln!(out, "type {go_name} = {target}\n").unwrap();
            }
            TypeDefKind::Unknown => unreachable!(),
        }
        file.body.push_str(&out);
    }
}
