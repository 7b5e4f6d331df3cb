//! `witgo-bench`: measures built components of every contender on the same
//! Rust/Wasmtime host and prints one table (ratios to witgo are the
//! headline). `bench/run` builds the contenders and calls this; see
//! BENCHMARKS.md.

mod bindgen;
mod build;
mod calls;
mod guest;
mod http;
mod plot;
mod report;
mod sockets;
mod startup;
mod stats;
mod tasks;

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Parser;

use report::{Row, Table, Unit};
use stats::{Effort, Measure};

#[derive(Parser)]
#[command(about = "Benchmarks witgo against its peers on identical WIT, in one run")]
struct Args {
    /// A contender's component: NAME=PATH (the first is the baseline of the
    /// ratios). Repeat for each contender.
    #[arg(long = "component", value_name = "NAME=PATH", required = true)]
    components: Vec<String>,
    /// A contender's component of the async world (`bench/wit/tasks.wit`):
    /// NAME=PATH, NAME as in --component. Repeat for each contender.
    #[arg(long = "tasks-component", value_name = "NAME=PATH")]
    tasks_components: Vec<String>,
    /// More samples per figure (stable numbers; takes a few minutes).
    #[arg(long)]
    full: bool,
    /// Also write the results as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Time each generator over every world of this WIT corpus directory
    /// (needs --witgo-cli and --peer-cli).
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,
    /// The witgo CLI, for the bindgen row.
    #[arg(long, value_name = "FILE")]
    witgo_cli: Option<PathBuf>,
    /// The peer's wit-bindgen CLI, for the bindgen row.
    #[arg(long, value_name = "FILE")]
    peer_cli: Option<PathBuf>,
    /// The Go toolchain both Go contenders build with, for the build rows
    /// (which also need --witgo-cli, --peer-cli and --peer-pkg).
    #[arg(long, value_name = "FILE")]
    go: Option<PathBuf>,
    /// The peer's Go support package (the wit-bindgen-go crate's src/pkg).
    #[arg(long, value_name = "DIR")]
    peer_pkg: Option<PathBuf>,
    /// Also draw the call rows as an SVG chart here.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Run every row exactly this many iterations, once (for instruction
    /// counts: run twice under callgrind with N and 2N and subtract).
    #[arg(long, value_name = "N")]
    iterations: Option<u64>,
    /// A contender of the HTTP rows: NAME=PATH of a component that serves
    /// `GET /hello` and `POST /echo` (wasi:http 0.3 or 0.2). Repeat.
    #[arg(long = "http-component", value_name = "NAME=PATH")]
    http_components: Vec<String>,
    /// The HTTP rows' reference line: a native server binary that listens
    /// on the address given as its argument and prints it (column go-native).
    #[arg(long, value_name = "FILE")]
    http_native: Option<PathBuf>,
    /// A contender of the sockets rows: NAME=PATH of a WASI 0.3 command
    /// that takes `echo ADDR BYTES` and `connect ADDR N` and prints `ns N`
    /// (run with --witgo-cli). Repeat.
    #[arg(long = "net-component", value_name = "NAME=PATH")]
    net_components: Vec<String>,
    /// The sockets rows' reference line: a native program taking the same
    /// arguments (column go-native).
    #[arg(long, value_name = "FILE")]
    net_native: Option<PathBuf>,
    /// A contender's calls component built with `witgo build --preinit`:
    /// NAME=PATH, NAME as in --component. The start-up rows are measured
    /// again ("..., --preinit") with it in NAME's column.
    #[arg(long = "preinit-component", value_name = "NAME=PATH")]
    preinit_components: Vec<String>,
    /// The same for the http world: NAME=PATH, NAME as in --http-component.
    #[arg(long = "http-preinit-component", value_name = "NAME=PATH")]
    http_preinit_components: Vec<String>,
    /// Rows whose name contains this text only.
    #[arg(long)]
    only: Option<String>,
}

struct Contender {
    name: String,
    path: PathBuf,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let mut effort = if args.full {
        Effort::FULL
    } else {
        Effort::QUICK
    };
    effort.fixed = args.iterations;
    let contenders = parse_contenders(&args.components)?;
    let tasks_contenders = parse_contenders(&args.tasks_components)?;
    if let Some(c) = tasks_contenders
        .iter()
        .find(|t| !contenders.iter().any(|c| c.name == t.name))
    {
        bail!("--tasks-component {} names no --component", c.name);
    }
    let names: Vec<String> = contenders.iter().map(|c| c.name.clone()).collect();
    let mut table = Table::new(names.clone());
    let wanted = |row: &str| args.only.as_ref().is_none_or(|o| row.contains(o.as_str()));

    if let (Some(corpus), Some(witgo_cli), Some(peer_cli)) =
        (&args.corpus, &args.witgo_cli, &args.peer_cli)
    {
        let worlds = bindgen::corpus_worlds(corpus)?;
        let generators = [
            bindgen::Generator::Witgo(witgo_cli.clone()).absolute()?,
            bindgen::Generator::Peer(peer_cli.clone()).absolute()?,
        ];
        let passes = if args.full { 3 } else { 1 };
        let on_disk = format!("bindgen: corpus, {} worlds", worlds.len());
        let in_memory = format!("bindgen: corpus, {} worlds, on tmpfs", worlds.len());
        let places = [
            (on_disk, Some(std::env::temp_dir())),
            (in_memory, bindgen::memory_dir()),
        ];
        for (row, under) in places {
            let Some(under) = under.filter(|_| wanted(&row)) else {
                continue;
            };
            eprint!("{row} ...");
            let timed = bindgen::time_interleaved(&generators, &worlds, passes, &under)?;
            for (contender, (ns, ok)) in contenders.iter().zip(timed) {
                eprint!(" [{}: {ok} of {} generated]", contender.name, worlds.len());
                table.set(&row, Unit::Nanos, &contender.name, Measure::of(ns));
            }
            eprintln!();
        }
    }

    if let (Some(witgo), Some(peer), Some(go), Some(peer_pkg)) =
        (&args.witgo_cli, &args.peer_cli, &args.go, &args.peer_pkg)
    {
        let tools = build::Tools {
            witgo: witgo.clone(),
            peer: peer.clone(),
            go: go.clone(),
            peer_pkg: peer_pkg.clone(),
        };
        build_rows(
            &tools,
            [&contenders[0].name, &contenders[1].name],
            args.full,
            &wanted,
            &mut table,
        )?;
    }

    let linker = calls::linker()?;
    let mut components = Vec::new();
    for c in &contenders {
        let bytes =
            std::fs::read(&c.path).with_context(|| format!("reading {}", c.path.display()))?;
        table.set(
            "component size",
            Unit::Bytes,
            &c.name,
            exact(bytes.len() as f64),
        );
        table.set(
            "component size, gzip",
            Unit::Bytes,
            &c.name,
            exact(gzip_len(&bytes)? as f64),
        );
        components.push(guest::load(&c.path)?);
    }
    startup_rows(
        &args,
        &contenders,
        &components,
        &linker,
        effort,
        &wanted,
        &mut table,
    )?;
    let mut instances = components
        .iter()
        .map(|component| calls::instantiate(&linker, component))
        .collect::<Result<Vec<_>>>()?;

    for shape in calls::Shape::all() {
        for (kind, row) in [
            ("export", format!("export: {}", shape.name())),
            ("import", format!("import: {}", shape.name())),
        ] {
            if !wanted(&row) {
                continue;
            }
            eprint!("{row} ...");
            let t = Instant::now();
            if shape.payload_bytes().is_some() {
                // Fresh instances, so that each one's peak memory is this row's.
                for (inst, component) in instances.iter_mut().zip(&components) {
                    *inst = calls::instantiate(&linker, component)?;
                }
            }
            let runs = instances
                .iter_mut()
                .map(|inst| {
                    if kind == "export" {
                        calls::export_run(inst, shape)
                    } else {
                        calls::import_run(inst, shape)
                    }
                })
                .collect();
            let results = stats::interleaved(effort, runs);
            let unit = if shape.payload_bytes().is_some() {
                Unit::BytesPerSec
            } else {
                Unit::Nanos
            };
            for (i, (c, result)) in contenders.iter().zip(results).enumerate() {
                match (result, shape.payload_bytes()) {
                    (Ok(m), Some(bytes)) => {
                        table.set(&row, unit, &c.name, throughput(m, bytes));
                        let peak = instances[i].peak_memory();
                        table.set(
                            &format!("peak memory, {row}"),
                            Unit::Bytes,
                            &c.name,
                            exact(peak as f64),
                        );
                    }
                    (Ok(m), None) => table.set(&row, unit, &c.name, m),
                    (Err(e), _) => {
                        // A trapped instance is unusable: note the failure and
                        // go on with a fresh one.
                        let cause = e.root_cause().to_string();
                        eprint!(" [{}: {cause}]", c.name);
                        table.fail(&row, unit, &c.name, &cause);
                        instances[i] = calls::instantiate(&linker, &components[i])?;
                    }
                }
            }
            eprintln!(" {:.1?}", t.elapsed());
        }
    }

    tasks_rows(&tasks_contenders, effort, &wanted, &mut table)?;

    let http_table = http_rows(&args, effort, &wanted)?;

    let net_table = net_rows(&args, effort, &wanted)?;

    let mut out = table.markdown();
    for t in http_table.iter().chain(&net_table) {
        out.push('\n');
        out.push_str(&t.markdown());
    }
    std::io::stdout().write_all(out.as_bytes())?;
    if let Some(path) = &args.svg {
        std::fs::write(
            path,
            plot::svg(&names, &table.rows().collect::<Vec<&Row>>()),
        )?;
    }
    if let Some(path) = &args.json {
        std::fs::write(
            path,
            serde_json::to_string_pretty(
                &table
                    .rows()
                    .chain(http_table.iter().flat_map(|t| t.rows()))
                    .chain(net_table.iter().flat_map(|t| t.rows()))
                    .collect::<Vec<&Row>>(),
            )?,
        )?;
    }
    Ok(())
}

/// The start-up rows ([`startup`]), plain and with the `--preinit` components.
fn startup_rows(
    args: &Args,
    contenders: &[Contender],
    components: &[wasmtime::component::Component],
    linker: &wasmtime::component::Linker<witgo_host::HostCtx<calls::Host>>,
    effort: Effort,
    wanted: &dyn Fn(&str) -> bool,
    table: &mut Table,
) -> Result<()> {
    let load = |list: &[String]| -> Result<Vec<(String, wasmtime::component::Component)>> {
        parse_contenders(list)?
            .into_iter()
            .map(|c| Ok((c.name, guest::load(&c.path)?)))
            .collect()
    };
    let preinit = load(&args.preinit_components)?;
    // The http world's components, under the names of this table's columns.
    let http: Vec<(String, wasmtime::component::Component)> = load(&args.http_components)?
        .into_iter()
        .filter(|(name, _)| contenders.iter().any(|c| &c.name == name))
        .collect();
    let http_preinit = load(&args.http_preinit_components)?;
    // Each contender's component, or its --preinit one.
    let pick = |plain: &[(&str, &wasmtime::component::Component)],
                pre: &[(String, wasmtime::component::Component)]|
     -> Vec<(String, wasmtime::component::Component)> {
        plain
            .iter()
            .map(|(name, c)| {
                let c = pre.iter().find(|(n, _)| n == name).map_or(*c, |(_, p)| p);
                (name.to_string(), c.clone())
            })
            .collect()
    };
    let plain: Vec<(&str, &wasmtime::component::Component)> = contenders
        .iter()
        .map(|c| c.name.as_str())
        .zip(components)
        .collect();
    let http_plain: Vec<(&str, &wasmtime::component::Component)> =
        http.iter().map(|(n, c)| (n.as_str(), c)).collect();
    let mut passes = vec![("", pick(&plain, &[]), pick(&http_plain, &[]))];
    if !preinit.is_empty() || !http_preinit.is_empty() {
        passes.push((
            ", --preinit",
            pick(&plain, &preinit),
            pick(&http_plain, &http_preinit),
        ));
    }
    fn entries(list: &[(String, wasmtime::component::Component)]) -> Vec<startup::Entry<'_>> {
        list.iter()
            .map(|(name, component)| startup::Entry { name, component })
            .collect()
    }
    for (suffix, calls_world, http_world) in &passes {
        startup::calls_rows(linker, &entries(calls_world), suffix, effort, wanted, table)?;
        startup::http_rows(&entries(http_world), suffix, effort, wanted, table)?;
    }
    Ok(())
}

/// The HTTP rows, a table of their own (its contenders are the
/// `--http-component`s and the native reference): requests/s and p50/p99
/// latency per route. `None` when no HTTP contender was given.
fn http_rows(args: &Args, effort: Effort, wanted: &dyn Fn(&str) -> bool) -> Result<Option<Table>> {
    let mut contenders: Vec<http::Contender> = parse_contenders(&args.http_components)?
        .into_iter()
        .map(|c| http::Contender {
            name: c.name,
            target: http::Target::Component(c.path),
        })
        .collect();
    if contenders.is_empty() || !http::Route::all().iter().any(|r| wanted(r.name())) {
        return Ok(None);
    }
    if let Some(native) = &args.http_native {
        contenders.push(http::Contender {
            name: "go-native".into(),
            target: http::Target::Native(native.clone()),
        });
    }
    let mut table = Table::new(contenders.iter().map(|c| c.name.clone()).collect());
    let duration = if args.full {
        std::time::Duration::from_secs(3)
    } else {
        std::time::Duration::from_secs(1)
    };
    eprint!("http rows ({} connections) ...", http::CONNECTIONS);
    let t = Instant::now();
    let routes: Vec<http::Route> = http::Route::all()
        .into_iter()
        .filter(|r| wanted(r.name()))
        .collect();
    for (route, results) in http::measure(&contenders, &routes, effort.samples, duration)? {
        let rows = [
            (format!("{}: requests/s", route.name()), Unit::PerSec),
            (format!("{}: p50 latency", route.name()), Unit::Nanos),
            (format!("{}: p99 latency", route.name()), Unit::Nanos),
        ];
        for (c, result) in contenders.iter().zip(results) {
            match result {
                Ok(measures) => {
                    for ((row, unit), m) in rows.iter().zip(measures) {
                        table.set(row, *unit, &c.name, m);
                    }
                }
                Err(e) => {
                    eprint!(" [{}: {e:#}]", c.name);
                    for (row, unit) in &rows {
                        table.fail(row, *unit, &c.name, &format!("{e:#}"));
                    }
                }
            }
        }
    }
    eprintln!(" {:.1?}", t.elapsed());
    Ok(Some(table))
}

/// The sockets rows, a table of their own (the `--net-component`s on
/// `--witgo-cli`, and the native reference): echo throughput and the
/// connect rate. `None` when no sockets contender was given.
fn net_rows(args: &Args, effort: Effort, wanted: &dyn Fn(&str) -> bool) -> Result<Option<Table>> {
    let components = parse_contenders(&args.net_components)?;
    if components.is_empty() || !sockets::Scenario::all().iter().any(|s| wanted(s.name())) {
        return Ok(None);
    }
    let witgo = args
        .witgo_cli
        .clone()
        .context("--net-component runs components with `witgo run`: give --witgo-cli")?;
    let mut contenders: Vec<sockets::Contender> = components
        .into_iter()
        .map(|c| sockets::Contender {
            name: c.name,
            target: sockets::Target::Component {
                wasm: c.path,
                witgo: witgo.clone(),
            },
        })
        .collect();
    if let Some(native) = &args.net_native {
        contenders.push(sockets::Contender {
            name: "go-native".into(),
            target: sockets::Target::Native(native.clone()),
        });
    }
    let mut table = Table::new(contenders.iter().map(|c| c.name.clone()).collect());
    eprint!("sockets rows ...");
    let t = Instant::now();
    for (scenario, results) in sockets::measure(&contenders, effort.samples)? {
        if !wanted(scenario.name()) {
            continue;
        }
        for (c, result) in contenders.iter().zip(results) {
            match result {
                Ok(m) => table.set(scenario.name(), scenario.unit(), &c.name, m),
                Err(e) => {
                    eprint!(" [{}: {e:#}]", c.name);
                    table.fail(scenario.name(), scenario.unit(), &c.name, &format!("{e:#}"));
                }
            }
        }
    }
    eprintln!(" {:.1?}", t.elapsed());
    Ok(Some(table))
}

fn parse_contenders(args: &[String]) -> Result<Vec<Contender>> {
    args.iter()
        .map(|c| match c.split_once('=') {
            Some((name, path)) => Ok(Contender {
                name: name.to_string(),
                path: PathBuf::from(path),
            }),
            None => bail!("a component wants NAME=PATH, got {c:?}"),
        })
        .collect()
}

/// The async rows, each contender on a fresh instance per row (so that
/// the peak memory of a throughput row is that row's).
fn tasks_rows(
    contenders: &[Contender],
    effort: Effort,
    wanted: &dyn Fn(&str) -> bool,
    table: &mut Table,
) -> Result<()> {
    if contenders.is_empty() {
        return Ok(());
    }
    let linker = tasks::linker()?;
    let components = contenders
        .iter()
        .map(|c| guest::load(&c.path))
        .collect::<Result<Vec<_>>>()?;
    for row in tasks::Row::all() {
        let name = row.name();
        if !wanted(&name) {
            continue;
        }
        eprint!("{name} ...");
        let t = Instant::now();
        let mut instances = components
            .iter()
            .map(|component| tasks::instantiate(&linker, component))
            .collect::<Result<Vec<_>>>()?;
        let runs = instances
            .iter_mut()
            .map(|inst| tasks::run(inst, row))
            .collect();
        let results = stats::interleaved(effort, runs);
        let unit = if row.payload_bytes().is_some() {
            Unit::BytesPerSec
        } else {
            Unit::Nanos
        };
        for ((c, inst), result) in contenders.iter().zip(&instances).zip(results) {
            match (result, row.payload_bytes()) {
                (Ok(m), Some(bytes)) => {
                    table.set(&name, unit, &c.name, throughput(m, bytes));
                    table.set(
                        &format!("peak memory, {name}"),
                        Unit::Bytes,
                        &c.name,
                        exact(inst.peak_memory() as f64),
                    );
                }
                (Ok(m), None) => table.set(&name, unit, &c.name, m),
                (Err(e), _) => {
                    let cause = e.root_cause().to_string();
                    eprint!(" [{}: {cause}]", c.name);
                    table.fail(&name, unit, &c.name, &cause);
                }
            }
        }
        eprintln!(" {:.1?}", t.elapsed());
    }
    Ok(())
}

/// Cold and warm build times (and the hello component's size) for the
/// two Go contenders. Cold: a new, empty Go build cache per sample. As in
/// the call rows, samples are taken in rounds, one per contender, and the
/// contender that goes first alternates between rounds: a cold build
/// reads the toolchain from disk, and the first build of a round finds
/// less of it in the page cache (with witgo's samples all taken first,
/// the cold hello row moved between 0.90 and 1.10).
fn build_rows(
    tools: &build::Tools,
    names: [&String; 2],
    full: bool,
    wanted: &dyn Fn(&str) -> bool,
    table: &mut Table,
) -> Result<()> {
    let (cold_samples, warm_samples) = if full { (3, 5) } else { (1, 3) };
    let work = std::env::temp_dir().join(format!("witgo-bench-build-{}", std::process::id()));
    let contenders = [build::Contender::Witgo, build::Contender::Peer];
    for project in build::Project::all() {
        let (cold_row, warm_row) = (
            format!("build, cold: {}", project.name()),
            format!("build, warm: {}", project.name()),
        );
        if !wanted(&cold_row) && !wanted(&warm_row) {
            continue;
        }
        eprint!("{cold_row} / warm ...");
        let t = Instant::now();
        let prepared = contenders.map(|c| tools.prepare(c, project, &work));
        let prepared: Vec<build::Prepared> = prepared.into_iter().collect::<Result<_>>()?;
        let cache = |c: usize, round: usize| work.join(format!("gocache-{c}-{round}"));
        let mut cold = [Vec::new(), Vec::new()];
        let mut sizes = [0u64; 2];
        for round in 0..cold_samples {
            for c in round_order(round) {
                let _ = std::fs::remove_dir_all(cache(c, round));
                let (took, bytes) = tools.build(&prepared[c], &cache(c, round))?;
                cold[c].push(took.as_nanos() as f64);
                sizes[c] = bytes;
            }
        }
        let mut warm = [Vec::new(), Vec::new()];
        for round in 0..warm_samples {
            for c in round_order(round) {
                warm[c].push(
                    tools
                        .build(&prepared[c], &cache(c, cold_samples - 1))?
                        .0
                        .as_nanos() as f64,
                );
            }
        }
        for c in 0..contenders.len() {
            for round in 0..cold_samples {
                let _ = std::fs::remove_dir_all(cache(c, round));
            }
            let name = names[c];
            table.set(
                &cold_row,
                Unit::Nanos,
                name,
                Measure::of(std::mem::take(&mut cold[c])),
            );
            table.set(
                &warm_row,
                Unit::Nanos,
                name,
                Measure::of(std::mem::take(&mut warm[c])),
            );
            table.set(
                &format!("component size, {}", project.name()),
                Unit::Bytes,
                name,
                exact(sizes[c] as f64),
            );
        }
        eprintln!(" {:.1?}", t.elapsed());
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// The order of the two build contenders in a round: witgo first in even
/// rounds, the peer first in odd ones.
fn round_order(round: usize) -> [usize; 2] {
    if round % 2 == 0 { [0, 1] } else { [1, 0] }
}

fn exact(v: f64) -> Measure {
    Measure {
        median: v,
        min: v,
        max: v,
        samples: 1,
    }
}

/// Bytes per second from ns per call of `bytes` each.
fn throughput(m: Measure, bytes: u64) -> Measure {
    let rate = |ns: f64| bytes as f64 / (ns * 1e-9);
    Measure {
        median: rate(m.median),
        min: rate(m.max),
        max: rate(m.min),
        samples: m.samples,
    }
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}
