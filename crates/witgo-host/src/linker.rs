//! Linking WASI 0.2 + 0.3 and wasi:http into a component linker.

use anyhow::{Context, Result};
use wasmtime::Engine;
use wasmtime::component::Linker;

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
