//! Validating what the Go toolchain and the componentizer produce.

use anyhow::{Result, bail};
use wasmparser::{Parser, Validator, WasmFeatures};

/// Validates a core module with every wasm feature enabled.
pub fn validate_core(bytes: &[u8]) -> Result<()> {
    if !Parser::is_core_wasm(bytes) {
        bail!("the Go toolchain produced an invalid module: not a core WebAssembly module");
    }
    if let Err(e) = Validator::new_with_features(WasmFeatures::all()).validate_all(bytes) {
        bail!(
            "the Go toolchain produced an invalid module: {} (at byte offset {:#x}); \
             this usually means the Go release and the runtime overlay do not match",
            e.message(),
            e.offset()
        );
    }
    Ok(())
}

/// Validates a component with every feature enabled (including the
/// component-model async features).
pub fn validate_component(bytes: &[u8]) -> Result<()> {
    if !Parser::is_component(bytes) {
        bail!("the componentized output is not a WebAssembly component (this is a witgo bug)");
    }
    if let Err(e) = Validator::new_with_features(WasmFeatures::all()).validate_all(bytes) {
        bail!(
            "the component witgo produced is invalid: {} (at byte offset {:#x}); \
             this is a witgo bug, please report it",
            e.message(),
            e.offset()
        );
    }
    Ok(())
}
