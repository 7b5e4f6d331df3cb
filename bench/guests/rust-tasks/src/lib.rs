//! The Rust contender of the async benchmarks (`bench/wit/tasks.wit`):
//! the same work as the Go guests, with wit-bindgen's async support.

wit_bindgen::generate!({
    path: "../../wit/tasks.wit",
    world: "tasks",
});

use bench::tasks::host;
use exports::bench::tasks::guest::Guest;
use wit_bindgen::{StreamReader, StreamResult};

struct Tasks;

impl Guest for Tasks {
    async fn empty() {}

    async fn call_host(which: u32, n: u32) -> u64 {
        let mut sum = 0u64;
        for _ in 0..n {
            sum += u64::from(if which == 0 { host::ready().await } else { host::yield_once().await });
        }
        sum
    }

    async fn fan_out(n: u32) -> u64 {
        let calls = (0..n).map(|_| host::yield_once());
        futures::future::join_all(calls).await.into_iter().map(u64::from).sum()
    }

    async fn wait_once() -> u32 {
        host::yield_once().await
    }

    async fn echo(mut s: StreamReader<u8>, chunk: u32) -> StreamReader<u8> {
        let (mut tx, rx) = wit_stream::new();
        wit_bindgen::spawn_local(async move {
            let mut buf = Vec::with_capacity(chunk as usize);
            loop {
                let (result, got) = s.read(buf).await;
                if got.is_empty() {
                    if matches!(result, StreamResult::Dropped) {
                        break;
                    }
                    buf = got;
                    continue;
                }
                let left = tx.write_all(got).await;
                if !left.is_empty() {
                    break;
                }
                buf = left;
                buf.reserve(chunk as usize);
            }
        });
        rx
    }
}

export!(Tasks);
