//! Validating what the Go toolchain and the componentizer produce.

use std::collections::HashSet;

use anyhow::{Result, bail};
use wasmparser::{Parser, Validator, WasmFeatures};
use wit_parser::{Function, Resolve, Type, TypeDefKind, TypeId, WorldId, WorldItem};

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

/// Validates a component with the features a standard host enables by
/// default (wasmparser's defaults: the component model with
/// `component-model-async`, and none of its optional extensions).
pub fn validate_component(bytes: &[u8]) -> Result<()> {
    validate_component_with(bytes, &[])
}

/// Validates a component of `world` with the standard features plus the
/// optional ones the world's own types need (see [`world_features`]): what
/// witgo adds must never need more than the WIT does.
pub fn validate_component_for(bytes: &[u8], resolve: &Resolve, world: WorldId) -> Result<()> {
    validate_component_with(bytes, &world_features(resolve, world))
}

fn validate_component_with(bytes: &[u8], optional: &[OptionalFeature]) -> Result<()> {
    if !Parser::is_component(bytes) {
        bail!("the componentized output is not a WebAssembly component (this is a witgo bug)");
    }
    let mut features = WasmFeatures::default();
    for f in optional {
        features |= f.flag();
    }
    if let Err(e) = Validator::new_with_features(features).validate_all(bytes) {
        bail!(
            "the component witgo produced is invalid on a default-configured host: {} \
             (at byte offset {:#x}); this is a witgo bug, please report it",
            e.message(),
            e.offset()
        );
    }
    Ok(())
}

/// A component-model extension that standard hosts leave off, which a WIT
/// world can require by using its types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OptionalFeature {
    /// `error-context` (📝).
    ErrorContext,
    /// `map<K, V>`.
    Map,
    /// `list<T, N>` (🔧).
    FixedLengthLists,
}

impl OptionalFeature {
    /// The feature's name in the Wasmtime CLI's `-W` option (and witgo run's).
    pub fn wasmtime_name(self) -> &'static str {
        match self {
            OptionalFeature::ErrorContext => "component-model-error-context",
            OptionalFeature::Map => "component-model-map",
            OptionalFeature::FixedLengthLists => "component-model-fixed-length-lists",
        }
    }

    fn flag(self) -> WasmFeatures {
        match self {
            OptionalFeature::ErrorContext => WasmFeatures::CM_ERROR_CONTEXT,
            OptionalFeature::Map => WasmFeatures::CM_MAP,
            OptionalFeature::FixedLengthLists => WasmFeatures::CM_FIXED_LENGTH_LISTS,
        }
    }
}

/// The optional features the types of `world`'s imports and exports use,
/// sorted: a host must enable them to run any component of the world.
pub fn world_features(resolve: &Resolve, world: WorldId) -> Vec<OptionalFeature> {
    let mut walk = Walk {
        resolve,
        seen: HashSet::new(),
        found: HashSet::new(),
    };
    let w = &resolve.worlds[world];
    for item in w.imports.values().chain(w.exports.values()) {
        match item {
            WorldItem::Interface { id, .. } => {
                let iface = &resolve.interfaces[*id];
                iface.types.values().for_each(|t| walk.typedef(*t));
                iface.functions.values().for_each(|f| walk.func(f));
            }
            WorldItem::Function(f) => walk.func(f),
            WorldItem::Type { id, .. } => walk.typedef(*id),
        }
    }
    let mut found: Vec<OptionalFeature> = walk.found.into_iter().collect();
    found.sort();
    found
}

struct Walk<'a> {
    resolve: &'a Resolve,
    seen: HashSet<TypeId>,
    found: HashSet<OptionalFeature>,
}

impl Walk<'_> {
    fn func(&mut self, f: &Function) {
        for p in &f.params {
            self.ty(&p.ty);
        }
        if let Some(t) = &f.result {
            self.ty(t);
        }
    }

    fn ty(&mut self, t: &Type) {
        match t {
            Type::ErrorContext => {
                self.found.insert(OptionalFeature::ErrorContext);
            }
            Type::Id(id) => self.typedef(*id),
            _ => {}
        }
    }

    fn typedef(&mut self, id: TypeId) {
        if !self.seen.insert(id) {
            return;
        }
        match &self.resolve.types[id].kind {
            TypeDefKind::Record(r) => r.fields.iter().for_each(|f| self.ty(&f.ty)),
            TypeDefKind::Tuple(t) => t.types.iter().for_each(|t| self.ty(t)),
            TypeDefKind::Variant(v) => v
                .cases
                .iter()
                .filter_map(|c| c.ty.as_ref())
                .for_each(|t| self.ty(t)),
            TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => self.ty(t),
            TypeDefKind::Result(r) => r.ok.iter().chain(r.err.iter()).for_each(|t| self.ty(t)),
            TypeDefKind::Future(t) | TypeDefKind::Stream(t) => t.iter().for_each(|t| self.ty(t)),
            TypeDefKind::Map(k, v) => {
                self.found.insert(OptionalFeature::Map);
                self.ty(k);
                self.ty(v);
            }
            TypeDefKind::FixedLengthList(t, _) => {
                self.found.insert(OptionalFeature::FixedLengthLists);
                self.ty(t);
            }
            TypeDefKind::Handle(_)
            | TypeDefKind::Resource
            | TypeDefKind::Flags(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Unknown => {}
        }
    }
}
