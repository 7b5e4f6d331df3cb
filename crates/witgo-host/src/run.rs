//! Running a component that exports `wasi:cli/run` like a program.

use std::path::Path;

use anyhow::{Context, Result, bail};
use wasmtime::component::{Component, Linker, Val};
use wasmtime::{Engine, Store};

use crate::error::{exit_code, guest_error};
use crate::exports::{ExportedFunc, available, exported_functions};
use crate::{HostCtx, RunOptions, engine_with, load_component, wasi_linker};

/// Runs a component that exports `wasi:cli/run` (0.2.x or 0.3.x) like a program:
/// stdio inherited, `argv[0]` the component's file name, then `opts.args`.
///
/// Returns the exit code: 0 when `run` returns `ok`, 1 when it returns `err`,
/// or what the guest asked for with `wasi:cli/exit`: `exit(ok)` is 0,
/// `exit(err)` is 1, `exit-with-code(n)` is n. (The stock WASI p1 adapter
/// turns `proc_exit(n)`, and so Go's `os.Exit(n)`, into `exit(err)` for any
/// n != 0; only a guest that calls `exit-with-code` keeps other codes.)
/// A trap is an `Err` whose message holds the trap and the wasm backtrace.
///
/// This creates its own tokio runtime; inside async code use [`run_async`].
pub fn run(component: &Path, opts: &RunOptions) -> Result<i32> {
    crate::runtime::block_on("run", run_async(component, opts))?
}

/// The async form of [`run`].
pub async fn run_async(component: &Path, opts: &RunOptions) -> Result<i32> {
    let engine = engine_with(opts.features)?;
    let loaded = load_component(&engine, component, opts.cache_dir.as_deref())?;
    let mut linker = wasi_linker::<()>(&engine)?;
    if opts.trap_unknown_imports {
        crate::linker::define_world_imports_as_traps(&mut linker, &loaded)?;
    }
    let ctx = HostCtx::from_options(&program_name(component), opts, ())?;
    let mut store = Store::new(&engine, ctx);
    let result = run_component(&mut store, &linker, &loaded).await;
    crate::with_go_panic(result, &store.data().stderr_tail())
}

/// Instantiates `component` in `store` with `linker` and calls its
/// `wasi:cli/run` export; the exit code is as for [`run`]. For tests that add
/// their own imports to the linker or inspect the store afterwards.
pub async fn run_component<T: Send + 'static>(
    store: &mut Store<T>,
    linker: &Linker<T>,
    component: &Component,
) -> Result<i32> {
    let run = find_cli_run(store.engine(), component)?;
    let instance = match linker.instantiate_async(&mut *store, component).await {
        Ok(instance) => instance,
        // A guest may exit while it initialises.
        Err(err) => return exit_code(&err).ok_or_else(|| instantiate_error(err)),
    };
    let func = instance
        .get_func(&mut *store, run.index)
        .with_context(|| format!("the instance has no `{}` function", run.qualified_name()))?;
    let mut results = [Val::Bool(false)];
    match func.call_async(&mut *store, &[], &mut results).await {
        Ok(()) => match &results[0] {
            Val::Result(Ok(_)) => Ok(0),
            Val::Result(Err(_)) => Ok(1),
            other => bail!(
                "`{}` returned {other:?}, expected a `result`",
                run.qualified_name()
            ),
        },
        Err(err) => exit_code(&err).ok_or_else(|| guest_error(err, "the program")),
    }
}

/// The `run` function of an exported `wasi:cli/run@0.3.x` or `@0.2.x`
/// (0.3 preferred when a component somehow exports both).
pub fn find_cli_run(engine: &Engine, component: &Component) -> Result<ExportedFunc> {
    let funcs = exported_functions(engine, component);
    let run_of = |prefix: &str| {
        funcs.iter().find(|f| {
            f.name == "run"
                && f.interface
                    .as_deref()
                    .is_some_and(|i| i.starts_with(prefix))
        })
    };
    match run_of("wasi:cli/run@0.3.").or_else(|| run_of("wasi:cli/run@0.2.")) {
        Some(run) => Ok(run.clone()),
        None => bail!(
            "the component does not export `wasi:cli/run` (0.2 or 0.3), so it is not a program; \
             call one of its exports with `witgo invoke` instead; {}",
            available(&funcs)
        ),
    }
}

/// Instantiation fails mostly for imports nobody provides; say what witgo provides.
pub(crate) fn instantiate_error(err: wasmtime::Error) -> anyhow::Error {
    if err.downcast_ref::<wasmtime::Trap>().is_some() {
        return guest_error(err, "initialising the component");
    }
    anyhow::Error::from(err).context(
        "cannot instantiate the component (witgo provides WASI 0.2, WASI 0.3 and wasi:http imports; \
         any other import must be supplied by the embedder)",
    )
}

/// `argv[0]`: the component's file name, as a shell would pass a program name.
pub(crate) fn program_name(component: &Path) -> String {
    component.file_name().map_or_else(
        || component.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}
