//! WASIp3 async on stock Go: async exports run on goroutines (many tasks in
//! flight at once, completed in an order the host chooses), async imports
//! block only their goroutine (10,000 at once), timers wake on time without
//! a busy host, a context deadline cancels an import subtask, and the
//! executor is empty afterwards.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use wasmtime::component::{Accessor, HasData};
use witgo_e2e::{E2e, Session, component, linker, settle};
use witgo_host::HostCtx;

wasmtime::component::bindgen!({
    path: "guests/tasks/world.wit",
    world: "tasks",
    imports: { default: async | store },
    exports: { default: async | store },
});

use e2e::tasks::host;

/// The host's gates: each `gate(id)` call waits here until the test
/// releases `id`.
#[derive(Default, Clone)]
struct Gates(Arc<Mutex<GateState>>);

#[derive(Default)]
struct GateState {
    waiting: HashMap<u32, oneshot::Sender<u32>>,
    calls: u64,
    cancelled: u64,
    baseline: usize,
}

impl Gates {
    fn waiting(&self) -> usize {
        self.0.lock().unwrap().waiting.len()
    }

    fn release(&self, id: u32) {
        let tx = self
            .0
            .lock()
            .unwrap()
            .waiting
            .remove(&id)
            .unwrap_or_else(|| panic!("gate {id} is not waiting"));
        tx.send(id * 10).unwrap();
    }

    fn release_all(&self) {
        let all: Vec<_> = self.0.lock().unwrap().waiting.drain().collect();
        for (id, tx) in all {
            tx.send(id * 10).unwrap();
        }
    }

    /// Waits (driving nothing: the store's event loop runs meanwhile) until
    /// `n` gates are waiting.
    async fn until_waiting(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.waiting() < n {
            assert!(
                Instant::now() < deadline,
                "only {} of {n} gates waiting",
                self.waiting()
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}

struct GateHost;

impl HasData for GateHost {
    type Data<'a> = &'a mut Gates;
}

impl<T> host::HostWithStore<T> for GateHost {
    async fn gate(accessor: &Accessor<T, Self>, id: u32) -> u32 {
        let (tx, rx) = oneshot::channel();
        let gates = accessor.with(|mut view| {
            let gates = view.get();
            let mut st = gates.0.lock().unwrap();
            st.calls += 1;
            assert!(st.waiting.insert(id, tx).is_none(), "gate {id} twice");
            gates.clone()
        });
        // Dropped (the guest cancelled the subtask) before release: count it.
        struct Guard(Gates, u32, bool);
        impl Drop for Guard {
            fn drop(&mut self) {
                if !self.2 {
                    let mut st = self.0.0.lock().unwrap();
                    st.waiting.remove(&self.1);
                    st.cancelled += 1;
                }
            }
        }
        let mut guard = Guard(gates, id, false);
        let v = rx.await.expect("gate sender dropped");
        guard.2 = true;
        v
    }

    async fn wide(_: &Accessor<T, Self>, a: u64, b: u64, c: u64, d: u64, e: String) -> String {
        format!("{a},{b},{c},{d},{e}")
    }
}

impl host::Host for &mut Gates {}

async fn start() -> (Session<Gates>, Tasks, Gates) {
    let (mut s, guest, gates) = instantiate().await;
    // The WASI resources the Go runtime holds for good (stdio streams):
    // what the host table has after a first call is the baseline.
    s.store
        .run_concurrent(async |a| guest.e2e_tasks_api().call_stats(a).await.unwrap())
        .await
        .unwrap();
    let baseline = s.live_resources();
    s.store.data_mut().data.rec.0.lock().unwrap().baseline = baseline;
    (s, guest, gates)
}

async fn instantiate() -> (Session<Gates>, Tasks, Gates) {
    let mut linker = linker::<Gates>();
    host::add_to_linker::<_, GateHost>(&mut linker, |ctx: &mut HostCtx<E2e<Gates>>| {
        &mut ctx.data.rec
    })
    .unwrap();
    let gates = Gates::default();
    let mut s = Session::new(gates.clone());
    let instance = linker
        .instantiate_async(&mut s.store, &component("tasks"))
        .await
        .unwrap();
    let guest = Tasks::new(&mut s.store, &instance).unwrap();
    (s, guest, gates)
}

/// The executor holds nothing once every task is done. Tasks may still be
/// finishing in the background (a cancelled clock wait the host has yet to
/// confirm), so the store's event loop gets up to 5 s to settle them.
async fn assert_idle(s: &mut Session<Gates>, guest: &Tasks) {
    let (tasks, waiting) = s
        .store
        .run_concurrent(async |a| {
            settle((0, 0), async || {
                guest.e2e_tasks_api().call_stats(a).await.unwrap()
            })
            .await
        })
        .await
        .unwrap();
    assert_eq!(
        (tasks, waiting),
        (0, 0),
        "tasks in flight, waitables watched"
    );
    let baseline = s.rec().0.lock().unwrap().baseline;
    assert_eq!(
        s.live_resources(),
        baseline,
        "host resource table (beyond the Go runtime's stdio)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn async_export_returns_immediately_many_at_once() {
    let (mut s, guest, _) = start().await;
    let api = guest.e2e_tasks_api();
    let results = s
        .store
        .run_concurrent(async |a| {
            let calls = (0..1000u32).map(|i| api.call_immediate(a, i));
            futures::future::join_all(calls).await
        })
        .await
        .unwrap();
    for (i, r) in results.into_iter().enumerate() {
        assert_eq!(r.unwrap(), i as u32 * 2);
    }
    assert_idle(&mut s, &guest).await;
}

/// A call that blocked on a Go channel (after growing its stack) is woken
/// by a later call, and finishes while that one runs: it returns through
/// its own callback, and the later call can still wait for the host.
#[tokio::test(flavor = "multi_thread")]
async fn a_blocked_call_finishes_during_another_call_which_then_waits() {
    let (mut s, guest, gates) = start().await;
    let api = guest.e2e_tasks_api();
    let (received, sent) = s
        .store
        .run_concurrent(async |a| {
            let receive = api.call_relay_receive(a, 200);
            let send = async {
                // The receiving call is waiting on its channel by now: the
                // host starts calls in order.
                tokio::task::yield_now().await;
                api.call_relay_send(a, 7, 5).await.unwrap()
            };
            let release = async {
                gates.until_waiting(1).await;
                gates.release(5);
            };
            let (r, s, ()) = futures::future::join3(receive, send, release).await;
            (r.unwrap(), s)
        })
        .await
        .unwrap();
    assert_eq!((received, sent), (207, 57), "(relay-receive, relay-send)");
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn thousand_tasks_await_the_host_and_finish_in_the_hosts_order() {
    let (mut s, guest, gates) = start().await;
    let api = guest.e2e_tasks_api();
    let order = s
        .store
        .run_concurrent(async |a| {
            let done = Arc::new(Mutex::new(Vec::new()));
            let calls = (0..1000u32).map(|id| {
                let done = done.clone();
                async move {
                    let v = api.call_via_gate(a, id).await.unwrap();
                    assert_eq!(v, id * 10 + 1);
                    done.lock().unwrap().push(id);
                }
            });
            let releaser = async {
                gates.until_waiting(1000).await;
                // Release in reverse, one at a time, each after the previous
                // task has finished.
                for id in (0..1000u32).rev() {
                    gates.release(id);
                    let deadline = Instant::now() + Duration::from_secs(30);
                    while done.lock().unwrap().len() < (1000 - id) as usize {
                        assert!(Instant::now() < deadline, "task {id} did not finish");
                        tokio::task::yield_now().await;
                    }
                }
            };
            futures::future::join(futures::future::join_all(calls), releaser).await;
            Arc::try_unwrap(done).unwrap().into_inner().unwrap()
        })
        .await
        .unwrap();
    assert_eq!(order, (0..1000u32).rev().collect::<Vec<_>>());
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_concurrent_imports_from_goroutines_in_one_task() {
    let (mut s, guest, gates) = start().await;
    let api = guest.e2e_tasks_api();
    let n = 10_000u32;
    let t = Instant::now();
    let sum = s
        .store
        .run_concurrent(async |a| {
            let call = api.call_fan_out(a, 0, n);
            let releaser = async {
                gates.until_waiting(n as usize).await;
                gates.release_all();
            };
            futures::future::join(call, releaser).await.0.unwrap()
        })
        .await
        .unwrap();
    let elapsed = t.elapsed();
    assert_eq!(sum, (0..n as u64).map(|i| i * 10).sum::<u64>());
    assert_eq!(gates.0.lock().unwrap().calls, n as u64);
    eprintln!("10,000 concurrent async imports in one task: {elapsed:?}");
    assert_idle(&mut s, &guest).await;
}

/// A cancellation storm: 10,000 export tasks, each awaiting host.gate under
/// a context deadline of 0 to 3,999 ms, while the host releases a random
/// quarter of the waiting gates every millisecond. (Starting 10,000 tasks
/// takes a few seconds here. With deadlines under 400 ms every call was
/// cancelled although the host had released 9,608 gates: the released gate
/// futures were not polled again before the deadlines passed. With 1,000
/// calls, 762 returned.) Every call ends, as "returned id*10"
/// or "cancelled"; each gate call the host saw was either answered or
/// dropped by the cancellation; nothing is left waiting on either side.
#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_import_calls_cancelled_at_random_points() {
    let (mut s, guest, gates) = start().await;
    let api = guest.e2e_tasks_api();
    let n = 10_000u32;
    let (results, released) = s
        .store
        .run_concurrent(async |a| {
            let done = std::sync::atomic::AtomicBool::new(false);
            let sent = std::sync::atomic::AtomicU64::new(0);
            let calls = async {
                let r = futures::future::join_all(
                    (0..n).map(|id| api.call_gate_with_timeout(a, id, id * 7919 % 4000)),
                )
                .await;
                done.store(true, std::sync::atomic::Ordering::Relaxed);
                r
            };
            let releaser = async {
                let mut rng = witgo_e2e::diff::types::Rng::new(7);
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let ready: Vec<_> = {
                        let mut st = gates.0.lock().unwrap();
                        let ids: Vec<u32> = st
                            .waiting
                            .keys()
                            .copied()
                            .filter(|_| rng.chance(1, 4))
                            .collect();
                        ids.into_iter()
                            .filter_map(|id| st.waiting.remove(&id).map(|tx| (id, tx)))
                            .collect()
                    };
                    for (id, tx) in ready {
                        let _ = tx.send(id * 10);
                        sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            };
            let r = futures::future::join(calls, releaser).await.0;
            (r, sent.into_inner())
        })
        .await
        .unwrap();
    let (mut returned, mut cancelled) = (0u64, 0u64);
    for (id, r) in results.into_iter().enumerate() {
        match r.unwrap().as_str() {
            "cancelled" => cancelled += 1,
            other => {
                assert_eq!(other, format!("returned {}", id * 10));
                returned += 1;
            }
        }
    }
    let st = gates.0.lock().unwrap();
    eprintln!(
        "cancellation storm: {returned} returned, {cancelled} cancelled; the host saw {} calls, \
         released {released}, {} dropped",
        st.calls, st.cancelled
    );
    assert_eq!(returned + cancelled, n as u64);
    assert!(returned > 0 && cancelled > 0, "both outcomes must occur");
    assert_eq!(
        st.calls - st.cancelled,
        returned,
        "gate calls answered = calls returned"
    );
    assert!(
        st.waiting.is_empty(),
        "{} gates still waiting",
        st.waiting.len()
    );
    drop(st);
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn async_import_with_indirect_params_and_string_result() {
    let (mut s, guest, _) = start().await;
    let api = guest.e2e_tasks_api();
    let big = "é".repeat(10_000);
    let got = s
        .store
        .run_concurrent(async |a| {
            api.call_wide(a, 1, u64::MAX, 3, 1 << 40, big.clone())
                .await
                .unwrap()
        })
        .await
        .unwrap();
    assert_eq!(got, format!("1,{},3,{},{big}|go", u64::MAX, 1u64 << 40));
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_export_calls_an_async_import_that_needs_no_wait() {
    let (mut s, guest, _) = start().await;
    let api = guest.e2e_tasks_api();
    let got = s
        .store
        .run_concurrent(async |a| api.call_wide_sync(a, "x".into()).await.unwrap())
        .await
        .unwrap();
    assert_eq!(got, "1,2,3,4,x");
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_export_that_would_wait_on_an_async_import_panics_with_a_clear_message() {
    let (mut s, guest, _) = start().await;
    let api = guest.e2e_tasks_api();
    let err = s
        .store
        .run_concurrent(async |a| api.call_gate_sync(a, 1).await)
        .await;
    let err = format!("{:#}", err.and_then(|r| r).unwrap_err());
    assert!(
        s.stderr_text()
            .contains("the Component Model lets only async functions wait"),
        "{err}\n{}",
        s.stderr_text()
    );
}

/// User CPU + system CPU time of the calling thread.
fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc_rusage>::zeroed();
    // SAFETY: getrusage writes a struct rusage. RUSAGE_THREAD: the test
    // runs the store on this thread (current-thread runtime), and other
    // tests run in parallel on other threads.
    unsafe { getrusage(1, usage.as_mut_ptr()) };
    let u = unsafe { usage.assume_init() };
    let tv = |s: i64, us: i64| Duration::from_secs(s as u64) + Duration::from_micros(us as u64);
    tv(u.utime_sec, u.utime_usec) + tv(u.stime_sec, u.stime_usec)
}

#[repr(C)]
struct libc_rusage {
    utime_sec: i64,
    utime_usec: i64,
    stime_sec: i64,
    stime_usec: i64,
    rest: [i64; 14],
}

unsafe extern "C" {
    fn getrusage(who: i32, usage: *mut libc_rusage) -> i32;
}

#[tokio::test]
async fn time_sleep_in_an_async_export_wakes_on_time_with_an_idle_host() {
    let (mut s, guest, _) = start().await;
    let api = guest.e2e_tasks_api();
    // Warm up (first call initialises the Go runtime's timers).
    s.store
        .run_concurrent(async |a| api.call_sleep(a, 1).await.unwrap())
        .await
        .unwrap();
    let (wall, cpu) = (Instant::now(), cpu_time());
    let slept = s
        .store
        .run_concurrent(async |a| api.call_sleep(a, 1000).await.unwrap())
        .await
        .unwrap();
    let (wall, cpu) = (wall.elapsed(), cpu_time() - cpu);
    eprintln!(
        "time.Sleep(1s) in an async export: Go measured {:?}, host wall {wall:?}, host CPU {cpu:?}",
        Duration::from_nanos(slept)
    );
    assert!(slept >= 1_000_000_000, "Go slept only {slept} ns");
    assert!(
        wall < Duration::from_millis(1200),
        "woke {wall:?} after a 1 s sleep"
    );
    assert!(
        cpu < Duration::from_millis(200),
        "host burnt {cpu:?} of CPU during a 1 s sleep"
    );
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_context_deadline_cancels_an_import_subtask() {
    let (mut s, guest, gates) = start().await;
    let api = guest.e2e_tasks_api();
    let got = s
        .store
        .run_concurrent(async |a| api.call_gate_with_timeout(a, 7, 50).await.unwrap())
        .await
        .unwrap();
    assert_eq!(got, "cancelled");
    assert_eq!(gates.waiting(), 0, "the host's gate future was dropped");
    assert_eq!(gates.0.lock().unwrap().cancelled, 1);
    // The same call, released before the deadline, returns.
    let got = s
        .store
        .run_concurrent(async |a| {
            let call = api.call_gate_with_timeout(a, 8, 60_000);
            let releaser = async {
                gates.until_waiting(1).await;
                gates.release(8);
            };
            futures::future::join(call, releaser).await.0.unwrap()
        })
        .await
        .unwrap();
    assert_eq!(got, "returned 80");
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_goroutine_outlives_its_task_and_runs_when_the_component_is_next_entered() {
    let (mut s, guest, gates) = start().await;
    let api = guest.e2e_tasks_api();
    s.store
        .run_concurrent(async |a| api.call_spawn(a, 5).await.unwrap())
        .await
        .unwrap();
    // The task is over; its goroutine waits on gate 5.
    gates.until_waiting(1).await;
    gates.release(5);
    let got = s
        .store
        .run_concurrent(async |a| {
            // Entering the component (any async call) lets the goroutine finish.
            api.call_immediate(a, 1).await.unwrap();
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if let Some(v) = api.call_background(a).await.unwrap() {
                    return v;
                }
                assert!(
                    Instant::now() < deadline,
                    "the background goroutine never ran"
                );
                api.call_immediate(a, 1).await.unwrap();
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
        .await
        .unwrap();
    assert_eq!(got, 50);
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_delivers_its_results_early_and_goes_on_in_its_task() {
    let (mut s, guest, gates) = start().await;
    let api = guest.e2e_tasks_api();
    // The call completes while its implementation still waits on gate 6.
    let got = s
        .store
        .run_concurrent(async |a| {
            let v = api.call_answer_first(a, 6).await.unwrap();
            gates.until_waiting(1).await;
            v
        })
        .await
        .unwrap();
    assert_eq!(got, 18);
    gates.release(6);
    // The task lives on: the gate's event reaches it without another call.
    let got = s
        .store
        .run_concurrent(async |a| {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if let Some(v) = api.call_background(a).await.unwrap() {
                    return v;
                }
                assert!(
                    Instant::now() < deadline,
                    "the implementation never went on after its results"
                );
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
        .await
        .unwrap();
    assert_eq!(got, 60);
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sleeping_goroutine_leaves_no_clock_wait_behind_and_wakes_on_the_next_call() {
    let (mut s, guest, _) = start().await;
    let api = guest.e2e_tasks_api();
    let stats = s
        .store
        .run_concurrent(async |a| {
            api.call_sleep_in_background(a, 100).await.unwrap();
            api.call_stats(a).await.unwrap()
        })
        .await
        .unwrap();
    // The last task left: nothing would take a clock event now, so no
    // clock wait is pending with the host.
    assert_eq!(stats, (0, 0), "tasks in flight, waitables watched");
    tokio::time::sleep(Duration::from_millis(150)).await;
    let woke = s
        .store
        .run_concurrent(async |a| {
            let before = api.call_background_woke(a).await.unwrap();
            // Entering the component lets the overdue goroutine run.
            api.call_immediate(a, 1).await.unwrap();
            let woke = settle(true, async || api.call_background_woke(a).await.unwrap()).await;
            (before, woke)
        })
        .await
        .unwrap();
    assert_eq!(woke, (false, true), "(before the next call, after it)");
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn yield_lets_other_tasks_run() {
    let (mut s, guest, gates) = start().await;
    let api = guest.e2e_tasks_api();
    let (n, v) = s
        .store
        .run_concurrent(async |a| {
            // A task awaiting a gate completes while another yields 200 times.
            let yielding = api.call_yield_times(a, 200);
            let gated = async {
                let call = api.call_via_gate(a, 3);
                let release = async {
                    gates.until_waiting(1).await;
                    gates.release(3);
                };
                futures::future::join(call, release).await.0.unwrap()
            };
            let (n, v) = futures::future::join(yielding, gated).await;
            (n.unwrap(), v)
        })
        .await
        .unwrap();
    assert_eq!((n, v), (200, 31));
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn backpressure_holds_new_calls_until_released() {
    let (mut s, guest, gates) = start().await;
    let api = guest.e2e_tasks_api();
    s.store
        .run_concurrent(async |a| {
            let holder = api.call_hold_calls_until(a, 9);
            let rest = async {
                gates.until_waiting(1).await;
                // Backpressure is on: this call must not start.
                let mut held = std::pin::pin!(api.call_immediate(a, 21));
                let early = tokio::time::timeout(Duration::from_millis(200), &mut held).await;
                assert!(early.is_err(), "a call ran despite backpressure");
                gates.release(9);
                held.await.unwrap()
            };
            let (h, r) = futures::future::join(holder, rest).await;
            h.unwrap();
            assert_eq!(r, 42);
        })
        .await
        .unwrap();
    assert_idle(&mut s, &guest).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn error_context_made_by_go_comes_back_with_its_message() {
    let (mut s, guest, _) = start().await;
    let api = guest.e2e_tasks_api();
    let msg = s
        .store
        .run_concurrent(async |a| {
            let e = api
                .call_make_error(a, "boom: disk on fire".to_string())
                .await
                .unwrap();
            let first = api.call_describe_error(a, e).await.unwrap();
            // A plain Go error returned for result<_, error-context>.
            let e = api
                .call_fail_with(a, "no space left".to_string())
                .await
                .unwrap()
                .unwrap_err();
            (first, api.call_describe_error(a, e).await.unwrap())
        })
        .await
        .unwrap();
    assert_eq!(msg.0, "error-context: boom: disk on fire");
    assert_eq!(msg.1, "error-context: no space left");
    assert_idle(&mut s, &guest).await;
}

/// Calls that answer first and then sleep in their task (an HTTP handler
/// writing after its response went out), beside calls that end meanwhile:
/// the sleepers wake on the host's clock and their tasks end, with no
/// further call to let them run. Each round opens the gates, then blocks
/// the host past the sleeps' deadline, so the gates' events and the
/// clock's come together: the tasks that end first must leave the clock
/// wait to a task still alive, though every such task has returned.
#[tokio::test(flavor = "multi_thread")]
async fn tasks_that_sleep_after_answering_end_without_another_call() {
    let (mut s, guest, gates) = start().await;
    let api = guest.e2e_tasks_api();
    s.store
        .run_concurrent(async |a| {
            for round in 0..300u32 {
                let gated = (0..8u32).map(|i| api.call_via_gate(a, round * 8 + i));
                let sleeps = async {
                    gates.until_waiting(8).await;
                    futures::future::join_all(
                        (0..8u32).map(|i| api.call_answer_then_sleep(a, i, 1)),
                    )
                    .await
                };
                let release = async {
                    gates.until_waiting(8).await;
                    for _ in 0..4 {
                        tokio::task::yield_now().await;
                    }
                    // The gates open first, then the host's event loop is
                    // blocked past the sleeps' deadline: the gates' events
                    // come before the clock's.
                    gates.release_all();
                    std::thread::sleep(Duration::from_millis(3));
                };
                let (slept, passed, ()) =
                    futures::future::join3(sleeps, futures::future::join_all(gated), release).await;
                assert!(
                    slept
                        .into_iter()
                        .enumerate()
                        .all(|(i, r)| r.unwrap() == i as u32)
                );
                assert!(passed.into_iter().all(|r| r.unwrap() % 10 == 1));
            }
        })
        .await
        .unwrap();
    assert_idle(&mut s, &guest).await;
}

/// A host call into an async export can run other goroutines before its
/// task is driven: lifting the arguments allocates, and a collection that
/// starts there switches goroutines. Here the goroutine a sync export
/// started (and left runnable) runs then, and the import call it makes has
/// to reach a task's waitable set all the same. Before, witgo panicked
/// ("has to wait outside an async export"), as for a sync export's own wait.
#[tokio::test(flavor = "multi_thread")]
async fn a_goroutine_that_runs_while_a_call_lifts_its_arguments_can_wait() {
    let (mut s, guest, gates) = start().await;
    let api = guest.e2e_tasks_api();
    let words: Vec<String> = (0..100_000).map(|i| format!("word{i}")).collect();
    for round in 0..5u32 {
        let id = 100 + round;
        s.store
            .run_concurrent(async |a| api.call_spawn_sync(a, id).await.unwrap())
            .await
            .unwrap();
        let got = s
            .store
            .run_concurrent(async |a| {
                let n = api.call_count_words(a, words.clone()).await.unwrap();
                gates.until_waiting(1).await;
                gates.release(id);
                let v = settle(Some(id * 10), async || {
                    api.call_background(a).await.unwrap()
                })
                .await;
                (n, v)
            })
            .await
            .unwrap();
        assert_eq!(got, (100_000, Some(id * 10)), "round {round}");
    }
    assert_idle(&mut s, &guest).await;
}
