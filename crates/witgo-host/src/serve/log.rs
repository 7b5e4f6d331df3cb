//! Guest stdout and stderr for served components: whole lines, each prefixed
//! with the request (or instance) it came from, so the output of concurrent
//! instances does not interleave mid-line.

use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};

/// The prefix an instance's output lines carry; the worker changes it as the
/// instance takes requests (see `workers.rs`). Empty means no prefix.
#[derive(Clone, Default)]
pub(crate) struct LinePrefix(Arc<Mutex<String>>);

impl LinePrefix {
    pub(crate) fn set(&self, prefix: String) {
        *self.0.lock().unwrap() = prefix;
    }

    fn get(&self) -> String {
        self.0.lock().unwrap().clone()
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Output {
    Stdout,
    Stderr,
}

/// One of an instance's two output streams.
pub(crate) struct PrefixedOutput {
    pub(crate) output: Output,
    pub(crate) prefix: LinePrefix,
}

impl IsTerminal for PrefixedOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for PrefixedOutput {
    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(LineWriter {
            output: self.output,
            prefix: self.prefix.clone(),
            partial: Vec::new(),
        })
    }
}

/// Buffers a partial line until its newline (or until the stream is dropped),
/// then writes prefix and line in one locked write.
struct LineWriter {
    output: Output,
    prefix: LinePrefix,
    partial: Vec<u8>,
}

/// A line longer than this is written out without waiting for its end.
const MAX_PARTIAL: usize = 64 * 1024;

impl LineWriter {
    fn emit(&self, line: &[u8]) {
        let prefix = self.prefix.get();
        let mut text = Vec::with_capacity(prefix.len() + line.len() + 1);
        text.extend_from_slice(prefix.as_bytes());
        text.extend_from_slice(line);
        if !text.ends_with(b"\n") {
            text.push(b'\n');
        }
        // Losing guest log output is better than failing the guest's write.
        let _ = match self.output {
            Output::Stdout => std::io::stdout().lock().write_all(&text),
            Output::Stderr => std::io::stderr().lock().write_all(&text),
        };
    }

    fn write_bytes(&mut self, mut bytes: &[u8]) {
        while let Some(end) = bytes.iter().position(|b| *b == b'\n') {
            let (line, rest) = bytes.split_at(end + 1);
            if self.partial.is_empty() {
                self.emit(line);
            } else {
                self.partial.extend_from_slice(line);
                let whole = std::mem::take(&mut self.partial);
                self.emit(&whole);
            }
            bytes = rest;
        }
        self.partial.extend_from_slice(bytes);
        if self.partial.len() > MAX_PARTIAL {
            let whole = std::mem::take(&mut self.partial);
            self.emit(&whole);
        }
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        if !self.partial.is_empty() {
            let rest = std::mem::take(&mut self.partial);
            self.emit(&rest);
        }
    }
}

impl AsyncWrite for LineWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.write_bytes(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_and_joined() {
        let mut w = LineWriter {
            output: Output::Stderr,
            prefix: LinePrefix::default(),
            partial: Vec::new(),
        };
        w.write_bytes(b"a\nb");
        assert_eq!(w.partial, b"b");
        w.write_bytes(b"c\nd\n");
        assert!(w.partial.is_empty());
        w.write_bytes(&vec![b'x'; MAX_PARTIAL + 1]);
        assert!(w.partial.is_empty());
    }
}
