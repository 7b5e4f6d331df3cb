//! `witgo build --preinit`: Go's start-up at build time.
//!
//! Go's runtime start-up and every package's `init` run once, when the
//! component is built, in Wasmtime with Wizer (`wasmtime-wizer`), and the
//! module's memory and globals are snapshotted into its data. An instance
//! then starts from the snapshot: its `_initialize` becomes
//! `witgo/abi`'s `witgo_resume`, which refreshes what must be the
//! instance's own (the overlay's `witgo_preinit_*.go` files: clock base,
//! random state, arguments, environment, preopened directories, os.Args).
//!
//! This runs on the core module, before the WASI p1 adapter joins it: the
//! adapter's state (its handles to the host's stdio and directories) is
//! made in each instance, never snapshotted.
//!
//! Init code runs without a host. WASI calls the runtime's own start-up
//! makes get build-time answers (one argument, the component's name; no
//! environment; no preopened directories; stdio that is not a terminal;
//! random bytes; the clock). Anything else init code does with the outside
//! world would be frozen into every instance or lost, so it stops the build
//! with a message: writing to stdout or stderr, exiting, reading random
//! bytes after the runtime's own seed (crypto/rand: every instance would
//! share them), waiting on I/O, other WASI calls, and calling any WIT
//! import. Sleeping is fine: the clock goes on from the snapshot.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};
use wasmtime::{Caller, Config, Engine, Extern, FuncType, Linker, Module, Store, Val};
use wasmtime_wizer::{InstanceState, SnapshotVal, Wizer};

use wasm_encoder::reencode::Reencode;

use crate::componentize::WASI_P1_MODULE;

/// The Go export that resumes a pre-initialised instance (`go/abi/preinit.go`).
pub const RESUME_EXPORT: &str = "witgo_resume";
/// The build tag that compiles the resume code (Go and overlay).
pub const PREINIT_TAG: &str = "witgo_preinit";

/// `witgo build`'s pre-initialisation setting (see the module's documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Preinit {
    /// Never (`--no-preinit`).
    Off,
    /// When the program allows it (the default): a program whose init uses
    /// the outside world, or a build without witgo's overlay, is built
    /// without, and the report says why.
    #[default]
    Auto,
    /// Always (`--preinit`): what stops it is an error.
    Required,
}

/// What became of pre-initialisation in a build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreinitOutcome {
    /// Not done: not asked for, or by default for a program without
    /// witgo/abi (its own glue).
    Off,
    /// The component starts from a snapshot.
    Done,
    /// Asked for by default, but this program cannot be: why.
    Skipped(String),
}

impl PreinitOutcome {
    /// The outcome as the build cache keeps it beside the component.
    pub(crate) fn note(&self) -> String {
        match self {
            PreinitOutcome::Off => "off".into(),
            PreinitOutcome::Done => "done".into(),
            PreinitOutcome::Skipped(why) => format!("skipped\n{why}"),
        }
    }

    pub(crate) fn from_note(note: &str) -> PreinitOutcome {
        match note.split_once('\n') {
            Some(("skipped", why)) => PreinitOutcome::Skipped(why.to_string()),
            _ if note == "done" => PreinitOutcome::Done,
            _ => PreinitOutcome::Off,
        }
    }
}

const ERRNO_SUCCESS: i32 = 0;
const ERRNO_BADF: i32 = 8;
const FILETYPE_CHARACTER_DEVICE: u8 = 2;

/// What init did that the build refuses, with Go's own output so far.
#[derive(Default)]
struct InitLog {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    random_calls: u32,
    refused: Option<String>,
}

struct InitHost {
    program_name: String,
    started: Instant,
    log: InitLog,
}

impl InitHost {
    /// Notes the first reason init is refused and returns the trap that
    /// stops it.
    fn refuse(&mut self, why: &str) -> wasmtime::Error {
        self.log.refused.get_or_insert_with(|| why.to_string());
        wasmtime::Error::msg(why.to_string())
    }
}

/// The module to componentize for `mode`, and what became of
/// pre-initialisation. `core` was built with [`PREINIT_TAG`] unless `mode`
/// is `Off`; `program_name` is `os.Args[0]` during init (each instance gets
/// its own arguments when it starts).
pub fn apply(mode: Preinit, core: &[u8], program_name: &str) -> Result<(Vec<u8>, PreinitOutcome)> {
    if mode == Preinit::Off {
        return Ok((core.to_vec(), PreinitOutcome::Off));
    }
    if !exports(core, RESUME_EXPORT)? {
        // Its own glue (--no-bindgen), or no witgo/abi: by default the
        // program is simply built as it is.
        if mode == Preinit::Auto {
            return Ok((core.to_vec(), PreinitOutcome::Off));
        }
        bail!(
            "--preinit needs witgo's resume export `{RESUME_EXPORT}`, which the Go module lacks: \
             build with witgo's runtime overlay (not --no-overlay, --go-overlay or a toolchain \
             with its own wasiOnIdle), with bindings that import witgo/abi"
        );
    }
    match preinitialize(core, program_name) {
        Ok(snapshot) => Ok((snapshot, PreinitOutcome::Done)),
        Err(e) if mode == Preinit::Auto => Ok((
            without_resume(core)?,
            PreinitOutcome::Skipped(format!("{e:#}")),
        )),
        Err(e) => Err(e),
    }
}

/// Runs `core`'s `_initialize` at build time and returns the snapshot, whose
/// `_initialize` is [`RESUME_EXPORT`].
fn preinitialize(core: &[u8], program_name: &str) -> Result<Vec<u8>> {
    let mut wizer = Wizer::new();
    wizer
        .init_func("_initialize")
        .func_rename("_initialize", RESUME_EXPORT);
    // Wizer keeps the original segments (emptied) and adds its own, up to
    // 10,000; a large Go program's thousands of segments would push the sum
    // past the engines' limit of 100,000.
    let core = merge_data_segments(core)?;
    let (cx, instrumented) = wizer
        .instrument(&core)
        .map_err(|e| anyhow!("{e:?}"))
        .context("wizer cannot pre-initialise this module")?;

    let mut config = Config::new();
    config.cranelift_opt_level(wasmtime::OptLevel::None);
    let engine = Engine::new(&config).map_err(|e| anyhow!("{e:?}"))?;
    let module = Module::new(&engine, &instrumented)
        .map_err(|e| anyhow!("{e:?}"))
        .context("cannot compile the Go module for pre-initialisation")?;
    let mut store = Store::new(
        &engine,
        InitHost {
            program_name: program_name.to_string(),
            started: Instant::now(),
            log: InitLog::default(),
        },
    );
    let mut linker = Linker::new(&engine);
    let mut defined = std::collections::HashSet::new();
    for import in module.imports() {
        // Go imports some functions twice (from runtime and from syscall).
        if !defined.insert((import.module().to_string(), import.name().to_string())) {
            continue;
        }
        let wasmtime::ExternType::Func(ty) = import.ty() else {
            bail!(
                "--preinit: the Go module imports {}.{}, which is not a function",
                import.module(),
                import.name()
            );
        };
        define_import(&mut linker, import.module(), import.name(), ty)?;
    }
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| anyhow!("{e:?}"))
        .context("cannot instantiate the Go module for pre-initialisation")?;
    let init = instance
        .get_typed_func::<(), ()>(&mut store, "_initialize")
        .map_err(|e| anyhow!("{e:?}"))?;
    let ran = init.call(&mut store, ());
    let log = std::mem::take(&mut store.data_mut().log);
    if let Some(refused) = log.refused {
        bail!("{}", refusal(&refused, &log.stdout, &log.stderr));
    }
    if let Err(trap) = ran {
        bail!(
            "{}",
            refusal(
                &format!("package init panicked or trapped at build time ({trap:#})"),
                &log.stdout,
                &log.stderr
            )
        );
    }
    if !log.stdout.is_empty() || !log.stderr.is_empty() {
        bail!(
            "{}",
            refusal(
                "package init wrote output at build time, which no instance would print",
                &log.stdout,
                &log.stderr
            )
        );
    }

    let mut state = Snapshotter {
        store: &mut store,
        instance,
    };
    let snapshot = block_on(wizer.snapshot(&cx, &mut state))
        .map_err(|e| anyhow!("{e:?}"))
        .context("wizer cannot snapshot the Go module")?;
    Ok(snapshot)
}

/// `core` without the resume export, for a build that falls back to Go's
/// own start-up (the export is not in the world: the component must not
/// have it).
fn without_resume(core: &[u8]) -> Result<Vec<u8>> {
    let mut module = wasm_encoder::Module::new();
    for payload in wasmparser::Parser::new(0).parse_all(core) {
        let payload = payload.context("cannot parse the core module")?;
        if let wasmparser::Payload::ExportSection(reader) = &payload {
            let mut exports = wasm_encoder::ExportSection::new();
            for export in reader.clone() {
                let export = export?;
                if export.name != RESUME_EXPORT {
                    let kind =
                        wasm_encoder::reencode::RoundtripReencoder.export_kind(export.kind)?;
                    exports.export(export.name, kind, export.index);
                }
            }
            module.section(&exports);
        } else {
            crate::coremod::copy_section(&mut module, &payload, core);
        }
    }
    Ok(module.finish())
}

fn refusal(what: &str, stdout: &[u8], stderr: &[u8]) -> String {
    let mut msg = format!(
        "--preinit: {what}.\nUnder --preinit every package's init runs once, when the component \
         is built; it may compute and allocate, but not use the outside world. Move this out of \
         init (e.g. into a sync.Once on first use), or build without --preinit."
    );
    for (name, bytes) in [("stdout", stdout), ("stderr", stderr)] {
        if !bytes.is_empty() {
            let text = String::from_utf8_lossy(bytes);
            msg.push_str(&format!("\ninit's {name}:\n{}", text.trim_end()));
        }
    }
    msg
}

fn exports(core: &[u8], name: &str) -> Result<bool> {
    for payload in wasmparser::Parser::new(0).parse_all(core) {
        if let wasmparser::Payload::ExportSection(reader) =
            payload.context("cannot parse the core module")?
        {
            for export in reader {
                if export?.name == name {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// The build-time answer to one import of the Go module.
fn define_import(
    linker: &mut Linker<InitHost>,
    module: &str,
    name: &str,
    ty: FuncType,
) -> Result<()> {
    let r = if module == WASI_P1_MODULE {
        match name {
            "args_sizes_get" => linker.func_wrap(module, name, args_sizes_get),
            "args_get" => linker.func_wrap(module, name, args_get),
            "environ_sizes_get" => linker.func_wrap(module, name, environ_sizes_get),
            "environ_get" => linker.func_wrap(module, name, |_: i32, _: i32| ERRNO_SUCCESS),
            "clock_time_get" => linker.func_wrap(module, name, clock_time_get),
            "random_get" => linker.func_wrap(module, name, random_get),
            "fd_fdstat_get" => linker.func_wrap(module, name, fd_fdstat_get),
            // As the adapter answers for stdio (the only descriptors there are).
            "fd_fdstat_set_flags" => linker.func_wrap(module, name, |_: i32, _: i32| ERRNO_BADF),
            "fd_prestat_get" => linker.func_wrap(module, name, |_: i32, _: i32| ERRNO_BADF),
            "sched_yield" => linker.func_wrap(module, name, || ERRNO_SUCCESS),
            "fd_write" => linker.func_wrap(module, name, fd_write),
            "poll_oneoff" => linker.func_wrap(module, name, poll_oneoff),
            _ => refuse(
                linker,
                module,
                name,
                ty,
                &format!("package init called WASI `{name}` (files, sockets or the like)"),
            ),
        }
    } else if name == "exit-with-code" {
        refuse(
            linker,
            module,
            name,
            ty,
            "package init exited (os.Exit, or a panic)",
        )
    } else {
        refuse(
            linker,
            module,
            name,
            ty,
            &format!(
                "package init called the import `{module}` `{name}`, which has no host at build time"
            ),
        )
    };
    r.map(|_| ()).map_err(|e| anyhow!("{e:?}"))
}

/// Defines `module.name` as a function that stops init with `why`.
fn refuse<'a>(
    linker: &'a mut Linker<InitHost>,
    module: &str,
    name: &str,
    ty: FuncType,
    why: &str,
) -> wasmtime::Result<&'a mut Linker<InitHost>> {
    let why = why.to_string();
    linker.func_new(module, name, ty, move |mut caller, _params, _results| {
        Err(caller.data_mut().refuse(&why))
    })
}

fn memory(caller: &mut Caller<'_, InitHost>) -> wasmtime::Memory {
    match caller.get_export("memory") {
        Some(Extern::Memory(m)) => m,
        _ => panic!("the Go module exports its memory"),
    }
}

fn write_bytes(caller: &mut Caller<'_, InitHost>, addr: i32, bytes: &[u8]) -> wasmtime::Result<()> {
    let mem = memory(caller);
    mem.write(&mut *caller, addr as u32 as usize, bytes)?;
    Ok(())
}

fn args_sizes_get(mut caller: Caller<'_, InitHost>, argc: i32, size: i32) -> wasmtime::Result<i32> {
    let len = caller.data().program_name.len() as u32 + 1;
    write_bytes(&mut caller, argc, &1u32.to_le_bytes())?;
    write_bytes(&mut caller, size, &len.to_le_bytes())?;
    Ok(ERRNO_SUCCESS)
}

fn args_get(mut caller: Caller<'_, InitHost>, argv: i32, buf: i32) -> wasmtime::Result<i32> {
    let mut arg = caller.data().program_name.clone().into_bytes();
    arg.push(0);
    write_bytes(&mut caller, buf, &arg)?;
    write_bytes(&mut caller, argv, &(buf as u32).to_le_bytes())?;
    Ok(ERRNO_SUCCESS)
}

fn environ_sizes_get(
    mut caller: Caller<'_, InitHost>,
    count: i32,
    size: i32,
) -> wasmtime::Result<i32> {
    write_bytes(&mut caller, count, &0u32.to_le_bytes())?;
    write_bytes(&mut caller, size, &0u32.to_le_bytes())?;
    Ok(ERRNO_SUCCESS)
}

fn clock_time_get(
    mut caller: Caller<'_, InitHost>,
    id: i32,
    _precision: i64,
    out: i32,
) -> wasmtime::Result<i32> {
    let now = match id {
        0 => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
        _ => caller.data().started.elapsed().as_nanos() as u64 + 1,
    };
    write_bytes(&mut caller, out, &now.to_le_bytes())?;
    Ok(ERRNO_SUCCESS)
}

/// The runtime seeds itself with the first call; a later one is init code
/// reading random bytes, which every instance would share.
fn random_get(mut caller: Caller<'_, InitHost>, buf: i32, len: i32) -> wasmtime::Result<i32> {
    let host = caller.data_mut();
    host.log.random_calls += 1;
    if host.log.random_calls > 1 {
        return Err(host.refuse(
            "package init read random bytes (crypto/rand or the like), which every \
             instance would share",
        ));
    }
    let mut bytes = vec![0u8; len as u32 as usize];
    getrandom::fill(&mut bytes).map_err(|e| wasmtime::Error::msg(e.to_string()))?;
    write_bytes(&mut caller, buf, &bytes)?;
    Ok(ERRNO_SUCCESS)
}

fn fd_fdstat_get(mut caller: Caller<'_, InitHost>, fd: i32, out: i32) -> wasmtime::Result<i32> {
    if !(0..=2).contains(&fd) {
        return Ok(ERRNO_BADF);
    }
    // filetype u8, flags u16 (none: not NONBLOCK, not APPEND), rights.
    let mut stat = [0u8; 24];
    stat[0] = FILETYPE_CHARACTER_DEVICE;
    write_bytes(&mut caller, out, &stat)?;
    Ok(ERRNO_SUCCESS)
}

fn fd_write(
    mut caller: Caller<'_, InitHost>,
    fd: i32,
    iovs: i32,
    iovs_len: i32,
    written: i32,
) -> wasmtime::Result<i32> {
    let mem = memory(&mut caller);
    let data = mem.data(&caller);
    let mut out = Vec::new();
    for i in 0..iovs_len as u32 as usize {
        let at = iovs as u32 as usize + i * 8;
        let word = |o: usize| -> usize {
            u32::from_le_bytes(data[at + o..at + o + 4].try_into().unwrap()) as usize
        };
        let (ptr, len) = (word(0), word(4));
        out.extend_from_slice(&data[ptr..ptr + len]);
    }
    let n = out.len() as u32;
    let log = &mut caller.data_mut().log;
    match fd {
        1 => log.stdout.extend_from_slice(&out),
        2 => log.stderr.extend_from_slice(&out),
        _ => return Ok(ERRNO_BADF),
    }
    write_bytes(&mut caller, written, &n.to_le_bytes())?;
    Ok(ERRNO_SUCCESS)
}

/// Sleeps until the first clock subscription is due (init may sleep, and Go's
/// panic path waits a little before it prints); waiting on a descriptor is
/// I/O, which init may not do.
fn poll_oneoff(
    mut caller: Caller<'_, InitHost>,
    subs: i32,
    events: i32,
    n: i32,
    nevents: i32,
) -> wasmtime::Result<i32> {
    const SUBSCRIPTION: usize = 48;
    const EVENT: usize = 32;
    let mem = memory(&mut caller);
    let data = mem.data(&caller);
    let now_mono = caller.data().started.elapsed().as_nanos() as u64 + 1;
    let now_real = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    // (userdata, nanoseconds to wait)
    let mut clocks = Vec::new();
    for i in 0..n as u32 as usize {
        let at = subs as u32 as usize + i * SUBSCRIPTION;
        let field = |o: usize, len: usize| {
            let mut b = [0u8; 8];
            b[..len].copy_from_slice(&data[at + o..at + o + len]);
            u64::from_le_bytes(b)
        };
        if field(8, 1) != 0 {
            let why = "package init blocked on I/O (waited on a descriptor)";
            return Err(caller.data_mut().refuse(why));
        }
        let (id, timeout, abstime) = (field(16, 4), field(24, 8), field(40, 2) & 1 == 1);
        let wait = match (abstime, id) {
            (false, _) => timeout,
            (true, 0) => timeout.saturating_sub(now_real),
            (true, _) => timeout.saturating_sub(now_mono),
        };
        clocks.push((field(0, 8), wait));
    }
    let Some(shortest) = clocks.iter().map(|(_, w)| *w).min() else {
        return Ok(28); // EINVAL: nothing to wait for
    };
    std::thread::sleep(std::time::Duration::from_nanos(shortest));
    let mut out = Vec::new();
    for (userdata, _) in clocks.iter().filter(|(_, w)| *w <= shortest) {
        let mut event = [0u8; EVENT];
        event[..8].copy_from_slice(&userdata.to_le_bytes());
        // error 0, type 0 (clock)
        out.extend_from_slice(&event);
    }
    let count = (out.len() / EVENT) as u32;
    write_bytes(&mut caller, events, &out)?;
    write_bytes(&mut caller, nevents, &count.to_le_bytes())?;
    Ok(ERRNO_SUCCESS)
}

/// Joins the module's active data segments into runs (gaps zero-filled):
/// the snapshot replaces them all, and fewer of them keep the rewritten
/// module within the engines' segment limit. A module whose segments
/// overlap (where their order matters) is returned as it is.
fn merge_data_segments(core: &[u8]) -> Result<Vec<u8>> {
    const MAX_GAP: u64 = 1 << 20;
    let mut active: Vec<(u64, &[u8])> = Vec::new();
    let mut passive: Vec<&[u8]> = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(core) {
        match payload.context("cannot parse the core module")? {
            wasmparser::Payload::DataSection(reader) => {
                for segment in reader {
                    let segment = segment?;
                    match segment.kind {
                        wasmparser::DataKind::Active {
                            memory_index: 0,
                            offset_expr,
                        } => {
                            let mut ops = offset_expr.get_operators_reader();
                            let wasmparser::Operator::I32Const { value } = ops.read()? else {
                                return Ok(core.to_vec());
                            };
                            active.push((value as u32 as u64, segment.data));
                        }
                        wasmparser::DataKind::Passive => passive.push(segment.data),
                        _ => return Ok(core.to_vec()),
                    }
                }
            }
            // Segment indices matter to memory.init: leave such a module be.
            wasmparser::Payload::DataCountSection { .. } => return Ok(core.to_vec()),
            _ => {}
        }
    }
    active.sort_by_key(|(at, _)| *at);
    let mut runs: Vec<(u64, Vec<u8>)> = Vec::new();
    for (at, data) in active {
        match runs.last_mut() {
            Some((start, bytes)) if at < *start + bytes.len() as u64 => return Ok(core.to_vec()),
            Some((start, bytes)) if at - (*start + bytes.len() as u64) <= MAX_GAP => {
                bytes.resize((at - *start) as usize, 0);
                bytes.extend_from_slice(data);
            }
            _ => runs.push((at, data.to_vec())),
        }
    }
    let mut module = wasm_encoder::Module::new();
    for payload in wasmparser::Parser::new(0).parse_all(core) {
        let payload = payload?;
        if let wasmparser::Payload::DataSection(_) = payload {
            let mut section = wasm_encoder::DataSection::new();
            for bytes in &passive {
                section.passive(bytes.iter().copied());
            }
            for (at, bytes) in &runs {
                let offset = wasm_encoder::ConstExpr::i32_const(*at as u32 as i32);
                section.active(0, &offset, bytes.iter().copied());
            }
            module.section(&section);
        } else {
            crate::coremod::copy_section(&mut module, &payload, core);
        }
    }
    Ok(module.finish())
}

/// Wizer reads the instance's state through this.
struct Snapshotter<'a> {
    store: &'a mut Store<InitHost>,
    instance: wasmtime::Instance,
}

impl InstanceState for Snapshotter<'_> {
    async fn global_get(&mut self, name: &str, _: wasmtime_wizer::ValType) -> SnapshotVal {
        let global = self.instance.get_global(&mut *self.store, name).unwrap();
        match global.get(&mut *self.store) {
            Val::I32(x) => SnapshotVal::I32(x),
            Val::I64(x) => SnapshotVal::I64(x),
            Val::F32(x) => SnapshotVal::F32(x),
            Val::F64(x) => SnapshotVal::F64(x),
            Val::V128(x) => SnapshotVal::V128(x.as_u128()),
            _ => panic!("Go's globals are numbers"),
        }
    }

    async fn memory_contents(&mut self, name: &str, contents: impl FnOnce(&[u8]) + Send) {
        let memory = self.instance.get_memory(&mut *self.store, name).unwrap();
        contents(memory.data(&*self.store))
    }
}

/// Wizer's snapshot is async to suit async hosts; ours reads memory
/// synchronously, so its future is ready on the first poll.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => unreachable!("the snapshot reads a synchronous store"),
    }
}
