//! Guest stderr that still reaches the real stderr live but also keeps its
//! last bytes, so that when Go panics — its runtime prints `panic: <value>`
//! and a goroutine trace to stderr, then executes `unreachable` — the error
//! witgo reports can say what the panic was instead of only "unreachable".

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};

/// How much of the guest's stderr is kept.
pub const TAIL_BYTES: usize = 16 * 1024;

/// A shared, bounded tail of what a guest wrote to stderr.
#[derive(Clone, Default)]
pub struct StderrTail(Arc<Mutex<VecDeque<u8>>>);

impl StderrTail {
    fn push(&self, bytes: &[u8]) {
        let mut tail = self.0.lock().unwrap();
        tail.extend(bytes);
        let excess = tail.len().saturating_sub(TAIL_BYTES);
        tail.drain(..excess);
    }

    /// The kept bytes, as text.
    pub fn text(&self) -> String {
        let tail = self.0.lock().unwrap();
        let (a, b) = tail.as_slices();
        let mut bytes = a.to_vec();
        bytes.extend_from_slice(b);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// The guest's stderr: the host's stderr plus a [`StderrTail`].
pub struct TeeStderr(pub StderrTail);

impl IsTerminal for TeeStderr {
    fn is_terminal(&self) -> bool {
        std::io::IsTerminal::is_terminal(&std::io::stderr())
    }
}

impl StdoutStream for TeeStderr {
    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(TeeWriter {
            out: tokio::io::stderr(),
            tail: self.0.clone(),
        })
    }
}

struct TeeWriter {
    out: tokio::io::Stderr,
    tail: StderrTail,
}

impl AsyncWrite for TeeWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let poll = Pin::new(&mut self.out).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &poll {
            self.tail.push(&buf[..*n]);
        }
        poll
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.out).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.out).poll_shutdown(cx)
    }
}

/// The Go panic (or fatal error) at the end of a guest's stderr: the
/// `panic: ...` line and up to 20 lines of the trace after it.
pub fn go_panic_from_stderr(tail: &str) -> Option<String> {
    let lines: Vec<&str> = tail.lines().collect();
    let start = lines
        .iter()
        .rposition(|l| l.starts_with("panic: ") || l.starts_with("fatal error: "))?;
    Some(lines[start..lines.len().min(start + 21)].join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_is_bounded() {
        let tail = StderrTail::default();
        tail.push(&vec![b'a'; TAIL_BYTES]);
        tail.push(b"the end");
        let text = tail.text();
        assert_eq!(text.len(), TAIL_BYTES);
        assert!(text.ends_with("the end"));
    }

    #[test]
    fn finds_the_last_panic() {
        let text = "hello\npanic: first\n\npanic: boom: broken [recovered]\n\ngoroutine 1 [running]:\nmain.main()\n";
        let p = go_panic_from_stderr(text).unwrap();
        assert!(p.starts_with("panic: boom: broken"), "{p}");
        assert!(p.contains("main.main()"));
        assert_eq!(go_panic_from_stderr("all fine\n"), None);
    }
}
