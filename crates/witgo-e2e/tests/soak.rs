//! Soak: a long mix of calls into one Go instance (the streams guest) —
//! sync exports, async exports reading host streams and futures, goroutines
//! writing streams back, host resources created by the host and dropped by
//! Go and created by Go and dropped by the host — checked after a warm-up and
//! at the end: Go's live heap, the guest's linear memory, the goroutine
//! count, the executor (no task, no waitable) and the host's resource table.
//!
//! Each round is 10 export calls (4 of them `stats`, 1 `log`: sync). After
//! 50,000 calls of warm-up the normal tests run 1,000,000 more (about 90 s
//! here); `WITGO_SOAK_CALLS=N` runs N instead.

mod common;

use std::time::Instant;

use common::*;
use wasmtime::component::StreamReader;
use witgo_e2e::Session;

/// Export calls per round of [`soak`].
const ROUND: u64 = 10;

/// Rounds of the mix until `done` reaches `until`; returns the new count.
async fn soak(s: &mut Session<Rec>, guest: &Streams, mut done: u64, until: u64) -> u64 {
    let api = guest.e2e_streams_api();
    s.store
        .run_concurrent(async |a| {
            while done < until {
                let r = done / ROUND;
                for _ in 0..4 {
                    api.call_stats(a).await.unwrap();
                }
                assert!(api.call_log(a).await.unwrap().is_empty());
                // Host -> Go bytes, sizes that vary round to round.
                let n = 1 + r % 777;
                let stream = a
                    .with(|mut access| StreamReader::new(&mut access, Bytes::new(n)))
                    .unwrap();
                assert_eq!(api.call_sum_bytes(a, stream).await.unwrap(), expected(n));
                // A future each way.
                let v = r as u32;
                let back = api.call_bump(a, ready(a, v)).await.unwrap();
                assert_eq!(take(a, back).await, Some(v.wrapping_add(1)));
                // Go -> host strings from a goroutine.
                let k = (r % 9) as u32;
                let got = collect(a, api.call_strings(a, k).await.unwrap()).await;
                assert_eq!(got.len(), k as usize);
                // Host resources: made by the host, dropped by Go...
                let blobs: Vec<_> =
                    a.with(|mut access| (0..3).map(|i| new_blob(access.get(), v + i)).collect());
                let stream = a
                    .with(|mut access| StreamReader::new(&mut access, blobs))
                    .unwrap();
                let want = 3 * u64::from(v) + 3;
                assert_eq!(api.call_sum_blobs(a, stream).await.unwrap(), want);
                // ...and made by Go, dropped by the host.
                let made = collect(a, api.call_make_blobs(a, v, 2).await.unwrap()).await;
                let values: Vec<u32> = a.with(|mut access| {
                    made.into_iter()
                        .map(|b| delete_blob(access.get(), b))
                        .collect()
                });
                assert_eq!(values, [v, v.wrapping_add(1)]);
                done += ROUND;
            }
            done
        })
        .await
        .unwrap()
}

/// (Go's live heap, goroutines, linear memory) now.
async fn measure(s: &mut Session<Rec>, guest: &Streams) -> (u64, u32, usize) {
    let (heap, goroutines) = s
        .store
        .run_concurrent(async |a| guest.e2e_streams_api().call_heap(a).await.unwrap())
        .await
        .unwrap();
    (heap, goroutines, s.store.data().data.mem.peak)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_mix_of_calls_leaves_memory_flat_and_tables_empty() {
    let calls: u64 = std::env::var("WITGO_SOAK_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let (mut s, guest) = start().await;
    // The warm-up lets Go's heap and linear memory reach their steady state
    // (the collector lets the heap grow to its goal between cycles).
    let warm = 50_000;
    let t = Instant::now();
    let done = soak(&mut s, &guest, 0, warm).await;
    let before = measure(&mut s, &guest).await;
    let done = soak(&mut s, &guest, done, warm + calls).await;
    let after = measure(&mut s, &guest).await;
    let elapsed = t.elapsed();
    let rec = s.rec();
    println!(
        "soak: {done} calls in {elapsed:.1?}; Go heap {} -> {} bytes, goroutines {} -> {}, \
         linear memory {} -> {} bytes; blobs created {}, dropped {}",
        before.0,
        after.0,
        before.1,
        after.1,
        before.2,
        after.2,
        rec.blobs_created,
        rec.blobs_dropped
    );
    // Leaked, one round's values (5 blobs' handles, a few strings, a
    // future) over 10,000 rounds would hold far more than these bounds.
    assert!(
        after.0 <= before.0 + (256 << 10),
        "Go's live heap grew from {} to {} bytes",
        before.0,
        after.0
    );
    assert!(
        after.2 <= before.2 + (2 << 20),
        "linear memory grew from {} to {} bytes",
        before.2,
        after.2
    );
    assert_eq!(after.1, before.1, "goroutines");
    assert_eq!(u64::from(s.rec().blobs_created), done / ROUND * 5);
    assert_idle(&mut s, &guest).await;
}
