//! `witgo serve`: the net/http guest on witgo's own HTTP host, plus what
//! only this host does: the request's authority reaches the guest, guest
//! output is prefixed, a trap answers 500 and a fresh instance serves the
//! next request, outbound HTTP can be denied, SIGTERM drains requests in
//! flight, and a component that is no HTTP handler is refused clearly.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::http::{Server, check_net_http_guest};

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
    check_net_http_guest(&server);

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

/// 1 GiB up and 1 GiB down, streamed: the guest's memory stays bounded.
#[test]
fn a_gibibyte_streams_both_ways_in_bounded_memory() {
    if !have_go() {
        return;
    }
    let component = common::guest("nethttp");
    let server = Server::witgo(&component, &["--log-instances"]);
    let t = Instant::now();
    let (after_upload, after_download) = common::http::check_gibibyte_both_ways(&server);
    let took = t.elapsed();
    // The instance logs its peak linear memory when it is dropped, after
    // the idle timeout (1 s).
    let done = server.wait_for_line("done:", Duration::from_secs(10));
    let peak_mib: f64 = done
        .rsplit("peak linear memory ")
        .next()
        .and_then(|m| m.strip_suffix(" MiB"))
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| panic!("{done}"));
    eprintln!(
        "1 GiB up and 1 GiB down in {took:?}; peak linear memory {peak_mib} MiB; \
         Go's MemStats.Sys {} MiB after the upload, {} MiB after the download",
        after_upload >> 20,
        after_download >> 20
    );
    assert!(peak_mib < 64.0, "{done}");
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
