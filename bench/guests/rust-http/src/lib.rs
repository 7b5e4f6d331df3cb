//! The Rust contender of the HTTP benchmarks: the same two routes as the
//! Go guests, on wit-bindgen's async support. `/echo` streams the request
//! body back; anything else answers `hello\n`.

wit_bindgen::generate!({
    path: "wit",
    world: "bench:rust-http/service",
    generate_all,
});

use exports::wasi::http::handler::Guest;
use wasi::http::types::{ErrorCode, Fields, Request, Response};
use wit_bindgen::StreamResult;

struct Service;

const CHUNK: usize = 64 * 1024;

impl Guest for Service {
    async fn handle(request: Request) -> Result<Response, ErrorCode> {
        let path = request.get_path_with_query().unwrap_or_default();
        let headers = Fields::new();
        let _ = headers.set("content-type", &[b"text/plain".to_vec()]);
        let (mut body_tx, body_rx) = wit_stream::new();
        let (trailers_tx, trailers_rx) = wit_future::new(|| Ok(None));
        let (response, _sent) = Response::new(headers, Some(body_rx), trailers_rx);
        if path.starts_with("/echo") {
            let (done_tx, done_rx) = wit_future::new(|| Ok(()));
            let (mut body, _trailers) = Request::consume_body(request, done_rx);
            wit_bindgen::spawn_local(async move {
                let mut buf = Vec::with_capacity(CHUNK);
                loop {
                    let (result, got) = body.read(buf).await;
                    if got.is_empty() {
                        if matches!(result, StreamResult::Dropped) {
                            break;
                        }
                        buf = got;
                        continue;
                    }
                    let left = body_tx.write_all(got).await;
                    if !left.is_empty() {
                        break;
                    }
                    buf = left;
                    buf.reserve(CHUNK);
                }
                drop(body);
                drop(body_tx);
                let _ = trailers_tx.write(Ok(None)).await;
                let _ = done_tx.write(Ok(())).await;
            });
        } else {
            drop(request);
            wit_bindgen::spawn_local(async move {
                body_tx.write_all(b"hello\n".to_vec()).await;
                drop(body_tx);
                let _ = trailers_tx.write(Ok(None)).await;
            });
        }
        Ok(response)
    }
}

export!(Service);
