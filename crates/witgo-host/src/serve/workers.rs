//! The instances behind `witgo serve`: how they are made, how many requests
//! each takes, when they expire. Wasmtime's `ProxyHandler` does the
//! dispatching; this supplies the policy.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use wasmtime::component::GuestTaskId;
use wasmtime::{Store, StoreContextMut};
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::handler::{
    HandlerState, Instance, ProxyPre, ShouldAccept, WorkerExpiration, WorkerState, WorkerStatus,
};

use super::ServeOptions;
use super::log::{LinePrefix, Output, PrefixedOutput};
use crate::HostCtx;

/// Everything the server shares between its instances.
pub(crate) struct Workers {
    pub(crate) pre: ProxyPre<HostCtx>,
    pub(crate) opts: ServeOptions,
    pub(crate) program: String,
    /// How many requests one instance takes, in total and at once.
    pub(crate) reuse: usize,
    pub(crate) concurrent: usize,
    /// Caps the requests in flight across all instances.
    pub(crate) requests: Semaphore,
    pub(crate) next_request: AtomicU64,
    next_instance: AtomicU64,
    /// Set once the server stops: instances dropped then are not failures.
    pub(crate) stopping: Arc<AtomicBool>,
}

impl Workers {
    pub(crate) fn new(pre: ProxyPre<HostCtx>, opts: ServeOptions, program: String) -> Self {
        let p3 = matches!(pre, ProxyPre::P3(_));
        let reuse = opts
            .max_instance_reuse_count
            .unwrap_or(if p3 { DEFAULT_P3_REUSE } else { 1 });
        // A 0.2 handler is a synchronous export: one call at a time.
        let concurrent = if p3 {
            opts.max_instance_concurrent_reuse_count
                .unwrap_or(DEFAULT_P3_CONCURRENT)
        } else {
            1
        };
        Workers {
            requests: Semaphore::new(opts.max_concurrent_requests),
            pre,
            opts,
            program,
            reuse: reuse.max(1),
            concurrent: concurrent.max(1),
            next_request: AtomicU64::new(0),
            next_instance: AtomicU64::new(0),
            stopping: Arc::default(),
        }
    }

    fn new_store(&self, prefix: LinePrefix) -> anyhow::Result<Store<HostCtx>> {
        let mut builder = crate::wasi_builder(&self.program, &self.opts.run)?;
        builder.stdout(PrefixedOutput {
            output: Output::Stdout,
            prefix: prefix.clone(),
        });
        builder.stderr(PrefixedOutput {
            output: Output::Stderr,
            prefix,
        });
        let mut ctx = HostCtx::from_wasi(builder.build(), ());
        ctx.deny_outbound_http(self.opts.run.deny_outbound_http);
        let mut store = Store::new(self.pre_engine(), ctx);
        store.limiter(|ctx| ctx.memory_counter());
        Ok(store)
    }

    fn pre_engine(&self) -> &wasmtime::Engine {
        match &self.pre {
            ProxyPre::P2(pre) => pre.instance_pre().engine(),
            ProxyPre::P3(pre) => pre.instance_pre().engine(),
        }
    }
}

/// Requests one 0.3 instance serves before it is replaced: a fresh instance
/// bounds what a leak can grow to, but a Go instance's start (the runtime,
/// then `main` on the first request) costs milliseconds. Wasmtime's CLI
/// replaces after 128; for the bench's hello handler on witgo serve, 10,000
/// instead of 128 gave 15% more requests/s and 60% lower p99 (BENCHMARKS.md).
const DEFAULT_P3_REUSE: usize = 10_000;
/// Requests one 0.3 instance serves at once. An instance only takes another
/// while all its requests wait on I/O or timers, so a busy handler does not
/// hold up requests another instance could serve.
const DEFAULT_P3_CONCURRENT: usize = 100;

impl HandlerState for Workers {
    type StoreData = HostCtx;
    type WorkerExpiration = Expiration;
    type WorkerState = Worker;

    async fn instantiate(&self) -> wasmtime::Result<Instance<HostCtx, Expiration, Worker>> {
        let id = self.next_instance.fetch_add(1, Ordering::Relaxed);
        // Output is labelled with the instance from its start (Go's package
        // inits print here too); an instance serving one request at a time
        // relabels it per request (see on_request_start).
        let prefix = LinePrefix::default();
        if self.opts.logging_prefix {
            prefix.set(format!("[instance {id}] "));
        }
        let mut store = self
            .new_store(prefix.clone())
            .map_err(wasmtime::Error::from_anyhow)?;
        let proxy = self.pre.instantiate_async(&mut store).await?;
        if self.opts.log_instances {
            eprintln!(
                "witgo serve: instance {id} started ({} MiB of linear memory)",
                mebibytes(store.data().linear_memory())
            );
        }
        let request_timeout = self.opts.request_timeout.unwrap_or(Duration::MAX);
        Ok(Instance {
            store,
            proxy,
            view: WasiHttpView::http,
            expiration: Expiration {
                idle_timeout: self.opts.idle_instance_timeout,
                request_timeout,
                sleep: Box::pin(tokio::time::sleep(Duration::MAX)),
            },
            state: Worker {
                id,
                prefix,
                label_requests: self.opts.logging_prefix && self.concurrent == 1,
                reuse: self.reuse,
                concurrent: self.concurrent,
                request_timeout,
                stopping: self.stopping.clone(),
                log: self.opts.log_instances,
                served: AtomicU64::new(0),
            },
        })
    }
}

/// One instance's policy.
pub(crate) struct Worker {
    id: u64,
    prefix: LinePrefix,
    /// Whether each request relabels the output (one request at a time).
    label_requests: bool,
    reuse: usize,
    concurrent: usize,
    request_timeout: Duration,
    stopping: Arc<AtomicBool>,
    log: bool,
    served: AtomicU64,
}

impl WorkerState for Worker {
    type StoreData = HostCtx;
    /// The request's id, as the log prefix shows it.
    type RequestData = u64;

    fn should_accept_request(&self, concurrent: usize, total: usize) -> ShouldAccept {
        if total >= self.reuse {
            ShouldAccept::Never
        } else if concurrent >= self.concurrent {
            ShouldAccept::No
        } else {
            ShouldAccept::Yes
        }
    }

    fn on_request_start(
        &self,
        _store: StoreContextMut<'_, HostCtx>,
        request: u64,
        _task: GuestTaskId,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + Sync>> {
        self.served.fetch_add(1, Ordering::Relaxed);
        if self.label_requests {
            // An instance that serves one request at a time speaks for that
            // request; one that serves several keeps its own name.
            self.prefix.set(format!("[request {request}] "));
        }
        Box::pin(tokio::time::sleep(self.request_timeout))
    }

    fn drop(&self, store: Store<HostCtx>, result: wasmtime::Result<()>) {
        if let Err(err) = result
            && !self.stopping.load(Ordering::Relaxed)
        {
            eprintln!(
                "witgo serve: instance {} stopped: {err:?}; later requests get a fresh instance",
                self.id
            );
        }
        if self.log {
            eprintln!(
                "witgo serve: instance {} done: {} requests, peak linear memory {} MiB",
                self.id,
                self.served.load(Ordering::Relaxed),
                mebibytes(store.data().linear_memory())
            );
        }
        drop(store);
    }
}

/// When an instance is dropped: idle too long, or a request over its time.
pub(crate) struct Expiration {
    idle_timeout: Duration,
    request_timeout: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl WorkerExpiration for Expiration {
    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        status: WorkerStatus,
        since: Instant,
    ) -> Poll<()> {
        let limit = match status {
            WorkerStatus::Idle => self.idle_timeout,
            WorkerStatus::Requests | WorkerStatus::PostReturn => self.request_timeout,
        };
        let Some(deadline) = since.checked_add(limit) else {
            return Poll::Pending;
        };
        let deadline = tokio::time::Instant::from_std(deadline);
        if self.sleep.deadline() != deadline {
            self.sleep.as_mut().reset(deadline);
        }
        self.sleep.as_mut().poll(cx)
    }
}

fn mebibytes(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}
