//! Faults and their defined outcomes: a Go panic in a goroutine writing a
//! stream and a panic while reading one trap the instance, with the panic's
//! message in the error the host sees; the instance then refuses further
//! calls, and another instance of the same component, in its own store,
//! keeps working. A host import that fails while Go awaits it ends the
//! host's call with the host's error (see that test for what Wasmtime
//! leaves behind).
//!
//! The other faults have their own tests: the host dropping a stream's
//! reader mid-write or its writer mid-read (streams.rs), a future dropped
//! before it is read or written (futures.rs), and 10,000 import calls
//! cancelled at random points (tasks.rs), guest to guest too (composed.rs).

use std::time::Duration;

use wasmtime::component::{Accessor, HasData, StreamReader};
use witgo_e2e::{Session, component, linker};

mod common;

use common::{Bytes, collect_with};

wasmtime::component::bindgen!({
    path: "guests/faults/world.wit",
    world: "faults",
    imports: { default: async | store | trappable },
    exports: { default: async | store },
});

use e2e::faults::host;

struct FailHost;

impl HasData for FailHost {
    type Data<'a> = &'a mut ();
}

impl<T> host::HostWithStore<T> for FailHost {
    async fn fail(_: &Accessor<T, Self>, msg: String) -> wasmtime::Result<u32> {
        // Pending once, so Go has started waiting on the subtask.
        tokio::task::yield_now().await;
        Err(wasmtime::format_err!("host failure: {msg}"))
    }
}

impl host::Host for &mut () {}

async fn start() -> (Session<()>, Faults) {
    let mut linker = linker::<()>();
    host::add_to_linker::<_, FailHost>(&mut linker, |ctx| &mut ctx.data.rec).unwrap();
    let mut s = Session::new(());
    let instance = linker
        .instantiate_async(&mut s.store, &component("faults"))
        .await
        .unwrap();
    let guest = Faults::new(&mut s.store, &instance).unwrap();
    (s, guest)
}

/// The error of a trapped call with the Go panic (if any) in front.
fn error_text<R>(s: &Session<()>, r: wasmtime::Result<R>) -> String {
    let err =
        witgo_e2e::witgo_host::with_go_panic(r.map_err(anyhow::Error::from), &s.stderr_text())
            .err()
            .expect("the call must fail");
    format!("{err:#}")
}

/// The instance that trapped refuses further calls; a fresh instance works.
async fn assert_dead_and_others_fine(s: &mut Session<()>, guest: &Faults) {
    let again = s
        .store
        .run_concurrent(async |a| guest.e2e_faults_api().call_fine(a).await)
        .await;
    let refused = match again {
        Ok(Ok(v)) => panic!("the trapped instance answered {v}"),
        Ok(Err(e)) | Err(e) => format!("{e:#}"),
    };
    assert!(
        refused.contains("cannot enter component instance"),
        "{refused}"
    );
    let (mut other, g) = start().await;
    let api = g.e2e_faults_api();
    let (fine, streamed) = other
        .store
        .run_concurrent(async |a| {
            let fine = api.call_fine(a).await.unwrap();
            let s = api
                .call_panic_mid_stream(a, 10_000, u32::MAX, "unused".into())
                .await
                .unwrap();
            (fine, collect_with(a, s, 0, usize::MAX).await.items.len())
        })
        .await
        .unwrap();
    assert_eq!((fine, streamed), (42, 10_000));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_in_a_goroutine_writing_a_stream_traps_with_its_message() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_faults_api();
    let r = s
        .store
        .run_concurrent(async |a| {
            let stream = api
                .call_panic_mid_stream(a, 1 << 20, 100_000, "boom at 100000".into())
                .await
                .unwrap();
            collect_with(a, stream, 0, usize::MAX).await.items.len()
        })
        .await;
    let err = error_text(&s, r);
    assert!(
        err.starts_with("the Go code panicked: boom at 100000"),
        "{err}"
    );
    assert_dead_and_others_fine(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_while_reading_a_host_stream_traps_with_its_message() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_faults_api();
    let r = s
        .store
        .run_concurrent(async |a| {
            let stream = a
                .with(|mut access| StreamReader::new(&mut access, Bytes::new(1 << 20)))
                .unwrap();
            api.call_panic_reading(a, stream, 50_000, "boom reading".into())
                .await
        })
        .await;
    let r = r.and_then(|inner| inner);
    let err = error_text(&s, r);
    assert!(
        err.starts_with("the Go code panicked: boom reading"),
        "{err}"
    );
    assert_dead_and_others_fine(&mut s, &guest).await;
}

/// Wasmtime 48 hands a concurrent host import's error to the embedder (the
/// event loop returns it) but does not poison the instance: the Go task
/// that awaited the import stays in flight for good (one task, one waitable
/// watched) while the rest of the instance keeps answering. An embedder
/// should drop the instance, as `witgo run` does.
#[tokio::test(flavor = "multi_thread")]
async fn a_host_import_failing_while_go_awaits_it_ends_the_call_with_the_hosts_error() {
    let (mut s, guest) = start().await;
    let api = guest.e2e_faults_api();
    let r = tokio::time::timeout(
        Duration::from_secs(30),
        s.store
            .run_concurrent(async |a| api.call_await_failing(a, "disk on fire".into()).await),
    )
    .await
    .expect("the failing import must end the call, not hang it");
    let r = r.and_then(|inner| inner);
    let err = error_text(&s, r);
    assert!(err.contains("host failure: disk on fire"), "{err}");
    assert!(
        !s.stderr_text().contains("panic:"),
        "Go saw no error to panic about: {}",
        s.stderr_text()
    );
    let (stats, fine) = s
        .store
        .run_concurrent(async |a| {
            (
                api.call_stats(a).await.unwrap(),
                api.call_fine(a).await.unwrap(),
            )
        })
        .await
        .unwrap();
    assert_eq!(
        stats,
        (1, 1),
        "the awaiting task and its subtask stay behind"
    );
    assert_eq!(fine, 42);
    let (mut other, g) = start().await;
    let fine = other
        .store
        .run_concurrent(async |a| g.e2e_faults_api().call_fine(a).await.unwrap())
        .await
        .unwrap();
    assert_eq!(fine, 42);
}
