//! The bindgen-time row: each contender's generator run as a process once
//! per world of the WIT conformance corpus (`../shared/corpus/codegen`),
//! writing Go into a scratch directory, as a user would run it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};

/// One world of the corpus: its WIT path and name.
pub struct World {
    pub wit: PathBuf,
    pub name: String,
}

/// Every world of every package in `corpus` (files or directories).
pub fn corpus_worlds(corpus: &Path) -> Result<Vec<World>> {
    // Generators run in scratch directories: absolute paths only.
    let corpus = &std::fs::canonicalize(corpus)
        .with_context(|| format!("no corpus at {}", corpus.display()))?;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(corpus)
        .with_context(|| format!("reading {}", corpus.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    entries.sort();
    let mut worlds = Vec::new();
    for path in entries {
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let wit = if path.join("wit").is_dir() {
            path.join("wit")
        } else {
            path.clone()
        };
        let mut resolve = wit_parser::Resolve {
            all_features: true,
            ..Default::default()
        };
        let Ok((pkg, _)) = resolve.push_path(&wit) else {
            continue;
        };
        for name in resolve.packages[pkg].worlds.keys() {
            worlds.push(World {
                wit: wit.clone(),
                name: name.clone(),
            });
        }
    }
    Ok(worlds)
}

/// A generator to time: how to run it on one world into `out`.
pub enum Generator {
    Witgo(PathBuf),
    Peer(PathBuf),
}

impl Generator {
    /// The generator with its binary's path made absolute.
    pub fn absolute(self) -> Result<Self> {
        let abs = |p: PathBuf| {
            std::fs::canonicalize(&p).with_context(|| format!("no generator at {}", p.display()))
        };
        Ok(match self {
            Generator::Witgo(p) => Generator::Witgo(abs(p)?),
            Generator::Peer(p) => Generator::Peer(abs(p)?),
        })
    }

    fn command(&self, w: &World, out: &Path) -> Command {
        match self {
            Generator::Witgo(bin) => {
                let mut c = Command::new(bin);
                c.args([
                    "bindgen",
                    "--stubs",
                    "--import-path",
                    "corpus/gen",
                    "--world",
                    &w.name,
                    "--wit",
                ])
                .arg(&w.wit)
                .arg("--out")
                .arg(out.join("gen"));
                c
            }
            Generator::Peer(bin) => {
                let mut c = Command::new(bin);
                c.args(["go", "--generate-stubs", "--world", &w.name, "--out-dir"])
                    .arg(out)
                    .arg(&w.wit);
                c
            }
        }
    }
}

/// For each generator, the wall time (ns) of each of `passes` passes over
/// every world, writing under the directory `under`, and how many worlds
/// it generated. The generators take turns world by world, the one going
/// first alternating, so that the machine's speed drifting during a pass
/// (a shared VM's does, by 10% and more within seconds) weighs on both
/// alike: run one after the other, the row moved between 0.90 and 1.73.
pub fn time_interleaved(
    generators: &[Generator],
    worlds: &[World],
    passes: usize,
    under: &Path,
) -> Result<Vec<(Vec<f64>, usize)>> {
    let scratch = under.join(format!("witgo-bench-bindgen-{}", std::process::id()));
    let mut results: Vec<(Vec<f64>, usize)> =
        vec![(Vec::with_capacity(passes), 0); generators.len()];
    for pass in 0..passes {
        let mut took = vec![0f64; generators.len()];
        let mut ok = vec![0usize; generators.len()];
        for (i, w) in worlds.iter().enumerate() {
            for turn in 0..generators.len() {
                let g = (turn + i + pass) % generators.len();
                // Fresh: the scratch directory goes after every pass.
                let out = scratch.join(format!("g{g}-w{i}"));
                std::fs::create_dir_all(&out)?;
                let t = Instant::now();
                let status = generators[g]
                    .command(w, &out)
                    .current_dir(&out)
                    .output()?
                    .status;
                took[g] += t.elapsed().as_nanos() as f64;
                ok[g] += status.success() as usize;
            }
        }
        for (g, r) in results.iter_mut().enumerate() {
            r.0.push(took[g]);
            r.1 = ok[g];
        }
        let _ = std::fs::remove_dir_all(&scratch);
    }
    Ok(results)
}

/// A directory in memory (tmpfs) to write into, if the machine has one: the
/// disk's cost per file created moves by 5x from minute to minute on a
/// shared VM, and it counts the files each generator writes more than the
/// work of generating them.
pub fn memory_dir() -> Option<PathBuf> {
    let shm = Path::new("/dev/shm");
    let probe = shm.join(format!("witgo-bench-probe-{}", std::process::id()));
    std::fs::create_dir(&probe).ok()?;
    std::fs::remove_dir(&probe).ok()?;
    Some(shm.to_path_buf())
}
