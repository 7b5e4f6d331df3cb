//! The build rows: `witgo build` against the peer's steps (`wit-bindgen go`,
//! `go build`, componentize with the same WASI adapter), cold (an empty Go
//! build cache) and warm, for the hello program and an http-sized world;
//! and the size of each hello component.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The programs the build rows need.
pub struct Tools {
    pub witgo: PathBuf,
    pub peer: PathBuf,
    pub go: PathBuf,
    /// The peer's Go support package (the wit-bindgen-go crate's `pkg`).
    pub peer_pkg: PathBuf,
}

#[derive(Clone, Copy, Debug)]
pub enum Project {
    /// examples/hello: a Go main exporting wasi:cli/run.
    Hello,
    /// bench/wit/http.wit with each generator's stub implementation.
    Http,
}

impl Project {
    pub fn all() -> [Project; 2] {
        [Project::Hello, Project::Http]
    }

    pub fn name(&self) -> &'static str {
        match self {
            Project::Hello => "hello",
            Project::Http => "wasi:http 0.3 service world",
        }
    }
}

/// Where the benchmark's sources are (the checkout).
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[derive(Clone, Copy, Debug)]
pub enum Contender {
    Witgo,
    Peer,
}

/// One prepared project for one contender: a directory to build in.
pub struct Prepared {
    contender: Contender,
    project: Project,
    dir: PathBuf,
    /// The peer's `go build` flags for witgo's runtime overlay, worked out
    /// here so that the timed build does not include `witgo overlay`.
    overlay_flags: Vec<String>,
}

impl Tools {
    /// Lays out `project` for `contender` in a fresh directory under `work`
    /// (untimed).
    pub fn prepare(&self, contender: Contender, project: Project, work: &Path) -> Result<Prepared> {
        let tag = match contender {
            Contender::Witgo => "witgo",
            Contender::Peer => "peer",
        };
        let dir = work.join(format!(
            "{tag}-{}",
            match project {
                Project::Hello => "hello",
                Project::Http => "http",
            }
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("wit"))?;
        let r = repo();
        match project {
            Project::Hello => std::fs::copy(
                r.join("examples/hello/wit/world.wit"),
                dir.join("wit/world.wit"),
            )?,
            Project::Http => {
                std::fs::copy(r.join("bench/wit/http.wit"), dir.join("wit/world.wit"))?
            }
        };
        let mut overlay_flags = Vec::new();
        match contender {
            Contender::Witgo => {
                std::fs::write(dir.join("go.mod"), "module bench/build\n\ngo 1.25\n")?;
                match project {
                    Project::Hello => {
                        std::fs::copy(r.join("examples/hello/main.go"), dir.join("main.go"))?;
                    }
                    Project::Http => {
                        // The stubs include func main.
                        run(Command::new(&self.witgo)
                            .args(["bindgen", "--stubs", "--wit"])
                            .arg(dir.join("wit"))
                            .arg("--out")
                            .arg(dir.join("gen"))
                            .env("WITGO_GO", &self.go))?;
                    }
                }
            }
            Contender::Peer => {
                // The peer resolves WASI packages from deps/.
                run(Command::new(&self.witgo)
                    .args(["wit", "--out"])
                    .arg(dir.join("wit/deps")))?;
                let flags = output(
                    Command::new(&self.witgo)
                        .arg("overlay")
                        .env("WITGO_GO", &self.go),
                )?;
                overlay_flags = flags.lines().map(String::from).collect();
            }
        }
        Ok(Prepared {
            contender,
            project,
            dir,
            overlay_flags,
        })
    }

    /// Builds `p` into a component with `gocache` as the Go build cache:
    /// (wall time, component size in bytes).
    pub fn build(&self, p: &Prepared, gocache: &Path) -> Result<(Duration, u64)> {
        let out = p.dir.join("out.wasm");
        let _ = std::fs::remove_file(&out);
        let t = Instant::now();
        let mut untimed = Duration::ZERO;
        match p.contender {
            Contender::Witgo => {
                run(Command::new(&self.witgo)
                    .args(["build", "--wit"])
                    .arg(p.dir.join("wit"))
                    .arg("-o")
                    .arg(&out)
                    .arg(&p.dir)
                    .env("WITGO_GO", &self.go)
                    .env("GOCACHE", gocache))?;
            }
            Contender::Peer => untimed = self.peer_build(p, &out, gocache)?,
        }
        let took = t.elapsed() - untimed;
        let size = std::fs::metadata(&out)
            .with_context(|| format!("{} was not written", out.display()))?
            .len();
        Ok((took, size))
    }

    /// The peer's steps: generate (with stubs), put the program in, build
    /// the core module (with witgo's runtime overlay, which its async
    /// runtime needs), componentize. Returns the time spent pointing the
    /// generated go.mod at the peer's support package, which a peer user
    /// would not spend on every build (it is there because this machine
    /// builds offline), so the row leaves it out.
    fn peer_build(&self, p: &Prepared, out: &Path, gocache: &Path) -> Result<Duration> {
        let src = p.dir.join("src");
        let _ = std::fs::remove_dir_all(&src);
        run(Command::new(&self.peer)
            .args(["go", "--generate-stubs", "--out-dir"])
            .arg(&src)
            .arg(p.dir.join("wit")))?;
        if let Project::Hello = p.project {
            std::fs::copy(
                repo().join("bench/guests/peer-hello/run.go"),
                src.join("export_wasi_cli_0_2_12_run/wit_bindings.go"),
            )?;
        }
        let setup = Instant::now();
        run(Command::new(&self.go)
            .args(["mod", "edit", "-replace"])
            .arg(format!(
                "go.bytecodealliance.org/pkg={}",
                self.peer_pkg.display()
            ))
            .current_dir(&src))?;
        let untimed = setup.elapsed();
        let core = p.dir.join("core.wasm");
        run(Command::new(&self.go)
            .args([
                "build",
                "-buildmode=c-shared",
                "-trimpath",
                "-ldflags=-s -w -checklinkname=0",
            ])
            .args(&p.overlay_flags)
            .arg("-o")
            .arg(&core)
            .arg(".")
            .current_dir(&src)
            .env("GOFLAGS", "-mod=mod")
            .env("GOOS", "wasip1")
            .env("GOARCH", "wasm")
            .env("GOCACHE", gocache))?;
        run(Command::new(&self.witgo)
            .args(["componentize", "--wit"])
            .arg(p.dir.join("wit"))
            .arg(&core)
            .arg("-o")
            .arg(out))?;
        Ok(untimed)
    }
}

fn run(cmd: &mut Command) -> Result<()> {
    output(cmd).map(drop)
}

fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
    if !out.status.success() {
        bail!(
            "{:?} failed:\n{}{}",
            cmd,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
