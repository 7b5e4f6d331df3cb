//! Blocking entry points drive the async API on a private tokio runtime.

use std::future::Future;

use anyhow::{Context, Result, bail};

/// Runs `future` to completion on a new multi-threaded tokio runtime (WASI's
/// stdio, filesystem and sockets need tokio's I/O and time drivers).
pub(crate) fn block_on<F: Future>(what: &str, future: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        bail!(
            "`{what}` blocks, but it was called inside an async runtime; call `{what}_async` instead"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")?;
    Ok(runtime.block_on(future))
}
