//! Linking WASI 0.2 + 0.3 and wasi:http into a component linker.

use anyhow::{Context, Result};
use wasmtime::Engine;
use wasmtime::component::{Component, Linker, ResourceType};

use crate::HostCtx;

/// Adds every WASI interface witgo provides to `linker`: WASI 0.2 (`wasi:cli`,
/// `clocks`, `filesystem`, `io`, `random`, `sockets`), WASI 0.3 (the same
/// worlds at `@0.3.0`), and `wasi:http` 0.2 and 0.3.
///
/// Embedders add their own imports to the same linker, before or after. A
/// `bindgen!` interface whose `Host` trait is implemented by your data type
/// borrows `ctx.data`; a root-level function can be defined directly:
///
/// ```
/// use wasmtime::component::{HasSelf, Linker};
/// use witgo_host::{HostCtx, add_wasi_to_linker};
///
/// wasmtime::component::bindgen!({
///     inline: "
///         package test:host;
///         interface log { note: func(msg: string); }
///         world guest { import log; import now: func() -> u64; }
///     ",
/// });
///
/// #[derive(Default)]
/// struct Recorded(Vec<String>);
///
/// impl test::host::log::Host for Recorded {
///     fn note(&mut self, msg: String) {
///         self.0.push(msg);
///     }
/// }
///
/// # fn main() -> anyhow::Result<()> {
/// let engine = witgo_host::engine()?;
/// let mut linker = Linker::<HostCtx<Recorded>>::new(&engine);
/// add_wasi_to_linker(&mut linker)?;
/// test::host::log::add_to_linker::<_, HasSelf<Recorded>>(&mut linker, |ctx| &mut ctx.data)?;
/// linker.root().func_wrap("now", |_store, (): ()| Ok((42u64,)))?;
///
/// let ctx = HostCtx::from_options("guest.wasm", &Default::default(), Recorded::default())?;
/// let mut store = wasmtime::Store::new(&engine, ctx);
/// // ... instantiate with `linker.instantiate_async(&mut store, &component)`, call
/// // exports, then check `store.data().data.0` and `store.data_mut().live_resources()`.
/// # Ok(())
/// # }
/// ```
///
/// To implement imports that need resources, implement the generated `Host`
/// trait for `HostCtx<YourData>` instead and use `HasSelf<HostCtx<YourData>>`
/// with `|ctx| ctx`: then [`HostCtx::table`] is at hand.
pub fn add_wasi_to_linker<T: Send + 'static>(linker: &mut Linker<HostCtx<T>>) -> Result<()> {
    let link = |result: wasmtime::Result<()>, what: &str| {
        result
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cannot link {what}"))
    };
    link(wasmtime_wasi::p2::add_to_linker_async(linker), "WASI 0.2")?;
    link(wasmtime_wasi::p3::add_to_linker(linker), "WASI 0.3")?;
    link(
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(linker),
        "wasi:http 0.2",
    )?;
    link(
        wasmtime_wasi_http::p3::add_to_linker(linker),
        "wasi:http 0.3",
    )?;
    Ok(())
}

/// A new linker for `engine` with [`add_wasi_to_linker`] already applied.
pub fn wasi_linker<T: Send + 'static>(engine: &Engine) -> Result<Linker<HostCtx<T>>> {
    let mut linker = Linker::new(engine);
    add_wasi_to_linker(&mut linker)?;
    Ok(linker)
}

/// Defines every import of `component` outside the `wasi:` namespace (a
/// world's own interfaces and functions) as a function that traps, naming
/// the import, when called; resources get a host type that nothing can
/// make. For `witgo test`: a test binary imports all the world's
/// interfaces, but most tests never call the ones only a real host
/// provides. (Wasmtime's own `define_unknown_imports_as_traps` also stubs
/// WASI resources the p1 adapter imports, which then clash with the real
/// ones.)
pub fn define_world_imports_as_traps<T: 'static>(
    linker: &mut Linker<T>,
    component: &Component,
) -> Result<()> {
    use wasmtime::component::types::ComponentItem;
    let engine = component.engine().clone();
    for (name, item) in component.component_type().imports(&engine) {
        if name.starts_with("wasi:") {
            continue;
        }
        match item.ty {
            ComponentItem::ComponentFunc(_) => {
                let what = name.to_string();
                linker
                    .root()
                    .func_new(name, move |_, _, _, _| Err(not_provided(&what)))?;
            }
            ComponentItem::ComponentInstance(instance) => {
                let mut li = linker.instance(name)?;
                for (export, item) in instance.exports(&engine) {
                    let what = format!("{name}#{export}");
                    match item.ty {
                        ComponentItem::ComponentFunc(_) => {
                            li.func_new(export, move |_, _, _, _| Err(not_provided(&what)))?
                        }
                        ComponentItem::Resource(_) => {
                            li.resource(export, ResourceType::host::<NotProvided>(), |_, _| Ok(()))?
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The host type of resources no host provides (see define_world_imports_as_traps).
struct NotProvided;

fn not_provided(what: &str) -> wasmtime::Error {
    wasmtime::Error::msg(format!(
        "{what} was called, but this host does not provide it: it is the world's own import \
         (witgo test provides WASI only; test code that calls it needs a real host)"
    ))
}
