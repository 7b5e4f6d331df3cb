//! The Rust host of the `streams` guest, shared by `streams.rs` and
//! `futures.rs`: `host.produce`/`host.consume` over Wasmtime's stream API,
//! the `blob` resource in the host's table, and helpers that pipe streams
//! and futures into Rust values.
#![allow(dead_code)]

use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use wasmtime::StoreContextMut;
use wasmtime::component::{
    Accessor, FutureConsumer, HasData, HasSelf, Resource, Source, StreamConsumer, StreamProducer,
    StreamReader, StreamResult,
};
use witgo_e2e::{E2e, Session, component, linker, settle};
use witgo_host::HostCtx;

wasmtime::component::bindgen!({
    path: "guests/streams/world.wit",
    world: "streams",
    exports: { default: async | store },
    additional_derives: [PartialEq],
    with: { "e2e:streams/blobs.blob": crate::common::Blob },
});

pub use e2e::streams::{blobs, host};
#[allow(unused_imports)]
pub use exports::e2e::streams::api::Point;

pub fn byte(i: u64) -> u8 {
    (i % 251) as u8
}

/// (bytes, sum of bytes) of the first n bytes of the pattern.
pub fn expected(n: u64) -> (u64, u64) {
    let period: u64 = (0..251).sum();
    (n, (n / 251) * period + (0..n % 251).sum::<u64>())
}

/// Produces n bytes (byte i = i % 251) lazily, in chunks of 65,511 bytes
/// (261 periods of 251, so every chunk is the same).
pub struct Bytes {
    pub next: u64,
    pub n: u64,
    _live: Live,
}

impl Bytes {
    pub fn new(n: u64) -> Self {
        Bytes {
            next: 0,
            n,
            _live: Live::new(),
        }
    }
}

/// Host-made stream and future producers that Wasmtime has not dropped yet
/// (in this test process): Wasmtime drops one when the guest drops the end
/// it feeds.
pub static LIVE_PRODUCERS: AtomicI64 = AtomicI64::new(0);

/// Counts itself in [`LIVE_PRODUCERS`] while it lives.
pub struct Live(());

impl Live {
    pub fn new() -> Live {
        LIVE_PRODUCERS.fetch_add(1, Ordering::Relaxed);
        Live(())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        LIVE_PRODUCERS.fetch_sub(1, Ordering::Relaxed);
    }
}

fn pattern() -> bytes::Bytes {
    static PATTERN: std::sync::OnceLock<bytes::Bytes> = std::sync::OnceLock::new();
    PATTERN
        .get_or_init(|| (0..251 * 261).map(byte).collect::<Vec<u8>>().into())
        .clone()
}

impl<D> StreamProducer<D> for Bytes {
    type Item = u8;
    type Buffer = bytes::Bytes;

    fn poll_produce<'a>(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        _store: StoreContextMut<'a, D>,
        mut dst: wasmtime::component::Destination<'a, Self::Item, Self::Buffer>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        if self.next == self.n {
            return Poll::Ready(Ok(StreamResult::Dropped));
        }
        let chunk = pattern();
        let len = (self.n - self.next).min(chunk.len() as u64);
        self.next += len;
        dst.set_buffer(chunk.slice(..len as usize));
        Poll::Ready(Ok(StreamResult::Completed))
    }
}

/// Collects what a stream delivers, at most `per_read` items per read (0:
/// as many as offered), recording each read's size; stops after `limit`
/// items by dropping its end; tells `done` when it is dropped.
pub struct Collect<T> {
    pub items: Arc<Mutex<Vec<T>>>,
    pub reads: Arc<Mutex<Vec<usize>>>,
    pub per_read: usize,
    pub limit: usize,
    pub done: Option<oneshot::Sender<()>>,
}

impl<T> Drop for Collect<T> {
    fn drop(&mut self) {
        if let Some(tx) = self.done.take() {
            let _ = tx.send(());
        }
    }
}

impl<D, T: wasmtime::component::Lift + Send + Sync + 'static> StreamConsumer<D> for Collect<T> {
    type Item = T;

    fn poll_consume(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        mut store: StoreContextMut<D>,
        mut source: Source<'_, T>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        let offered = source.remaining(&mut store);
        let room = self.limit - self.items.lock().unwrap().len();
        let want = match self.per_read {
            0 => offered,
            k => offered.min(k),
        }
        .min(room);
        let mut buf = Vec::with_capacity(want);
        source.read(&mut store, &mut buf)?;
        self.reads.lock().unwrap().push(buf.len());
        let mut items = self.items.lock().unwrap();
        items.extend(buf);
        if items.len() == self.limit {
            return Poll::Ready(Ok(StreamResult::Dropped));
        }
        Poll::Ready(Ok(StreamResult::Completed))
    }
}

/// What [`collect_with`] saw: the items and the size of every read.
pub struct Collected<T> {
    pub items: Vec<T>,
    pub reads: Vec<usize>,
}

/// Pipes `s` into a [`Collect`] and waits for the stream to end.
pub async fn collect<T: wasmtime::component::Lift + Send + Sync + 'static, D: 'static>(
    a: &Accessor<D, impl HasData>,
    s: StreamReader<T>,
) -> Vec<T> {
    collect_with(a, s, 0, usize::MAX).await.items
}

/// [`collect`] taking at most `per_read` items per read and dropping the
/// stream after `limit` items.
pub async fn collect_with<T: wasmtime::component::Lift + Send + Sync + 'static, D: 'static>(
    a: &Accessor<D, impl HasData>,
    s: StreamReader<T>,
    per_read: usize,
    limit: usize,
) -> Collected<T> {
    let items = Arc::new(Mutex::new(Vec::new()));
    let reads = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = oneshot::channel();
    let sink = Collect {
        items: items.clone(),
        reads: reads.clone(),
        per_read,
        limit,
        done: Some(tx),
    };
    a.with(|mut access| s.pipe(&mut access, sink)).unwrap();
    rx.await.unwrap();
    Collected {
        items: unshare(items),
        reads: unshare(reads),
    }
}

fn unshare<X>(m: Arc<Mutex<X>>) -> X {
    Arc::try_unwrap(m).ok().unwrap().into_inner().unwrap()
}

/// Takes a future's value; `tx` is dropped unanswered if the writer drops
/// its end without writing.
pub struct Take<T>(pub Option<oneshot::Sender<T>>);

impl<D, T: wasmtime::component::Lift + Send + Sync + 'static> FutureConsumer<D> for Take<T> {
    type Item = T;

    fn poll_consume(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        mut store: StoreContextMut<D>,
        mut source: Source<'_, T>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<()>> {
        let mut v = None;
        source.read(&mut store, &mut v)?;
        if let (Some(v), Some(tx)) = (v, self.0.take()) {
            let _ = tx.send(v);
        }
        Poll::Ready(Ok(()))
    }
}

/// A future the host has already written `v` to.
pub fn ready<T: wasmtime::component::Lower + wasmtime::component::Lift + Send + Sync + 'static>(
    a: &Accessor<Ctx>,
    v: T,
) -> wasmtime::component::FutureReader<T> {
    let live = Live::new();
    a.with(|mut access| {
        wasmtime::component::FutureReader::new(&mut access, async move {
            let _live = live;
            wasmtime::Result::<T>::Ok(v)
        })
    })
    .unwrap()
}

/// Reads a future's value: None if the writer dropped its end unwritten.
pub async fn take<T: wasmtime::component::Lift + Send + Sync + 'static, D: 'static>(
    a: &Accessor<D, impl HasData>,
    f: wasmtime::component::FutureReader<T>,
) -> Option<T> {
    let (tx, rx) = oneshot::channel();
    a.with(|mut access| f.pipe(&mut access, Take(Some(tx))))
        .unwrap();
    rx.await.ok()
}

/// The host's blob: a number, created by Go (or the test) and dropped by
/// whoever owns it last.
pub struct Blob(pub u32);

#[derive(Default)]
pub struct Rec {
    pub baseline: usize,
    pub blobs_created: u32,
    pub blobs_dropped: u32,
}

pub type Ctx = HostCtx<E2e<Rec>>;

pub fn new_blob(ctx: &mut Ctx, v: u32) -> Resource<Blob> {
    ctx.data.rec.blobs_created += 1;
    ctx.table().push(Blob(v)).unwrap()
}

/// Deletes an owned blob from the table and returns its value.
pub fn delete_blob(ctx: &mut Ctx, b: Resource<Blob>) -> u32 {
    ctx.data.rec.blobs_dropped += 1;
    ctx.table().delete(b).unwrap().0
}

impl blobs::Host for Ctx {}

impl blobs::HostBlob for Ctx {
    fn new(&mut self, v: u32) -> Resource<Blob> {
        new_blob(self, v)
    }

    fn value(&mut self, b: Resource<Blob>) -> u32 {
        self.table().get(&b).unwrap().0
    }

    fn drop(&mut self, b: Resource<Blob>) -> wasmtime::Result<()> {
        delete_blob(self, b);
        Ok(())
    }
}

struct StreamHost;

impl HasData for StreamHost {
    type Data<'a> = &'a mut Rec;
}

impl<T: 'static> host::HostWithStore<T> for StreamHost {
    async fn produce(accessor: &Accessor<T, Self>, n: u64) -> StreamReader<u8> {
        accessor
            .with(|mut access| StreamReader::new(&mut access, Bytes::new(n)))
            .unwrap()
    }

    async fn consume(accessor: &Accessor<T, Self>, s: StreamReader<u8>) -> (u64, u64) {
        let got = collect(accessor, s).await;
        (got.len() as u64, got.iter().map(|b| *b as u64).sum())
    }
}

impl host::Host for &mut Rec {}

pub async fn start() -> (Session<Rec>, Streams) {
    let mut linker = linker::<Rec>();
    host::add_to_linker::<_, StreamHost>(&mut linker, |ctx: &mut Ctx| &mut ctx.data.rec).unwrap();
    blobs::add_to_linker::<_, HasSelf<Ctx>>(&mut linker, |ctx| ctx).unwrap();
    let mut s = Session::new(Rec::default());
    let instance = linker
        .instantiate_async(&mut s.store, &component("streams"))
        .await
        .unwrap();
    let guest = Streams::new(&mut s.store, &instance).unwrap();
    s.store
        .run_concurrent(async |a| guest.e2e_streams_api().call_stats(a).await.unwrap())
        .await
        .unwrap();
    s.rec_mut().baseline = s.live_resources();
    (s, guest)
}

/// Asserts that the executor has no task in flight and watches no
/// waitable (waiting up to 5 s for goroutines to finish), that the host
/// table is back to its start-up contents, and that every blob created was
/// dropped.
pub async fn assert_idle(s: &mut Session<Rec>, guest: &Streams) {
    let stats = s
        .store
        .run_concurrent(async |a| {
            settle((0, 0), async || {
                guest.e2e_streams_api().call_stats(a).await.unwrap()
            })
            .await
        })
        .await
        .unwrap();
    assert_eq!(stats, (0, 0), "tasks in flight, waitables watched");
    let rec = s.rec();
    assert_eq!(
        rec.blobs_created, rec.blobs_dropped,
        "blobs created and dropped"
    );
    let baseline = rec.baseline;
    assert_eq!(s.live_resources(), baseline, "host resource table");
}

/// The guest's log, oldest first (and cleared), polled until it has `n`
/// entries or 5 s have passed.
pub async fn log_of(a: &Accessor<Ctx>, guest: &Streams, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut log = Vec::new();
    while log.len() < n && Instant::now() < deadline {
        log.extend(guest.e2e_streams_api().call_log(a).await.unwrap());
        if log.len() < n {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    log
}
