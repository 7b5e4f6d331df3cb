//! Go networking over wasi:sockets 0.3 (`witgo/wasinet`), end to end: the
//! `netconn` guest (a WASI 0.3 command) runs one scenario per `witgo run`
//! against servers this test starts on 127.0.0.1, with the network grants
//! given on the command line.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn have_go() -> bool {
    witgo_build::GoToolchain::discover(None).is_ok()
}

fn netconn() -> PathBuf {
    common::guest("netconn")
}

/// The timing test runs alone (write lock); the others share (read lock),
/// so that a 64 MiB echo on both cores does not delay its timers.
static TIMING: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// What every test but the timing one starts with: `None` (skip) without
/// Go, else a share of TIMING.
fn shared() -> Option<std::sync::RwLockReadGuard<'static, ()>> {
    have_go().then(|| TIMING.read().unwrap_or_else(|e| e.into_inner()))
}

/// `witgo run [grants] netconn.wasm scenario args...`.
fn run(grants: &[&str], scenario: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_witgo"))
        .arg("run")
        .args(grants)
        .arg(netconn())
        .args(scenario)
        .output()
        .unwrap()
}

/// The scenario's stdout; it must have succeeded.
fn passes(grants: &[&str], scenario: &[&str]) -> String {
    let o = run(grants, scenario);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{scenario:?}: {out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// A TCP server on 127.0.0.1 answering each connection with `serve` on a
/// thread of its own; it runs until the test process ends.
fn server(serve: fn(TcpStream)) -> SocketAddr {
    server_on("127.0.0.1:0", serve).unwrap()
}

/// [`server`] on `bind` (an error if this machine cannot bind it).
fn server_on(bind: &str, serve: fn(TcpStream)) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(bind)?;
    let addr = listener.local_addr()?;
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || serve(conn));
        }
    });
    Ok(addr)
}

/// Echoes everything, then closes its side after the client's.
fn echo(mut conn: TcpStream) {
    let mut buf = vec![0; 64 << 10];
    loop {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if conn.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = conn.shutdown(Shutdown::Write);
}

/// Reads nothing and writes nothing until the client goes.
fn silent(mut conn: TcpStream) {
    let _ = conn.read(&mut [0; 1]);
}

/// Reads to the client's EOF, then answers how much it got.
fn count_then_answer(mut conn: TcpStream) {
    let mut got = Vec::new();
    conn.read_to_end(&mut got).unwrap();
    let answer = format!("got {} bytes: {}", got.len(), String::from_utf8_lossy(&got));
    conn.write_all(answer.as_bytes()).unwrap();
}

/// 64 MiB each way through a Rust echo server, hash-checked in the guest,
/// with a write goroutine and a read goroutine on one connection.
#[test]
fn tcp_echo_64_mib_each_way() {
    let Some(_timing) = shared() else { return };
    let addr = server(echo).to_string();
    let out = passes(
        &["--allow-connect", &addr],
        &["echo", &addr, &(64 << 20).to_string()],
    );
    assert!(out.starts_with("echo ok: 67108864 bytes each way"), "{out}");
    assert!(out.contains(&format!("remote {addr}")), "{out}");
}

/// IPv6 (`tcp6` to [::1]) and a host name dialled through the resolver
/// (`localhost`, with the lookup granted): the same echo, smaller.
#[test]
fn ipv6_and_dialling_a_host_name() {
    let Some(_timing) = shared() else { return };
    let addr = match server_on("[::1]:0", echo) {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("skipping the IPv6 part: no [::1] here ({e})");
            return;
        }
    };
    let out = passes(
        &["--allow-connect", &addr.to_string()],
        &["echo", &addr.to_string(), "1048576"],
    );
    assert!(out.starts_with("echo ok: 1048576 bytes each way"), "{out}");
    assert!(out.contains(&format!("remote {addr}")), "{out}");

    let v4 = server(echo);
    let by_name = format!("localhost:{}", v4.port());
    let out = passes(
        &[
            "--allow-connect",
            &v4.to_string(),
            "--allow-connect",
            &format!("[::1]:{}", v4.port()),
            "--allow-ip-name-lookup",
        ],
        &["echo", &by_name, "1048576"],
    );
    assert!(out.starts_with("echo ok: 1048576 bytes each way"), "{out}");
    assert!(out.contains(&format!("remote {v4}")), "{out}");
}

/// A read deadline on a silent server fires within ±20% of its time, also
/// when moved while the read waits; the error is a timeout, a
/// *net.OpError and os.ErrDeadlineExceeded (checked in the guest).
#[test]
fn read_deadlines_fire_on_time() {
    if !have_go() {
        return;
    }
    let _timing = TIMING.write().unwrap_or_else(|e| e.into_inner());
    let addr = server(silent).to_string();
    for scenario in ["deadline", "moved-deadline"] {
        let out = passes(&["--allow-connect", &addr], &[scenario, &addr, "500"]);
        let ms: u64 = out
            .strip_prefix("timeout after ")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{scenario}: {out}"));
        assert!((400..=600).contains(&ms), "{scenario}: {ms} ms for 500");
        assert!(out.contains("i/o timeout"), "{out}");
    }
}

/// Connection refused, permission denied without a grant (and with a
/// grant for another port), and Close unblocking a waiting Read.
#[test]
fn dial_errors_and_close() {
    let Some(_timing) = shared() else { return };
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let refused_addr = closed.local_addr().unwrap().to_string();
    drop(closed);
    let out = passes(
        &["--allow-connect", "127.0.0.1"],
        &["refused", &refused_addr],
    );
    assert!(out.contains("connect: Connection refused"), "{out}");

    let addr = server(silent);
    let out = passes(&[], &["denied", &addr.to_string()]);
    assert!(out.contains("Permission denied"), "{out}");
    let other_port = format!("127.0.0.1:{}", addr.port() + 1);
    let out = passes(
        &["--allow-connect", &other_port],
        &["denied", &addr.to_string()],
    );
    assert!(out.contains("Permission denied"), "{out}");

    let out = passes(
        &["--allow-connect", &addr.to_string()],
        &["close-unblocks", &addr.to_string()],
    );
    assert!(out.contains("use of closed network connection"), "{out}");
}

/// CloseWrite sends EOF while reading goes on: the server answers only
/// after it.
#[test]
fn half_close() {
    let Some(_timing) = shared() else { return };
    let addr = server(count_then_answer).to_string();
    let out = passes(&["--allow-connect", &addr], &["half-close", &addr]);
    assert_eq!(
        out,
        "half-close answer: got 24 bytes: hello, half-closed world\n"
    );
}

/// 100 connections from 100 goroutines at once.
#[test]
fn one_hundred_concurrent_connections() {
    let Some(_timing) = shared() else { return };
    let addr = server(echo).to_string();
    let out = passes(&["--allow-connect", &addr], &["concurrent", &addr, "100"]);
    assert!(out.starts_with("concurrent ok: 100 connections"), "{out}");
}

/// The guest listens (on a port the host picks) and serves a line
/// protocol; 100 Rust clients connect at once.
#[test]
fn a_go_listener_serves_one_hundred_clients() {
    let Some(_timing) = shared() else { return };
    let mut child = Command::new(env!("CARGO_BIN_EXE_witgo"))
        .args(["run", "--allow-listen", "127.0.0.1"])
        .arg(netconn())
        .args(["listen", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening on ")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("{line:?}"));
    let clients: Vec<_> = (0..100)
        .map(|i| {
            std::thread::spawn(move || {
                let mut conn = TcpStream::connect(addr).unwrap();
                conn.set_read_timeout(Some(Duration::from_secs(20)))
                    .unwrap();
                write!(conn, "client {i}\nsecond line\n").unwrap();
                conn.shutdown(Shutdown::Write).unwrap();
                let mut answer = String::new();
                conn.read_to_string(&mut answer).unwrap();
                assert_eq!(answer, format!("echo: client {i}\necho: second line\n"));
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{rest}");
    assert_eq!(rest, "served 100 connections\n");
}

/// Listening needs a grant too.
#[test]
fn listening_is_denied_without_a_grant() {
    let Some(_timing) = shared() else { return };
    let o = run(&["--allow-connect", "127.0.0.1"], &["listen", "1"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("listen tcp 127.0.0.1:0: bind: Permission denied"),
        "{err}"
    );
}

/// A UDP datagram to a Rust echo socket and back; a name lookup with and
/// without the grant.
#[test]
fn udp_and_name_lookup() {
    let Some(_timing) = shared() else { return };
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = sock.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let mut buf = [0; 512];
        let (n, from) = sock.recv_from(&mut buf).unwrap();
        let mut reply = b"pong: ".to_vec();
        reply.extend_from_slice(&buf[..n]);
        sock.send_to(&reply, from).unwrap();
    });
    let out = passes(&["--allow-connect", &addr], &["udp", &addr]);
    assert_eq!(out, "udp reply: pong: ping over udp\n");

    let out = passes(&["--allow-ip-name-lookup"], &["lookup", "localhost"]);
    assert!(out.starts_with("lookup localhost: "), "{out}");
    assert!(out.contains("127.0.0.1") || out.contains("::1"), "{out}");
    let o = run(&[], &["lookup", "localhost"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--allow-ip-name-lookup"), "{err}");
}

/// net/http's client with wasinet as its Transport's DialContext, as
/// docs/net.md says: two GETs on one keep-alive connection to a Rust
/// HTTP/1.1 server.
#[test]
fn net_http_dials_through_wasinet() {
    let Some(_timing) = shared() else { return };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(conn.try_clone().unwrap());
        let mut conn = conn;
        for i in 1..=2 {
            let mut line = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
            }
            let body = format!("answer {i}\n");
            write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
        }
    });
    let out = passes(
        &["--allow-connect", &addr.to_string()],
        &["http-get", &format!("http://{addr}/x")],
    );
    assert_eq!(out, "200 answer 1\n200 answer 2\ndials: 1\n");
}
