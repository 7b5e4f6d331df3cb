//! Drops custom sections that only help debuggers (`name`,
//! `component-name`, `producers`, `go:buildid`) from a component and every
//! module nested in it. Go's wasm panics print Go's own symbolised trace, so
//! stripping loses only the names in the host's wasm backtrace; `--no-strip`
//! keeps them.

use anyhow::{Context, Result};
use wasmparser::{Parser, Payload};

const DEBUG_SECTIONS: &[&str] = &["name", "component-name", "producers", "go:buildid"];

/// Returns `wasm` (a component or a core module) without debug-only custom sections.
pub fn strip_debug_sections(wasm: &[u8]) -> Result<Vec<u8>> {
    let is_component = Parser::is_component(wasm);
    let mut sections: Vec<(u8, Vec<u8>)> = Vec::new();
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.context("cannot parse the component")?;
        if depth > 0 {
            match payload {
                Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
                Payload::End(_) => depth -= 1,
                _ => {}
            }
            continue;
        }
        match &payload {
            Payload::Version { .. } | Payload::End(_) => {}
            Payload::ModuleSection {
                unchecked_range, ..
            } => {
                sections.push((1, strip_debug_sections(&wasm[unchecked_range.clone()])?));
                depth = 1;
            }
            Payload::ComponentSection {
                unchecked_range, ..
            } => {
                sections.push((4, strip_debug_sections(&wasm[unchecked_range.clone()])?));
                depth = 1;
            }
            Payload::CustomSection(c) if DEBUG_SECTIONS.contains(&c.name()) => {}
            other => {
                if let Some((id, range)) = other.as_section() {
                    sections.push((id, wasm[range].to_vec()));
                }
            }
        }
    }
    Ok(if is_component {
        let mut c = wasm_encoder::Component::new();
        for (id, data) in &sections {
            c.section(&wasm_encoder::RawSection { id: *id, data });
        }
        c.finish()
    } else {
        let mut m = wasm_encoder::Module::new();
        for (id, data) in &sections {
            m.section(&wasm_encoder::RawSection { id: *id, data });
        }
        m.finish()
    })
}
