//! witgo's build pipeline: Go toolchain discovery, WIT loading and world
//! selection, writing generated bindings (with gofmt, a manifest of generated
//! files, and a staleness stamp), `go build -buildmode=c-shared` for wasip1,
//! componentization with the WASI preview1 reactor adapter, and validation.
//!
//! [`bindgen`] and [`build`] are the two entry points the CLI uses; the
//! modules expose each step on its own.
//!
//! Decisions worth knowing:
//!
//! - Go is `--go`, else `$WITGO_GO`, else `go` on PATH, and must be >= 1.25.
//!   Every `go` command runs with `GOTOOLCHAIN=local`: witgo never lets Go
//!   download a different toolchain behind its back.
//! - `go build` links with `-ldflags=-s -w` unless the user passes their own
//!   `-ldflags` (in `$GOFLAGS` or after `--`). Measured: this drops only the
//!   wasm `name` section (about 50 KB, 2%, of a 2.5 MB hello-world module);
//!   Go panic messages and goroutine traces (file:line) are unchanged, only
//!   the host's wasm-level trap backtraces lose function names
//!   (`witgo build --no-strip` keeps them).
//! - `out/.witgo-manifest` lists every generated file with its sha256. A
//!   later run deletes a file it no longer generates only if it is listed and
//!   unedited; files witgo did not write are never touched. `witgo_stubs.go`
//!   is a scaffold: written once, never overwritten, never deleted.
//! - `out/.witgo-stamp` hashes the generator version, the WIT files read, the
//!   world names and the options; `build` skips generation when it matches
//!   and every manifest file is present and unedited.

pub mod bindings;
pub mod buildcache;
pub mod componentize;
mod coremod;
pub mod exitcode;
pub mod gobuild;
pub mod gotest;
pub mod init;
pub mod overlay;
pub mod preinit;
pub mod strip;
pub mod toolchain;
pub mod validate;
pub mod wasi_wit;
pub mod wide;
pub mod wit;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use witgo_bindgen::{AsyncMode, Options};

pub use bindings::{
    WriteReport, compute_stamp, exports_package_name, go_import_path, stamp_is_fresh, write_atomic,
    write_bindings,
};
pub use componentize::{componentize, embed_wit, encode_component};
pub use gobuild::{GoBuildOptions, GoBuildOutput, go_build};
pub use preinit::{Preinit, PreinitOutcome};
pub use toolchain::{GoSource, GoToolchain, GoVersion, MIN_GO};
pub use validate::{
    OptionalFeature, validate_component, validate_component_for, validate_core, world_features,
};
pub use wit::{LoadedWit, load_wit, load_wit_sources, select_world};

/// What `witgo bindgen` needs.
#[derive(Clone, Debug, Default)]
pub struct BindgenRequest {
    /// A `.wit` file or a WIT directory (with `deps/`).
    pub wit: PathBuf,
    /// World names; several are merged; none means the package's only world.
    pub worlds: Vec<String>,
    /// Where the bindings go (`--out`).
    pub out_dir: PathBuf,
    /// Go import path of `out_dir`; default: from the enclosing go.mod.
    pub import_path: Option<String>,
    /// Directory of the package that implements the exports; default: the
    /// parent of `out_dir`.
    pub exports_dir: Option<PathBuf>,
    /// Also write `witgo_stubs.go` (never overwriting an existing one).
    pub stubs: bool,
    /// Lower every import and lift every export async.
    pub async_all: bool,
    /// The `go` binary (for gofmt); default: `$WITGO_GO`, then PATH.
    pub go: Option<PathBuf>,
}

/// What [`bindgen`] did.
#[derive(Clone, Debug)]
pub struct BindgenReport {
    /// The world generated for (`ns:pkg/world`).
    pub world: String,
    pub out_dir: PathBuf,
    pub import_path: String,
    pub exports_dir: PathBuf,
    pub exports_package_name: String,
    pub files: WriteReport,
    /// Things the user should know (e.g. gofmt not run).
    pub warnings: Vec<String>,
}

/// The settings shared by `bindgen` and `build` once paths are resolved.
struct Plan {
    loaded: LoadedWit,
    world: wit_parser::WorldId,
    out_dir: PathBuf,
    exports_dir: PathBuf,
    options: Options,
}

fn plan(
    wit_path: &Path,
    worlds: &[String],
    out_dir: &Path,
    import_path: Option<&str>,
    exports_dir: Option<&Path>,
    stubs: bool,
    async_all: bool,
) -> Result<Plan> {
    let mut loaded = load_wit_sources(wit_path)?;
    let world = select_world(&mut loaded.resolve, loaded.package, worlds)?;
    let out_dir = bindings::normalize(out_dir)?;
    let exports_dir = match exports_dir {
        Some(d) => bindings::normalize(d)?,
        None => out_dir
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| out_dir.clone()),
    };
    let import_path = match import_path {
        Some(p) => p.trim_end_matches('/').to_string(),
        None => go_import_path(&out_dir)?,
    };
    let options = Options {
        import_path,
        exports_package_name: exports_package_name(&exports_dir),
        stubs,
        async_mode: if async_all {
            AsyncMode::All
        } else {
            AsyncMode::AsDeclared
        },
    };
    Ok(Plan {
        loaded,
        world,
        out_dir,
        exports_dir,
        options,
    })
}

impl Plan {
    fn stamp(&self, worlds: &[String]) -> Result<String> {
        compute_stamp(&bindings::StampInputs {
            wit_sources: &self.loaded.sources,
            worlds,
            import_path: &self.options.import_path,
            exports_package_name: &self.options.exports_package_name,
            exports_dir: &self.exports_dir,
            stubs: self.options.stubs,
            async_all: self.options.async_mode == AsyncMode::All,
        })
    }

    fn world_name(&self) -> String {
        let r = &self.loaded.resolve;
        let w = &r.worlds[self.world];
        match w.package {
            Some(p) => r.id_of_name(p, &w.name),
            None => w.name.clone(),
        }
    }

    fn generate_and_write(&self, gofmt: Option<&Path>, stamp: &str) -> Result<WriteReport> {
        let generated = witgo_bindgen::generate(&self.loaded.resolve, self.world, &self.options)
            .with_context(|| format!("cannot generate Go bindings for {}", self.world_name()))?;
        let report = write_bindings(gofmt, &generated, &self.out_dir, &self.exports_dir)?;
        bindings::write_stamp(&self.out_dir, stamp)?;
        Ok(report)
    }
}

/// `witgo bindgen`: generates Go bindings for a world and writes them.
pub fn bindgen(req: &BindgenRequest) -> Result<BindgenReport> {
    let plan = plan(
        &req.wit,
        &req.worlds,
        &req.out_dir,
        req.import_path.as_deref(),
        req.exports_dir.as_deref(),
        req.stubs,
        req.async_all,
    )?;
    let mut warnings = Vec::new();
    // gofmt from any Go release will do, so no version check here; but a Go
    // named explicitly must exist.
    let gofmt = match (&req.go, GoToolchain::find_gofmt(req.go.as_deref())) {
        (_, Ok(gofmt)) => Some(gofmt),
        (Some(_), Err(e)) => return Err(e),
        (None, Err(e)) => {
            warnings.push(format!("generated files are not gofmt-formatted: {e:#}"));
            None
        }
    };
    let stamp = plan.stamp(&req.worlds)?;
    let files = plan.generate_and_write(gofmt.as_deref(), &stamp)?;
    if !files.kept_existing.is_empty() {
        for p in &files.kept_existing {
            warnings.push(format!(
                "kept your existing {}; delete it to regenerate it",
                p.display()
            ));
        }
    }
    Ok(BindgenReport {
        world: plan.world_name(),
        out_dir: plan.out_dir.clone(),
        import_path: plan.options.import_path.clone(),
        exports_dir: plan.exports_dir.clone(),
        exports_package_name: plan.options.exports_package_name.clone(),
        files,
        warnings,
    })
}

/// What `witgo build` needs.
#[derive(Clone, Debug)]
pub struct BuildRequest {
    /// A `.wit` file or a WIT directory (with `deps/`).
    pub wit: PathBuf,
    /// World names; several are merged; none means the package's only world.
    pub worlds: Vec<String>,
    /// The Go main package to build.
    pub package_dir: PathBuf,
    /// The component to write; default `<package dir name>.wasm` in the
    /// current directory.
    pub output: Option<PathBuf>,
    /// Where bindings go; default `<package dir>/gen`.
    pub bindings_out: Option<PathBuf>,
    /// Go import path of the bindings directory; default: from go.mod.
    pub import_path: Option<String>,
    /// The `go` binary; default `$WITGO_GO`, then PATH.
    pub go: Option<PathBuf>,
    /// Lower every import and lift every export async.
    pub async_all: bool,
    /// Keep the temporary directory with the core module.
    pub keep_temps: bool,
    /// Don't generate bindings: the package brings its own glue.
    pub skip_bindgen: bool,
    /// Build with `-ldflags=-s -w` (drops the wasm name section).
    pub strip: bool,
    /// Build with witgo's runtime overlay (see [`overlay`]); on by default.
    /// Its build tag is added to `go_tags`; an explicit `go_overlay` wins.
    pub runtime_overlay: bool,
    /// More `go build -tags`.
    pub go_tags: Vec<String>,
    /// `go build -overlay` instead of witgo's runtime overlay.
    pub go_overlay: Option<PathBuf>,
    /// More `go build` flags.
    pub go_args: Vec<String>,
    /// Whether to run Go's start-up and package inits at build time and
    /// snapshot the result (see [`preinit`]).
    pub preinit: Preinit,
}

impl Default for BuildRequest {
    fn default() -> Self {
        BuildRequest {
            wit: PathBuf::new(),
            worlds: Vec::new(),
            package_dir: PathBuf::from("."),
            output: None,
            bindings_out: None,
            import_path: None,
            go: None,
            async_all: false,
            keep_temps: false,
            skip_bindgen: false,
            strip: true,
            runtime_overlay: true,
            go_tags: Vec::new(),
            go_overlay: None,
            go_args: Vec::new(),
            preinit: Preinit::Auto,
        }
    }
}

/// Whether [`build`] regenerated bindings.
#[derive(Clone, Debug)]
pub enum BindingsStatus {
    Regenerated(WriteReport),
    UpToDate,
    Skipped,
}

/// What [`build`] produced.
#[derive(Clone, Debug)]
pub struct BuildReport {
    /// The component written.
    pub output: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Size of the core module `go build` produced.
    pub core_size: u64,
    /// The world built for (`ns:pkg/world`).
    pub world: String,
    /// Optional component-model features the world's types need, which a
    /// host must turn on to run the component (`-W <name>`).
    pub needs_features: Vec<OptionalFeature>,
    pub go: GoToolchain,
    pub bindings: BindingsStatus,
    /// `go build`'s stderr when it succeeded (warnings), possibly empty.
    pub go_stderr: String,
    /// Each step and how long it took.
    pub timings: Vec<(&'static str, Duration)>,
    pub total: Duration,
    /// The kept temporary directory (`keep_temps`).
    pub temp_dir: Option<PathBuf>,
    /// Whether the component starts from a build-time snapshot.
    pub preinit: PreinitOutcome,
}

/// `witgo componentize`: turns a core module some other tool built for
/// `GOOS=wasip1` (or any WASI p1 reactor) into a validated component of
/// `worlds` from the WIT at `wit`, the way `witgo build` does its own:
/// embed the world, adapt WASI p1 with Wasmtime's adapter, strip debug
/// sections if asked.
pub fn componentize_core(
    wit: &Path,
    worlds: &[String],
    core: Vec<u8>,
    strip: bool,
) -> Result<Vec<u8>> {
    let mut loaded = load_wit_sources(wit)?;
    let world = select_world(&mut loaded.resolve, loaded.package, worlds)?;
    validate_core(&core)?;
    let core = wide::join_wide_exports(&core)?.unwrap_or(core);
    let (resolve, world) = wit::component_world(&loaded.resolve, world)?;
    let mut component = componentize(core, &resolve, world)?;
    if strip {
        component = strip::strip_debug_sections(&component)?;
    }
    validate_component_for(&component, &resolve, world)?;
    Ok(component)
}

/// `witgo build`: bindings (if stale), `go build`, componentize, validate.
pub fn build(req: &BuildRequest) -> Result<BuildReport> {
    let start = Instant::now();
    let mut timings: Vec<(&'static str, Duration)> = Vec::new();
    let mut step = |name: &'static str, t: Instant| timings.push((name, t.elapsed()));

    let t = Instant::now();
    let go = GoToolchain::discover(req.go.as_deref())?;
    step("find Go", t);

    let package_dir = bindings::normalize(&req.package_dir)?;
    if !package_dir.is_dir() {
        anyhow::bail!(
            "Go package directory {} does not exist",
            package_dir.display()
        );
    }
    let out_dir = match &req.bindings_out {
        Some(d) => d.clone(),
        None => package_dir.join("gen"),
    };

    let t = Instant::now();
    let (plan, stamp) = if req.skip_bindgen {
        let mut loaded = load_wit_sources(&req.wit)?;
        let world = select_world(&mut loaded.resolve, loaded.package, &req.worlds)?;
        let plan = Plan {
            loaded,
            world,
            out_dir: bindings::normalize(&out_dir)?,
            exports_dir: package_dir.clone(),
            options: Options {
                import_path: String::new(),
                exports_package_name: String::new(),
                stubs: false,
                async_mode: AsyncMode::AsDeclared,
            },
        };
        (plan, None)
    } else {
        let plan = plan(
            &req.wit,
            &req.worlds,
            &out_dir,
            req.import_path.as_deref(),
            Some(&package_dir),
            false,
            req.async_all,
        )?;
        let stamp = plan.stamp(&req.worlds)?;
        (plan, Some(stamp))
    };
    step("load WIT", t);

    let t = Instant::now();
    let bindings = match &stamp {
        None => BindingsStatus::Skipped,
        Some(stamp) if stamp_is_fresh(&plan.out_dir, stamp) => BindingsStatus::UpToDate,
        Some(stamp) => {
            BindingsStatus::Regenerated(plan.generate_and_write(Some(&go.gofmt), stamp)?)
        }
    };
    step("bindings", t);

    let t = Instant::now();
    let tmp = gobuild::temp_dir()?;
    let mut gopts = GoBuildOptions::new(&package_dir, PathBuf::new());
    gopts.strip = req.strip;
    gopts.tags = req.go_tags.clone();
    gopts.overlay = req.go_overlay.clone();
    let mut preinit_mode = req.preinit;
    let no_overlay = |why: &str| -> Result<Preinit> {
        match req.preinit {
            Preinit::Required => anyhow::bail!("{why}"),
            _ => Ok(Preinit::Off),
        }
    };
    if req.runtime_overlay && req.go_overlay.is_none() {
        let o = overlay::runtime_overlay(&go, &overlay::cache_root())?;
        if preinit_mode != Preinit::Off && o.tag != overlay::OVERLAY_TAG {
            preinit_mode = no_overlay(&format!(
                "--preinit needs witgo's runtime overlay, and Go at {} brings its own \
                 runtime.wasiOnIdle: use a stock Go, or build without --preinit",
                go.goroot.display()
            ))?;
        }
        gopts.overlay = o.overlay_json;
        gopts.tags.push(o.tag.to_string());
    } else if preinit_mode != Preinit::Off {
        preinit_mode = no_overlay(
            "--preinit needs witgo's runtime overlay: drop --no-overlay and --go-overlay, \
             or build without --preinit",
        )?;
    }
    if preinit_mode != Preinit::Off {
        gopts.tags.push(preinit::PREINIT_TAG.to_string());
    }
    gopts.extra_args = req.go_args.clone();
    // Go writes the module to a stable path in the package's build
    // directory: an up-to-date module is then not linked again.
    let mut identity = vec![
        package_dir.display().to_string(),
        go.go.display().to_string(),
        go.version.to_string(),
    ];
    identity.extend(gopts.args());
    let identity: Vec<&str> = identity.iter().map(String::as_str).collect();
    let build_dir = buildcache::BuildDir::open(&overlay::cache_root(), &identity)?;
    gopts.output = build_dir.core_path();
    let built = go_build(&go, &gopts)?;
    if req.keep_temps {
        std::fs::write(gobuild::core_path(tmp.path()), &built.module)
            .context("cannot write the core module")?;
    }
    step("go build", t);

    let t = Instant::now();
    let core_size = built.module.len() as u64;
    // The component is validated as a whole below; Go's own module is
    // checked only when componentizing fails, for the clearer message.
    let embedded = (|| -> Result<Vec<u8>> {
        let mut core = built.module.clone();
        if let Some(joined) = wide::join_wide_exports(&core)? {
            core = joined;
        }
        if let Some(routed) = exitcode::route_proc_exit(&core)? {
            core = routed;
            exitcode::embed_exit_world(&mut core)?;
        }
        let (resolve, world) = wit::component_world(&plan.loaded.resolve, plan.world)?;
        embed_wit(&mut core, &resolve, world)?;
        if req.keep_temps {
            std::fs::write(tmp.path().join("core-embedded.wasm"), &core)
                .context("cannot write the embedded core module")?;
        }
        Ok(core)
    })();
    let embedded = match embedded {
        Ok(c) => c,
        Err(e) => {
            validate_core(&built.module)?;
            return Err(e);
        }
    };
    let shape = format!("strip={} preinit={:?}", req.strip, preinit_mode);
    let output = match &req.output {
        Some(o) => o.clone(),
        None => PathBuf::from(format!("{}.wasm", default_output_stem(&package_dir))),
    };
    let (component, preinit_outcome) = match build_dir.component_for(&embedded, &shape) {
        Some((component, note)) => {
            // Made from this very input and validated when it was made.
            step("component", t);
            (component, PreinitOutcome::from_note(&note))
        }
        None => {
            let preinit_started = Instant::now();
            let program = output
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "main".into());
            let (module, outcome) = preinit::apply(preinit_mode, &embedded, &program)?;
            match outcome {
                PreinitOutcome::Done => step("preinit", preinit_started),
                PreinitOutcome::Skipped(_) => step("preinit (skipped)", preinit_started),
                PreinitOutcome::Off => {}
            }
            let encoded = encode_component(&module).with_context(|| {
                format!("cannot build a component for world {}", plan.world_name())
            });
            let mut component = match encoded {
                Ok(c) => c,
                Err(e) => {
                    validate_core(&built.module)?;
                    return Err(e);
                }
            };
            if req.strip {
                component = strip::strip_debug_sections(&component)?;
            }
            step("componentize", t);

            let t = Instant::now();
            validate_component_for(&component, &plan.loaded.resolve, plan.world)?;
            step("validate component", t);
            build_dir.remember_component(&embedded, &shape, &component, &outcome.note());
            (component, outcome)
        }
    };
    drop(build_dir);

    let t = Instant::now();
    bindings::write_atomic(&output, &component)?;
    step("write", t);

    let temp_dir = req.keep_temps.then(|| tmp.keep());
    Ok(BuildReport {
        output,
        size: component.len() as u64,
        core_size,
        world: plan.world_name(),
        needs_features: world_features(&plan.loaded.resolve, plan.world),
        go,
        bindings,
        go_stderr: built.stderr,
        timings,
        total: start.elapsed(),
        temp_dir,
        preinit: preinit_outcome,
    })
}

fn default_output_stem(package_dir: &Path) -> String {
    package_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "component".into())
}
