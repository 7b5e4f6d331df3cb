//! Memory stays flat over many calls: 100,000 imports returning strings
//! (called from Go), 100,000 exports taking and returning a list of numbers
//! and 100,000 taking and returning a list of strings (called by the host).
//!
//! Measured on both levels: the Go heap (`MemStats.HeapAlloc` after
//! `runtime.GC()`, reported by the guest) and the guest's linear memory (the
//! largest size Wasmtime was asked to grow it to, seen by a `ResourceLimiter`
//! on the store). The end values must be within a small bound of the values
//! after a warm-up; leaked, each loop would hold 25.6 MB (the strings),
//! 200 MB (the number lists) or 100,000 × 16 strings (43 MB).
//!
//! The warm-up is long enough for Go's heap to reach its steady state: the
//! collector lets the heap grow to its goal (at least 4 MiB) between cycles,
//! and linear memory follows until the allocation pattern has been through a
//! few cycles. Measured: 1,000 imports of 64-byte strings allocate too little
//! (linear memory then still grows by 4.3 MB over the next 100,000, to its
//! steady 8.4 MB), 50,000 do; for the list exports 10,000 calls do.

use wasmtime::component::HasSelf;
use witgo_e2e::{Session, component, linker};

wasmtime::component::bindgen!({
    path: "guests/memory/world.wit",
    world: "memory",
    exports: { default: async },
});

#[derive(Default)]
struct Rec {
    texts: u64,
    sums: u64,
}

impl e2e::memory::host::Host for Rec {
    fn text(&mut self, n: u32) -> String {
        self.texts += 1;
        "abcdefghijklmnopqrstuvwxyz"
            .chars()
            .cycle()
            .take(n as usize)
            .collect()
    }
    #[allow(clippy::too_many_arguments)]
    fn sum_lists(
        &mut self,
        a: Vec<u32>,
        b: Vec<u32>,
        c: Vec<u32>,
        d: Vec<u32>,
        e: Vec<u32>,
        f: Vec<u32>,
        g: Vec<u32>,
        h: Vec<u32>,
        i: Vec<String>,
    ) -> u64 {
        self.sums += 1;
        let numbers: u64 = [a, b, c, d, e, f, g, h]
            .iter()
            .enumerate()
            .map(|(k, l)| (k as u64 + 1) * l.iter().map(|&x| u64::from(x)).sum::<u64>())
            .sum();
        numbers + 9 * i.iter().map(|s| s.len() as u64).sum::<u64>()
    }
}

async fn start() -> (Session<Rec>, Memory) {
    let mut linker = linker::<Rec>();
    e2e::memory::host::add_to_linker::<_, HasSelf<Rec>>(&mut linker, |ctx| &mut ctx.data.rec)
        .unwrap();
    let mut s = Session::new(Rec::default());
    let guest = Memory::instantiate_async(&mut s.store, &component("memory"), &linker)
        .await
        .unwrap();
    (s, guest)
}

/// One measurement: Go heap in use, Go's memory from the system, linear memory.
#[derive(Debug, Clone, Copy)]
struct Mem {
    heap: u64,
    sys: u64,
    linear: u64,
}

async fn measure(s: &mut Session<Rec>, g: &Memory) -> Mem {
    let (heap, sys) = g.e2e_memory_api().call_mem(&mut s.store).await.unwrap();
    Mem {
        heap,
        sys,
        linear: s.store.data().data.mem.peak as u64,
    }
}

/// The live Go heap may differ by a little (runtime bookkeeping: one step of
/// 25 KiB is seen once, after the first few hundred collections); linear
/// memory by less than one heap goal (4 MiB) of collector headroom.
const HEAP_SLACK: u64 = 64 << 10;
const LINEAR_SLACK: u64 = 4 << 20;

#[track_caller]
fn assert_flat(what: &str, warm: Mem, end: Mem) {
    eprintln!(
        "{what}: heap {} -> {} bytes, Sys {} -> {} bytes, linear memory {} -> {} bytes",
        warm.heap, end.heap, warm.sys, end.sys, warm.linear, end.linear
    );
    assert!(
        end.heap <= warm.heap + HEAP_SLACK,
        "{what}: Go heap grew: {warm:?} -> {end:?}"
    );
    assert!(
        end.sys <= warm.sys + LINEAR_SLACK,
        "{what}: Go's Sys grew: {warm:?} -> {end:?}"
    );
    assert!(
        end.linear <= warm.linear + LINEAR_SLACK,
        "{what}: linear memory grew: {warm:?} -> {end:?}"
    );
}

#[tokio::test]
async fn imports_returning_strings_100k() {
    let (mut s, g) = start().await;
    let api = g.e2e_memory_api();
    assert_eq!(
        api.call_text_calls(&mut s.store, 50_000, 256)
            .await
            .unwrap(),
        50_000 * 256
    );
    let warm = measure(&mut s, &g).await;
    assert_eq!(
        api.call_text_calls(&mut s.store, 100_000, 256)
            .await
            .unwrap(),
        100_000 * 256
    );
    let end = measure(&mut s, &g).await;
    assert_eq!(s.rec().texts, 150_000);
    assert_flat("100,000 imports returning 256-byte strings", warm, end);
}

#[tokio::test]
async fn exports_taking_and_returning_lists_100k() {
    let (mut s, g) = start().await;
    let api = g.e2e_memory_api();
    let list: Vec<u32> = (0..512).map(|i| i * 7).collect();
    for _ in 0..10_000 {
        api.call_echo_list(&mut s.store, &list).await.unwrap();
    }
    let warm = measure(&mut s, &g).await;
    for i in 0..100_000 {
        let out = api.call_echo_list(&mut s.store, &list).await.unwrap();
        if i % 10_000 == 0 {
            assert_eq!(out, list);
        }
    }
    let end = measure(&mut s, &g).await;
    assert_flat("100,000 exports echoing 2 KiB lists of u32", warm, end);
}

#[tokio::test]
async fn exports_taking_and_returning_string_lists_100k() {
    let (mut s, g) = start().await;
    let api = g.e2e_memory_api();
    let list: Vec<String> = (0..16).map(|i| format!("string number {i} 🌍")).collect();
    for _ in 0..10_000 {
        api.call_echo_strings(&mut s.store, &list).await.unwrap();
    }
    let warm = measure(&mut s, &g).await;
    for i in 0..100_000 {
        let out = api.call_echo_strings(&mut s.store, &list).await.unwrap();
        if i % 10_000 == 0 {
            assert_eq!(out, list);
        }
    }
    let end = measure(&mut s, &g).await;
    assert_flat("100,000 exports echoing lists of 16 strings", warm, end);
}

/// Goroutines calling imports concurrently (Go switches goroutines while one
/// waits for a collection) with a churning heap: every result must belong to
/// the call that asked for it.
#[tokio::test]
async fn goroutines_calling_imports() {
    let (mut s, g) = start().await;
    let fails = g
        .e2e_memory_api()
        .call_concurrent(&mut s.store, 8, 2_000)
        .await
        .unwrap();
    assert!(
        fails.is_empty(),
        "{} wrong results, first: {:?}",
        fails.len(),
        &fails[..fails.len().min(5)]
    );
    assert_eq!(s.rec().texts, 16_000);
    assert_eq!(s.rec().sums, 16_000);
}

/// Every collection stops the world (witgo's runtime overlay): one that an
/// allocation starts is over when the allocation returns, so none is ever
/// in progress when the host gets control — when it may call
/// `cabi_realloc`, where an allocation must not have to help a mark.
#[tokio::test]
async fn collections_end_inside_the_allocation_that_started_them() {
    let (mut s, g) = start().await;
    let (cycles, marking) = g
        .e2e_memory_api()
        .call_churn(&mut s.store, 1_000_000)
        .await
        .unwrap();
    assert!(
        cycles >= 5,
        "64 MB of small allocations ran only {cycles} collections"
    );
    assert_eq!(
        marking, 0,
        "a collection was marking after {marking} of 1,000,000 allocations ({cycles} collections)"
    );
}

/// A string or list argument the export does not keep is recycled: the
/// host's next allocation of a similar size gets the same block, and 1 MiB
/// calls allocate nothing, so no collection runs.
#[tokio::test]
async fn arguments_an_export_does_not_keep_are_recycled() {
    let (mut s, g) = start().await;
    let api = g.e2e_memory_api();
    let big = vec![7u8; 1 << 20];
    let first = api.call_byte_address(&mut s.store, &big).await.unwrap();
    let cycles = api.call_collections(&mut s.store).await.unwrap();
    for i in 0..200 {
        let at = api.call_byte_address(&mut s.store, &big).await.unwrap();
        assert_eq!(at, first, "call {i} of 200 got a new 1 MiB block");
    }
    let after = api.call_collections(&mut s.store).await.unwrap();
    assert_eq!(
        after,
        cycles,
        "200 calls taking 1 MiB ran {} collections",
        after - cycles
    );

    let text = "x".repeat(8 << 10);
    let first = api.call_string_address(&mut s.store, &text).await.unwrap();
    assert_eq!(
        api.call_string_address(&mut s.store, &text).await.unwrap(),
        first
    );
    // A block recycled from a string serves a list of a similar size.
    assert_eq!(
        api.call_byte_address(&mut s.store, &vec![1u8; 7 << 10])
            .await
            .unwrap(),
        first
    );
}

/// A list an export keeps, or returns, is never recycled: later calls get
/// other blocks, and what the export kept is intact.
#[tokio::test]
async fn arguments_an_export_keeps_are_not_recycled() {
    let (mut s, g) = start().await;
    let api = g.e2e_memory_api();
    let size = 64usize << 10;
    let mut kept = Vec::new();
    let mut addresses = Vec::new();
    for k in 1..=3u8 {
        addresses.push(
            api.call_keep_bytes(&mut s.store, &vec![k; size])
                .await
                .unwrap(),
        );
        kept.push((size as u32, u64::from(k) * size as u64));
        for _ in 0..3 {
            let at = api
                .call_byte_address(&mut s.store, &vec![0xff; size])
                .await
                .unwrap();
            assert!(
                !addresses.contains(&at),
                "a kept list's block {at:#x} was handed out again"
            );
        }
    }
    assert_eq!(api.call_kept(&mut s.store).await.unwrap(), kept);

    // same-bytes returns its argument: the block stays the Go value's. Its
    // argument gets the block byte-address gave back; the next call does not.
    let a = vec![0xa5u8; size];
    let b = vec![0x5au8; size];
    let at = api.call_byte_address(&mut s.store, &b).await.unwrap();
    assert_eq!(api.call_same_bytes(&mut s.store, &a).await.unwrap(), a);
    assert_ne!(
        api.call_byte_address(&mut s.store, &b).await.unwrap(),
        at,
        "same-bytes' argument was recycled"
    );
}

/// A list whose elements are copied out (records) is recycled as soon as
/// they are: the next call's list of bytes gets its block.
#[tokio::test]
async fn copied_out_lists_are_recycled() {
    use exports::e2e::memory::api::Point;
    let (mut s, g) = start().await;
    let api = g.e2e_memory_api();
    let points: Vec<Point> = (0..4096).map(|i| Point { x: i, y: -i }).collect();
    let bytes = vec![3u8; 4096 * 8];
    let at = api.call_byte_address(&mut s.store, &bytes).await.unwrap();
    for _ in 0..3 {
        assert_eq!(
            api.call_count_points(&mut s.store, &points).await.unwrap(),
            4096
        );
        assert_eq!(
            api.call_byte_address(&mut s.store, &bytes).await.unwrap(),
            at,
            "the points' block was not recycled"
        );
    }
}
