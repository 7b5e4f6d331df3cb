//! The embedding API as integration tests use it: own host imports next to
//! WASI, values checked on the host side, resource table inspected afterwards.

mod common;

use wasmtime::Store;
use wasmtime::component::{HasSelf, Linker, Resource};
use witgo_host::{
    HostCtx, RunOptions, add_wasi_to_linker, engine, invoke_component, load_component,
};

wasmtime::component::bindgen!({
    inline: "
        package test:host;
        interface log {
            resource counter {
                constructor();
                bump: func() -> u32;
            }
            note: func(msg: string);
        }
        world guest { import log; }
    ",
    with: { "test:host/log.counter": crate::Counter },
});

use test::host::log::{Host, HostCounter};

/// What the guest told the host.
#[derive(Default)]
struct Recorded {
    messages: Vec<String>,
}

/// The host side of the `counter` resource.
pub struct Counter(u32);

// Resources need the table, so the imports are implemented for the whole context.
impl Host for HostCtx<Recorded> {
    fn note(&mut self, msg: String) {
        self.data.messages.push(msg);
    }
}

impl HostCounter for HostCtx<Recorded> {
    fn new(&mut self) -> Resource<Counter> {
        self.table().push(Counter(0)).unwrap()
    }
    fn bump(&mut self, counter: Resource<Counter>) -> u32 {
        let counter = self.table().get_mut(&counter).unwrap();
        counter.0 += 1;
        counter.0
    }
    fn drop(&mut self, counter: Resource<Counter>) -> wasmtime::Result<()> {
        self.table().delete(counter)?;
        Ok(())
    }
}

/// Imports `test:host/log`; `greet(s)` records `s`; `count(n)` makes a counter,
/// bumps it n times, drops it (unless `keep` is set) and returns the last value.
const GUEST: &str = r#"
(component
  (import "test:host/log" (instance $log
    (export "counter" (type $c (sub resource)))
    (export "[constructor]counter" (func (result (own $c))))
    (export "[method]counter.bump" (func (param "self" (borrow $c)) (result u32)))
    (export "note" (func (param "msg" string)))))
  (alias export $log "counter" (type $counter))
  (core module $mem
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $bump))
      (global.set $bump (i32.add (global.get $bump) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $mem))
  (core func $record (canon lower (func $log "note") (memory (core memory $mem "memory"))))
  (core func $new (canon lower (func $log "[constructor]counter")))
  (core func $bump (canon lower (func $log "[method]counter.bump")))
  (core func $drop (canon resource.drop $counter))
  (core module $m
    (import "log" "record" (func $record (param i32 i32)))
    (import "log" "new" (func $new (result i32)))
    (import "log" "bump" (func $bump (param i32) (result i32)))
    (import "log" "drop" (func $drop (param i32)))
    (func (export "greet") (param i32 i32) (call $record (local.get 0) (local.get 1)))
    (func (export "count") (param $n i32) (param $keep i32) (result i32)
      (local $c i32) (local $v i32)
      (local.set $c (call $new))
      (block $done (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $v (call $bump (local.get $c)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
      (if (i32.eqz (local.get $keep)) (then (call $drop (local.get $c))))
      (local.get $v)))
  (core instance $i (instantiate $m (with "log" (instance
    (export "record" (func $record))
    (export "new" (func $new))
    (export "bump" (func $bump))
    (export "drop" (func $drop))))))
  (func (export "greet") (param "s" string)
    (canon lift (core func $i "greet") (memory (core memory $mem "memory"))
      (realloc (core func $mem "realloc"))))
  (func (export "count") (param "n" u32) (param "keep" bool) (result u32)
    (canon lift (core func $i "count")))
)
"#;

fn setup() -> (
    Store<HostCtx<Recorded>>,
    Linker<HostCtx<Recorded>>,
    wasmtime::component::Component,
) {
    let engine = engine().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "guest.wat", GUEST);
    let component = load_component(&engine, &path, Some(&common::cache_dir())).unwrap();
    let mut linker = Linker::new(&engine);
    add_wasi_to_linker(&mut linker).unwrap();
    test::host::log::add_to_linker::<_, HasSelf<HostCtx<Recorded>>>(&mut linker, |ctx| ctx)
        .unwrap();
    let ctx =
        HostCtx::from_options("guest.wat", &RunOptions::default(), Recorded::default()).unwrap();
    (Store::new(&engine, ctx), linker, component)
}

#[tokio::test]
async fn host_import_receives_guest_values() {
    let (mut store, linker, component) = setup();
    let out = invoke_component(&mut store, &linker, &component, r#"greet("hello host")"#)
        .await
        .unwrap();
    assert_eq!(out, "");
    assert_eq!(store.data().data.messages, ["hello host"]);
}

#[tokio::test]
async fn resource_table_shows_dropped_and_leaked_handles() {
    let (mut store, linker, component) = setup();
    let before = store.data_mut().live_resources();
    let out = invoke_component(&mut store, &linker, &component, "count(3, false)")
        .await
        .unwrap();
    assert_eq!(out, "3");
    assert_eq!(
        store.data_mut().live_resources(),
        before,
        "the guest dropped its counter"
    );

    let (mut store, linker, component) = setup();
    let out = invoke_component(&mut store, &linker, &component, "count(2, true)")
        .await
        .unwrap();
    assert_eq!(out, "2");
    assert_eq!(
        store.data_mut().live_resources(),
        before + 1,
        "the kept counter is still live"
    );
}

#[tokio::test]
async fn blocking_entry_points_refuse_to_run_inside_a_runtime() {
    let msg = witgo_host::run(std::path::Path::new("x.wasm"), &RunOptions::default())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("call `run_async` instead"), "{msg}");
}

#[test]
fn engine_is_shared() {
    assert!(wasmtime::Engine::same(
        &engine().unwrap(),
        &engine().unwrap()
    ));
}
