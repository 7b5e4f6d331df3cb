//! Resources in both directions.
//!
//! - `counter` is exported by Go (a Go interface implemented by `*counter`):
//!   constructor, methods, a static function, borrow parameters (alone and in
//!   a list), ownership passed back into Go (alone, in a list, in an option),
//!   owned handles returned in a list and an option, and `Drop()` running
//!   exactly once when the host drops a handle.
//! - `blob` is imported by Go and implemented here in a `ResourceTable`:
//!   created, used, borrowed (alone and in a list), passed as own (alone, in a
//!   list, a record and an option), closed exactly once, borrowed and owned by
//!   Go exports, and dropped by Go's cleanup when Go forgets one.
//!
//! Every test ends with no blob left in the host resource table.

use wasmtime::component::{HasSelf, Resource, ResourceAny};
use witgo_e2e::{E2e, Session, component, linker};
use witgo_host::HostCtx;

wasmtime::component::bindgen!({
    path: "guests/resources/world.wit",
    world: "resources",
    exports: { default: async },
    with: { "e2e:resources/store.blob": crate::Blob },
});

use e2e::resources::store::{Holder, Host, HostBlob};

/// The host's blob.
pub struct Blob(Vec<u8>);

#[derive(Default)]
struct Rec {
    created: u32,
    dropped: u32,
    /// Every borrow the host received was a borrow (not an own handle).
    borrows_seen: u32,
    /// The blob Go forgot (contents "forgotten") was dropped.
    forgotten_dropped: bool,
}

type Ctx = HostCtx<E2e<Rec>>;

fn blob(ctx: &mut Ctx, data: Vec<u8>) -> Resource<Blob> {
    ctx.data.rec.created += 1;
    ctx.table().push(Blob(data)).unwrap()
}

fn size(ctx: &mut Ctx, b: &Resource<Blob>) -> u32 {
    ctx.table().get(b).unwrap().0.len() as u32
}

fn borrowed(ctx: &mut Ctx, b: &Resource<Blob>) {
    assert!(!b.owned(), "expected a borrow");
    ctx.data.rec.borrows_seen += 1;
}

/// Deletes an owned blob from the table: the one place blobs die.
fn delete(ctx: &mut Ctx, b: Resource<Blob>) -> Vec<u8> {
    assert!(b.owned(), "only an owned handle can be deleted");
    let data = ctx.table().delete(b).unwrap().0;
    ctx.data.rec.dropped += 1;
    if data == b"forgotten" {
        ctx.data.rec.forgotten_dropped = true;
    }
    data
}

impl Host for Ctx {
    fn consume(&mut self, b: Resource<Blob>) -> u32 {
        delete(self, b).len() as u32
    }
    fn peek(&mut self, b: Resource<Blob>) -> u32 {
        borrowed(self, &b);
        size(self, &b)
    }
    fn total(&mut self, bs: Vec<Resource<Blob>>) -> u32 {
        bs.iter()
            .map(|b| {
                borrowed(self, b);
                size(self, b)
            })
            .sum()
    }
    fn consume_all(&mut self, bs: Vec<Resource<Blob>>) -> u32 {
        bs.into_iter().map(|b| delete(self, b).len() as u32).sum()
    }
    fn make_list(&mut self, n: u32) -> Vec<Resource<Blob>> {
        (0..n)
            .map(|i| blob(self, vec![b'x'; i as usize + 1]))
            .collect()
    }
    fn make_holder(&mut self, name: String, size: u32) -> Holder {
        Holder {
            name,
            b: blob(self, vec![b'h'; size as usize]),
        }
    }
    fn take_holder(&mut self, h: Holder) -> String {
        let n = delete(self, h.b).len();
        format!("{}:{n}", h.name)
    }
    fn maybe_blob(&mut self, make: bool) -> Option<Resource<Blob>> {
        make.then(|| blob(self, b"maybe".to_vec()))
    }
    fn take_maybe(&mut self, b: Option<Resource<Blob>>) -> u32 {
        b.map_or(0, |b| delete(self, b).len() as u32)
    }
    fn make_sized(&mut self, size: u32) -> (Resource<Blob>, u32) {
        (blob(self, vec![b's'; size as usize]), size)
    }
}

impl HostBlob for Ctx {
    fn new(&mut self, data: Vec<u8>) -> Resource<Blob> {
        // Go's forget-blob asks with a "probe" blob whether the forgotten
        // blob is gone yet: then the probe is empty.
        let data = if data == b"probe" && self.data.rec.forgotten_dropped {
            vec![]
        } else {
            data
        };
        blob(self, data)
    }
    fn size(&mut self, b: Resource<Blob>) -> u32 {
        size(self, &b)
    }
    fn read(&mut self, b: Resource<Blob>) -> Vec<u8> {
        self.table().get(&b).unwrap().0.clone()
    }
    fn append(&mut self, b: Resource<Blob>, more: Vec<u8>) {
        self.table().get_mut(&b).unwrap().0.extend(more);
    }
    fn concat(&mut self, a: Resource<Blob>, b: Resource<Blob>) -> Resource<Blob> {
        borrowed(self, &a);
        borrowed(self, &b);
        let mut data = self.table().get(&a).unwrap().0.clone();
        data.extend_from_slice(&self.table().get(&b).unwrap().0);
        blob(self, data)
    }
    fn drop(&mut self, b: Resource<Blob>) -> wasmtime::Result<()> {
        delete(self, b);
        Ok(())
    }
}

/// What the host table holds once the guest has started: WASI resources the
/// guest opened while starting up (Go's runtime and the WASI adapter), which
/// live as long as the instance. 3 today; the tests only care that it is the
/// same number at the end, i.e. that every blob is gone.
struct Baseline(usize);

async fn start() -> (Session<Rec>, Resources, Baseline) {
    let mut linker = linker::<Rec>();
    e2e::resources::store::add_to_linker::<_, HasSelf<Ctx>>(&mut linker, |ctx| ctx).unwrap();
    let mut s = Session::new(Rec::default());
    let guest = Resources::instantiate_async(&mut s.store, &component("resources"), &linker)
        .await
        .unwrap();
    let base = Baseline(s.live_resources());
    assert!(base.0 <= 3, "{} host resources after start-up", base.0);
    (s, guest, base)
}

#[tokio::test]
async fn go_exported_resource_lifecycle() {
    let (mut s, g, base) = start().await;
    let api = g.e2e_resources_counters();
    let counter = api.counter();
    let st = &mut s.store;

    let a: ResourceAny = counter.call_constructor(&mut *st, 5).await.unwrap();
    let b = counter.call_constructor(&mut *st, 10).await.unwrap();
    assert_eq!(counter.call_inc(&mut *st, a, 2).await.unwrap(), 7);
    assert_eq!(counter.call_inc(&mut *st, a, 3).await.unwrap(), 10);
    assert_eq!(counter.call_get(&mut *st, b).await.unwrap(), 10);
    // Borrows, alone and in a list; a static function taking two borrows.
    assert_eq!(api.call_total(&mut *st, a).await.unwrap(), 10);
    assert_eq!(api.call_total_all(&mut *st, &[a, b, a]).await.unwrap(), 30);
    let merged = counter.call_merge(&mut *st, a, b).await.unwrap();
    assert_eq!(counter.call_get(&mut *st, merged).await.unwrap(), 20);
    assert_eq!(api.call_drops(&mut *st).await.unwrap(), 0);

    // Dropping a handle runs Drop once; the handle is gone afterwards.
    merged.resource_drop_async(&mut *st).await.unwrap();
    assert_eq!(api.call_drops(&mut *st).await.unwrap(), 1);
    assert!(
        merged.resource_drop_async(&mut *st).await.is_err(),
        "a handle drops once"
    );
    assert_eq!(api.call_drops(&mut *st).await.unwrap(), 1);

    // Ownership back into Go: the Go value returns to Go, alive, without Drop.
    assert_eq!(api.call_take(&mut *st, b).await.unwrap(), 100);
    assert_eq!(api.call_drops(&mut *st).await.unwrap(), 1);

    // Owned handles out of Go in a list; back in, in a list and an option.
    let many = api.call_make_many(&mut *st, 3).await.unwrap();
    assert_eq!(many.len(), 3);
    for (i, c) in many.iter().enumerate() {
        assert_eq!(
            counter.call_get(&mut *st, *c).await.unwrap(),
            i as u32 * 100
        );
    }
    assert_eq!(api.call_take_all(&mut *st, &many[..2]).await.unwrap(), 1000);
    many[2].resource_drop_async(&mut *st).await.unwrap();
    assert_eq!(api.call_drops(&mut *st).await.unwrap(), 2);
    let maybe = api
        .call_maybe_counter(&mut *st, true)
        .await
        .unwrap()
        .expect("some counter");
    assert_eq!(counter.call_get(&mut *st, maybe).await.unwrap(), 77);
    assert!(
        api.call_maybe_counter(&mut *st, false)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        api.call_take_maybe(&mut *st, Some(maybe)).await.unwrap(),
        770
    );
    assert_eq!(api.call_take_maybe(&mut *st, None).await.unwrap(), 0);

    a.resource_drop_async(&mut *st).await.unwrap();
    // Created: a, b, merged, 3 from make-many, 1 from maybe-counter = 7.
    // Dropped by the host: merged, many[2], a = 3; the other 4 went back to Go.
    assert_eq!(api.call_created(&mut *st).await.unwrap(), 7);
    assert_eq!(
        api.call_drops(&mut *st).await.unwrap(),
        3,
        "each Drop ran exactly once"
    );
    assert_eq!(
        s.live_resources(),
        base.0,
        "host resource table back to its start-up contents"
    );

    // Handles the host dropped or gave away are gone. (Wasmtime's error
    // poisons the instance, so this comes last.)
    assert!(
        counter.call_get(&mut s.store, b).await.is_err(),
        "the host gave b away"
    );
    let (mut s, g, _) = start().await;
    let counter = g.e2e_resources_counters().counter();
    let c = counter.call_constructor(&mut s.store, 1).await.unwrap();
    c.resource_drop_async(&mut s.store).await.unwrap();
    let err = counter.call_get(&mut s.store, c).await.unwrap_err();
    assert!(format!("{err:?}").contains("unknown handle"), "{err:?}");
}

#[tokio::test]
async fn one_go_value_behind_two_handles_drops_once() {
    let (mut s, g, base) = start().await;
    let api = g.e2e_resources_counters();
    let counter = api.counter();
    let st = &mut s.store;
    let a = counter.call_constructor(&mut *st, 1).await.unwrap();
    // Go returns the value it borrowed: a second handle to the same Go value.
    let a2 = api.call_same(&mut *st, a).await.unwrap();
    assert_eq!(counter.call_inc(&mut *st, a2, 5).await.unwrap(), 6);
    assert_eq!(
        counter.call_get(&mut *st, a).await.unwrap(),
        6,
        "one Go value"
    );
    // Drop runs when the last handle goes, not while a is still in use.
    a2.resource_drop_async(&mut *st).await.unwrap();
    assert_eq!(api.call_drops(&mut *st).await.unwrap(), 0);
    assert_eq!(counter.call_inc(&mut *st, a, 1).await.unwrap(), 7);
    a.resource_drop_async(&mut *st).await.unwrap();
    assert_eq!(
        api.call_drops(&mut *st).await.unwrap(),
        1,
        "Drop ran exactly once"
    );

    // The same, with ownership of one handle passed back into Go first.
    let b = counter.call_constructor(&mut *st, 2).await.unwrap();
    let b2 = api.call_same(&mut *st, b).await.unwrap();
    assert_eq!(api.call_take(&mut *st, b2).await.unwrap(), 20);
    assert_eq!(counter.call_get(&mut *st, b).await.unwrap(), 2);
    assert_eq!(api.call_drops(&mut *st).await.unwrap(), 1);
    b.resource_drop_async(&mut *st).await.unwrap();
    assert_eq!(api.call_drops(&mut *st).await.unwrap(), 2);
    assert_eq!(api.call_created(&mut *st).await.unwrap(), 2);
    assert_eq!(s.live_resources(), base.0);
}

#[tokio::test]
async fn go_uses_host_resources() {
    let (mut s, g, base) = start().await;
    let out = g
        .e2e_resources_counters()
        .call_use_blobs(&mut s.store)
        .await
        .unwrap();
    assert_eq!(
        out,
        [
            "sizes 6 5 11",
            "read hello world",
            "append hello there ",
            "peek 11",
            "total 28",
            "consume 11",
            "use after consume: witgo: use of closed e2e:resources/store.blob resource",
            "consume again: witgo: use of closed e2e:resources/store.blob resource",
            "list 0 size 1",
            "list 1 size 2",
            "list 2 size 3",
            "list 3 size 4",
            "consume-all 6",
            "holder h1 9",
            "take-holder h1:9",
            "holder blob after take: witgo: use of closed e2e:resources/store.blob resource",
            "maybe 5",
            "take-maybe 5",
            "maybe none true",
            "take-maybe none 0",
        ]
    );
    let rec = s.rec();
    // a, b, concat, 4 from make-list, holder, maybe.
    assert_eq!(rec.created, 9);
    // Each dropped exactly once: by the host where Go passed ownership
    // (consume, consume-all, take-holder, take-maybe), by Close otherwise.
    assert_eq!(rec.dropped, 9);
    // concat's two, peek, total's three.
    assert_eq!(rec.borrows_seen, 6);
    assert_eq!(s.live_resources(), base.0, "no blob left in the host table");
}

#[tokio::test]
async fn go_exports_borrow_and_own_host_resources() {
    let (mut s, g, base) = start().await;
    let api = g.e2e_resources_counters();
    let ctx = s.store.data_mut();
    let lent = blob(ctx, b"lent to Go".to_vec());
    let given = blob(ctx, b"given to Go".to_vec());

    // A borrow into a Go export: the glue ends the borrow when the call
    // returns (Wasmtime would trap otherwise), and Go cannot use it later.
    let borrow = Resource::<Blob>::new_borrow(lent.rep());
    assert_eq!(api.call_blob_size(&mut s.store, borrow).await.unwrap(), 10);
    let out = api.call_use_blobs(&mut s.store).await.unwrap();
    assert_eq!(
        out[0],
        "borrow after its call: witgo: use of closed e2e:resources/store.blob resource"
    );
    assert_eq!(s.rec().created, 2 + 9);
    assert_eq!(
        s.rec().dropped,
        9,
        "use-blobs dropped its own, not the lent blob"
    );

    // Ownership into Go: Go keeps the blob until it closes it.
    assert_eq!(api.call_keep_blob(&mut s.store, given).await.unwrap(), 11);
    assert_eq!(
        s.live_resources(),
        base.0 + 2,
        "the lent blob and the one Go keeps"
    );
    assert_eq!(api.call_release_kept(&mut s.store).await.unwrap(), 11);
    assert_eq!(s.rec().dropped, 10, "Go's Close dropped it");
    let ctx = s.store.data_mut();
    delete(ctx, lent);
    assert_eq!(
        s.live_resources(),
        base.0,
        "host resource table back to its start-up contents"
    );
}

#[tokio::test]
async fn forgotten_host_resource_is_dropped_by_go_cleanup() {
    let (mut s, g, base) = start().await;
    let rounds = g
        .e2e_resources_counters()
        .call_forget_blob(&mut s.store)
        .await
        .unwrap();
    assert!(rounds > 0, "Go's cleanup never dropped the forgotten blob");
    assert!(s.rec().forgotten_dropped);
    // The forgotten blob and one probe per round, all dropped.
    assert_eq!(s.rec().created, 1 + rounds);
    assert_eq!(s.rec().dropped, s.rec().created);
    assert_eq!(
        s.live_resources(),
        base.0,
        "host resource table back to its start-up contents"
    );
}

/// Results a sync import call returns in memory are its own even when other
/// goroutines call the same import while they are lifted: a collection
/// that starts in the middle (lifting the blob allocates) switches
/// goroutines. Before, the later fields came from whichever call wrote the
/// shared area last (under load, an HTTP response's future handle came
/// from another response, and the host trapped on its second drop).
#[tokio::test]
async fn results_in_memory_stay_their_calls_while_goroutines_switch() {
    let (mut s, g, base) = start().await;
    let wrong = g
        .e2e_resources_counters()
        .call_make_sized_concurrently(&mut s.store, 64, 100)
        .await
        .unwrap();
    assert_eq!(wrong, 0, "results lifted from another call's");
    let rec = s.rec();
    assert_eq!((rec.created, rec.dropped), (6400, 6400));
    assert_eq!(s.live_resources(), base.0, "no blob left in the host table");
}
