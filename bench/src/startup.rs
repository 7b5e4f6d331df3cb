//! Start-up rows: instantiate, and instantiate + first call, for the calls
//! world; instantiate for the http world. Each is measured as the
//! contenders are built, and again with witgo's component built with
//! `witgo build --preinit` in witgo's column (the peers have no
//! pre-initialisation step, so theirs repeat their plain figures).

use anyhow::Result;
use wasmtime::component::{Component, Linker};
use witgo_host::HostCtx;

use crate::calls;
use crate::report::{Table, Unit};
use crate::stats::{self, Effort};

/// A contender's component for a start-up row.
pub struct Entry<'a> {
    pub name: &'a str,
    pub component: &'a Component,
}

/// `instantiate` and `instantiate + first call` for the calls world, with
/// `suffix` after the row names.
pub fn calls_rows(
    linker: &Linker<HostCtx<calls::Host>>,
    entries: &[Entry<'_>],
    suffix: &str,
    effort: Effort,
    wanted: &dyn Fn(&str) -> bool,
    table: &mut Table,
) -> Result<()> {
    let row = format!("instantiate{suffix}");
    if wanted(&row) {
        measure(&row, entries, effort, table, |c| {
            calls::instantiate(linker, c).map(drop)
        })?;
    }
    let row = format!("instantiate + first call{suffix}");
    if wanted(&row) {
        measure(&row, entries, effort, table, |c| {
            calls::instantiate(linker, c)?.first_call()
        })?;
    }
    Ok(())
}

/// `instantiate, http world` (a wasi:http service, instantiated as
/// `wasmtime serve` does for each request of a WASI 0.2 component), with
/// `suffix` after the row name.
pub fn http_rows(
    entries: &[Entry<'_>],
    suffix: &str,
    effort: Effort,
    wanted: &dyn Fn(&str) -> bool,
    table: &mut Table,
) -> Result<()> {
    let row = format!("instantiate, http world{suffix}");
    if !wanted(&row) || entries.is_empty() {
        return Ok(());
    }
    let linker = witgo_host::wasi_linker::<()>(&witgo_host::engine()?)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    measure(&row, entries, effort, table, |c| {
        let ctx = HostCtx::from_wasi(wasmtime_wasi::WasiCtx::builder().build(), ());
        let mut store = wasmtime::Store::new(linker.engine(), ctx);
        rt.block_on(linker.instantiate_async(&mut store, c))?;
        Ok(())
    })
}

/// One row: `once` per iteration, each entry's samples interleaved.
fn measure(
    row: &str,
    entries: &[Entry<'_>],
    effort: Effort,
    table: &mut Table,
    once: impl Fn(&Component) -> Result<()> + Copy,
) -> Result<()> {
    let runs = entries
        .iter()
        .map(|e| stats::run(move |n| (0..n).try_for_each(|_| once(e.component))))
        .collect();
    for (e, m) in entries.iter().zip(stats::interleaved(effort, runs)) {
        table.set(row, Unit::Nanos, e.name, m?);
    }
    Ok(())
}
