//! Turning what a guest call returns into exit codes and readable errors.

use anyhow::anyhow;
use wasmtime::{Trap, WasmBacktrace};
use wasmtime_wasi::I32Exit;

/// The exit code the guest asked for with `wasi:cli/exit`, if that is what
/// ended the call: `exit(ok)` is 0, `exit(err)` is 1, `exit-with-code(n)` is n
/// (wasmtime-wasi reports all three as `I32Exit`).
pub(crate) fn exit_code(err: &wasmtime::Error) -> Option<i32> {
    err.downcast_ref::<I32Exit>().map(|exit| exit.0)
}

/// A readable error for a failed guest call. For a trap, the message itself
/// (its `Display`, not only the `{:?}` chain) holds the trap text and the wasm
/// backtrace, so every caller that prints the error shows both.
pub(crate) fn guest_error(err: wasmtime::Error, what: &str) -> anyhow::Error {
    if let Some(trap) = err.downcast_ref::<Trap>() {
        let mut msg = format!("{what} trapped: {trap}");
        if let Some(backtrace) = err.downcast_ref::<WasmBacktrace>() {
            msg.push('\n');
            msg.push_str(&backtrace.to_string());
        }
        return anyhow!(msg);
    }
    anyhow::Error::from(err).context(format!("{what} failed"))
}
