//! HTTP servers under test (`wasmtime serve`, `witgo serve`) and a small
//! HTTP/1.1 client for them: requests are written by hand so that tests
//! control exactly what goes on the wire.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The wasi:http version a guest serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wasi {
    P2,
    P3,
}

/// A `wasmtime serve` or `witgo serve` process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Collects what `pipe` yields (also copying it to this process's stderr
/// when `echo`), on a thread of its own.
fn keep(mut pipe: impl Read + Send + 'static, echo: bool) -> Arc<Mutex<Vec<u8>>> {
    let kept = Arc::new(Mutex::new(Vec::new()));
    let sink = kept.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = pipe.read(&mut buf) {
            if echo {
                // eprint!, not a write to fd 2: the test harness captures it.
                eprint!("{}", String::from_utf8_lossy(&buf[..n]));
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    kept
}

impl Server {
    /// `wasmtime serve` (the CLI at `wasmtime`) serving `component`.
    pub fn wasmtime(wasmtime: &Path, component: &Path) -> Server {
        // -Scli: the WASI p1 adapter inside every Go component imports the
        // 0.2 CLI interfaces, which `serve` links only when asked.
        let mut cmd = Command::new(wasmtime);
        cmd.args(["serve", "-Scli"]);
        Server::start(cmd, component, &[])
    }

    /// `witgo serve` serving `component`, with more `witgo serve` flags.
    pub fn witgo(component: &Path, flags: &[&str]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_witgo"));
        cmd.arg("serve");
        Server::start(cmd, component, flags)
    }

    /// Runs `cmd --addr 127.0.0.1:0 flags... component` and waits for the
    /// line where the server says which port it took ("Serving HTTP on
    /// http://127.0.0.1:PORT/", printed by both servers). The server's
    /// stdout is kept (see [`Server::stdout`]); stderr passes through.
    ///
    /// The server picks the port itself: a port found free here and handed
    /// over could be taken by another test's server in between, and this
    /// test would then talk to that one.
    fn start(mut cmd: Command, component: &Path, flags: &[&str]) -> Server {
        let mut child = cmd
            .args(["--addr", "127.0.0.1:0"])
            .args(flags)
            .arg(component)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = keep(child.stdout.take().unwrap(), false);
        let stderr = keep(child.stderr.take().unwrap(), true);
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stdout,
            stderr,
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        server.addr = loop {
            if let Some(addr) = listening_address(&server.stderr()) {
                break addr;
            }
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!(
                    "the server exited with {status} before listening:\n{}",
                    server.stderr()
                );
            }
            assert!(
                Instant::now() < deadline,
                "the server did not say where it listens:\n{}",
                server.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        server
    }

    /// What the server (and so the guest) has written to stdout so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

    /// What the server has written to stderr so far (it is also passed on).
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Waits up to `timeout` for a line containing `needle` on stdout or
    /// stderr, and returns it.
    pub fn wait_for_line(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let text = self.stdout() + &self.stderr();
            if let Some(line) = text.lines().find(|l| l.contains(needle)) {
                return line.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no line with {needle:?} in:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// One HTTP/1.1 request (the connection closes after it); returns the
    /// status and the body, de-chunked.
    pub fn request(&self, method: &str, target: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let (status, _, body) = self.exchange(method, target, "", body);
        (status, body)
    }

    /// A request with extra header lines (`"name: value\r\n"` each);
    /// returns the status, the response's header section (lowercased) and
    /// its body, de-chunked.
    pub fn exchange(
        &self,
        method: &str,
        target: &str,
        headers: &str,
        body: &[u8],
    ) -> (u16, String, Vec<u8>) {
        let mut conn = self.send(method, target, headers, body);
        let mut response = Vec::new();
        conn.read_to_end(&mut response).unwrap();
        parse_response(&response)
    }

    /// Sends a request and returns the connection to read the response from.
    pub fn send(&self, method: &str, target: &str, headers: &str, body: &[u8]) -> TcpStream {
        let mut conn = TcpStream::connect(self.addr).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let head = format!(
            "{method} {target} HTTP/1.1\r\nhost: {}\r\ncontent-length: {}\r\n{headers}connection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        conn.write_all(head.as_bytes()).unwrap();
        conn.write_all(body).unwrap();
        conn
    }
}

/// Reads `conn` until what came holds `needle` (a response's header and
/// chunks may arrive in separate reads), and returns what came.
pub fn read_until(conn: &mut TcpStream, needle: &str) -> Vec<u8> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains(needle) {
        let n = conn.read(&mut buf).unwrap();
        assert!(
            n > 0,
            "the response ended before {needle:?}: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
    seen
}

/// 12 requests to `/sleep?ms=300`, which answers "slept 300ms": one
/// instance serves them concurrently (Wasmtime reuses a WASI 0.3 instance
/// for up to 16), so together they take about 300 ms, not 12 x 300.
pub fn assert_sleeps_overlap(server: &Server) {
    let t = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..12)
            .map(|_| s.spawn(|| server.request("GET", "/sleep?ms=300", b"")))
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), (200, b"slept 300ms\n".to_vec()));
        }
    });
    let took = t.elapsed();
    assert!(
        took < Duration::from_millis(1800),
        "12 concurrent 300 ms requests took {took:?}"
    );
}

/// The address in a server's "Serving HTTP on http://ADDR/" line.
fn listening_address(stderr: &str) -> Option<SocketAddr> {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("Serving HTTP on http://"))?;
    let rest = &line["Serving HTTP on http://".len()..];
    rest[..rest.find('/')?].parse().ok()
}

/// Splits an HTTP/1.1 response into its status, its header section
/// (lowercased) and its body (chunked or not).
pub fn parse_response(response: &[u8]) -> (u16, String, Vec<u8>) {
    let end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no end of headers");
    let head = String::from_utf8_lossy(&response[..end]).to_ascii_lowercase();
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("no status");
    let mut rest = &response[end + 4..];
    if !head.contains("transfer-encoding: chunked") {
        return (status, head, rest.to_vec());
    }
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("bad chunk header");
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("bad chunk size");
        rest = &rest[line_end + 2..];
        if size == 0 {
            return (status, head, body);
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// The net/http guest (tests/guests/nethttp: a ServeMux with Go 1.22
/// patterns behind a middleware, served by `wasihttp.ListenAndServe`)
/// through `server`: routing, headers both ways, status codes, content
/// sniffing and Content-Length, a panicking handler, a streamed echo and
/// download, Flush, concurrent requests that each sleep, a client that goes
/// away, and outbound calls through http.DefaultClient.
///
/// On WASI 0.2 (`Wasi::P2`, the nethttp2 guest) each request gets an
/// instance of its own, so the checks that read one instance's state
/// across requests (the executor settling, the ticks counter) are left out.
pub fn check_net_http_guest(server: &Server, wasi: Wasi) {
    let (status, head, body) = server.exchange("GET", "/items/42?q=hi", "", b"");
    assert_eq!(
        (status, String::from_utf8_lossy(&body).as_ref()),
        (200, r#"{"id":"42","q":"hi"}"#)
    );
    assert!(head.contains("content-type: application/json"), "{head}");
    assert!(
        head.contains("content-length: 20"),
        "a small body gets its length: {head}"
    );
    assert!(head.contains("x-served: "), "the middleware ran: {head}");

    // r.URL is what net/http's parser makes of the target, for the paths
    // wasihttp builds directly and those it hands to the parser.
    for (target, path, query) in [
        ("/url/a-b_c.d~e/f", "/url/a-b_c.d~e/f", ""),
        ("/url/a;b,c$d&e+f=g:h@i", "/url/a;b,c$d&e+f=g:h@i", ""),
        ("/url/x?", "/url/x", ""),
        ("/url/x??", "/url/x", "?"),
        ("/url/x?a=1&b=%20c", "/url/x", "a=1&b=%20c"),
        ("/url/%41b%2Fc", "/url/Ab/c", ""),
        ("/url/a!b*c'(d)", "/url/a!b*c'(d)", ""),
    ] {
        let (status, body) = server.request("GET", target, b"");
        assert_eq!(
            (status, String::from_utf8_lossy(&body).as_ref()),
            (200, format!("path={path} query={query} same=true").as_str()),
            "{target}"
        );
    }

    let (status, _, body) =
        server.exchange("GET", "/request?a=b", "X-Multi: 1\r\nx-multi: 2\r\n", b"");
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 200);
    assert!(text.starts_with("method=GET "), "{text}");
    assert!(
        text.ends_with("uri=/request?a=b multi=1|2 length=0"),
        "{text}"
    );

    let (status, head, body) = server.exchange("GET", "/teapot", "", b"");
    assert_eq!(status, 418);
    assert!(
        head.contains("x-multi: a\r\nx-multi: b") || head.contains("x-multi: b\r\nx-multi: a"),
        "{head}"
    );
    assert!(
        head.contains("content-type: text/html; charset=utf-8"),
        "sniffed: {head}"
    );
    assert_eq!(body, b"<html><body>short and stout</body></html>");

    // A panic answers 500, and the component goes on serving.
    assert_eq!(server.request("GET", "/panic", b"").0, 500);
    assert_eq!(
        server.request("GET", "/items/7", b""),
        (200, br#"{"id":"7","q":""}"#.to_vec())
    );
    if wasi == Wasi::P3 {
        assert_settles(server);
    }

    assert_echoes(server, 3_000_000);
    assert_writes_after_a_copy_follow_it(server);
    if wasi == Wasi::P3 {
        assert_short_body_is_unexpected_eof(server);
    }

    let (status, big) = server.request("GET", "/big?n=20000", b"");
    assert_eq!((status, big.len()), (200, 20_000 * 1001));

    // Flush sends the first chunk while the handler still sleeps (400 ms).
    let t = Instant::now();
    let mut conn = server.send("GET", "/flush", "", b"");
    read_until(&mut conn, "first\n");
    let first_at = t.elapsed();
    let mut rest = Vec::new();
    conn.read_to_end(&mut rest).unwrap();
    let total = t.elapsed();
    assert!(String::from_utf8_lossy(&rest).contains("second\n"));
    assert!(
        first_at < Duration::from_millis(300) && total >= Duration::from_millis(400),
        "first chunk after {first_at:?}, all after {total:?}"
    );

    assert_sleeps_overlap(server);

    if wasi == Wasi::P3 {
        // A client that goes away cancels the request's context: the handler's
        // next write finds the host's reader gone.
        let mut conn = server.send("GET", "/ticks", "", b"");
        read_until(&mut conn, "tick");
        drop(conn);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (_, ended) = server.request("GET", "/ticks-ended", b"");
            if ended == b"1" {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the handler's context was not cancelled: {}",
                String::from_utf8_lossy(&ended)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    // Outbound calls through http.DefaultClient and the host's wasi:http
    // client: a reply, a refused connection (the error-code reachable with
    // errors.As through the *url.Error), and http.Client.Timeout cancelling
    // a call to a server that never answers.
    let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
    let up = upstream.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in upstream.incoming() {
            let Ok(mut conn) = conn else { return };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nx-upstream: rust\r\ncontent-length: 4\r\nconnection: close\r\n\r\npong");
        }
    });
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let quiet = silent.local_addr().unwrap();
    let (status, body) = server.request("GET", &format!("/fetch?url=http://{up}/ping"), b"");
    assert_eq!(
        (status, String::from_utf8_lossy(&body).as_ref()),
        (200, "200 rust pong")
    );
    let (status, body) = server.request("GET", "/fetch?url=http://127.0.0.1:1/", b"");
    assert_eq!(status, 502);
    assert!(
        String::from_utf8_lossy(&body).contains("connection-refused (error-code: true)"),
        "{}",
        String::from_utf8_lossy(&body)
    );
    let t = Instant::now();
    let (status, body) = server.request(
        "GET",
        &format!("/fetch?url=http://{quiet}/&timeout=300"),
        b"",
    );
    let took = t.elapsed();
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 502, "{text}");
    assert!(text.contains("Client.Timeout exceeded"), "{text}");
    assert!(took < Duration::from_secs(5), "the timeout took {took:?}");
    drop(silent);

    check_trailers(server);
    check_fanout(server);
    if wasi == Wasi::P3 {
        assert_settles(server);
    }
}

/// Trailers both ways: a chunked request with an `X-Sum` trailer, whose
/// handler answers with an `X-Count` trailer (sent because the client says
/// `TE: trailers`).
fn check_trailers(server: &Server) {
    let mut conn = TcpStream::connect(server.addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let request = format!(
        "POST /trailers HTTP/1.1\r\nhost: {}\r\ntransfer-encoding: chunked\r\ntrailer: X-Sum\r\nte: trailers\r\nconnection: close\r\n\r\n\
         5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 42\r\n\r\n",
        server.addr
    );
    conn.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    conn.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).to_ascii_lowercase();
    let (status, _, body) = parse_response(&response);
    assert_eq!(
        (status, String::from_utf8_lossy(&body).as_ref()),
        (200, "got 11 bytes, X-Sum=\"42\"\n"),
        "{text}"
    );
    assert!(
        text.ends_with("0\r\nx-count: 11\r\n\r\n"),
        "no X-Count trailer: {text:?}"
    );
}

/// 100 outbound requests from 100 goroutines of one handler, to a server
/// that takes 200 ms over each: they run at once, so all take about 200 ms,
/// not 100 x 200.
fn check_fanout(server: &Server) {
    let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
    let up = upstream.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in upstream.incoming() {
            let Ok(mut conn) = conn else { return };
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                std::thread::sleep(Duration::from_millis(200));
                let _ = conn.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
            });
        }
    });
    let (status, body) = server.request("GET", &format!("/fanout?n=100&url=http://{up}/"), b"");
    let text = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(status, 200, "{text}");
    let ms: u64 = text
        .strip_prefix("100 ok in ")
        .and_then(|t| t.strip_suffix(" ms"))
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    eprintln!("100 concurrent outbound requests of 200 ms each took {ms} ms");
    assert!(ms < 2000, "they did not overlap: {text}");
}

/// POSTs `len` patterned bytes to `/echo` and checks they come back.
pub fn assert_echoes(server: &Server, len: u32) {
    let upload: Vec<u8> = (0..len).map(|i| (i * 13 + i / 509) as u8).collect();
    let (status, echoed) = server.request("POST", "/echo", &upload);
    assert_eq!(status, 200);
    assert!(
        echoed == upload,
        "the echo differs: {} bytes back of {}",
        echoed.len(),
        upload.len()
    );
}

/// The net/http echo with a write after its `io.Copy`: after a short body
/// (held back for its Content-Length), after one that fills the copy's
/// buffer exactly, and after one that takes two reads; the body ends at
/// its Content-Length without another read.
fn assert_writes_after_a_copy_follow_it(server: &Server) {
    let upload: Vec<u8> = (0..100_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    for len in [10, 64 * 1024, 100_000] {
        let upload = &upload[..len];
        let (status, echoed) = server.request("POST", "/echo?suffix=END", upload);
        assert_eq!(status, 200);
        assert!(
            echoed.len() == upload.len() + 3
                && echoed.starts_with(upload)
                && echoed.ends_with(b"END"),
            "the echo of {len} bytes then END differs: {} bytes back, ending {:?}",
            echoed.len(),
            String::from_utf8_lossy(&echoed[echoed.len().saturating_sub(40)..])
        );
    }
}

/// A body that ends before its Content-Length reads io.ErrUnexpectedEOF,
/// as from net/http's server (`/count` answers 400 with the error).
fn assert_short_body_is_unexpected_eof(server: &Server) {
    let mut conn = TcpStream::connect(server.addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let request = format!(
        "POST /count HTTP/1.1\r\nhost: {}\r\ncontent-length: 100\r\n\r\n0123456789",
        server.addr
    );
    conn.write_all(request.as_bytes()).unwrap();
    conn.shutdown(std::net::Shutdown::Write).unwrap();
    let mut response = Vec::new();
    conn.read_to_end(&mut response).unwrap();
    let (status, _, body) = parse_response(&response);
    assert_eq!(
        (status, String::from_utf8_lossy(&body).as_ref()),
        (400, "unexpected EOF\n"),
        "{}",
        String::from_utf8_lossy(&response)
    );
}

/// Waits until the guest's executor has no task but the one asking
/// (`/stats`) and nothing pending with the host: every finished request's
/// task has exited. A task left waiting would keep its instance alive for
/// ever (hosts retire an instance only once no task is left).
pub fn assert_settles(server: &Server) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (status, body) = server.request("GET", "/stats", b"");
        let stats = String::from_utf8_lossy(&body).into_owned();
        assert_eq!(status, 200, "{stats}");
        if stats.starts_with("{Tasks:1 Waitables:0 ") {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "finished requests left tasks behind: {stats}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// FNV-1a (64-bit), as Go's `hash/fnv.New64a` computes it.
pub struct Fnv64a(pub u64);

impl Default for Fnv64a {
    fn default() -> Self {
        Fnv64a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64a {
    pub fn update(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The pattern `/bytes` streams: `i % 251` within each 64 KiB chunk.
pub fn pattern_chunk() -> Vec<u8> {
    (0..64 * 1024).map(|i| (i % 251) as u8).collect()
}

/// POSTs `total` bytes of [`pattern_chunk`]s to `target` (with a
/// Content-Length, written as the server reads) and returns the status and
/// body of the answer, plus the FNV-1a of what was sent.
pub fn upload(server: &Server, target: &str, total: u64) -> (u16, String, u64) {
    let mut conn = TcpStream::connect(server.addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(300)))
        .unwrap();
    let head = format!(
        "POST {target} HTTP/1.1\r\nhost: {}\r\ncontent-length: {total}\r\nconnection: close\r\n\r\n",
        server.addr
    );
    conn.write_all(head.as_bytes()).unwrap();
    let chunk = pattern_chunk();
    let mut hash = Fnv64a::default();
    let mut left = total;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        conn.write_all(&chunk[..n]).unwrap();
        hash.update(&chunk[..n]);
        left -= n as u64;
    }
    let mut response = Vec::new();
    conn.read_to_end(&mut response).unwrap();
    let (status, _, body) = parse_response(&response);
    (status, String::from_utf8_lossy(&body).into_owned(), hash.0)
}

/// GETs `target` and reads the (chunked) body as it streams, keeping only
/// its length and FNV-1a; returns the status, the length and the hash.
pub fn download(server: &Server, target: &str) -> (u16, u64, u64) {
    let conn = server.send("GET", target, "", b"");
    conn.set_read_timeout(Some(Duration::from_secs(300)))
        .unwrap();
    let mut reader = std::io::BufReader::with_capacity(256 * 1024, conn);
    let mut line = String::new();
    let mut read_line = |reader: &mut std::io::BufReader<TcpStream>| {
        line.clear();
        std::io::BufRead::read_line(reader, &mut line).unwrap();
        line.trim_end().to_ascii_lowercase()
    };
    let status_line = read_line(&mut reader);
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut chunked = false;
    let mut length = None;
    loop {
        let header = read_line(&mut reader);
        if header.is_empty() {
            break;
        }
        chunked |= header == "transfer-encoding: chunked";
        if let Some(v) = header.strip_prefix("content-length: ") {
            length = v.parse::<u64>().ok();
        }
    }
    let mut hash = Fnv64a::default();
    let mut total = 0u64;
    let mut buf = vec![0u8; 256 * 1024];
    let mut take = |reader: &mut std::io::BufReader<TcpStream>, mut n: u64| {
        while n > 0 {
            let want = n.min(buf.len() as u64) as usize;
            reader.read_exact(&mut buf[..want]).unwrap();
            hash.update(&buf[..want]);
            n -= want as u64;
        }
    };
    if chunked {
        loop {
            let size_line = read_line(&mut reader);
            let size = u64::from_str_radix(size_line.split(';').next().unwrap(), 16).unwrap();
            if size == 0 {
                break;
            }
            take(&mut reader, size);
            total += size;
            read_line(&mut reader);
        }
    } else {
        let n = length.expect("neither chunked nor a content-length");
        take(&mut reader, n);
        total = n;
    }
    (status, total, hash.0)
}

pub const GIB: u64 = 1 << 30;

/// 1 GiB up to `/count`, which answers with the count and hash it read.
pub fn check_gibibyte_upload(server: &Server) {
    let (status, body, sent) = upload(server, "/count", GIB);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        format!("{GIB} {sent:x}"),
        "the guest read other bytes"
    );
}

/// 1 GiB down from `/bytes`, checked by hash.
pub fn check_gibibyte_download(server: &Server) {
    let (status, total, hash) = download(server, &format!("/bytes?n={GIB}"));
    assert_eq!((status, total), (200, GIB));
    let mut expected = Fnv64a::default();
    let chunk = pattern_chunk();
    for _ in 0..GIB / chunk.len() as u64 {
        expected.update(&chunk);
    }
    assert_eq!(hash, expected.0, "the download differs");
}

/// The Go runtime's memory (`/mem`: MemStats.Sys, which on wasm only
/// grows: the instance's peak so far).
pub fn memory(server: &Server) -> u64 {
    let (status, body) = server.request("GET", "/mem", b"");
    assert_eq!(status, 200);
    String::from_utf8_lossy(&body).parse().unwrap()
}
