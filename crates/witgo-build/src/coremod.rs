//! Rewriting a core module section by section: the passes that change one
//! section (`exitcode.rs`, `wide.rs`, `preinit.rs`) copy the others as they are.

/// Copies `payload`'s section of `core` into `module` as it is (nothing for
/// payloads that are not whole sections).
pub(crate) fn copy_section(
    module: &mut wasm_encoder::Module,
    payload: &wasmparser::Payload,
    core: &[u8],
) {
    if let Some((id, range)) = payload.as_section() {
        module.section(&wasm_encoder::RawSection {
            id,
            data: &core[range],
        });
    }
}
