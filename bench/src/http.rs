//! HTTP rows: requests per second and latency percentiles of a `hello`
//! handler and a 64 KiB echo, every contender served by the same host
//! (witgo's `HttpServer`, the engine of `witgo serve`, in this process),
//! plus native Go net/http on a loopback socket as the reference line.
//! The load is `CONNECTIONS` keep-alive HTTP/1.1 connections, each sending
//! its next request as soon as the last answer is in.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

use crate::stats::Measure;

/// Concurrent client connections.
pub const CONNECTIONS: usize = 32;

/// What a row sends.
#[derive(Clone, Copy)]
pub enum Route {
    Hello,
    Echo64K,
}

impl Route {
    pub fn all() -> [Route; 2] {
        [Route::Hello, Route::Echo64K]
    }

    pub fn name(self) -> &'static str {
        match self {
            Route::Hello => "http hello",
            Route::Echo64K => "http echo 64 KiB",
        }
    }

    fn request(self, addr: SocketAddr, payload: &Bytes) -> hyper::Request<Full<Bytes>> {
        let (method, path, body) = match self {
            Route::Hello => ("GET", "/hello", Bytes::new()),
            Route::Echo64K => ("POST", "/echo", payload.clone()),
        };
        hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", addr.to_string())
            .header("content-length", body.len())
            .body(Full::new(body))
            .expect("a valid request")
    }

    fn expected_len(self) -> usize {
        match self {
            Route::Hello => b"hello\n".len(),
            Route::Echo64K => 64 * 1024,
        }
    }
}

/// A server under test: a component on witgo's host, or the native program.
pub enum Server {
    Component {
        addr: SocketAddr,
        stop: Option<tokio::sync::oneshot::Sender<()>>,
    },
    Native {
        addr: SocketAddr,
        child: Child,
    },
}

impl Server {
    /// Serves `component` on a free loopback port, on the current runtime.
    pub async fn component(component: &Path) -> Result<Server> {
        let opts = witgo_host::ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            logging_prefix: false,
            ..Default::default()
        };
        let server = witgo_host::HttpServer::bind(component, &opts).await?;
        let addr = server.local_addr();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run(async move {
            let _ = stopped.await;
        }));
        Ok(Server::Component {
            addr,
            stop: Some(stop),
        })
    }

    /// Starts the native server binary, which prints its address when it
    /// listens.
    pub fn native(binary: &Path) -> Result<Server> {
        let mut child = Command::new(binary)
            .arg("127.0.0.1:0")
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().context("no stdout")?),
            &mut line,
        )?;
        let addr = line
            .trim()
            .parse()
            .with_context(|| format!("{} printed {line:?}, not an address", binary.display()))?;
        Ok(Server::Native { addr, child })
    }

    pub fn addr(&self) -> SocketAddr {
        match self {
            Server::Component { addr, .. } | Server::Native { addr, .. } => *addr,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        match self {
            Server::Component { stop, .. } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
            }
            Server::Native { child, .. } => {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

/// One sample: requests per second and the 50th and 99th percentile
/// latencies (nanoseconds) over `duration` of load.
pub struct Sample {
    pub per_sec: f64,
    pub p50: f64,
    pub p99: f64,
}

/// Loads `addr` with `route` for `duration` from CONNECTIONS connections.
pub async fn sample(addr: SocketAddr, route: Route, duration: Duration) -> Result<Sample> {
    let payload = Bytes::from((0..64 * 1024).map(|i| (i % 251) as u8).collect::<Vec<u8>>());
    let start = Instant::now();
    let deadline = start + duration;
    let clients = (0..CONNECTIONS).map(|_| {
        let payload = payload.clone();
        tokio::spawn(async move { client(addr, route, payload, deadline).await })
    });
    let mut latencies = Vec::new();
    for c in futures::future::join_all(clients).await {
        latencies.extend(c??);
    }
    let elapsed = start.elapsed().as_secs_f64();
    if latencies.is_empty() {
        bail!("no request completed");
    }
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize] as f64;
    Ok(Sample {
        per_sec: latencies.len() as f64 / elapsed,
        p50: at(0.50),
        p99: at(0.99),
    })
}

/// One keep-alive connection sending requests until `deadline`; the
/// latencies of its requests in nanoseconds.
async fn client(
    addr: SocketAddr,
    route: Route,
    payload: Bytes,
    deadline: Instant,
) -> Result<Vec<u64>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        let t = Instant::now();
        send.ready().await?;
        let response = send.send_request(route.request(addr, &payload)).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        if status != 200 || body.len() != route.expected_len() {
            bail!(
                "{}: status {status}, {} bytes (expected {})",
                route.name(),
                body.len(),
                route.expected_len()
            );
        }
        latencies.push(t.elapsed().as_nanos() as u64);
    }
    Ok(latencies)
}

/// A contender of the HTTP rows: its name and what serves it.
pub struct Contender {
    pub name: String,
    pub target: Target,
}

pub enum Target {
    Component(PathBuf),
    Native(PathBuf),
}

/// The rows for every contender, samples taken in rounds (one of each
/// contender per round, as the other rows do): per route of `routes`, a
/// `requests/s` measure and `p50`/`p99` latency measures per contender.
pub fn measure(
    contenders: &[Contender],
    routes: &[Route],
    samples: usize,
    duration: Duration,
) -> Result<Vec<(Route, Vec<Result<[Measure; 3]>>)>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut servers = Vec::new();
        for c in contenders {
            servers.push(match &c.target {
                Target::Component(path) => Server::component(path).await,
                Target::Native(binary) => Server::native(binary),
            });
        }
        let mut out = Vec::new();
        for &route in routes {
            let mut per: Vec<Result<Vec<Sample>>> = servers
                .iter()
                .map(|s| match s {
                    Ok(_) => Ok(Vec::new()),
                    Err(e) => Err(anyhow::anyhow!("{e:#}")),
                })
                .collect();
            // A warm-up sample per contender, not counted: the first
            // requests start instances.
            for (i, server) in servers.iter().enumerate() {
                if let (Ok(server), Ok(_)) = (server, &per[i]) {
                    if let Err(e) = sample(server.addr(), route, Duration::from_millis(300)).await {
                        per[i] = Err(e);
                    }
                }
            }
            for _ in 0..samples {
                for (i, server) in servers.iter().enumerate() {
                    let (Ok(server), Ok(taken)) = (server, &mut per[i]) else {
                        continue;
                    };
                    match sample(server.addr(), route, duration).await {
                        Ok(s) => taken.push(s),
                        Err(e) => per[i] = Err(e),
                    }
                }
            }
            let measures = per
                .into_iter()
                .map(|r| {
                    r.map(|taken| {
                        [
                            Measure::of(taken.iter().map(|s| s.per_sec).collect()),
                            Measure::of(taken.iter().map(|s| s.p50).collect()),
                            Measure::of(taken.iter().map(|s| s.p99).collect()),
                        ]
                    })
                })
                .collect();
            out.push((route, measures));
        }
        Ok(out)
    })
}
