//! stream<T> and future<T> between the Rust host and Go: bytes through
//! io.Reader/io.Writer, a stream of strings written by a goroutine, a future
//! read and answered, a stream forwarded host -> Go -> host, a reader that
//! drops its end early, and memory that stays bounded while 1 GiB passes.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use tokio::sync::oneshot;
use wasmtime::StoreContextMut;
use wasmtime::component::{
    Accessor, FutureConsumer, FutureReader, HasData, Source, StreamConsumer, StreamProducer, StreamReader, StreamResult,
};
use witgo_e2e::{E2e, Session, component, linker};
use witgo_host::HostCtx;

wasmtime::component::bindgen!({
    path: "guests/streams/world.wit",
    world: "streams",
    imports: { default: async | store },
    exports: { default: async | store },
});

use e2e::streams::host;

fn byte(i: u64) -> u8 {
    (i % 251) as u8
}

fn expected(n: u64) -> (u64, u64) {
    let period: u64 = (0..251).sum();
    (n, (n / 251) * period + (0..n % 251).sum::<u64>())
}

/// Produces n bytes (byte i = i % 251) lazily, in chunks of 65,511 bytes
/// (261 periods of 251, so every chunk is the same).
struct Bytes {
    next: u64,
    n: u64,
}

fn pattern() -> bytes::Bytes {
    static PATTERN: std::sync::OnceLock<bytes::Bytes> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| (0..251 * 261).map(byte).collect::<Vec<u8>>().into()).clone()
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

/// Collects what a stream delivers; tells `done` when the stream ends.
struct Collect<T> {
    items: Arc<Mutex<Vec<T>>>,
    done: Option<oneshot::Sender<()>>,
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
        let mut buf = Vec::with_capacity(source.remaining(&mut store).max(1));
        source.read(&mut store, &mut buf)?;
        self.items.lock().unwrap().extend(buf);
        Poll::Ready(Ok(StreamResult::Completed))
    }
}

/// Pipes `s` into a [`Collect`] and waits for the stream to end.
async fn collect<T: wasmtime::component::Lift + Send + Sync + 'static, D: 'static>(a: &Accessor<D, impl HasData>, s: StreamReader<T>) -> Vec<T> {
    let items = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = oneshot::channel();
    a.with(|mut access| s.pipe(&mut access, Collect { items: items.clone(), done: Some(tx) })).unwrap();
    rx.await.unwrap();
    Arc::try_unwrap(items).ok().unwrap().into_inner().unwrap()
}

/// Takes a future's value.
struct Take<T>(Option<oneshot::Sender<T>>);

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

#[derive(Default)]
struct Rec {
    baseline: usize,
}

struct StreamHost;

impl HasData for StreamHost {
    type Data<'a> = &'a mut Rec;
}

impl<T: 'static> host::HostWithStore<T> for StreamHost {
    async fn produce(accessor: &Accessor<T, Self>, n: u64) -> StreamReader<u8> {
        accessor.with(|mut access| StreamReader::new(&mut access, Bytes { next: 0, n })).unwrap()
    }

    async fn consume(accessor: &Accessor<T, Self>, s: StreamReader<u8>) -> (u64, u64) {
        let got = collect(accessor, s).await;
        (got.len() as u64, got.iter().map(|b| *b as u64).sum())
    }
}

impl host::Host for &mut Rec {}

async fn start() -> (Session<Rec>, Streams) {
    let mut linker = linker::<Rec>();
    host::add_to_linker::<_, StreamHost>(&mut linker, |ctx: &mut HostCtx<E2e<Rec>>| &mut ctx.data.rec).unwrap();
    let mut s = Session::new(Rec::default());
    let instance = linker.instantiate_async(&mut s.store, &component("streams")).await.unwrap();
    let guest = Streams::new(&mut s.store, &instance).unwrap();
    s.store.run_concurrent(async |a| guest.e2e_streams_api().call_stats(a).await.unwrap()).await.unwrap();
    s.rec_mut().baseline = s.live_resources();
    (s, guest)
}

async fn assert_idle(s: &mut Session<Rec>, guest: &Streams) {
    let stats = s
        .store
        .run_concurrent(async |a| {
            let deadline = Instant::now() + std::time::Duration::from_secs(5);
            loop {
                let stats = guest.e2e_streams_api().call_stats(a).await.unwrap();
                if stats == (0, 0) || Instant::now() > deadline {
                    return stats;
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        })
        .await
        .unwrap();
    assert_eq!(stats, (0, 0), "tasks in flight, waitables watched");
    let baseline = s.rec().baseline;
    assert_eq!(s.live_resources(), baseline, "host resource table");
}

#[tokio::test(flavor = "multi_thread")]
async fn go_reads_a_host_byte_stream_through_io_reader() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    for n in [0u64, 1, 100_000, 1 << 20] {
        let got = s
            .store
            .run_concurrent(async |a| {
                let stream = a.with(|mut access| StreamReader::new(&mut access, Bytes { next: 0, n })).unwrap();
                api.call_sum_bytes(a, stream).await.unwrap()
            })
            .await
            .unwrap();
        assert_eq!(got, expected(n), "{n} bytes");
    }
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_goroutine_writes_a_stream_of_strings() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let got = s
        .store
        .run_concurrent(async |a| {
            let stream = api.call_strings(a, 1000).await.unwrap();
            collect(a, stream).await
        })
        .await
        .unwrap();
    assert_eq!(got, (0..1000).map(|i| format!("item-{i}")).collect::<Vec<_>>());
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn futures_ping_pong() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let got = s
        .store
        .run_concurrent(async |a| {
            let mut v = 0u32;
            for _ in 0..50 {
                let f = a.with(|mut access| FutureReader::new(&mut access, async move { wasmtime::Result::<u32>::Ok(v) })).unwrap();
                let back = api.call_bump(a, f).await.unwrap();
                let (tx, rx) = oneshot::channel();
                a.with(|mut access| back.pipe(&mut access, Take(Some(tx)))).unwrap();
                v = rx.await.unwrap();
            }
            v
        })
        .await
        .unwrap();
    assert_eq!(got, 50);
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_forwarded_host_to_go_to_host() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let n = 8 << 20;
    let got = s.store.run_concurrent(async |a| api.call_forward(a, n).await.unwrap()).await.unwrap();
    assert_eq!(got, expected(n));
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn go_drops_its_reader_mid_stream() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let got = s
        .store
        .run_concurrent(async |a| {
            let stream = a.with(|mut access| StreamReader::new(&mut access, Bytes { next: 0, n: 1 << 20 })).unwrap();
            api.call_read_some(a, stream, 1000).await.unwrap()
        })
        .await
        .unwrap();
    assert_eq!(got, 1000);
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_gib_through_go_with_bounded_memory() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let n: u64 = 1 << 30;
    let t = Instant::now();
    let got = s
        .store
        .run_concurrent(async |a| {
            let stream = a.with(|mut access| StreamReader::new(&mut access, Bytes { next: 0, n })).unwrap();
            api.call_sum_bytes(a, stream).await.unwrap()
        })
        .await
        .unwrap();
    let elapsed = t.elapsed();
    assert_eq!(got, expected(n));
    let peak = s.store.data().data.mem.peak;
    eprintln!("1 GiB host -> Go stream: {elapsed:?}, guest memory peak {peak} bytes");
    assert!(peak < 64 << 20, "guest memory grew to {peak} bytes");
    assert_idle(&mut s, &guest).await;
}
