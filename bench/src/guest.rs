//! What the call and async rows share: loading a contender's component and
//! watching how far its linear memory grows.

use std::path::Path;

use anyhow::{Context, Result};
use wasmtime::component::Component;

/// Loads a component with the shared engine (compiled code comes from
/// witgo's cache after the first load).
pub fn load(path: &Path) -> Result<Component> {
    let engine = witgo_host::engine()?;
    witgo_host::load_component(&engine, path, witgo_host::default_cache_dir().as_deref())
        .with_context(|| format!("loading {}", path.display()))
}

/// A store's limiter that allows everything and records the largest the
/// guest's linear memory has been.
#[derive(Default)]
pub struct PeakMemory {
    pub bytes: usize,
}

impl wasmtime::ResourceLimiter for PeakMemory {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.bytes = self.bytes.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }
}
