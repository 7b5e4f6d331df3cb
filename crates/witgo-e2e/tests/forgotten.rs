//! Stream and future ends that Go code forgets (never reads, never closes)
//! are dropped once the collector finds them unreachable, as forgotten
//! resource handles are: an instance that serves forever (a `wasmtime
//! serve` instance reused for every request) must not keep one host
//! producer per call. The natural Go spelling `resp, _ := ResponseNew(...)`
//! forgets such an end on every request.
//!
//! One instance of the streams guest takes 200,000 calls of `forget-ends`
//! (`WITGO_FORGET_CALLS=N` for another count), each forgetting three ends:
//! a stream and a future the host passes in and the stream that
//! `host.produce` returns. The host counts its producers alive; they, the
//! host's resource table and the guest's linear memory stay flat.

mod common;

use std::sync::atomic::Ordering;

use common::*;
use wasmtime::component::StreamReader;
use witgo_e2e::{Session, settle};

/// Calls `forget-ends` from `from` up to `to`, 16 at a time.
async fn forget(s: &mut Session<Rec>, guest: &Streams, from: u64, to: u64) {
    let api = guest.e2e_streams_api();
    s.store
        .run_concurrent(async |a| {
            let mut i = from;
            while i < to {
                let batch = (to - i).min(16);
                let calls = (0..batch).map(|k| {
                    let v = (i + k) as u32;
                    let stream = a
                        .with(|mut access| {
                            StreamReader::new(&mut access, Bytes::new(1 + u64::from(v % 64)))
                        })
                        .unwrap();
                    api.call_forget_ends(a, stream, ready(a, v), 8)
                });
                for r in futures::future::join_all(calls).await {
                    r.unwrap();
                }
                i += batch;
            }
        })
        .await
        .unwrap();
}

fn live() -> i64 {
    LIVE_PRODUCERS.load(Ordering::Relaxed)
}

#[tokio::test(flavor = "multi_thread")]
async fn forgotten_stream_and_future_ends_are_dropped() {
    let calls: u64 = std::env::var("WITGO_FORGET_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let (mut s, guest) = start().await;
    let warm = calls / 10;
    forget(&mut s, &guest, 0, warm).await;
    let mem_warm = s.store.data().data.mem.peak;
    let mut most = 0;
    let step = calls / 20;
    let mut done = warm;
    let t = std::time::Instant::now();
    while done < calls {
        let next = (done + step).min(calls);
        forget(&mut s, &guest, done, next).await;
        done = next;
        most = most.max(live());
    }
    let took = t.elapsed();
    let mem_end = s.store.data().data.mem.peak;
    println!(
        "forgot {} ends in {calls} calls ({:.1} us per call after the warm-up): at most {most} producers \
         alive between batches of {step} calls; linear memory {mem_warm} -> {mem_end} bytes",
        3 * calls,
        took.as_secs_f64() * 1e6 / (calls - warm) as f64
    );
    // Without the cleanups every producer would still be alive: 3 per call.
    // With them, what piles up between two collections stays alive, a
    // number that does not grow with the calls.
    assert!(
        most < 5_000,
        "{most} host producers alive after {calls} calls"
    );
    assert!(
        mem_end <= mem_warm + (2 << 20),
        "linear memory grew from {mem_warm} to {mem_end} bytes"
    );

    // After a collection and a call that lets the cleanups run, nothing of
    // it is left: no producer, and the executor and host table are idle.
    let api = guest.e2e_streams_api();
    let left = s
        .store
        .run_concurrent(async |a| {
            settle(0, async || {
                api.call_heap(a).await.unwrap();
                let empty = a
                    .with(|mut access| StreamReader::new(&mut access, Bytes::new(0)))
                    .unwrap();
                api.call_sum_bytes(a, empty).await.unwrap();
                live()
            })
            .await
        })
        .await
        .unwrap();
    assert_eq!(left, 0, "host producers alive after a collection");
    assert_idle(&mut s, &guest).await;
}
