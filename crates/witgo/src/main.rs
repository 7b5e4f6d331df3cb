//! The `witgo` command line: argument parsing and printing only; the work is
//! done by `witgo-build` and `witgo-host`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "witgo",
    version,
    long_version = long_version(),
    about = "Build Go programs into WebAssembly components and run them",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

fn long_version() -> &'static str {
    // clap wants a `'static` string; this runs once per process.
    Box::leak(
        format!(
            "{} (wasmtime {})",
            env!("CARGO_PKG_VERSION"),
            witgo_host::WASMTIME_VERSION
        )
        .into_boxed_str(),
    )
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start a project: go.mod, wit/world.wit, main.go, a README and a
    /// .gitignore that build and run at once.
    Init(InitArgs),
    /// Generate Go bindings for a WIT world.
    Bindgen(BindgenArgs),
    /// Build a Go main package into a WebAssembly component.
    Build(BuildArgs),
    /// Run a component's `wasi:cli/run` export, or call one export with --invoke.
    Run(RunArgs),
    /// Serve HTTP with a component that exports wasi:http/handler@0.3.0 or
    /// wasi:http/incoming-handler@0.2.x (e.g. a Go net/http program built
    /// with witgo/wasihttp), as `wasmtime serve` does.
    Serve(ServeArgs),
    /// Run Go tests inside components: each package's tests are built for
    /// wasip1 with the world's bindings and run as a command component on the
    /// embedded Wasmtime (async imports, goroutines and timers work; the main
    /// package's tests have the world's exports too).
    Test(TestArgs),
    /// Turn a core module built by another tool (a WASI p1 reactor, e.g. from
    /// `GOOS=wasip1 go build -buildmode=c-shared`) into a component of a WIT world.
    Componentize(ComponentizeArgs),
    /// Write the WASI 0.2.12 and 0.3.0 WIT packages witgo has built in (for editors
    /// and other tools; witgo itself needs no copy).
    Wit(WitOutArgs),
    /// Print the `go build` flags that give stock Go the scheduler bridge
    /// (`runtime.wasiOnIdle`), for building async guests without `witgo build`.
    Overlay(OverlayArgs),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
enum TemplateArg {
    /// A WASI 0.2 command: main() is wasi:cli/run.
    #[default]
    Command,
    /// A WASI 0.3 command: main() is the async wasi:cli/run (goroutines
    /// sleep on the host's clock, async imports).
    P3Command,
    /// A library: an exported interface with a resource and a function
    /// returning result.
    Library,
    /// A WASI 0.3 HTTP service written with net/http (runs on `wasmtime
    /// serve -Scli`).
    Http,
}

#[derive(Args, Debug)]
struct InitArgs {
    /// What kind of project.
    #[arg(long, value_enum, default_value_t = TemplateArg::Command)]
    template: TemplateArg,
    /// The Go module path (default: the directory's name).
    #[arg(long, value_name = "PATH")]
    module: Option<String>,
    /// The project directory (created if missing).
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
}

#[derive(Args, Debug)]
struct TestArgs {
    /// What the tests may see and do beyond their package directory and a
    /// temporary /tmp, as for `witgo run`.
    #[command(flatten)]
    guest: GuestArgs,
    /// The project's WIT (default: wit/ beside go.mod).
    #[arg(long, value_name = "FILE-OR-DIR")]
    wit: Option<PathBuf>,
    /// The world: `name`, `%keyword` or `ns:pkg/name@version`.
    #[arg(long = "world", value_name = "NAME")]
    worlds: Vec<String>,
    /// Directory of the generated bindings the packages import (default: gen/ beside go.mod).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The go binary (or a GOROOT) to build with (default: $WITGO_GO, then PATH).
    #[arg(long, value_name = "PATH")]
    go: Option<PathBuf>,
    /// Packages, as go test takes them (default: ./...).
    #[arg(value_name = "PACKAGES")]
    packages: Vec<String>,
    /// go test flags, after `--`: -run, -skip, -v, -count, -bench, -benchtime,
    /// -benchmem, -timeout, -short, -failfast, -cpu, -parallel, -shuffle,
    /// -cover, -covermode, -coverpkg, -coverprofile (written here, merged).
    #[arg(last = true, value_name = "GO_TEST_FLAGS")]
    go_flags: Vec<String>,
}

#[derive(Args, Debug)]
struct OverlayArgs {
    /// The go binary (or a GOROOT) the overlay is for (default: $WITGO_GO, then PATH).
    #[arg(long, value_name = "PATH")]
    go: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ComponentizeArgs {
    #[command(flatten)]
    wit: WitArgs,
    /// The core module.
    #[arg(value_name = "CORE.wasm")]
    core: PathBuf,
    /// Where to write the component.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Keep debug sections (names, DWARF).
    #[arg(long)]
    no_strip: bool,
}

#[derive(Args, Debug)]
struct WitOutArgs {
    /// Directory to write the packages into, e.g. wit/deps.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
enum AsyncArg {
    /// Every import is lowered and every export lifted async. The Component
    /// Model allows that only for `async func`s, so this is refused (naming
    /// the function) if the world has any other.
    All,
    /// Only functions WIT declares `async` are async.
    #[default]
    None,
}

#[derive(Args, Debug)]
struct WitArgs {
    /// A .wit file, or a WIT directory (with an optional deps/ directory).
    #[arg(long, value_name = "FILE-OR-DIR")]
    wit: PathBuf,
    /// The world to use: `name`, `%keyword` or `ns:pkg/name@version`; repeat
    /// to merge several worlds. Optional when the package has one world.
    #[arg(long = "world", value_name = "NAME")]
    worlds: Vec<String>,
}

#[derive(Args, Debug)]
struct BindgenArgs {
    #[command(flatten)]
    wit: WitArgs,
    /// Directory for the generated Go packages.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Go import path of --out (default: from the enclosing go.mod).
    #[arg(long, value_name = "PATH")]
    import_path: Option<String>,
    /// Directory of the Go package that implements the exports (default: the
    /// parent of --out).
    #[arg(long, value_name = "DIR")]
    exports_dir: Option<PathBuf>,
    /// Also write witgo_stubs.go, a compilable placeholder implementation of
    /// every export (never overwrites an existing one).
    #[arg(long)]
    stubs: bool,
    /// Which functions are async.
    #[arg(long = "async", value_enum, default_value_t = AsyncArg::None, value_name = "MODE")]
    async_mode: AsyncArg,
    /// The go binary (or a GOROOT) to use for gofmt (default: $WITGO_GO, then PATH).
    #[arg(long, value_name = "PATH")]
    go: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct BuildArgs {
    #[command(flatten)]
    wit: WitArgs,
    /// The component to write (default: <package dir name>.wasm).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Directory for the generated bindings (default: <package dir>/gen).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Go import path of the bindings directory (default: from go.mod).
    #[arg(long, value_name = "PATH")]
    import_path: Option<String>,
    /// The go binary (or a GOROOT) to build with (default: $WITGO_GO, then PATH).
    #[arg(long, value_name = "PATH")]
    go: Option<PathBuf>,
    /// Which functions are async.
    #[arg(long = "async", value_enum, default_value_t = AsyncArg::None, value_name = "MODE")]
    async_mode: AsyncArg,
    /// Don't generate bindings: the package brings its own //go:wasmexport glue.
    #[arg(long)]
    no_bindgen: bool,
    /// Keep the wasm name section (function names in host backtraces);
    /// by default the module is linked with -ldflags='-s -w'.
    #[arg(long)]
    no_strip: bool,
    /// Keep the temporary directory with the core module and print its path.
    #[arg(long)]
    keep_temps: bool,
    /// Require pre-initialisation: Go's start-up and every package's init run
    /// at build time and the result is snapshotted, so instances start
    /// several times faster. By default witgo does this when the program
    /// allows it, and says why when it does not; with --preinit that is an
    /// error (docs/preinit.md).
    #[arg(long, conflicts_with = "no_preinit")]
    preinit: bool,
    /// Never pre-initialise: every instance runs Go's start-up and the inits.
    #[arg(long)]
    no_preinit: bool,
    /// Print how long each step took.
    #[arg(long)]
    timings: bool,
    /// The Go main package to build.
    #[arg(value_name = "PACKAGE_DIR", default_value = ".")]
    package_dir: PathBuf,
    /// More `go build` flags, after `--` (e.g. `-- -tags=prod -ldflags=-X=main.v=1`).
    /// $GOFLAGS is honoured too.
    #[arg(last = true, value_name = "GO_BUILD_FLAGS")]
    go_flags: Vec<String>,
}

#[derive(Args, Debug)]
struct RunArgs {
    #[command(flatten)]
    guest: GuestArgs,
    /// Call one export instead of `wasi:cli/run`, e.g. 'add(1, 2)' or
    /// 'ns:pkg/iface#f("x")'; arguments are WAVE values. Prints the result.
    #[arg(long, value_name = "CALL")]
    invoke: Option<String>,
    /// The component.
    component: PathBuf,
    /// Arguments for the program (after argv[0]).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// What the guest may see and do; shared by `run` and `serve`.
#[derive(Args, Debug)]
struct GuestArgs {
    /// Give the component a host directory: HOST::GUEST, or DIR for the same
    /// path in both.
    #[arg(long = "dir", value_name = "HOST::GUEST")]
    dirs: Vec<String>,
    /// Set an environment variable: K=V, or K to copy this process's value.
    #[arg(long = "env", value_name = "K=V")]
    envs: Vec<String>,
    /// Turn on an optional component-model feature, as `wasmtime -W` does:
    /// component-model-error-context, -map, -fixed-length-lists,
    /// -more-async-builtins or -async-stackful (`NAME=n` turns it off again).
    /// By default witgo enables what a default Wasmtime CLI enables.
    #[arg(short = 'W', value_name = "FEATURE[=y|n]")]
    wasm_features: Vec<String>,
    /// Refuse the guest's outgoing HTTP requests: they fail with
    /// `error-code.http-request-denied` (by default they are sent).
    #[arg(long)]
    deny_outbound_http: bool,
    /// Let the guest's sockets use every address, as `wasmtime -S
    /// inherit-network` (by default wasi:sockets reaches nothing).
    #[arg(long)]
    inherit_network: bool,
    /// Let the guest connect (TCP) or send (UDP) to ADDR: `127.0.0.1:5432`,
    /// `127.0.0.1` (any port), `[::1]:80`, `localhost:6379`. Repeatable.
    #[arg(long = "allow-connect", value_name = "ADDR")]
    allow_connect: Vec<witgo_host::AddrPattern>,
    /// Let the guest bind and listen on ADDR (`127.0.0.1:8000`, or
    /// `127.0.0.1` for any port) and accept connections there. Repeatable.
    #[arg(long = "allow-listen", value_name = "ADDR")]
    allow_listen: Vec<witgo_host::AddrPattern>,
    /// Let the guest look up host names (wasi:sockets/ip-name-lookup), as
    /// `wasmtime -S allow-ip-name-lookup`.
    #[arg(long)]
    allow_ip_name_lookup: bool,
}

impl GuestArgs {
    fn run_options(&self, args: Vec<String>) -> Result<witgo_host::RunOptions> {
        let mut opts = witgo_host::RunOptions {
            args,
            deny_outbound_http: self.deny_outbound_http,
            network: witgo_host::NetworkGrants {
                inherit_network: self.inherit_network,
                connect: self.allow_connect.clone(),
                listen: self.allow_listen.clone(),
                ip_name_lookup: self.allow_ip_name_lookup,
            },
            ..Default::default()
        };
        for e in &self.envs {
            opts.env.push(parse_env(e)?);
        }
        for d in &self.dirs {
            opts.preopens.push(parse_dir(d)?);
        }
        for w in &self.wasm_features {
            opts.features.apply(w)?;
        }
        Ok(opts)
    }
}

#[derive(Args, Debug)]
struct ServeArgs {
    #[command(flatten)]
    guest: GuestArgs,
    /// The address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Requests in flight at once, across all instances.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    max_concurrent_requests: usize,
    /// Client connections open at once.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    max_concurrent_connections: usize,
    /// Requests one instance serves before it is replaced [default: 10000 for
    /// WASI 0.3 handlers, 1 for 0.2].
    #[arg(long, value_name = "N")]
    max_instance_reuse_count: Option<usize>,
    /// Requests one WASI 0.3 instance serves at once (0.2 handlers take one) [default: 100].
    #[arg(long, value_name = "N")]
    max_instance_concurrent_reuse_count: Option<usize>,
    /// How long an idle instance is kept for the next request (e.g. 1s, 500ms).
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    idle_instance_timeout: Duration,
    /// The longest a request may take to produce its response; an instance
    /// with a late request is dropped once its other requests finish.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    request_timeout: Option<Duration>,
    /// Don't prefix guest output lines with `[request N]` / `[instance N]`.
    #[arg(long)]
    no_logging_prefix: bool,
    /// Log each instance's start and end (requests served, peak linear memory).
    #[arg(long)]
    log_instances: bool,
    /// The component.
    component: PathBuf,
    /// Arguments for the program (after argv[0]).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

fn write_wasi_wit(a: WitOutArgs) -> Result<ExitCode> {
    for path in witgo_build::wasi_wit::write_deps(&a.out)? {
        println!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Init(a) => init(a),
        Command::Bindgen(a) => bindgen(a),
        Command::Build(a) => build(a),
        Command::Run(a) => run(a),
        Command::Serve(a) => serve(a),
        Command::Test(a) => test(a),
        Command::Wit(a) => write_wasi_wit(a),
        Command::Componentize(a) => componentize(a),
        Command::Overlay(a) => print_overlay(a),
    }
}

/// Prints `-overlay=FILE -tags=TAG` (just the tag for a toolchain that has
/// the hook already), one flag per line, for `go build`.
fn print_overlay(a: OverlayArgs) -> Result<ExitCode> {
    let go = witgo_build::GoToolchain::discover(a.go.as_deref())?;
    let overlay = witgo_build::overlay::runtime_overlay(&go, &witgo_build::overlay::cache_root())?;
    if let Some(json) = &overlay.overlay_json {
        println!("-overlay={}", json.display());
    }
    println!("-tags={}", overlay.tag);
    Ok(ExitCode::SUCCESS)
}

fn init(a: InitArgs) -> Result<ExitCode> {
    use witgo_build::init::Template;
    let template = match a.template {
        TemplateArg::Command => Template::Command,
        TemplateArg::P3Command => Template::P3Command,
        TemplateArg::Library => Template::Library,
        TemplateArg::Http => Template::Http,
    };
    let r = witgo_build::init::init(&a.dir, template, a.module.as_deref())?;
    for f in &r.files {
        println!("wrote {}", f.display());
    }
    let cd = if a.dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", a.dir.display())
    };
    println!(
        "module {}, world {}; build and run it:
  {cd}{} && {}",
        r.module, r.name, r.build, r.run
    );
    Ok(ExitCode::SUCCESS)
}

fn componentize(a: ComponentizeArgs) -> Result<ExitCode> {
    let core =
        std::fs::read(&a.core).with_context(|| format!("cannot read {}", a.core.display()))?;
    let component = witgo_build::componentize_core(&a.wit.wit, &a.wit.worlds, core, !a.no_strip)?;
    witgo_build::write_atomic(&a.output, &component)?;
    eprintln!("{} ({} bytes)", a.output.display(), component.len());
    Ok(ExitCode::SUCCESS)
}

fn bindgen(a: BindgenArgs) -> Result<ExitCode> {
    let req = witgo_build::BindgenRequest {
        wit: a.wit.wit,
        worlds: a.wit.worlds,
        out_dir: a.out,
        import_path: a.import_path,
        exports_dir: a.exports_dir,
        stubs: a.stubs,
        async_all: a.async_mode == AsyncArg::All,
        go: a.go,
    };
    let r = witgo_build::bindgen(&req)?;
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    for p in &r.files.kept_modified {
        eprintln!(
            "warning: {} is no longer generated but was edited; left in place",
            p.display()
        );
    }
    println!(
        "generated {} files for {} in {} (import path {}, exports package `{}` in {})",
        r.files.written.len() + r.files.unchanged.len(),
        r.world,
        r.out_dir.display(),
        r.import_path,
        r.exports_package_name,
        r.exports_dir.display()
    );
    if !r.files.removed.is_empty() {
        println!("removed {} stale generated files", r.files.removed.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn build(a: BuildArgs) -> Result<ExitCode> {
    let req = witgo_build::BuildRequest {
        wit: a.wit.wit,
        worlds: a.wit.worlds,
        package_dir: a.package_dir,
        output: a.output,
        bindings_out: a.out,
        import_path: a.import_path,
        go: a.go,
        async_all: a.async_mode == AsyncArg::All,
        keep_temps: a.keep_temps,
        skip_bindgen: a.no_bindgen,
        strip: !a.no_strip,
        go_args: a.go_flags,
        preinit: match (a.preinit, a.no_preinit) {
            (true, _) => witgo_build::Preinit::Required,
            (_, true) => witgo_build::Preinit::Off,
            _ => witgo_build::Preinit::Auto,
        },
        ..Default::default()
    };
    let r = witgo_build::build(&req)?;
    if !r.go_stderr.trim().is_empty() {
        eprint!("{}", r.go_stderr);
    }
    if let witgo_build::PreinitOutcome::Skipped(why) = &r.preinit {
        // The first line says why; the rest is the advice for --preinit.
        let why = why.lines().next().unwrap_or_default();
        eprintln!(
            "note: built without pre-initialisation (instances run Go's start-up): {}",
            why.trim_start_matches("--preinit: ")
        );
    }
    if let witgo_build::BindingsStatus::Regenerated(files) = &r.bindings {
        for p in &files.kept_modified {
            eprintln!(
                "warning: {} is no longer generated but was edited; left in place",
                p.display()
            );
        }
    }
    if a.timings {
        let go = format!("{} ({})", r.go.version, r.go.go.display());
        eprintln!("Go: {go}");
        for (step, d) in &r.timings {
            let note = match (*step, &r.bindings) {
                ("bindings", witgo_build::BindingsStatus::UpToDate) => " (up to date)",
                ("bindings", witgo_build::BindingsStatus::Skipped) => " (skipped)",
                ("component", _) => " (unchanged: the last one made from this module)",
                _ => "",
            };
            eprintln!("  {step:<20} {}{note}", duration(*d));
        }
    }
    if !r.needs_features.is_empty() {
        let flags: Vec<String> = r
            .needs_features
            .iter()
            .map(|f| format!("-W {}", f.wasmtime_name()))
            .collect();
        eprintln!(
            "note: the world's types need optional component-model features; run the component with {}",
            flags.join(" ")
        );
    }
    if let Some(tmp) = &r.temp_dir {
        eprintln!("kept temporary files in {}", tmp.display());
    }
    println!(
        "{} ({}, {})",
        r.output.display(),
        size(r.size),
        duration(r.total)
    );
    Ok(ExitCode::SUCCESS)
}

fn run(a: RunArgs) -> Result<ExitCode> {
    let opts = a.guest.run_options(a.args)?;
    if !a.component.is_file() {
        bail!("{}: no such file", a.component.display());
    }
    match &a.invoke {
        Some(call) => {
            if !opts.args.is_empty() {
                bail!("program arguments cannot be combined with --invoke");
            }
            let out = witgo_host::invoke(&a.component, call, &opts)?;
            println!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let code = witgo_host::run(&a.component, &opts)?;
            // Exit codes beyond a byte are truncated by the OS anyway; keep
            // failures failures.
            Ok(ExitCode::from(exit_byte(code)))
        }
    }
}

fn serve(a: ServeArgs) -> Result<ExitCode> {
    if !a.component.is_file() {
        bail!("{}: no such file", a.component.display());
    }
    let opts = witgo_host::ServeOptions {
        addr: a.addr,
        run: a.guest.run_options(a.args)?,
        max_concurrent_requests: a.max_concurrent_requests.max(1),
        max_concurrent_connections: a.max_concurrent_connections.max(1),
        max_instance_reuse_count: a.max_instance_reuse_count,
        max_instance_concurrent_reuse_count: a.max_instance_concurrent_reuse_count,
        idle_instance_timeout: a.idle_instance_timeout,
        request_timeout: a.request_timeout,
        logging_prefix: !a.no_logging_prefix,
        log_instances: a.log_instances,
    };
    witgo_host::serve(&a.component, &opts)?;
    Ok(ExitCode::SUCCESS)
}

/// Builds each package's tests into a component and runs it, printing go
/// test's summary line per package; fails if any package fails.
fn test(a: TestArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir()?;
    let module_dir = cwd
        .ancestors()
        .find(|d| d.join("go.mod").is_file())
        .with_context(|| {
            format!(
                "no go.mod in {} or any parent: witgo test runs in a Go module",
                cwd.display()
            )
        })?
        .to_path_buf();
    let wit = a.wit.unwrap_or_else(|| module_dir.join("wit"));
    let flags = witgo_build::gotest::parse_test_flags(&a.go_flags)?;
    let work = tempfile::tempdir()?;
    // Package patterns are relative to where witgo test runs, as go's are.
    let packages = a
        .packages
        .iter()
        .map(|p| {
            if p.starts_with('.') {
                cwd.join(p).to_string_lossy().into_owned()
            } else {
                p.clone()
            }
        })
        .collect();
    let req = witgo_build::gotest::TestRequest {
        wit,
        worlds: a.worlds.clone(),
        module_dir,
        bindings_out: a.out.clone(),
        packages,
        go: a.go.clone(),
        out_dir: work.path().to_path_buf(),
        build_flags: flags.build_flags.clone(),
    };
    let mut failed = false;
    let mut profile = String::new();
    for pkg in witgo_build::gotest::build_tests(&req)? {
        let Some(component) = &pkg.component else {
            println!("?   \t{}\t[no test files]", pkg.import_path);
            continue;
        };
        // The tests run in their package's directory (as go test runs
        // them: testdata/ works), with a temporary directory of their own.
        let tmp = tempfile::tempdir()?;
        let dir = pkg.dir.to_string_lossy().into_owned();
        let mut args = flags.binary_args.clone();
        if flags.cover_profile.is_some() {
            args.push("-test.coverprofile=/tmp/witgo-cover.out".into());
        }
        let mut opts = a.guest.run_options(args)?;
        opts.env.extend([
            ("PWD".into(), dir.clone()),
            ("TMPDIR".into(), "/tmp".into()),
        ]);
        opts.preopens.extend([
            (pkg.dir.clone(), dir),
            (tmp.path().to_path_buf(), "/tmp".into()),
        ]);
        opts.trap_unknown_imports = true;
        let start = std::time::Instant::now();
        let code = match witgo_host::run(component, &opts) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("{e:#}");
                1
            }
        };
        let took = start.elapsed().as_secs_f64();
        if let Ok(part) = std::fs::read_to_string(tmp.path().join("witgo-cover.out")) {
            witgo_build::gotest::merge_cover_profile(&mut profile, &part);
        }
        if code == 0 {
            println!("ok  \t{}\t{took:.3}s", pkg.import_path);
        } else {
            failed = true;
            println!("FAIL\t{}\t{took:.3}s", pkg.import_path);
        }
    }
    if let Some(path) = &flags.cover_profile {
        std::fs::write(cwd.join(path), &profile)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn exit_byte(code: i32) -> u8 {
    match u8::try_from(code) {
        Ok(b) => b,
        Err(_) if code == 0 => 0,
        Err(_) => 1,
    }
}

fn parse_env(s: &str) -> Result<(String, String)> {
    match s.split_once('=') {
        Some(("", _)) => bail!("--env {s:?}: the variable name is empty"),
        Some((k, v)) => Ok((k.to_string(), v.to_string())),
        None => {
            let v = std::env::var(s)
                .with_context(|| format!("--env {s}: not set in this environment (use K=V)"))?;
            Ok((s.to_string(), v))
        }
    }
}

fn parse_dir(s: &str) -> Result<(PathBuf, String)> {
    let (host, guest) = match s.split_once("::") {
        Some((h, g)) => (h, g),
        None => (s, s),
    };
    if host.is_empty() || guest.is_empty() {
        bail!("--dir {s:?}: expected HOST::GUEST or DIR");
    }
    let host_path = Path::new(host);
    if !host_path.is_dir() {
        bail!("--dir {s}: {host} is not a directory");
    }
    Ok((host_path.to_path_buf(), guest.to_string()))
}

/// A duration as `wasmtime serve` takes one: a number with an optional unit
/// (`s` is assumed): `1.5s`, `500ms`, `2m`, `100us`, `10ns`.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (e.g. 1s, 500ms, 2m)"))?;
    let seconds = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1e3,
        "us" | "µs" | "μs" => value / 1e6,
        "ns" => value / 1e9,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        other => {
            return Err(format!(
                "{s:?}: unknown unit {other:?} (use ns, us, ms, s, m or h)"
            ));
        }
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{s:?}: {e}"))
}

fn size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB {
        format!("{:.1} MiB", b / (KIB * KIB))
    } else if b >= KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

fn duration(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{:.2}s", d.as_secs_f64())
    } else {
        format!("{}ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn env_and_dir_parsing() {
        assert_eq!(parse_env("A=b=c").unwrap(), ("A".into(), "b=c".into()));
        assert!(parse_env("=x").is_err());
        assert!(parse_env("WITGO_SURELY_UNSET_VAR").is_err());
        let d = std::env::temp_dir();
        let ds = d.display().to_string();
        assert_eq!(
            parse_dir(&format!("{ds}::/data")).unwrap(),
            (d.clone(), "/data".into())
        );
        assert_eq!(parse_dir(&ds).unwrap(), (d, ds.clone()));
        assert!(parse_dir("/nonexistent/dir::/x").is_err());
        assert!(parse_dir("::/x").is_err());
    }

    #[test]
    fn durations_as_wasmtime_spells_them() {
        assert_eq!(parse_duration("1"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("100us"), Ok(Duration::from_micros(100)));
        assert!(
            parse_duration("soon")
                .unwrap_err()
                .contains("not a duration")
        );
        assert!(
            parse_duration("3 weeks")
                .unwrap_err()
                .contains("unknown unit")
        );
    }

    #[test]
    fn sizes_and_exit_codes() {
        assert_eq!(size(512), "512 bytes");
        assert_eq!(size(2048), "2.0 KiB");
        assert_eq!(size(2_621_440), "2.5 MiB");
        assert_eq!(exit_byte(0), 0);
        assert_eq!(exit_byte(3), 3);
        assert_eq!(exit_byte(-1), 1);
        assert_eq!(exit_byte(256), 1);
    }
}
