//! The call-overhead rows: sync exports called by the host, and sync
//! imports called by the guest in a loop (`call-host`), on the same WIT
//! (`bench/wit/calls.wit`) for every contender.

use anyhow::Result;
use wasmtime::Store;
use wasmtime::component::{Component, HasSelf, Linker};
use witgo_host::HostCtx;

use crate::guest::PeakMemory;
use crate::stats::{self, Run};

wasmtime::component::bindgen!({
    path: "wit/calls.wit",
    world: "calls",
});

use bench::calls::types::{Point, Rec16};

/// The host side of the import rows: as little work as the guests do. It
/// also watches the peak of the guest's linear memory.
#[derive(Default)]
pub struct Host {
    memory: PeakMemory,
}

impl bench::calls::types::Host for HostCtx<Host> {}

impl bench::calls::host::Host for HostCtx<Host> {
    fn empty(&mut self) {}
    fn scalars(&mut self, a: u32, b: u64, c: f32, d: f64) -> u64 {
        (a as u64)
            .wrapping_add(b)
            .wrapping_add(c as u64)
            .wrapping_add(d as u64)
    }
    fn record16(&mut self, r: Rec16) -> u64 {
        r.f0 as u64 + r.f1 + r.f15 as u64
    }
    fn short_string(&mut self, s: String) -> u32 {
        s.len() as u32
    }
    fn bytes(&mut self, b: Vec<u8>) -> u32 {
        b.len() as u32
    }
    fn points(&mut self, ps: Vec<Point>) -> u32 {
        ps.len() as u32
    }
}

/// One instantiated contender.
pub struct Instance {
    store: Store<HostCtx<Host>>,
    calls: Calls,
}

pub fn linker() -> Result<Linker<HostCtx<Host>>> {
    let mut linker = Linker::new(&witgo_host::engine()?);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    bench::calls::host::add_to_linker::<_, HasSelf<HostCtx<Host>>>(&mut linker, |c| c)?;
    bench::calls::types::add_to_linker::<_, HasSelf<HostCtx<Host>>>(&mut linker, |c| c)?;
    Ok(linker)
}

pub fn instantiate(linker: &Linker<HostCtx<Host>>, component: &Component) -> Result<Instance> {
    let ctx = HostCtx::from_wasi(wasmtime_wasi::WasiCtx::builder().build(), Host::default());
    let mut store = Store::new(linker.engine(), ctx);
    store.limiter(|ctx| &mut ctx.data.memory);
    let calls = Calls::instantiate(&mut store, component, linker)?;
    Ok(Instance { store, calls })
}

impl Instance {
    /// The first call an instance serves: the empty export.
    pub fn first_call(&mut self) -> Result<()> {
        self.calls.bench_calls_guest().call_empty(&mut self.store)?;
        Ok(())
    }

    /// The largest the guest's linear memory has been, in bytes.
    pub fn peak_memory(&self) -> usize {
        self.store.data().data.memory.bytes
    }
}

/// What a row calls.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    Empty,
    Scalars,
    Record16,
    ShortString,
    Bytes(u32),
    Points(u32),
}

impl Shape {
    pub fn all() -> Vec<Shape> {
        vec![
            Shape::Empty,
            Shape::Scalars,
            Shape::Record16,
            Shape::ShortString,
            Shape::Bytes(1 << 10),
            Shape::Bytes(1 << 20),
            Shape::Points(1000),
        ]
    }

    pub fn name(&self) -> String {
        match self {
            Shape::Empty => "empty call".into(),
            Shape::Scalars => "4 scalars".into(),
            Shape::Record16 => "16-field record".into(),
            Shape::ShortString => "short string (13 B)".into(),
            Shape::Bytes(n) if *n >= 1 << 20 => format!("list<u8> {} MiB", n >> 20),
            Shape::Bytes(n) => format!("list<u8> {} KiB", n >> 10),
            Shape::Points(n) => format!("list<record> x{n}"),
        }
    }

    /// Bytes of payload one call moves (for GB/s), if that is the point.
    pub fn payload_bytes(&self) -> Option<u64> {
        match self {
            Shape::Bytes(n) if *n >= 1 << 20 => Some(*n as u64),
            _ => None,
        }
    }

    fn which(&self) -> (u32, u32) {
        match self {
            Shape::Empty => (0, 0),
            Shape::Scalars => (1, 0),
            Shape::Record16 => (2, 0),
            Shape::ShortString => (3, 0),
            Shape::Bytes(n) => (4, *n),
            Shape::Points(n) => (5, *n),
        }
    }
}

fn rec16() -> Rec16 {
    Rec16 {
        f0: 1,
        f1: 2,
        f2: 3,
        f3: 4,
        f4: 5.0,
        f5: 6.0,
        f6: 7,
        f7: 8,
        f8: true,
        f9: 'x',
        f10: 11,
        f11: 12,
        f12: 13,
        f13: 14,
        f14: 15.0,
        f15: 16.0,
    }
}

/// Calls of the guest's export of `shape`, made by the host.
pub fn export_run(inst: &mut Instance, shape: Shape) -> Run<'_> {
    let Instance { calls, store, .. } = inst;
    let g = calls.bench_calls_guest();
    match shape {
        Shape::Empty => stats::run(move |n| (0..n).try_for_each(|_| g.call_empty(&mut *store))),
        Shape::Scalars => stats::run(move |n| {
            (0..n).try_for_each(|i| g.call_scalars(&mut *store, i as u32, 2, 3.0, 4.0).map(drop))
        }),
        Shape::Record16 => {
            let r = rec16();
            stats::run(move |n| (0..n).try_for_each(|_| g.call_record16(&mut *store, r).map(drop)))
        }
        Shape::ShortString => stats::run(move |n| {
            (0..n).try_for_each(|_| g.call_short_string(&mut *store, "hello, world!").map(drop))
        }),
        Shape::Bytes(size) => {
            let b = vec![7u8; size as usize];
            stats::run(move |n| (0..n).try_for_each(|_| g.call_bytes(&mut *store, &b).map(drop)))
        }
        Shape::Points(size) => {
            let ps: Vec<Point> = (0..size as i32)
                .map(|i| Point {
                    x: i,
                    y: -i,
                    weight: 0.5,
                })
                .collect();
            stats::run(move |n| (0..n).try_for_each(|_| g.call_points(&mut *store, &ps).map(drop)))
        }
    }
}

/// Calls of the host's import of `shape`, made by the guest in a loop
/// (one export call per sample; an iteration is one import call).
pub fn import_run(inst: &mut Instance, shape: Shape) -> Run<'_> {
    let Instance { calls, store, .. } = inst;
    let g = calls.bench_calls_guest();
    let (which, size) = shape.which();
    stats::run(move |n| {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        g.call_call_host(&mut *store, which, n, size).map(drop)
    })
}
