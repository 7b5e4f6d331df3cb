//! `witgo-bench`: measures built components of every contender on the same
//! Rust/Wasmtime host and prints one table (ratios to witgo are the
//! headline). `bench/run` builds the contenders and calls this; see
//! BENCHMARKS.md.

mod bindgen;
mod calls;
mod plot;
mod report;
mod stats;

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
    /// Also draw the call rows as an SVG chart here.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
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
    let effort = if args.full { Effort::FULL } else { Effort::QUICK };
    let contenders = args
        .components
        .iter()
        .map(|c| match c.split_once('=') {
            Some((name, path)) => Ok(Contender { name: name.to_string(), path: PathBuf::from(path) }),
            None => bail!("--component wants NAME=PATH, got {c:?}"),
        })
        .collect::<Result<Vec<_>>>()?;
    let names: Vec<String> = contenders.iter().map(|c| c.name.clone()).collect();
    let mut table = Table::new(names.clone());
    let wanted = |row: &str| args.only.as_ref().is_none_or(|o| row.contains(o.as_str()));

    if let (Some(corpus), Some(witgo_cli), Some(peer_cli)) = (&args.corpus, &args.witgo_cli, &args.peer_cli) {
        let worlds = bindgen::corpus_worlds(corpus)?;
        let row = format!("bindgen: corpus, {} worlds", worlds.len());
        if wanted(&row) {
            eprint!("{row} ...");
            for (name, generator) in [
                (&contenders[0].name, bindgen::Generator::Witgo(witgo_cli.clone())),
                (&contenders[1].name, bindgen::Generator::Peer(peer_cli.clone())),
            ] {
                let (ns, ok) = generator.absolute()?.time(&worlds)?;
                eprint!(" [{name}: {ok} of {} generated]", worlds.len());
                table.set(&row, Unit::Nanos, name, exact(ns));
            }
            eprintln!();
        }
    }

    let linker = calls::linker()?;
    let mut components = Vec::new();
    let mut instances = Vec::new();
    for c in &contenders {
        let bytes = std::fs::read(&c.path).with_context(|| format!("reading {}", c.path.display()))?;
        table.set("component size", Unit::Bytes, &c.name, exact(bytes.len() as f64));
        table.set("component size, gzip", Unit::Bytes, &c.name, exact(gzip_len(&bytes)? as f64));
        let component = calls::load(&c.path)?;
        if wanted("instantiate") {
            let m = stats::per_iteration(effort, |n| {
                (0..n).try_for_each(|_| calls::instantiate(&linker, &component).map(drop))
            })?;
            table.set("instantiate", Unit::Nanos, &c.name, m);
        }
        instances.push(calls::instantiate(&linker, &component)?);
        components.push(component);
    }

    for shape in calls::Shape::all() {
        for (kind, row) in [("export", format!("export: {}", shape.name())), ("import", format!("import: {}", shape.name()))] {
            if !wanted(&row) {
                continue;
            }
            eprint!("{row} ...");
            let t = Instant::now();
            for (i, c) in contenders.iter().enumerate() {
                let inst = &mut instances[i];
                let result = if kind == "export" {
                    calls::export_row(inst, shape, effort)
                } else {
                    calls::import_row(inst, shape, effort)
                };
                let unit = if shape.payload_bytes().is_some() { Unit::BytesPerSec } else { Unit::Nanos };
                match (result, shape.payload_bytes()) {
                    (Ok(m), Some(bytes)) => table.set(&row, unit, &c.name, throughput(m, bytes)),
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

    let out = table.markdown();
    std::io::stdout().write_all(out.as_bytes())?;
    if let Some(path) = &args.svg {
        std::fs::write(path, plot::svg(&names, &table.rows().collect::<Vec<&Row>>()))?;
    }
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&table.rows().collect::<Vec<&Row>>())?)?;
    }
    Ok(())
}

fn exact(v: f64) -> Measure {
    Measure { median: v, min: v, max: v, samples: 1 }
}

/// Bytes per second from ns per call of `bytes` each.
fn throughput(m: Measure, bytes: u64) -> Measure {
    let rate = |ns: f64| bytes as f64 / (ns * 1e-9);
    Measure { median: rate(m.median), min: rate(m.max), max: rate(m.min), samples: m.samples }
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}
