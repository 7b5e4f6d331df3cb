//! End to end: resources exported by Go (driven from Rust through typed
//! bindings) and imported by Go (implemented in Rust), plus memory that
//! stays flat over 100,000 calls.

mod common;

use wasmtime::Store;
use wasmtime::component::{HasSelf, Linker, Resource, ResourceAny};
use witgo_host::{HostCtx, RunOptions, add_wasi_to_linker};

wasmtime::component::bindgen!({
    path: "tests/guests/resources/world.wit",
    world: "resources",
    with: { "e2e:resources/store.blob": crate::Blob },
    exports: { default: async },
});

use e2e::resources::store::{Host, HostBlob};

/// The host's blob: bytes in the resource table.
pub struct Blob(Vec<u8>);

#[derive(Default)]
struct Stats {
    created: u32,
    dropped: u32,
}

impl Host for HostCtx<Stats> {
    fn consume(&mut self, b: Resource<Blob>) -> u32 {
        let blob = self.table().delete(b).unwrap();
        self.data.dropped += 1;
        blob.0.len() as u32
    }
    fn peek(&mut self, b: Resource<Blob>) -> u32 {
        assert!(b.owned() == false, "peek receives a borrow");
        self.table().get(&b).unwrap().0.len() as u32
    }
    fn wrap(&mut self, n: u32) -> Vec<Resource<Blob>> {
        (0..n)
            .map(|i| self.new(vec![b'x'; i as usize + 1]))
            .collect()
    }
    fn maybe_blob(&mut self, make: bool) -> Option<Resource<Blob>> {
        make.then(|| self.new(b"maybe".to_vec()))
    }
    fn text(&mut self, n: u32) -> String {
        "t".repeat(n as usize)
    }
}

impl HostBlob for HostCtx<Stats> {
    fn new(&mut self, data: Vec<u8>) -> Resource<Blob> {
        self.data.created += 1;
        self.table().push(Blob(data)).unwrap()
    }
    fn size(&mut self, b: Resource<Blob>) -> u32 {
        self.table().get(&b).unwrap().0.len() as u32
    }
    fn read(&mut self, b: Resource<Blob>) -> Vec<u8> {
        self.table().get(&b).unwrap().0.clone()
    }
    fn concat(&mut self, a: Resource<Blob>, b: Resource<Blob>) -> Resource<Blob> {
        let mut data = self.table().get(&a).unwrap().0.clone();
        data.extend_from_slice(&self.table().get(&b).unwrap().0);
        self.new(data)
    }
    fn drop(&mut self, b: Resource<Blob>) -> wasmtime::Result<()> {
        self.table().delete(b)?;
        self.data.dropped += 1;
        Ok(())
    }
}

async fn instantiate() -> (Store<HostCtx<Stats>>, Resources) {
    let component = common::load("resources");
    let engine = witgo_host::engine().unwrap();
    let mut linker = Linker::new(&engine);
    add_wasi_to_linker(&mut linker).unwrap();
    e2e::resources::store::add_to_linker::<_, HasSelf<HostCtx<Stats>>>(&mut linker, |ctx| ctx)
        .unwrap();
    let ctx =
        HostCtx::from_options("resources.wasm", &RunOptions::default(), Stats::default()).unwrap();
    let mut store = Store::new(&engine, ctx);
    let instance = Resources::instantiate_async(&mut store, &component, &linker)
        .await
        .unwrap();
    (store, instance)
}

#[tokio::test]
async fn go_exported_resource_lifecycle() {
    let (mut store, guest) = instantiate().await;
    let api = guest.e2e_resources_counters();
    let counter = api.counter();
    let base = store.data_mut().live_resources();

    let a: ResourceAny = counter.call_constructor(&mut store, 5).await.unwrap();
    let b = counter.call_constructor(&mut store, 10).await.unwrap();
    assert_eq!(counter.call_inc(&mut store, a, 2).await.unwrap(), 7);
    assert_eq!(counter.call_inc(&mut store, a, 3).await.unwrap(), 10);
    assert_eq!(counter.call_get(&mut store, b).await.unwrap(), 10);
    // Borrow parameters.
    assert_eq!(api.call_total(&mut store, a).await.unwrap(), 10);
    let merged = counter.call_merge(&mut store, a, b).await.unwrap();
    assert_eq!(counter.call_get(&mut store, merged).await.unwrap(), 20);
    assert_eq!(api.call_drops(&mut store).await.unwrap(), 0);

    // Dropping a handle runs the Go value's Drop exactly once.
    merged.resource_drop_async(&mut store).await.unwrap();
    assert_eq!(api.call_drops(&mut store).await.unwrap(), 1);

    // Passing ownership into Go: the Go value comes back to Go without its Drop.
    assert_eq!(api.call_take(&mut store, b).await.unwrap(), 100);
    assert_eq!(api.call_drops(&mut store).await.unwrap(), 1);

    a.resource_drop_async(&mut store).await.unwrap();
    assert_eq!(api.call_drops(&mut store).await.unwrap(), 2);
    assert_eq!(
        store.data_mut().live_resources(),
        base,
        "no handles left in the host table"
    );
}

#[tokio::test]
async fn go_uses_host_resources() {
    let (mut store, guest) = instantiate().await;
    let api = guest.e2e_resources_counters();
    let base = store.data_mut().live_resources();
    let out = api.call_use_blobs(&mut store).await.unwrap();
    assert_eq!(
        out,
        [
            "sizes 6 5 11",
            "read hello world",
            "peek 11",
            "consume 11",
            "use after consume: witgo: use of closed e2e:resources/store.blob resource",
            "wrapped 0 size 1",
            "wrapped 1 size 2",
            "wrapped 2 size 3",
            "maybe 5",
            "maybe none true",
        ]
    );
    let stats = &store.data().data;
    // a, b, concat, 3 wrapped, 1 maybe.
    assert_eq!(stats.created, 7);
    // Each dropped exactly once: consume took one, Close dropped the rest.
    assert_eq!(stats.dropped, 7);
    assert_eq!(
        store.data_mut().live_resources(),
        base,
        "no blob left in the host table"
    );
}

#[tokio::test]
async fn memory_stays_flat_over_100k_calls() {
    let (mut store, guest) = instantiate().await;
    let api = guest.e2e_resources_counters();

    // Imports returning strings: 100,000 calls from Go.
    api.call_text_calls(&mut store, 1_000, 64).await.unwrap();
    let (heap0, sys0) = api.call_mem(&mut store).await.unwrap();
    assert_eq!(
        api.call_text_calls(&mut store, 100_000, 64).await.unwrap(),
        6_400_000
    );
    let (heap1, sys1) = api.call_mem(&mut store).await.unwrap();
    eprintln!("100k string imports: heap {heap0} -> {heap1} bytes, sys {sys0} -> {sys1} bytes");

    // Exports taking and returning lists: 100,000 calls from the host.
    let list: Vec<u32> = (0..256).collect();
    for _ in 0..1_000 {
        api.call_echo_list(&mut store, &list).await.unwrap();
    }
    let (heap2, sys2) = api.call_mem(&mut store).await.unwrap();
    for _ in 0..100_000 {
        let out = api.call_echo_list(&mut store, &list).await.unwrap();
        assert_eq!(out.len(), 256);
    }
    let (heap3, sys3) = api.call_mem(&mut store).await.unwrap();
    eprintln!("100k list exports: heap {heap2} -> {heap3} bytes, sys {sys2} -> {sys3} bytes");

    // Flat: live heap unchanged, and linear memory bounded by the collector's
    // own headroom (Go's 4 MiB minimum heap goal), not by the number of calls:
    // leaked, the calls would hold 6.4 MB of strings and 100 MB of lists.
    const HEADROOM: u64 = 12 << 20;
    assert!(
        heap1 < heap0 + 64 * 1024,
        "heap grew over string imports: {heap0} -> {heap1}"
    );
    assert!(
        sys1 <= sys0.max(HEADROOM),
        "linear memory grew over string imports: {sys0} -> {sys1}"
    );
    assert!(
        heap3 < heap2 + 64 * 1024,
        "heap grew over list exports: {heap2} -> {heap3}"
    );
    assert!(
        sys3 <= sys2.max(HEADROOM),
        "linear memory grew over list exports: {sys2} -> {sys3}"
    );
}
