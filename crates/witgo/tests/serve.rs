//! `witgo serve`: the net/http guest on witgo's own HTTP host, plus what
//! only this host does: the request's authority reaches the guest, guest
//! output is prefixed, a trap answers 500 and a fresh instance serves the
//! next request, outbound HTTP can be denied, SIGTERM drains requests in
//! flight, and a component that is no HTTP handler is refused clearly.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::http::{Server, Wasi, check_net_http_guest};

fn have_go() -> bool {
    let found = witgo_build::GoToolchain::discover(None).is_ok();
    if !found {
        eprintln!("skipping: no Go");
    }
    found
}

#[test]
fn a_net_http_program_runs_on_witgo_serve() {
    if !have_go() {
        return;
    }
    let component = common::guest("nethttp");
    let server = Server::witgo(&component, &[]);
    check_net_http_guest(&server, Wasi::P3);

    // wasi:http carries no Host header; witgo serve puts the Host into the
    // request's authority, so r.Host is what the client asked for.
    let (_, body) = server.request("GET", "/request", b"");
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains(&format!("host={} ", server.addr)), "{text}");

    // Guest output comes out in whole lines, prefixed.
    assert_eq!(
        server.request("GET", "/log?msg=hello", b""),
        (200, b"logged\n".to_vec())
    );
    let line = server.wait_for_line("log: hello", Duration::from_secs(5));
    assert!(
        line.starts_with("[instance ") && line.ends_with("] log: hello"),
        "{line}"
    );

    // A trap (a panic on a goroutine of its own ends the Go program) answers
    // 500; the next request gets a fresh instance.
    let (status, body) = server.request("GET", "/crash", b"");
    assert_eq!(status, 500, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("the component trapped"));
    assert_eq!(
        server.request("GET", "/items/9", b""),
        (200, br#"{"id":"9","q":""}"#.to_vec())
    );
}

/// The net/http program as a WASI 0.2 proxy (guest nethttp2): an instance
/// per request, its output lines prefixed with the request.
#[test]
fn a_wasi_0_2_net_http_program_runs_on_witgo_serve() {
    if !have_go() {
        return;
    }
    let component = common::guest("nethttp2");
    let server = Server::witgo(&component, &[]);
    check_net_http_guest(&server, Wasi::P2);
    let (_, body) = server.request("GET", "/request", b"");
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains(&format!("host={} ", server.addr)), "{text}");
    assert_eq!(
        server.request("GET", "/log?msg=p2", b""),
        (200, b"logged\n".to_vec())
    );
    let line = server.wait_for_line("log: p2", Duration::from_secs(5));
    assert!(
        line.starts_with("[request ") && line.ends_with("] log: p2"),
        "{line}"
    );
}

/// examples/http builds and answers as its README says.
#[test]
fn the_http_example_works_as_its_readme_says() {
    if !have_go() {
        return;
    }
    let component = common::example("http");
    let server = Server::witgo(&component, &[]);
    let text =
        |(status, body): (u16, Vec<u8>)| (status, String::from_utf8_lossy(&body).into_owned());
    let (status, head, body) = server.exchange("POST", "/items", "", br#"{"name":"pen"}"#);
    assert_eq!(
        (status, String::from_utf8_lossy(&body).as_ref()),
        (201, "{\"id\":1,\"name\":\"pen\"}\n")
    );
    assert!(head.contains("location: /items/1"), "{head}");
    assert_eq!(
        text(server.request("GET", "/items/1", b"")),
        (200, "{\"id\":1,\"name\":\"pen\"}\n".into())
    );
    assert_eq!(
        text(server.request("GET", "/items", b"")),
        (200, "[{\"id\":1,\"name\":\"pen\"}]\n".into())
    );
    assert_eq!(server.request("GET", "/items/9", b"").0, 404);
    assert_eq!(server.request("POST", "/items", b"{}").0, 400);
    let t = Instant::now();
    assert_eq!(
        text(server.request("GET", "/count?from=3", b"")),
        (200, "3\n2\n1\nliftoff\n".into())
    );
    assert!(t.elapsed() >= Duration::from_millis(300));
    let url = format!("http://{}/count?from=1", server.addr);
    assert_eq!(
        text(server.request("GET", &format!("/fetch?url={url}"), b"")),
        (200, "{\"bytes\":10,\"status\":200}\n".into())
    );
    // The logging middleware's lines reach witgo serve's stderr.
    server.wait_for_line("GET /items/1 200", Duration::from_secs(5));
}

/// `witgo init --template http` prints (and its README says) `witgo
/// serve`; the project it writes answers there.
#[test]
fn the_http_template_serves_on_witgo_serve() {
    if !have_go() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("my-svc");
    let report =
        witgo_build::init::init(&project, witgo_build::init::Template::Http, None).unwrap();
    assert!(
        report
            .run
            .starts_with("witgo serve --addr 127.0.0.1:8080 my-svc.wasm"),
        "{}",
        report.run
    );
    let component = project.join("my-svc.wasm");
    let req = witgo_build::BuildRequest {
        wit: project.join("wit"),
        package_dir: project.clone(),
        output: Some(component.clone()),
        ..Default::default()
    };
    witgo_build::build(&req).unwrap_or_else(|e| panic!("building the http template: {e:#}"));
    let server = Server::witgo(&component, &[]);
    let (status, body) = server.request("GET", "/hello/Gopher", b"");
    assert_eq!(
        (status, String::from_utf8_lossy(&body).as_ref()),
        (200, "{\"greeting\":\"Hello, Gopher!\"}\n")
    );
}

/// A chi router (github.com/go-chi/chi/v5, from the Go module proxy)
/// served unchanged: URL parameters and patterns, a route group with its
/// own middleware, chi's RequestID and Recoverer, and chi's 404 and 405.
#[test]
fn a_chi_router_serves_unchanged() {
    if !have_go() {
        return;
    }
    let server = Server::witgo(&common::guest("chirouter"), &[]);
    let text =
        |(status, body): (u16, Vec<u8>)| (status, String::from_utf8_lossy(&body).into_owned());
    assert_eq!(
        text(server.request("GET", "/users/42", b"")),
        (200, "user 42 (request id set: true)".into())
    );
    let (status, _, body) = server.exchange("POST", "/admin/items/pen", "X-Admin: yes\r\n", b"");
    assert_eq!(
        (status, String::from_utf8_lossy(&body).as_ref()),
        (201, "created pen")
    );
    assert_eq!(server.request("POST", "/admin/items/pen", b"").0, 403);
    let (status, _, _) = server.exchange("POST", "/admin/items/Pen1", "X-Admin: yes\r\n", b"");
    assert_eq!(status, 404, "the pattern [a-z]+ does not match");
    assert_eq!(server.request("DELETE", "/users/42", b"").0, 405);
    assert_eq!(server.request("GET", "/nowhere", b"").0, 404);
    assert_eq!(server.request("GET", "/boom", b"").0, 500);
    assert_eq!(server.request("GET", "/users/7", b"").0, 200);
}

/// 1 GiB up and 1 GiB down, streamed, on WASI 0.3 and 0.2: the instances'
/// peak linear memory (which `--log-instances` reports when an instance is
/// dropped) stays small.
#[test]
fn a_gibibyte_streams_both_ways_in_bounded_memory() {
    if !have_go() {
        return;
    }
    for (guest, wasi) in [("nethttp", "0.3"), ("nethttp2", "0.2")] {
        let component = common::guest(guest);
        let server = Server::witgo(&component, &["--log-instances"]);
        let t = Instant::now();
        common::http::check_gibibyte_upload(&server);
        let up = t.elapsed();
        common::http::check_gibibyte_download(&server);
        let down = t.elapsed() - up;
        // 0.3: one instance served both, dropped after the idle timeout
        // (1 s); 0.2: an instance each.
        let instances = if wasi == "0.3" { 1 } else { 2 };
        let deadline = Instant::now() + Duration::from_secs(10);
        let peaks = loop {
            let peaks: Vec<f64> = server
                .stderr()
                .lines()
                .filter_map(|l| l.rsplit("peak linear memory ").next()?.strip_suffix(" MiB"))
                .filter_map(|m| m.parse().ok())
                .collect();
            if peaks.len() >= instances {
                break peaks;
            }
            assert!(Instant::now() < deadline, "{}", server.stderr());
            std::thread::sleep(Duration::from_millis(50));
        };
        let peak = peaks.iter().copied().fold(0.0, f64::max);
        eprintln!(
            "wasi:http {wasi}: 1 GiB up in {up:?}, 1 GiB down in {down:?}; peak linear memory {peak} MiB"
        );
        assert!(peak < 64.0, "{}", server.stderr());
    }
}

/// A keep-alive HTTP/1.1 connection of hyper's client to `addr`, driven on
/// the current tokio runtime.
async fn http1_connection<B>(
    addr: std::net::SocketAddr,
) -> hyper::client::conn::http1::SendRequest<B>
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (send, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    send
}

/// hyper's HTTP/1.1 client against the net/http guest, over one
/// keep-alive connection: a query string, multi-valued headers, a request
/// body streamed in chunks and echoed back, and a 404 on the same
/// connection.
#[test]
fn hypers_client_talks_to_witgo_serve() {
    use bytes::Bytes;
    use http_body_util::{BodyExt, StreamBody};
    use hyper::body::Frame;

    if !have_go() {
        return;
    }
    let server = Server::witgo(&common::guest("nethttp"), &[]);
    let addr = server.addr;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let mut send = http1_connection(addr).await;

        let get = hyper::Request::get("/request?a=b&c=d")
            .header("host", addr.to_string())
            .header("x-multi", "1")
            .header("X-Multi", "2")
            .body(http_body_util::Empty::<Bytes>::new().boxed())
            .unwrap();
        let response = send.send_request(get).await.unwrap();
        assert_eq!(response.status(), 200);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("uri=/request?a=b&c=d multi=1|2"), "{text}");

        // 256 chunks of 4 KiB, sent as a stream (chunked on the wire).
        let chunks: Vec<Result<Frame<Bytes>, std::convert::Infallible>> = (0..256u32)
            .map(|i| Ok(Frame::data(Bytes::from(vec![(i % 251) as u8; 4096]))))
            .collect();
        let post = hyper::Request::post("/echo")
            .header("host", addr.to_string())
            .body(StreamBody::new(futures::stream::iter(chunks)).boxed())
            .unwrap();
        send.ready().await.unwrap();
        let response = send.send_request(post).await.unwrap();
        assert_eq!(response.status(), 200);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body.len(), 256 * 4096);
        assert!(
            body.chunks(4096)
                .enumerate()
                .all(|(i, c)| c.iter().all(|b| *b == (i % 251) as u8))
        );

        let missing = hyper::Request::get("/nowhere")
            .header("host", addr.to_string())
            .body(http_body_util::Empty::<Bytes>::new().boxed())
            .unwrap();
        send.ready().await.unwrap();
        assert_eq!(send.send_request(missing).await.unwrap().status(), 404);
    });
}

/// A handler that sleeps after its response went out (`/flush` writes its
/// first chunk, sleeps 400 ms, writes the second) wakes on time although
/// another request came and went meanwhile, with none after it: the
/// instance's clock wait stays with the sleeping handler's task.
#[test]
fn a_handler_sleeping_after_its_response_wakes_without_more_requests() {
    use std::io::Read;

    if !have_go() {
        return;
    }
    let server = Server::witgo(&common::guest("nethttp"), &[]);
    assert_eq!(server.request("GET", "/items/1", b"").0, 200);
    let t = Instant::now();
    let mut flushing = server.send("GET", "/flush", "", b"");
    flushing
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut seen = common::http::read_until(&mut flushing, "first\n");
    // Another request, answered while /flush sleeps; then none.
    assert_eq!(server.request("GET", "/items/2", b"").0, 200);
    let rest = flushing.read_to_end(&mut seen);
    let took = t.elapsed();
    assert!(
        rest.is_ok() && String::from_utf8_lossy(&seen).contains("second\n"),
        "/flush did not finish within 5 s of its sleep ({took:?}): {rest:?} {}",
        String::from_utf8_lossy(&seen)
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

/// 32 keep-alive connections echo 30,000 bodies, each handler sleeping
/// 1 ms after its copy (its last chunk is still with the host when the
/// copy returns), so one task's sleeper often wakes while another task is
/// driven: every echo comes back whole. (Under a release build of this
/// host, taking another task's resolved clock wait out of its set made
/// Wasmtime trap, "delivering non-present event", 3 or 4 times in 35,000
/// such requests; this debug build has not shown it.) On busy cores it
/// also found two races between goroutines that a collection switches:
/// response.new's results lifted from its shared return area after another
/// handler's call had overwritten it (two Go values held one future handle:
/// "unknown handle index", "handle is not a future"), and a handler whose
/// sleep ended running before a call's task was driven (it panicked,
/// finding no task to wait in).
#[test]
fn echoes_that_sleep_after_their_copy_under_load() {
    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};

    if !have_go() {
        return;
    }
    let server = Server::witgo(&common::guest("nethttp"), &[]);
    let addr = server.addr;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let body = Bytes::from((0..4096u32).map(|i| (i % 251) as u8).collect::<Vec<_>>());
    let t = Instant::now();
    let failures = runtime.block_on(async move {
        let connections = (0..32).map(|_| {
            let body = body.clone();
            tokio::spawn(async move {
                let mut send = http1_connection(addr).await;
                let mut failures = Vec::new();
                for _ in 0..30_000 / 32 {
                    let request = hyper::Request::post("/echo?sleep=1")
                        .header("host", addr.to_string())
                        .body(Full::new(body.clone()))
                        .unwrap();
                    send.ready().await.unwrap();
                    let response = send.send_request(request).await.unwrap();
                    let status = response.status();
                    let echoed = response.into_body().collect().await.unwrap().to_bytes();
                    if status != 200 || echoed != body {
                        let head = String::from_utf8_lossy(&echoed[..echoed.len().min(200)]);
                        failures.push(format!("{status}: {head:?}"));
                    }
                }
                failures
            })
        });
        let mut failures = Vec::new();
        for c in futures::future::join_all(connections).await {
            failures.extend(c.unwrap());
        }
        failures
    });
    eprintln!("30,000 echoes sleeping 1 ms took {:?}", t.elapsed());
    assert!(
        failures.is_empty(),
        "{} failed, first: {}\n{}",
        failures.len(),
        failures[0],
        server.stderr()
    );
}

/// 1,000 clients at once, each asking for a 100 ms sleep: a few reused
/// instances serve them concurrently. The wall time is printed; the bound
/// only says they overlapped (one after another would take 100 s).
#[test]
fn a_thousand_concurrent_requests() {
    if !have_go() {
        return;
    }
    let component = common::guest("nethttp");
    let server = Server::witgo(&component, &[]);
    // Warm up: the first request starts the first instance.
    assert_eq!(server.request("GET", "/items/1", b"").0, 200);
    let t = Instant::now();
    std::thread::scope(|s| {
        let clients: Vec<_> = (0..1000)
            .map(|_| s.spawn(|| server.request("GET", "/sleep?ms=100", b"")))
            .collect();
        for c in clients {
            assert_eq!(c.join().unwrap(), (200, b"slept 100ms\n".to_vec()));
        }
    });
    let took = t.elapsed();
    eprintln!("1000 concurrent 100 ms requests took {took:?}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn outbound_http_can_be_denied() {
    if !have_go() {
        return;
    }
    let component = common::guest("nethttp");
    let server = Server::witgo(&component, &["--deny-outbound-http"]);
    let (status, body) = server.request("GET", "/fetch?url=http://127.0.0.1:1/", b"");
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 502, "{text}");
    assert!(
        text.contains("denied") && text.contains("(error-code: true)"),
        "{text}"
    );
}

/// SIGTERM stops accepting but lets the request in flight finish.
#[test]
fn sigterm_drains_requests_in_flight() {
    if !have_go() {
        return;
    }
    let component = common::guest("nethttp");
    let mut server = Server::witgo(&component, &[]);
    let mut conn = server.send("GET", "/sleep?ms=500", "", b"");
    std::thread::sleep(Duration::from_millis(150));
    // The shell's own `kill`: no procps needed.
    let kill = Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", server.child.id())])
        .status()
        .unwrap();
    assert!(kill.success());
    let mut response = Vec::new();
    std::io::Read::read_to_end(&mut conn, &mut response).unwrap();
    let (status, _, body) = common::http::parse_response(&response);
    assert_eq!((status, body), (200, b"slept 500ms\n".to_vec()));
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "witgo serve did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit}");
}

#[test]
fn a_component_that_is_no_http_handler_is_refused() {
    if !have_go() {
        return;
    }
    let component = common::guest("sleeper");
    let o = Command::new(env!("CARGO_BIN_EXE_witgo"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .arg(&component)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("is not an HTTP handler"), "{err}");
    assert!(err.contains("wasi:http/handler@0.3.0"), "{err}");
}
