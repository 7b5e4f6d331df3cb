//! Sockets rows: TCP echo throughput (64 MiB each way in 64 KiB writes)
//! and the rate of connections that each exchange a byte and close. Every contender is a program run as a
//! process that times its own work and prints `ns N`: components on
//! `witgo run` with a connect grant for the server, native Go directly.
//! The server is an echo server on 127.0.0.1 in this process, the same
//! for all.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::report::Unit;
use crate::stats::Measure;

/// What a row measures.
#[derive(Clone, Copy)]
pub enum Scenario {
    Echo,
    Connect,
}

/// Bytes each way in the echo row.
const ECHO_BYTES: usize = 64 << 20;
/// Connections in the connect row.
const CONNECTS: usize = 1000;

impl Scenario {
    pub fn all() -> [Scenario; 2] {
        [Scenario::Echo, Scenario::Connect]
    }

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Echo => "sockets: tcp echo 64 MiB each way, 64 KiB writes",
            Scenario::Connect => "sockets: connect, 1-byte round trip, close",
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Scenario::Echo => Unit::BytesPerSec,
            Scenario::Connect => Unit::PerSec,
        }
    }

    fn args(self) -> [String; 2] {
        match self {
            Scenario::Echo => ["echo".into(), ECHO_BYTES.to_string()],
            Scenario::Connect => ["connect".into(), CONNECTS.to_string()],
        }
    }

    /// The row's figure from the program's own time for the work.
    fn figure(self, nanos: f64) -> f64 {
        let secs = nanos / 1e9;
        match self {
            Scenario::Echo => 2.0 * ECHO_BYTES as f64 / secs,
            Scenario::Connect => CONNECTS as f64 / secs,
        }
    }
}

/// A contender of the sockets rows.
pub struct Contender {
    pub name: String,
    pub target: Target,
}

pub enum Target {
    /// A component, run by this witgo CLI.
    Component { wasm: PathBuf, witgo: PathBuf },
    /// A native program.
    Native(PathBuf),
}

impl Contender {
    /// One run of `scenario` against `server`: the program's time in ns.
    fn run(&self, scenario: Scenario, server: SocketAddr) -> Result<f64> {
        let mut cmd = match &self.target {
            Target::Component { wasm, witgo } => {
                let mut c = Command::new(witgo);
                c.args(["run", "--allow-connect", &server.to_string()])
                    .arg(wasm);
                c
            }
            Target::Native(binary) => Command::new(binary),
        };
        let [what, n] = scenario.args();
        let out = cmd
            .args([what, server.to_string(), n])
            .output()
            .with_context(|| format!("cannot run {}", self.name))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            bail!(
                "{}: {}{}",
                out.status,
                stdout,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        stdout
            .trim()
            .strip_prefix("ns ")
            .and_then(|n| n.parse().ok())
            .with_context(|| format!("printed {stdout:?}, not `ns N`"))
    }
}

/// An echo server on a free loopback port (tokio's listener: its backlog
/// of 1024 keeps up with native Go's dial rate, where a std listener's 128
/// overflows and stalls dials for a SYN retransmit); it closes its side
/// after the client's. It serves while the runtime lives.
fn echo_server() -> Result<(SocketAddr, tokio::runtime::Runtime)> {
    use tokio::io::AsyncWriteExt;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    runtime.spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = conn.split();
                let mut read = tokio::io::BufReader::with_capacity(64 << 10, read);
                let _ = tokio::io::copy_buf(&mut read, &mut write).await;
                let _ = write.shutdown().await;
            });
        }
    });
    Ok((addr, runtime))
}

/// The rows for every contender, samples taken in rounds (one run of each
/// contender per round) after one warm-up run each.
pub fn measure(
    contenders: &[Contender],
    samples: usize,
) -> Result<Vec<(Scenario, Vec<Result<Measure>>)>> {
    let (server, _serving) = echo_server()?;
    let mut out = Vec::new();
    for scenario in Scenario::all() {
        let mut per: Vec<Result<Vec<f64>>> = contenders
            .iter()
            .map(|c| c.run(scenario, server).map(|_| Vec::new()))
            .collect();
        for _ in 0..samples {
            for (c, taken) in contenders.iter().zip(per.iter_mut()) {
                let Ok(values) = taken else { continue };
                match c.run(scenario, server) {
                    Ok(ns) => values.push(scenario.figure(ns)),
                    Err(e) => *taken = Err(e),
                }
            }
        }
        let measures = per.into_iter().map(|r| r.map(Measure::of)).collect();
        out.push((scenario, measures));
    }
    Ok(out)
}
