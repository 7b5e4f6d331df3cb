//! Exports wider than Go's `//go:wasmexport` allows.
//!
//! Go refuses a `//go:wasmexport` function whose arguments and result take
//! more than 128 bytes, but the Canonical ABI passes up to 16 flat values
//! directly: 16 64-bit parameters with a result need 136. For such an
//! export the generated glue exports two functions instead (see
//! `witgo_bindgen::funcs::wasmexport`): `[witgo-wide]<name>` takes the
//! parameters and keeps the result, `[witgo-wide-result]<name>` returns it.
//! This module adds to the core module one function of the whole signature
//! that calls the two in turn, exports it as `<name>`, and removes the
//! halves' exports, so the component sees an ordinary export.

use std::collections::HashMap;

use anyhow::{Context, Result, bail};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{ExternalKind, Parser, Payload, TypeRef};

use witgo_bindgen::{WIDE_EXPORT_PREFIX, WIDE_RESULT_PREFIX};

/// Joins every split export of `core`; `None` if it has none.
pub fn join_wide_exports(core: &[u8]) -> Result<Option<Vec<u8>>> {
    // First pass: the function types, and which function each export names.
    let mut types: Vec<wasmparser::FuncType> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new(); // type index of every function, imports first
    let mut exports: Vec<(String, ExternalKind, u32)> = Vec::new();
    for payload in Parser::new(0).parse_all(core) {
        match payload.context("cannot parse the core module")? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    types.push(ty?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if let TypeRef::Func(t) = import?.ty {
                        func_types.push(t);
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for t in reader {
                    func_types.push(t?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    exports.push((export.name.to_string(), export.kind, export.index));
                }
            }
            _ => {}
        }
    }
    let halves: HashMap<&str, u32> = exports
        .iter()
        .filter(|(name, kind, _)| {
            *kind == ExternalKind::Func && name.starts_with(WIDE_RESULT_PREFIX)
        })
        .map(|(name, _, index)| (&name[WIDE_RESULT_PREFIX.len()..], *index))
        .collect();
    let mut joined: Vec<Joined> = Vec::new();
    for (name, kind, index) in &exports {
        let Some(canonical) = name.strip_prefix(WIDE_EXPORT_PREFIX) else {
            continue;
        };
        if *kind != ExternalKind::Func {
            continue;
        }
        let Some(&take) = halves.get(canonical) else {
            bail!(
                "the Go module exports {name} but not {WIDE_RESULT_PREFIX}{canonical}: regenerate the bindings"
            );
        };
        let ty = |f: u32| &types[func_types[f as usize] as usize];
        let (params, results) = (ty(*index).params().to_vec(), ty(take).results().to_vec());
        joined.push(Joined {
            name: canonical.to_string(),
            call: *index,
            take,
            params,
            results,
        });
    }
    if joined.is_empty() {
        return Ok(None);
    }

    // Second pass: copy the module, appending a type and a function per
    // joined export and rewriting the export section.
    let first_new_type = types.len() as u32;
    let first_new_func = func_types.len() as u32;
    let mut module = wasm_encoder::Module::new();
    let mut code_section: Option<wasm_encoder::CodeSection> = None;
    for payload in Parser::new(0).parse_all(core) {
        let payload = payload?;
        match &payload {
            Payload::Version { .. } | Payload::End(_) => {}
            Payload::TypeSection(reader) => {
                let mut section = wasm_encoder::TypeSection::new();
                RoundtripReencoder.parse_type_section(&mut section, reader.clone())?;
                for j in &joined {
                    let params: Vec<_> = j
                        .params
                        .iter()
                        .map(|t| RoundtripReencoder.val_type(*t))
                        .collect::<Result<_, _>>()?;
                    let results: Vec<_> = j
                        .results
                        .iter()
                        .map(|t| RoundtripReencoder.val_type(*t))
                        .collect::<Result<_, _>>()?;
                    section.ty().function(params, results);
                }
                module.section(&section);
            }
            Payload::FunctionSection(reader) => {
                let mut section = wasm_encoder::FunctionSection::new();
                for t in reader.clone() {
                    section.function(t?);
                }
                for i in 0..joined.len() as u32 {
                    section.function(first_new_type + i);
                }
                module.section(&section);
            }
            Payload::ExportSection(_) => {
                let mut section = wasm_encoder::ExportSection::new();
                for (name, kind, index) in &exports {
                    if name.starts_with(WIDE_EXPORT_PREFIX) || name.starts_with(WIDE_RESULT_PREFIX)
                    {
                        continue;
                    }
                    section.export(name, RoundtripReencoder.export_kind(*kind)?, *index);
                }
                for (i, j) in joined.iter().enumerate() {
                    section.export(
                        &j.name,
                        wasm_encoder::ExportKind::Func,
                        first_new_func + i as u32,
                    );
                }
                module.section(&section);
            }
            Payload::CodeSectionStart { .. } => {
                code_section = Some(wasm_encoder::CodeSection::new())
            }
            Payload::CodeSectionEntry(body) => {
                let section = code_section
                    .as_mut()
                    .context("a function body outside the code section")?;
                section.raw(&core[body.range()]);
            }
            other => {
                // The code section ends before the next section starts.
                if let Some(section) = code_section.take() {
                    module.section(&finish_code(section, &joined));
                }
                crate::coremod::copy_section(&mut module, other, core);
            }
        }
    }
    if let Some(section) = code_section.take() {
        module.section(&finish_code(section, &joined));
    }
    Ok(Some(module.finish()))
}

/// One export joined from its two halves.
struct Joined {
    name: String,
    call: u32,
    take: u32,
    params: Vec<wasmparser::ValType>,
    results: Vec<wasmparser::ValType>,
}

/// Appends the joined functions' bodies: pass every parameter to the first
/// half, then return what the second half returns.
fn finish_code(
    mut section: wasm_encoder::CodeSection,
    joined: &[Joined],
) -> wasm_encoder::CodeSection {
    for j in joined {
        let mut f = wasm_encoder::Function::new([]);
        for i in 0..j.params.len() as u32 {
            f.instructions().local_get(i);
        }
        f.instructions().call(j.call).call(j.take).end();
        section.function(&f);
    }
    section
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module as Go would build it for `f: func(16 x u64) -> u64`.
    fn split_module() -> Vec<u8> {
        let params = "i64 ".repeat(16);
        let wat = format!(
            r#"(module
                (global $r (mut i64) (i64.const 0))
                (func $call (param {params})
                    (global.set $r (i64.add (local.get 0) (local.get 15))))
                (func $take (result i64) (global.get $r))
                (func $other (result i32) (i32.const 7))
                (export "[witgo-wide]f" (func $call))
                (export "[witgo-wide-result]f" (func $take))
                (export "other" (func $other)))"#
        );
        wat::parse_str(wat).unwrap()
    }

    #[test]
    fn joins_the_halves_into_one_export() {
        let joined = join_wide_exports(&split_module())
            .unwrap()
            .expect("a wide export");
        wasmparser::Validator::new().validate_all(&joined).unwrap();
        let mut names = Vec::new();
        for payload in Parser::new(0).parse_all(&joined) {
            if let Payload::ExportSection(reader) = payload.unwrap() {
                names.extend(reader.into_iter().map(|e| e.unwrap().name.to_string()));
            }
        }
        assert_eq!(names, ["other", "f"]);
        let printed = wasmprinter::print_bytes(&joined).unwrap();
        assert!(
            printed.contains(&format!(
                "(type (;3;) (func (param {}) (result i64)))",
                "i64 ".repeat(16).trim_end()
            )),
            "{printed}"
        );
    }

    #[test]
    fn a_module_without_wide_exports_is_left_alone() {
        let wat = r#"(module (func (export "g") (result i32) (i32.const 1)))"#;
        assert!(
            join_wide_exports(&wat::parse_str(wat).unwrap())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_half_without_its_result_is_an_error() {
        let wat = r#"(module (func (export "[witgo-wide]f") (param i64)))"#;
        let e = join_wide_exports(&wat::parse_str(wat).unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("[witgo-wide-result]f") && e.contains("regenerate"),
            "{e}"
        );
    }
}
