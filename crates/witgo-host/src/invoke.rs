//! Calling one exported function from WAVE text and printing its result as WAVE.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use wasmtime::Store;
use wasmtime::component::wasm_wave::parser::ParserError;
use wasmtime::component::wasm_wave::untyped::UntypedFuncCall;
use wasmtime::component::{Component, Linker, Type, Val};

use crate::error::{exit_code, guest_error};
use crate::exports::{ExportedFunc, resolve_function};
use crate::run::{instantiate_error, program_name};
use crate::{HostCtx, RunOptions, engine_with, load_component, wasi_linker};

const EXPECTED: &str = "expected a function call such as `add(1, 2)`, \
    `example:calc/ops#add(1, 2)` or `ops.add(1, 2)`";
const WAVE_HINT: &str = "arguments are WAVE values, e.g. `42`, `\"text\"`, `[1, 2]`, \
    `{x: 1, y: 2}`, `some(1)`, `none`, `ok(\"yes\")`, `red` (enum case)";

/// Calls the exported function named in `call` (WAVE syntax, e.g. `add(1, 2)`,
/// `example:calc/ops#add(1, 2)`, `ops#add(1, 2)` or `ops.add(1, 2)`) and returns
/// its result printed as WAVE, or an empty string when it returns nothing.
///
/// The component is instantiated with WASI as for [`run`](crate::run) (stdio
/// inherited, `opts` for args, env and preopens). This creates its own tokio
/// runtime; inside async code use [`invoke_async`].
pub fn invoke(component: &Path, call: &str, opts: &RunOptions) -> Result<String> {
    crate::runtime::block_on("invoke", invoke_async(component, call, opts))?
}

/// The async form of [`invoke`].
pub async fn invoke_async(component: &Path, call: &str, opts: &RunOptions) -> Result<String> {
    let engine = engine_with(opts.features)?;
    let loaded = load_component(&engine, component, opts.cache_dir.as_deref())?;
    let linker = wasi_linker::<()>(&engine)?;
    let ctx = HostCtx::from_options(&program_name(component), opts, ())?;
    let mut store = Store::new(&engine, ctx);
    let result = invoke_component(&mut store, &linker, &loaded, call).await;
    crate::with_go_panic(result, &store.data().stderr_tail())
}

/// A parsed `invoke` call: which function, and its arguments as values.
pub struct Call {
    /// The function the call names.
    pub func: ExportedFunc,
    /// The arguments, checked against the function's parameter types.
    pub args: Vec<Val>,
}

/// Parses `call` against the exports of `component`: resolves the name and
/// type-checks the WAVE arguments, without instantiating anything.
pub fn parse_call(engine: &wasmtime::Engine, component: &Component, call: &str) -> Result<Call> {
    let call = call.trim();
    let (name, args_text, args_at) = match call.find('(') {
        Some(i) => (call[..i].trim_end(), &call[i..], i),
        // A bare name is a call without arguments.
        None => (call, "()", call.len()),
    };
    if name.is_empty() || !name.chars().all(is_name_char) {
        bail!("cannot parse `{call}`: {EXPECTED}; {WAVE_HINT}");
    }
    let func = resolve_function(engine, component, name)?;

    // WAVE's own call parser only accepts plain labels as names, so parse the
    // argument list behind a one-letter stand-in name and shift error spans back.
    let source = format!("f{args_text}");
    let shift = |e: ParserError| args_error(e, call, args_at as isize - 1, &func);
    let parsed = UntypedFuncCall::parse(&source).map_err(shift)?;
    let types: Vec<_> = func.ty.params().map(|(_, ty)| ty).collect();
    let all_optional = types.iter().all(|ty| matches!(ty, Type::Option(_)));
    let args = if parsed.params_node().is_none() && all_optional {
        // `f()` for `f(x: option<T>)`: WAVE lets trailing options be left out,
        // but its parser only applies that when at least one value is given.
        types.iter().map(|_| Val::Option(None)).collect()
    } else {
        parsed.to_wasm_params::<Val>(&types).map_err(shift)?
    };
    Ok(Call { func, args })
}

/// Instantiates `component` in `store` with `linker`, performs `call` (see
/// [`invoke`]) and returns the result as WAVE text. For tests that add their
/// own imports to the linker or inspect the store afterwards.
pub async fn invoke_component<T: Send + 'static>(
    store: &mut Store<T>,
    linker: &Linker<T>,
    component: &Component,
    call: &str,
) -> Result<String> {
    let Call { func: export, args } = parse_call(store.engine(), component, call)?;
    let instance = linker
        .instantiate_async(&mut *store, component)
        .await
        .map_err(|err| match exit_code(&err) {
            Some(code) => anyhow!("the component exited with code {code} while initialising"),
            None => instantiate_error(err),
        })?;
    let func = instance
        .get_func(&mut *store, export.index)
        .with_context(|| format!("the instance has no `{}` function", export.qualified_name()))?;
    let mut results = vec![Val::Bool(false); export.ty.results().len()];
    let name = export.qualified_name();
    if let Err(err) = func.call_async(&mut *store, &args, &mut results).await {
        return Err(match exit_code(&err) {
            Some(code) => {
                anyhow!("`{name}` made the component exit with code {code} instead of returning")
            }
            None => guest_error(err, &format!("`{name}`")),
        });
    }
    let printed: Vec<String> = results
        .iter()
        .map(|v| v.to_wave().map_err(anyhow::Error::from))
        .collect::<Result<_>>()
        .with_context(|| format!("cannot print the result of `{name}` as WAVE (resource handles, streams and futures have no WAVE form)"))?;
    Ok(printed.join(", "))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '/' | '@' | '.' | '#' | '+' | '_')
}

/// An argument error with the offending part of the call underlined.
fn args_error(err: ParserError, call: &str, shift: isize, func: &ExportedFunc) -> anyhow::Error {
    let clamp = |i: usize| (i as isize + shift).clamp(0, call.len() as isize) as usize;
    let span = err.span();
    let (start, end) = (clamp(span.start), clamp(span.end));
    let column = call.get(..start).map_or(0, |s| s.chars().count());
    let width = call.get(start..end).map_or(1, |s| s.chars().count()).max(1);
    let mut what = err.kind().to_string();
    if let Some(detail) = err.detail() {
        what = format!("{what}: {detail}");
    }
    if let Some(source) = std::error::Error::source(&err) {
        what = format!("{what}: {source}");
    }
    anyhow!(
        "invalid arguments for `{}`: {what}\n  {call}\n  {}{}\n{WAVE_HINT}",
        func.signature(),
        " ".repeat(column),
        "^".repeat(width),
    )
}
