//! Exit codes that survive: Go's `os.Exit(n)` (and a panic's exit status 2)
//! call WASI p1 `proc_exit`, which the p1 adapter can only pass on as
//! `wasi:cli/exit.exit(ok | err)`, turning every non-zero code into 1. witgo
//! points the Go module's `proc_exit` import straight at
//! `wasi:cli/exit@0.2.12#exit-with-code` (same core signature: one i32) and
//! embeds a world that imports that interface, so `n` reaches the host.

use anyhow::{Context, Result};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{Parser, Payload};

const EXIT_MODULE: &str = "wasi:cli/exit@0.2.12";
const EXIT_FUNC: &str = "exit-with-code";

/// Rewrites `wasi_snapshot_preview1.proc_exit` to `exit-with-code`; returns
/// `None` if the module does not import `proc_exit`.
pub fn route_proc_exit(core: &[u8]) -> Result<Option<Vec<u8>>> {
    let mut module = wasm_encoder::Module::new();
    let mut found = false;
    for payload in Parser::new(0).parse_all(core) {
        let payload = payload.context("cannot parse the core module")?;
        match &payload {
            Payload::Version { .. } | Payload::End(_) => {}
            Payload::ImportSection(reader) => {
                let mut imports = wasm_encoder::ImportSection::new();
                for import in reader.clone().into_imports() {
                    let import = import?;
                    let ty = RoundtripReencoder.entity_type(import.ty)?;
                    if import.module == crate::componentize::WASI_P1_MODULE
                        && import.name == "proc_exit"
                    {
                        found = true;
                        imports.import(EXIT_MODULE, EXIT_FUNC, ty);
                    } else {
                        imports.import(import.module, import.name, ty);
                    }
                }
                module.section(&imports);
            }
            other => {
                crate::coremod::copy_section(&mut module, other, core);
            }
        }
    }
    Ok(found.then(|| module.finish()))
}

/// Embeds the world `import wasi:cli/exit@0.2.12;` next to the user's world;
/// wit-component merges the two when it builds the component.
pub fn embed_exit_world(core: &mut Vec<u8>) -> Result<()> {
    let shim = "package witgo:exit-shim;\n\nworld exit-shim {\n  import wasi:cli/exit@0.2.12;\n}\n";
    let main = wit_parser::UnresolvedPackageGroup::parse("<witgo>/exit-shim.wit", shim)
        .map_err(|(map, e)| anyhow::anyhow!("{}", e.render(&map)))?;
    let deps = crate::wasi_wit::PACKAGES
        .iter()
        .filter(|(label, _)| label.contains("0.2.12"))
        .map(|(label, text)| {
            wit_parser::UnresolvedPackageGroup::parse(label, text)
                .map_err(|(map, e)| anyhow::anyhow!("{}", e.render(&map)))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut resolve = wit_parser::Resolve {
        all_features: true,
        ..Default::default()
    };
    let pkg = resolve
        .push_groups(main, deps)
        .map_err(|e| anyhow::anyhow!("{}", e.render(&resolve.source_map)))?;
    let world = resolve.select_world(&[pkg], Some("exit-shim"))?;
    crate::componentize::embed_wit(core, &resolve, world)
}
