//! A Go panic inside an export, as the host sees it.
//!
//! What the host observes (Wasmtime 48, a component built by witgo):
//! - The call returns `Err` holding a `wasmtime::Trap::UnreachableCodeReached`
//!   ("wasm trap: wasm `unreachable` instruction executed", with a wasm
//!   backtrace of unnamed functions: witgo strips the name section). Go's
//!   runtime in a `-buildmode=c-shared` module aborts on a fatal panic
//!   instead of exiting (`GOTRACEBACK` gets `crash` for libraries, and
//!   `crash()` is `unreachable` on wasm), so there is no exit code.
//! - Before that, Go writes its usual report to the guest's stderr:
//!   `panic: <value>` (an error value prints its `Error()` text, a runtime
//!   error `runtime error: ...`), a blank line, `goroutine 1 [running]:` and
//!   the trace with file:line of the user's Go code, e.g.
//!   `main.API.BoomError({}, 0x7)` / `e2e/panics/main.go:17`, then the
//!   generated glue `.../api.wasmexport_f_boom_error(0x7)`.
//! - `witgo_host::with_go_panic(result, stderr)` puts the panic line in front
//!   of the trap: `the Go code panicked: <value>: error while executing ...`.
//! - The instance is dead afterwards: a later call fails with
//!   `cannot enter component instance`.

use witgo_e2e::{Session, component, linker};

wasmtime::component::bindgen!({
    path: "guests/panics/world.wit",
    world: "panics",
    exports: { default: async },
});

async fn start() -> (Session<()>, Panics) {
    let linker = linker::<()>();
    let mut s = Session::new(());
    let guest = Panics::instantiate_async(&mut s.store, &component("panics"), &linker)
        .await
        .unwrap();
    (s, guest)
}

/// Calls `f`, expects a trap, and returns (error text, guest stderr).
async fn expect_panic<R: std::fmt::Debug>(
    s: &mut Session<()>,
    result: wasmtime::Result<R>,
) -> (String, String) {
    let stderr = s.stderr_text();
    let err = witgo_host::with_go_panic(result.map_err(anyhow::Error::from), &stderr)
        .expect_err("a panicking export must not return");
    (format!("{err:#}"), stderr)
}

#[tokio::test]
async fn panic_with_a_string() {
    let (mut s, g) = start().await;
    let api = g.e2e_panics_api();
    assert_eq!(api.call_fine(&mut s.store).await.unwrap(), 42);
    let r = api.call_boom(&mut s.store, "the value 🌍").await;
    let trap = r
        .as_ref()
        .unwrap_err()
        .downcast_ref::<wasmtime::Trap>()
        .copied();
    let (err, stderr) = expect_panic(&mut s, r).await;
    assert_eq!(trap, Some(wasmtime::Trap::UnreachableCodeReached), "{err}");
    assert!(stderr.starts_with("panic: the value 🌍\n"), "{stderr}");
    assert!(stderr.contains("goroutine 1 [running]:"), "{stderr}");
    assert!(
        stderr.contains("main.API.Boom("),
        "the trace names the Go method: {stderr}"
    );
    assert!(
        err.starts_with("the Go code panicked: the value 🌍"),
        "{err}"
    );
    assert!(err.contains("unreachable"), "{err}");

    // The instance is gone.
    let again = api.call_fine(&mut s.store).await.unwrap_err();
    assert!(
        format!("{again:?}").contains("cannot enter component instance"),
        "{again:?}"
    );
}

#[tokio::test]
async fn panic_with_an_error_value() {
    let (mut s, g) = start().await;
    let r = g.e2e_panics_api().call_boom_error(&mut s.store, 7).await;
    let (err, stderr) = expect_panic(&mut s, r).await;
    // Go prints an error value with its Error() text (and its type).
    assert!(stderr.starts_with("panic: code 7: broken"), "{stderr}");
    assert!(
        err.starts_with("the Go code panicked: code 7: broken"),
        "{err}"
    );
}

#[tokio::test]
async fn runtime_error_panics() {
    let (mut s, g) = start().await;
    let r = g.e2e_panics_api().call_out_of_range(&mut s.store, 5).await;
    let (err, stderr) = expect_panic(&mut s, r).await;
    assert!(
        stderr.starts_with("panic: runtime error: index out of range [5] with length 3\n"),
        "{stderr}"
    );
    assert!(
        err.starts_with(
            "the Go code panicked: runtime error: index out of range [5] with length 3"
        ),
        "{err}"
    );
}

#[tokio::test]
async fn panic_while_building_a_result() {
    let (mut s, g) = start().await;
    let r = g.e2e_panics_api().call_boom_in_list(&mut s.store, 10).await;
    let (err, stderr) = expect_panic(&mut s, r).await;
    assert!(
        stderr.starts_with("panic: half way, 5 strings\n"),
        "{stderr}"
    );
    assert!(
        err.starts_with("the Go code panicked: half way, 5 strings"),
        "{err}"
    );
}
