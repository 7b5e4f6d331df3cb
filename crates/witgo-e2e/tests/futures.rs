//! future<T> between the Rust host and Go: ping-pong, a future of every
//! payload kind (strings, lists, records, results, options, unit, host
//! resources) both ways, a future dropped before it is read or written to,
//! closing an unwritten future refused (the Component Model would trap),
//! a cancelled read read again, and a cancelled write retried with the
//! value it did not deliver. Every test ends with the executor idle, every
//! blob dropped and the host table back to its start-up contents.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::*;
use wasmtime::component::FutureReader;

#[tokio::test(flavor = "multi_thread")]
async fn futures_ping_pong() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let got = s
        .store
        .run_concurrent(async |a| {
            let mut v = 0u32;
            for _ in 0..50 {
                let back = api.call_bump(a, ready(a, v)).await.unwrap();
                v = take(a, back).await.unwrap();
            }
            v
        })
        .await
        .unwrap();
    assert_eq!(got, 50);
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn futures_of_every_payload_kind_round_trip_through_go() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let point = Point {
        x: -7,
        y: 1 << 30,
        label: "\u{1F980} crab".into(),
    };
    let point2 = point.clone();
    let got = s
        .store
        .run_concurrent(async |a| {
            let string = take(
                a,
                api.call_echo_string(a, ready(a, "hello, wörld".to_string()))
                    .await
                    .unwrap(),
            )
            .await;
            let empty = take(
                a,
                api.call_echo_string(a, ready(a, String::new()))
                    .await
                    .unwrap(),
            )
            .await;
            let bytes = take(
                a,
                api.call_echo_bytes(a, ready(a, (0..=255u8).collect::<Vec<u8>>()))
                    .await
                    .unwrap(),
            )
            .await;
            let point = take(a, api.call_echo_point(a, ready(a, point2)).await.unwrap()).await;
            let ok = take(
                a,
                api.call_echo_result(a, ready(a, Ok::<u32, String>(42)))
                    .await
                    .unwrap(),
            )
            .await;
            let err = take(
                a,
                api.call_echo_result(a, ready(a, Err::<u32, String>("bad".into())))
                    .await
                    .unwrap(),
            )
            .await;
            let strings = Some(vec!["a".to_string(), "".into(), "c".into()]);
            let some = take(a, api.call_echo_option(a, ready(a, strings)).await.unwrap()).await;
            let none = take(
                a,
                api.call_echo_option(a, ready(a, None::<Vec<String>>))
                    .await
                    .unwrap(),
            )
            .await;
            let unit = take(a, api.call_echo_unit(a, ready(a, ())).await.unwrap()).await;
            let blob = a.with(|mut access| new_blob(access.get(), 77));
            let back = take(a, api.call_echo_blob(a, ready(a, blob)).await.unwrap())
                .await
                .unwrap();
            let blob = a.with(|mut access| delete_blob(access.get(), back));
            (string, empty, bytes, point, ok, err, some, none, unit, blob)
        })
        .await
        .unwrap();
    assert_eq!(got.0.as_deref(), Some("hello, wörld"));
    assert_eq!(got.1.as_deref(), Some(""));
    assert_eq!(got.2, Some((0..=255u8).collect::<Vec<u8>>()));
    assert_eq!(got.3, Some(point));
    assert_eq!(got.4, Some(Ok(42)));
    assert_eq!(got.5, Some(Err("bad".to_string())));
    assert_eq!(
        got.6,
        Some(Some(vec!["a".to_string(), "".into(), "c".into()]))
    );
    assert_eq!(got.7, Some(None));
    assert_eq!(got.8, Some(()));
    assert_eq!(got.9, 77);
    assert_eq!(
        s.rec().blobs_created,
        1,
        "Go passed the host's blob on, not a copy"
    );
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_an_unwritten_future_is_refused_and_the_value_still_arrives() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let (got, log) = s
        .store
        .run_concurrent(async |a| {
            let got = take(a, api.call_close_unwritten(a, 11).await.unwrap()).await;
            (got, log_of(a, &guest, 2).await)
        })
        .await
        .unwrap();
    assert_eq!(got, Some(11));
    assert_eq!(log, ["close: unwritten", "wrote 11: ok"]);
    assert_idle(&mut s, &guest).await;
}

/// Sets its flag when dropped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn go_drops_a_host_future_unread() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = DropFlag(dropped.clone());
    s.store
        .run_concurrent(async |a| {
            let f = a.with(|mut access| {
                FutureReader::new(&mut access, async move {
                    let _flag = flag;
                    std::future::pending::<()>().await;
                    wasmtime::Result::<u32>::Ok(0)
                })
            });
            api.call_drop_future(a, f.unwrap()).await.unwrap();
        })
        .await
        .unwrap();
    assert!(
        dropped.load(Ordering::SeqCst),
        "the host's writer outlived Go's reader"
    );
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn go_sees_the_host_drop_a_future_before_reading() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let (dropped, read) = s
        .store
        .run_concurrent(async |a| {
            let mut f = api.call_write_future(a, 7).await.unwrap();
            a.with(|mut access| f.close(&mut access)).unwrap();
            let dropped = log_of(a, &guest, 1).await;
            let f = api.call_write_future(a, 8).await.unwrap();
            let read = take(a, f).await;
            (dropped, (read, log_of(a, &guest, 1).await))
        })
        .await
        .unwrap();
    assert_eq!(dropped, ["wrote 7: peer gone"]);
    assert_eq!(read, (Some(8), vec!["wrote 8: ok".to_string()]));
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_future_read_can_be_read_again() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let t = Instant::now();
    let got = s
        .store
        .run_concurrent(async |a| {
            // The host writes 5 only after 150 ms; Go's first read gives up
            // after 30.
            let f = a.with(|mut access| {
                FutureReader::new(&mut access, async {
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    wasmtime::Result::<u32>::Ok(5)
                })
            });
            api.call_read_twice(a, f.unwrap(), 30).await.unwrap()
        })
        .await
        .unwrap();
    assert_eq!(got, "context deadline exceeded, then value 5");
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_future_write_is_retried_with_the_unsent_value() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let (first, value, second) = s
        .store
        .run_concurrent(async |a| {
            // Go writes a blob with a 30 ms deadline while the host does not
            // read; the write is cancelled and the blob comes back to Go.
            let f = api.call_write_twice(a, 9, 30).await.unwrap();
            let first = log_of(a, &guest, 1).await;
            let blob = take(a, f).await.unwrap();
            let value = a.with(|mut access| delete_blob(access.get(), blob));
            (first, value, log_of(a, &guest, 1).await)
        })
        .await
        .unwrap();
    assert_eq!(first, ["first write: deadline"]);
    assert_eq!(value, 9);
    assert_eq!(second, ["second write: ok"]);
    assert_eq!(s.rec().blobs_created, 1, "the retry sent the same blob");
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ends_dropped_early_inside_go() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let got = s
        .store
        .run_concurrent(async |a| api.call_local_drops(a).await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        got,
        [
            "future write after reader dropped: peer gone",
            "unsent: lost",
            r#"stream write after reader dropped: 0, peer gone, ["a" "b"]"#,
            "stream read after writer dropped: 0, eof",
            "stream read never passed on: 0, witgo/async: read from an end made by this component and never passed to a WIT function: its writer is here too (use a Go channel between goroutines)",
            r#"then a write: 0, peer gone"#,
        ]
    );
    assert_idle(&mut s, &guest).await;
}

/// The host's ends of a stream or future made in Go come into being when
/// the reader is passed on: writes Go started before (a goroutine writing
/// while the export sleeps) wait for that and then arrive, and a writer
/// closed before it reads as an empty stream.
#[tokio::test(flavor = "multi_thread")]
async fn ends_used_before_they_are_passed_on() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_streams_api();
    let (early, closed, future, log) = s
        .store
        .run_concurrent(async |a| {
            let (early, closed, f) = api.call_early_ends(a, 42, 20).await.unwrap();
            let early = collect(a, early).await;
            let closed = collect(a, closed).await;
            let future = take(a, f).await;
            let mut log = log_of(a, &guest, 2).await;
            log.sort();
            (early, closed, future, log)
        })
        .await
        .unwrap();
    assert_eq!(early, ["early", "writes"]);
    assert!(closed.is_empty(), "{closed:?}");
    assert_eq!(future, Some(42));
    assert_eq!(log, ["early future: ok", "early stream: ok"]);
    assert_idle(&mut s, &guest).await;
}
