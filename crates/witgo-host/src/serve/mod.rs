//! `witgo serve`: HTTP on the embedded Wasmtime for components that export
//! `wasi:http/handler@0.3` or `wasi:http/incoming-handler@0.2`.
//!
//! As `wasmtime serve` does: 0.3 components get reused instances that take
//! several requests at once, 0.2 components an instance per request;
//! instances come from an instance-pre and the pooling allocator, code from
//! the compiled-component cache. `workers` holds the instance policy, `log`
//! the prefixed guest output; this file the listener and the HTTP side.

mod log;
mod workers;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{StatusCode, header};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use wasmtime::Engine;
use wasmtime::component::Component;
use wasmtime_wasi_http::WasiBody;
use wasmtime_wasi_http::handler::{
    ExpirationError, InstantiationError, ProxyHandler, ProxyPre, TrapOrPanicError,
};

use crate::{RunOptions, load_component, wasi_linker};
use workers::Workers;

/// What `witgo serve` can be told.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where to listen; port 0 picks a free one (see [`HttpServer::local_addr`]).
    pub addr: SocketAddr,
    /// Environment, preopens, features and the cache, as for `run`
    /// (`args` become the program's arguments). `deny_outbound_http` makes
    /// the guest's own HTTP requests fail with `http-request-denied`.
    pub run: RunOptions,
    /// Requests in flight across all instances; more wait for a slot.
    pub max_concurrent_requests: usize,
    /// Open client connections; more wait to be accepted.
    pub max_concurrent_connections: usize,
    /// Requests one instance serves before it is replaced (default 10,000 for
    /// 0.3 components, 1 for 0.2).
    pub max_instance_reuse_count: Option<usize>,
    /// Requests one 0.3 instance serves at once (default 100; 0.2 is always 1).
    pub max_instance_concurrent_reuse_count: Option<usize>,
    /// How long an idle instance is kept for the next request.
    pub idle_instance_timeout: Duration,
    /// How long a request may take to produce its response headers; `None`
    /// is no limit. An instance with an expired request takes no more and is
    /// dropped once its other requests finish.
    pub request_timeout: Option<Duration>,
    /// Prefix guest output lines with `[request N]` (or `[instance N]` for an
    /// instance serving several requests at once).
    pub logging_prefix: bool,
    /// Log each instance's start and end to stderr, with the requests it
    /// served and its peak linear memory.
    pub log_instances: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            run: RunOptions::default(),
            max_concurrent_requests: 1000,
            max_concurrent_connections: 1000,
            max_instance_reuse_count: None,
            max_instance_concurrent_reuse_count: None,
            idle_instance_timeout: Duration::from_secs(1),
            request_timeout: None,
            logging_prefix: true,
            log_instances: false,
        }
    }
}

/// A bound HTTP server for one component; [`HttpServer::run`] serves it.
pub struct HttpServer {
    listener: TcpListener,
    handler: ProxyHandler<Workers>,
    connections: Arc<Semaphore>,
    wasi: &'static str,
}

impl HttpServer {
    /// Compiles (or loads from the cache) the component, checks that it is an
    /// HTTP handler, and binds `opts.addr`.
    pub async fn bind(component: &Path, opts: &ServeOptions) -> Result<HttpServer> {
        let engine = serving_engine(opts)?;
        let loaded = load_component(&engine, component, opts.run.cache_dir.as_deref())?;
        let pre = proxy_pre(&engine, &loaded, component)?;
        let wasi = match pre {
            ProxyPre::P2(_) => "0.2",
            ProxyPre::P3(_) => "0.3",
        };
        let listener = listen(opts.addr)?;
        let program = crate::run::program_name(component);
        Ok(HttpServer {
            listener,
            handler: ProxyHandler::new(Workers::new(pre, opts.clone(), program)),
            connections: Arc::new(Semaphore::new(opts.max_concurrent_connections)),
            wasi,
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The WASI version of the component's handler: `"0.2"` or `"0.3"`.
    pub fn wasi_version(&self) -> &'static str {
        self.wasi
    }

    /// Serves until `shutdown` resolves, then stops accepting, lets requests
    /// in flight finish (idle keep-alive connections are closed) and returns.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<()> {
        let graceful = GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let (permit, stream) = tokio::select! {
                () = &mut shutdown => break,
                accepted = async {
                    let permit = self.connections.clone().acquire_owned().await?;
                    let (stream, _) = self.listener.accept().await?;
                    anyhow::Ok((permit, stream))
                } => match accepted {
                    Ok(accepted) => accepted,
                    // A failed accept (e.g. out of file descriptors) affects one
                    // client; keep serving the others.
                    Err(err) => {
                        eprintln!("witgo serve: cannot accept a connection: {err:#}");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                },
            };
            // Small response chunks (server-sent events, a Flush) should
            // leave at once, not after Nagle's delay.
            let _ = stream.set_nodelay(true);
            let handler = self.handler.clone();
            let service = hyper::service::service_fn(move |request| {
                let handler = handler.clone();
                async move { Ok::<_, Infallible>(respond(&handler, request).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                // A client that goes away mid-request is not the server's error.
                let _ = connection.await;
                drop(permit);
            });
        }
        let workers = self.handler.state();
        workers.requests.close();
        graceful.shutdown().await;
        // What is left are idle instances, dropped with the runtime.
        workers.stopping.store(true, Ordering::Relaxed);
        Ok(())
    }
}

/// Serves `component` on `opts.addr` until SIGINT or SIGTERM, printing the
/// address to stderr as `wasmtime serve` does. Creates its own tokio runtime.
pub fn serve(component: &Path, opts: &ServeOptions) -> Result<()> {
    crate::runtime::block_on("serve", async {
        let server = HttpServer::bind(component, opts).await?;
        eprintln!(
            "Serving HTTP on http://{}/ (wasi:http {})",
            server.local_addr(),
            server.wasi_version()
        );
        server.run(shutdown_signal()).await?;
        eprintln!("witgo serve: stopped");
        Ok(())
    })?
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

/// An engine for serving: the usual configuration plus the pooling
/// allocator, sized for the configured concurrency, when this machine's
/// address space allows it (else instances are allocated on demand).
fn serving_engine(opts: &ServeOptions) -> Result<Engine> {
    let mut config = crate::config_with(opts.run.features);
    let mut pooling = wasmtime::PoolingAllocationConfig::new();
    // Each request may need its own instance (0.2), plus the idle ones.
    let instances = u32::try_from(opts.max_concurrent_requests.saturating_mul(2))
        .unwrap_or(u32::MAX)
        .max(16);
    pooling
        .total_component_instances(instances)
        .total_core_instances(instances.saturating_mul(8))
        .total_memories(instances.saturating_mul(2))
        .total_tables(instances.saturating_mul(8))
        .total_stacks(instances.saturating_mul(2));
    config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pooling));
    match Engine::new(&config) {
        Ok(engine) => Ok(engine),
        Err(err) => {
            eprintln!(
                "witgo serve: the pooling allocator is unavailable ({err}); allocating instances on demand"
            );
            crate::engine_with(opts.run.features)
        }
    }
}

/// The handler's instance-pre: 0.3 when the component exports
/// `wasi:http/handler@0.3`, else 0.2's `incoming-handler`.
fn proxy_pre(
    engine: &Engine,
    component: &Component,
    path: &Path,
) -> Result<ProxyPre<crate::HostCtx>> {
    let linker = wasi_linker::<()>(engine)?;
    let pre = linker
        .instantiate_pre(component)
        .map_err(crate::run::instantiate_error)?;
    if let Ok(p3) = wasmtime_wasi_http::p3::bindings::ServicePre::new(pre.clone()) {
        return Ok(ProxyPre::P3(p3));
    }
    match wasmtime_wasi_http::p2::bindings::ProxyPre::new(pre) {
        Ok(p2) => Ok(ProxyPre::P2(p2)),
        Err(_) => bail!(
            "{} is not an HTTP handler: it exports neither `wasi:http/handler@0.3.0` nor \
             `wasi:http/incoming-handler@0.2.x` (a Go program serves by importing \
             witgo/wasihttp in a world that includes `wasi:http/service@0.3.0`)",
            path.display()
        ),
    }
}

fn listen(addr: SocketAddr) -> Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4(),
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6(),
    }?;
    // Rebinding an address left in TIME_WAIT by a previous run is fine on
    // Unix; on Windows the same flag would let two servers share the port.
    socket.set_reuseaddr(!cfg!(windows))?;
    socket
        .bind(addr)
        .with_context(|| format!("cannot listen on {addr}"))?;
    Ok(socket.listen(1024)?)
}

/// One request: into the component, and its response (or an error page) out.
async fn respond(
    handler: &ProxyHandler<Workers>,
    request: hyper::Request<Incoming>,
) -> hyper::Response<WasiBody> {
    let workers = handler.state();
    let Ok(_slot) = workers.requests.acquire().await else {
        return error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down",
        );
    };
    let id = workers.next_request.fetch_add(1, Ordering::Relaxed);
    let request = with_authority(request).map(|body| body.map_err(Into::into).boxed_unsync());
    match handler.handle(id, request).await {
        Ok(response) => response,
        Err(err) => {
            let (status, what) = if err.downcast_ref::<InstantiationError<u64>>().is_some() {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "no instance of the component could be made",
                )
            } else if err.downcast_ref::<ExpirationError>().is_some() {
                (
                    StatusCode::GATEWAY_TIMEOUT,
                    "the component did not answer in time",
                )
            } else if err.downcast_ref::<TrapOrPanicError>().is_some() {
                (StatusCode::INTERNAL_SERVER_ERROR, "the component trapped")
            } else {
                (StatusCode::INTERNAL_SERVER_ERROR, "the component failed")
            };
            eprintln!("witgo serve: request {id}: {what}: {err:#}");
            error_page(status, what)
        }
    }
}

/// Gives an origin-form request (`GET /path` with a `Host` header) an
/// absolute URI, so the guest sees the authority (Go's `r.Host`) even though
/// wasi:http does not pass the `Host` header itself.
fn with_authority<B>(request: hyper::Request<B>) -> hyper::Request<B> {
    let (mut parts, body) = request.into_parts();
    if parts.uri.authority().is_none()
        && let Some(host) = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
    {
        let path = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        if let Ok(uri) = hyper::Uri::builder()
            .scheme("http")
            .authority(host)
            .path_and_query(path)
            .build()
        {
            parts.uri = uri;
        }
    }
    hyper::Request::from_parts(parts, body)
}

fn error_page(status: StatusCode, what: &str) -> hyper::Response<WasiBody> {
    let text = format!(
        "{} {}: {what} (the server's log says more)\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    let mut response = hyper::Response::new(
        Full::new(Bytes::from(text))
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
