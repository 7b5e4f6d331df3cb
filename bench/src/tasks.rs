//! The async rows: async exports called by the host, async imports called
//! by the guest, concurrency (many imports in flight in one export, many
//! export tasks in flight at once) and stream<u8> throughput through the
//! guest, on the same WIT (`bench/wit/tasks.wit`) for every contender.

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use anyhow::{Result, anyhow};
use tokio::sync::oneshot;
use wasmtime::component::{
    Accessor, Component, HasData, Linker, StreamConsumer, StreamProducer, StreamReader,
    StreamResult,
};
use wasmtime::{Store, StoreContextMut};
use witgo_host::HostCtx;

use crate::guest::PeakMemory;
use crate::stats::Run;

wasmtime::component::bindgen!({
    path: "wit/tasks.wit",
    world: "tasks",
    exports: { default: async | store },
});

/// What the store keeps: the peak of the guest's linear memory.
#[derive(Default)]
pub struct Data {
    memory: PeakMemory,
}

type Ctx = HostCtx<Data>;

/// The host side of the import rows.
struct HostImports;

impl HasData for HostImports {
    type Data<'a> = &'a mut Data;
}

impl<T: 'static> bench::tasks::host::HostWithStore<T> for HostImports {
    async fn ready(_: &Accessor<T, Self>) -> u32 {
        1
    }

    async fn yield_once(_: &Accessor<T, Self>) -> u32 {
        tokio::task::yield_now().await;
        1
    }
}

impl bench::tasks::host::Host for &mut Data {}

/// One instantiated contender, with the runtime that drives it.
pub struct Instance {
    rt: tokio::runtime::Runtime,
    store: Store<Ctx>,
    tasks: Tasks,
}

pub fn linker() -> Result<Linker<Ctx>> {
    let mut linker = witgo_host::wasi_linker::<Data>(&witgo_host::engine()?)?;
    bench::tasks::host::add_to_linker::<_, HostImports>(&mut linker, |ctx: &mut Ctx| {
        &mut ctx.data
    })?;
    Ok(linker)
}

pub fn instantiate(linker: &Linker<Ctx>, component: &Component) -> Result<Instance> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let ctx = HostCtx::from_wasi(wasmtime_wasi::WasiCtx::builder().build(), Data::default());
    let mut store = Store::new(linker.engine(), ctx);
    store.limiter(|ctx| &mut ctx.data.memory);
    let tasks = rt.block_on(async {
        let instance = linker.instantiate_async(&mut store, component).await?;
        Tasks::new(&mut store, &instance)
    })?;
    Ok(Instance { rt, store, tasks })
}

impl Instance {
    /// The largest the guest's linear memory has been, in bytes.
    pub fn peak_memory(&self) -> usize {
        self.store.data().data.memory.bytes
    }
}

/// What an async row measures.
#[derive(Clone, Copy, Debug)]
pub enum Row {
    /// The host calls the empty async export, one call after another.
    EmptyExport,
    /// The guest calls an async import n times, one after another; the
    /// import returns at once (false) or after the host yielded (true).
    Import { waits: bool },
    /// One export call makes this many import calls at once.
    ConcurrentImports(u32),
    /// The host has this many export calls in flight at once.
    ConcurrentExports(u32),
    /// Bytes host -> guest -> host through `echo`, with this chunk size.
    Echo(u32),
}

impl Row {
    pub fn all() -> Vec<Row> {
        vec![
            Row::EmptyExport,
            Row::Import { waits: false },
            Row::Import { waits: true },
            Row::ConcurrentImports(10_000),
            Row::ConcurrentExports(1_000),
            Row::Echo(64),
            Row::Echo(4 << 10),
            Row::Echo(64 << 10),
        ]
    }

    pub fn name(&self) -> String {
        match self {
            Row::EmptyExport => "async export: empty call".into(),
            Row::Import { waits: false } => "async import: returns at once".into(),
            Row::Import { waits: true } => "async import: waits once".into(),
            Row::ConcurrentImports(n) => format!("async: {} concurrent imports", thousands(*n)),
            Row::ConcurrentExports(n) => {
                format!("async: {} concurrent export tasks", thousands(*n))
            }
            Row::Echo(chunk) if *chunk >= 1 << 10 => {
                format!("stream<u8> echo, {} KiB chunks", chunk >> 10)
            }
            Row::Echo(chunk) => format!("stream<u8> echo, {chunk} B chunks"),
        }
    }

    /// Bytes one iteration moves (for B/s), if that is the point.
    pub fn payload_bytes(&self) -> Option<u64> {
        match self {
            Row::Echo(chunk) => Some(echo_total(*chunk)),
            _ => None,
        }
    }
}

fn thousands(n: u32) -> String {
    if n >= 1000 && n % 1000 == 0 {
        format!("{},000", n / 1000)
    } else {
        n.to_string()
    }
}

/// The bytes one echo iteration sends: 256 chunks.
fn echo_total(chunk: u32) -> u64 {
    256 * chunk as u64
}

/// Iterations of `row` (an iteration is one call, one batch of concurrent
/// calls, or one stream of `payload_bytes`).
pub fn run(inst: &mut Instance, row: Row) -> Run<'_> {
    let Instance { rt, store, tasks } = inst;
    let g = tasks.bench_tasks_guest();
    Box::new(move |n| -> Result<()> {
        rt.block_on(store.run_concurrent(async |a| -> Result<()> {
            match row {
                Row::EmptyExport => {
                    for _ in 0..n {
                        g.call_empty(a).await?;
                    }
                }
                Row::Import { waits } => {
                    let n = u32::try_from(n).unwrap_or(u32::MAX);
                    let sum = g.call_call_host(a, waits as u32, n).await?;
                    check(sum, n as u64)?;
                }
                Row::ConcurrentImports(k) => {
                    for _ in 0..n {
                        check(g.call_fan_out(a, k).await?, k as u64)?;
                    }
                }
                Row::ConcurrentExports(k) => {
                    for _ in 0..n {
                        let calls = (0..k).map(|_| g.call_wait_once(a));
                        let got = futures::future::try_join_all(calls).await?;
                        check(got.iter().map(|v| *v as u64).sum(), k as u64)?;
                    }
                }
                Row::Echo(chunk) => {
                    for _ in 0..n {
                        let total = echo_total(chunk);
                        let input = a.with(|mut s| {
                            StreamReader::new(
                                &mut s,
                                Pattern {
                                    left: total,
                                    chunk: chunk as usize,
                                },
                            )
                        })?;
                        let output = g.call_echo(a, input, chunk).await?;
                        let (tx, rx) = oneshot::channel();
                        a.with(|mut s| {
                            output.pipe(
                                &mut s,
                                Count {
                                    bytes: 0,
                                    done: Some(tx),
                                },
                            )
                        })?;
                        check(rx.await?, total)?;
                    }
                }
            }
            Ok(())
        }))?
    })
}

fn check(got: u64, want: u64) -> Result<()> {
    if got == want {
        Ok(())
    } else {
        Err(anyhow!("the guest answered {got}, not {want}"))
    }
}

/// Produces `left` bytes, at most `chunk` per write, straight into the
/// guest's read buffer.
struct Pattern {
    left: u64,
    chunk: usize,
}

impl<D: 'static> StreamProducer<D> for Pattern {
    type Item = u8;
    type Buffer = Option<u8>;

    fn poll_produce<'a>(
        mut self: Pin<&mut Self>,
        _: &mut TaskContext<'_>,
        store: StoreContextMut<'a, D>,
        dst: wasmtime::component::Destination<'a, u8, Option<u8>>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        if self.left == 0 {
            return Poll::Ready(Ok(StreamResult::Dropped));
        }
        let want = (self.left as usize).min(self.chunk);
        let mut dst = dst.as_direct(store, want);
        let room = dst.remaining();
        let n = room.len().min(want);
        room[..n].fill(7);
        dst.mark_written(n);
        self.left -= n as u64;
        Poll::Ready(Ok(StreamResult::Completed))
    }
}

/// Counts the bytes a stream delivers, reading them in place; tells `done`
/// the count when the writer ends the stream.
struct Count {
    bytes: u64,
    done: Option<oneshot::Sender<u64>>,
}

impl Drop for Count {
    fn drop(&mut self) {
        if let Some(tx) = self.done.take() {
            let _ = tx.send(self.bytes);
        }
    }
}

impl<D: 'static> StreamConsumer<D> for Count {
    type Item = u8;

    fn poll_consume(
        mut self: Pin<&mut Self>,
        _: &mut TaskContext<'_>,
        store: StoreContextMut<D>,
        source: wasmtime::component::Source<'_, u8>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        let mut src = source.as_direct(store);
        let n = src.remaining().len();
        src.mark_read(n);
        self.bytes += n as u64;
        Poll::Ready(Ok(StreamResult::Completed))
    }
}
