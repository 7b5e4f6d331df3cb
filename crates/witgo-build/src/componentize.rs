//! Turning a core module into a component.

use anyhow::{Context, Result};
use wit_component::{ComponentEncoder, StringEncoding};
use wit_parser::{Resolve, WorldId};

/// The adapter module name Go's `wasip1` port imports.
pub const WASI_P1_MODULE: &str = "wasi_snapshot_preview1";

/// Embeds `world` into `core` (as a `component-type` custom section).
pub fn embed_wit(core: &mut Vec<u8>, resolve: &Resolve, world: WorldId) -> Result<()> {
    wit_component::embed_component_metadata(core, resolve, world, StringEncoding::UTF8)
        .context("cannot embed the WIT world into the core module")
}

/// Encodes a core module that already carries its WIT (see [`embed_wit`]) as
/// a component, adapting `wasi_snapshot_preview1` imports to WASI 0.2 with
/// Wasmtime's reactor adapter. The result is not validated here: see
/// [`crate::validate_component`].
pub fn encode_component(core: &[u8]) -> Result<Vec<u8>> {
    ComponentEncoder::default()
        .module(core)
        .context("cannot read the core module's WIT metadata")?
        .adapter(
            WASI_P1_MODULE,
            wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
        )
        .context("cannot load the wasi_snapshot_preview1 adapter")?
        // Callers validate the final component (after stripping) once.
        .encode()
        .context("the Go module does not fit the WIT world")
}

/// [`embed_wit`] then [`encode_component`].
pub fn componentize(mut core: Vec<u8>, resolve: &Resolve, world: WorldId) -> Result<Vec<u8>> {
    embed_wit(&mut core, resolve, world)?;
    encode_component(&core)
}
