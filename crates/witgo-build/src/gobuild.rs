//! Running `go build` for `GOOS=wasip1 GOARCH=wasm -buildmode=c-shared`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::toolchain::GoToolchain;

/// How to run `go build`.
///
/// `tags`, `overlay` and `extra_args` are the seam for the runtime overlay
/// (the scheduler hook) and its build tags.
#[derive(Clone, Debug)]
pub struct GoBuildOptions {
    /// The Go package to build (`go build .` runs here).
    pub package_dir: PathBuf,
    /// Where the core module is written.
    pub output: PathBuf,
    /// Pass `-ldflags=-s -w`: drops the wasm `name` section (about 2% of a
    /// hello-world module). Go's own panic messages and goroutine traces are
    /// unaffected; only the host's wasm-level backtraces lose function names.
    pub strip: bool,
    /// `-tags` values.
    pub tags: Vec<String>,
    /// `-overlay` JSON file.
    pub overlay: Option<PathBuf>,
    /// More `go build` flags, placed before the package argument.
    pub extra_args: Vec<String>,
}

impl GoBuildOptions {
    pub fn new(package_dir: impl Into<PathBuf>, output: impl Into<PathBuf>) -> Self {
        GoBuildOptions {
            package_dir: package_dir.into(),
            output: output.into(),
            strip: true,
            tags: Vec::new(),
            overlay: None,
            extra_args: Vec::new(),
        }
    }

    /// The `go build` arguments (after `go`).
    pub fn args(&self) -> Vec<String> {
        let mut args = vec![
            "build".to_string(),
            "-buildmode=c-shared".to_string(),
            "-trimpath".to_string(),
        ];
        if self.strip && !self.user_sets_ldflags() {
            args.push("-ldflags=-s -w".to_string());
        }
        if !self.tags.is_empty() {
            args.push(format!("-tags={}", self.tags.join(",")));
        }
        if let Some(overlay) = &self.overlay {
            args.push(format!("-overlay={}", overlay.display()));
        }
        args.extend(self.extra_args.iter().cloned());
        args.push("-o".to_string());
        args.push(self.output.display().to_string());
        args.push(".".to_string());
        args
    }

    /// Whether the user passed their own `-ldflags` (in `extra_args` or
    /// `$GOFLAGS`); theirs then win and `strip` is not applied, since Go
    /// keeps only the last `-ldflags`.
    pub fn user_sets_ldflags(&self) -> bool {
        let is_ldflags = |a: &str| {
            let a = a.trim_start_matches('-');
            a == "ldflags" || a.starts_with("ldflags=")
        };
        self.extra_args.iter().any(|a| is_ldflags(a))
            || std::env::var("GOFLAGS").is_ok_and(|f| f.split_whitespace().any(is_ldflags))
    }

    /// The `go build` command, ready to run.
    pub fn command(&self, go: &GoToolchain) -> Command {
        let mut cmd = go.command();
        cmd.args(self.args())
            .current_dir(&self.package_dir)
            .env("GOOS", "wasip1")
            .env("GOARCH", "wasm");
        cmd
    }

    /// The command as a user would type it, for messages.
    pub fn display(&self) -> String {
        let args: Vec<String> = self.args().iter().map(|a| shell_quote(a)).collect();
        format!(
            "cd {} && GOOS=wasip1 GOARCH=wasm go {}",
            shell_quote(&self.package_dir.display().to_string()),
            args.join(" ")
        )
    }
}

/// What `go build` left behind.
#[derive(Clone, Debug)]
pub struct GoBuildOutput {
    /// The core module.
    pub module: Vec<u8>,
    /// go's stderr (warnings, `-x` output, ...), possibly empty.
    pub stderr: String,
}

/// Runs `go build` and reads the core module it wrote.
pub fn go_build(go: &GoToolchain, opts: &GoBuildOptions) -> Result<GoBuildOutput> {
    if !opts.package_dir.is_dir() {
        bail!(
            "Go package directory {} does not exist",
            opts.package_dir.display()
        );
    }
    if let Some(parent) = opts.output.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let out = opts
        .command(go)
        .output()
        .with_context(|| format!("cannot run {}", go.go.display()))?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        let mut msg = format!("`go build` failed ({})", out.status);
        if !stderr.trim().is_empty() {
            msg.push_str(":\n");
            msg.push_str(stderr.trim_end());
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !stdout.trim().is_empty() {
            msg.push('\n');
            msg.push_str(stdout.trim_end());
        }
        msg.push_str("\nhint: ");
        msg.push_str(&hint(&stderr, go, opts));
        bail!(msg);
    }
    let module = std::fs::read(&opts.output).with_context(|| {
        format!(
            "`go build` succeeded but wrote no module at {}",
            opts.output.display()
        )
    })?;
    Ok(GoBuildOutput { module, stderr })
}

fn hint(stderr: &str, go: &GoToolchain, opts: &GoBuildOptions) -> String {
    if stderr.contains("requires go >=") || stderr.contains("GOTOOLCHAIN=local") {
        return format!(
            "go.mod asks for a newer Go than {} ({}); pass --go <path> to a newer Go",
            go.version,
            go.go.display()
        );
    }
    if stderr.contains("-buildmode=c-shared not supported") {
        return format!(
            "{} cannot build wasip1 reactors; witgo needs Go 1.25 or newer",
            go.version
        );
    }
    if stderr.contains("witgo_exports.go") && stderr.contains("undefined") {
        return "witgo_exports.go names the types your package must define to implement the \
                world's exports; `witgo bindgen --stubs` writes a starting point"
            .into();
    }
    if stderr.contains("no Go files in") || stderr.contains("cannot find main module") {
        return "point witgo build at the directory of your Go main package (inside a Go module)"
            .into();
    }
    format!(
        "these are the Go compiler's errors; to reproduce: {}",
        opts.display()
    )
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=./,:@+%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `go build` writes a module here when `keep_temps` is off: a fresh
/// temporary directory.
pub fn temp_dir() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("witgo-build-")
        .tempdir()
        .context("cannot create a temporary directory")
}

/// The module's path inside a temporary directory.
pub fn core_path(dir: &Path) -> PathBuf {
    dir.join("core.wasm")
}
