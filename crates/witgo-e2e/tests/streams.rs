//! stream<T> between the Rust host and Go: bytes through io.Reader and
//! io.Writer, streams of strings, records and resources written by
//! goroutines, partial writes, early drops on either side, readiness
//! (zero-length reads and writes), a deadline cancelling a read, a stream
//! forwarded host -> Go -> host, and memory that stays bounded while 1 GiB
//! passes. Every test ends with the executor idle, every blob dropped and
//! the host table back to its start-up contents.

mod common;

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use common::*;
use wasmtime::StoreContextMut;
use wasmtime::component::{Destination, StreamProducer, StreamReader, StreamResult};

#[tokio::test(flavor = "multi_thread")]
async fn go_reads_a_host_byte_stream_through_io_reader() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    for n in [0u64, 1, 100_000, 1 << 20] {
        let got = s
            .store
            .run_concurrent(async |a| {
                let stream = a
                    .with(|mut access| StreamReader::new(&mut access, Bytes::new(n)))
                    .unwrap();
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
    assert_eq!(
        got,
        (0..1000).map(|i| format!("item-{i}")).collect::<Vec<_>>()
    );
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_forwarded_host_to_go_to_host() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let n = 8 << 20;
    let got = s
        .store
        .run_concurrent(async |a| api.call_forward(a, n).await.unwrap())
        .await
        .unwrap();
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
            let stream = a
                .with(|mut access| StreamReader::new(&mut access, Bytes::new(1 << 20)))
                .unwrap();
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
            let stream = a
                .with(|mut access| StreamReader::new(&mut access, Bytes::new(n)))
                .unwrap();
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

#[tokio::test(flavor = "multi_thread")]
async fn records_both_ways_with_partial_writes() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let point = |i: i32| Point {
        x: i,
        y: -2 * i,
        label: format!("p{i}"),
    };
    let (sent, got) = s
        .store
        .run_concurrent(async |a| {
            let points: Vec<Point> = (0..100).map(point).collect();
            let stream = a
                .with(|mut access| StreamReader::new(&mut access, points))
                .unwrap();
            let sent = api.call_sum_points(a, stream).await.unwrap();
            // Go writes batches of 7; the host takes at most 3 per read, so
            // most writes complete partially and Go goes on from there.
            let stream = api.call_points(a, 1000).await.unwrap();
            (sent, collect_with(a, stream, 3, usize::MAX).await)
        })
        .await
        .unwrap();
    let labels: Vec<String> = (0..100).map(|i| format!("p{i}")).collect();
    assert_eq!(
        sent,
        (100, (0..100).map(|i| -i as i64).sum(), labels.join(","))
    );
    assert_eq!(got.items, (0..1000).map(point).collect::<Vec<_>>());
    assert!(
        got.reads.iter().all(|&n| n <= 3),
        "reads of more than 3: {:?}",
        got.reads
    );
    assert!(got.reads.len() >= 334, "{} reads", got.reads.len());
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn host_resources_both_ways() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let (sum, values) = s
        .store
        .run_concurrent(async |a| {
            // Host -> Go: Go reads the blobs, sums their values, closes them.
            let blobs: Vec<_> =
                a.with(|mut access| (1..=50).map(|v| new_blob(access.get(), v)).collect());
            let stream = a
                .with(|mut access| StreamReader::new(&mut access, blobs))
                .unwrap();
            let sum = api.call_sum_blobs(a, stream).await.unwrap();
            // Go -> host, 3 at a time: the host owns what it received.
            let stream = api.call_make_blobs(a, 100, 20).await.unwrap();
            let got = collect_with(a, stream, 3, usize::MAX).await;
            let values: Vec<u32> = a.with(|mut access| {
                got.items
                    .into_iter()
                    .map(|b| delete_blob(access.get(), b))
                    .collect()
            });
            (sum, values)
        })
        .await
        .unwrap();
    assert_eq!(sum, (1..=50).sum::<u64>());
    assert_eq!(values, (100..120).collect::<Vec<u32>>());
    assert_eq!(s.rec().blobs_created, 70);
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn go_sees_the_host_drop_its_reader_mid_write() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let (got, log) = s
        .store
        .run_concurrent(async |a| {
            let stream = api.call_count_until_dropped(a).await.unwrap();
            // Take 95 of Go's batches of 10, then drop the reading end in
            // the middle of a batch.
            let got = collect_with(a, stream, 0, 95).await;
            (got.items, log_of(a, &guest, 1).await)
        })
        .await
        .unwrap();
    assert_eq!(got, (0..95).collect::<Vec<u32>>());
    assert_eq!(log, ["wrote 95: peer gone"]);
    assert_idle(&mut s, &guest).await;
}

/// Produces `first` bytes of the pattern, then nothing until `stall` has
/// passed, then ends the stream (or, if `stall` is None, never ends it).
/// Counts zero-length reads in `zero_reads`, answering them at once.
struct Stall {
    first: u64,
    sent: bool,
    stall: Option<Pin<Box<tokio::time::Sleep>>>,
    zero_reads: Arc<AtomicUsize>,
}

impl Stall {
    fn new(first: u64, stall: Option<Duration>) -> Self {
        Stall {
            first,
            sent: false,
            stall: stall.map(|d| Box::pin(tokio::time::sleep(d))),
            zero_reads: Arc::default(),
        }
    }
}

impl<D> StreamProducer<D> for Stall {
    type Item = u8;
    type Buffer = bytes::Bytes;

    fn poll_produce<'a>(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut store: StoreContextMut<'a, D>,
        mut dst: Destination<'a, Self::Item, Self::Buffer>,
        finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        if dst.remaining(&mut store) == Some(0) {
            self.zero_reads.fetch_add(1, Ordering::SeqCst);
            return Poll::Ready(Ok(StreamResult::Completed));
        }
        if !self.sent {
            self.sent = true;
            dst.set_buffer((0..self.first).map(byte).collect::<Vec<u8>>().into());
            return Poll::Ready(Ok(StreamResult::Completed));
        }
        let ended = match &mut self.stall {
            Some(sleep) => sleep.as_mut().poll(cx).is_ready(),
            None => false,
        };
        match (ended, finish) {
            (true, _) => Poll::Ready(Ok(StreamResult::Dropped)),
            (false, true) => Poll::Ready(Ok(StreamResult::Cancelled)),
            (false, false) => Poll::Pending,
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_host_drops_its_writer_while_go_waits_to_read() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let got = s
        .store
        .run_concurrent(async |a| {
            let producer = Stall::new(10, Some(Duration::from_millis(50)));
            let stream = a
                .with(|mut access| StreamReader::new(&mut access, producer))
                .unwrap();
            api.call_sum_bytes(a, stream).await.unwrap()
        })
        .await
        .unwrap();
    assert_eq!(got, expected(10));
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deadline_cancels_a_pending_read_and_keeps_what_arrived() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let t = Instant::now();
    let got = s
        .store
        .run_concurrent(async |a| {
            let stream = a
                .with(|mut access| StreamReader::new(&mut access, Stall::new(10, None)))
                .unwrap();
            api.call_read_until_deadline(a, stream, 50).await.unwrap()
        })
        .await
        .unwrap();
    assert_eq!(got, (10, "context deadline exceeded".to_string()));
    assert!(
        t.elapsed() >= Duration::from_millis(50),
        "returned after {:?}",
        t.elapsed()
    );
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn zero_length_reads_and_writes_wait_for_readiness() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let producer = Stall::new(1000, Some(Duration::ZERO));
    let zero_reads = producer.zero_reads.clone();
    let (read, before, got, after) = s
        .store
        .run_concurrent(async |a| {
            // Go: Ready (a zero-length read), then read everything.
            let stream = a
                .with(|mut access| StreamReader::new(&mut access, producer))
                .unwrap();
            let read = api.call_ready_then_sum(a, stream).await.unwrap();
            // Go: wait until the host reads (a zero-length write), then write.
            let stream = api.call_ready_then_write(a, 5000).await.unwrap();
            tokio::time::sleep(Duration::from_millis(50)).await;
            let before = api.call_log(a).await.unwrap();
            let got = collect(a, stream).await;
            (read, before, got, log_of(a, &guest, 1).await)
        })
        .await
        .unwrap();
    assert_eq!(read, ("ready".to_string(), 1000, expected(1000).1));
    assert_eq!(
        zero_reads.load(Ordering::SeqCst),
        1,
        "zero-length reads the host saw"
    );
    assert!(
        before.is_empty(),
        "Go's writer was ready before the host read: {before:?}"
    );
    assert_eq!(after, ["writer ready"]);
    assert_eq!(got, (0..5000).map(byte).collect::<Vec<u8>>());
    assert_idle(&mut s, &guest).await;
}
