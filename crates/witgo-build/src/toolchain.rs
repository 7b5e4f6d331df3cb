//! Finding the Go toolchain and checking its version.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The oldest Go release witgo supports.
pub const MIN_GO: GoVersion = GoVersion {
    major: 1,
    minor: 25,
    patch: 0,
    prerelease: None,
    devel: false,
    raw: String::new(),
};

/// Environment variable naming the `go` binary to use when `--go` is not given.
pub const GO_ENV_VAR: &str = "WITGO_GO";

const INSTALL_HINT: &str = "witgo needs Go 1.25 or newer: install it or pass --go <path>";

/// A Go version as reported by `go env GOVERSION`.
///
/// Ordering compares `(major, minor, patch)` and puts a prerelease (`rc1`,
/// `beta2`) before the release; a development build (`devel go1.27-abcdef`)
/// counts as the newest patch of its minor version.
#[derive(Clone, Debug)]
pub struct GoVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    /// `rc1`, `beta2`, ...
    pub prerelease: Option<String>,
    /// A development build (`devel go1.27-...`).
    pub devel: bool,
    /// The text `go env GOVERSION` printed.
    pub raw: String,
}

impl GoVersion {
    /// Parses `go1.26.8`, `go1.25`, `go1.25rc1`, `go1.26.0 X:jsonv2`,
    /// `devel go1.27-4c1d2a5 Tue Jan 6 ...`.
    pub fn parse(text: &str) -> Result<GoVersion> {
        let raw = text.trim().to_string();
        let devel = raw.starts_with("devel");
        let start = raw
            .find("go1")
            .with_context(|| format!("cannot parse Go version `{raw}`"))?;
        let rest = &raw[start + 2..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '-')
            .unwrap_or(rest.len());
        let ver = &rest[..end];
        // `ver` is like `1.26.8`, `1.25`, `1.25rc1`.
        let num_end = ver
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(ver.len());
        let (nums, pre) = ver.split_at(num_end);
        let mut parts = nums.split('.').filter(|s| !s.is_empty());
        let mut next = || -> Result<u32> {
            match parts.next() {
                Some(p) => p
                    .parse::<u32>()
                    .with_context(|| format!("cannot parse Go version `{raw}`")),
                None => Ok(0),
            }
        };
        let major = next()?;
        let minor = next()?;
        let patch = next()?;
        if major == 0 {
            bail!("cannot parse Go version `{raw}`");
        }
        Ok(GoVersion {
            major,
            minor,
            patch,
            prerelease: (!pre.is_empty()).then(|| pre.to_string()),
            devel,
            raw,
        })
    }

    fn key(&self) -> (u32, u32, u32, u32) {
        // Release > prerelease; devel sorts after every release of its minor.
        let rank = if self.devel {
            2
        } else if self.prerelease.is_none() {
            1
        } else {
            0
        };
        let patch = if self.devel { u32::MAX } else { self.patch };
        (self.major, self.minor, patch, rank)
    }

    /// Whether this version is at least `min` (compares major and minor only:
    /// `go1.25rc1` counts as 1.25).
    pub fn at_least(&self, min: &GoVersion) -> bool {
        (self.major, self.minor) >= (min.major, min.minor)
    }
}

impl PartialEq for GoVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for GoVersion {}

impl PartialOrd for GoVersion {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key()
            .cmp(&other.key())
            .then_with(|| self.prerelease.cmp(&other.prerelease))
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.raw.is_empty() {
            return f.write_str(&self.raw);
        }
        write!(f, "go{}.{}", self.major, self.minor)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        if let Some(p) = &self.prerelease {
            f.write_str(p)?;
        }
        Ok(())
    }
}

/// Where the `go` binary was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoSource {
    /// `--go <path>`.
    Flag,
    /// `$WITGO_GO`.
    Env,
    /// `go` on `$PATH`.
    Path,
}

/// A usable Go toolchain.
#[derive(Clone, Debug)]
pub struct GoToolchain {
    /// The `go` binary.
    pub go: PathBuf,
    /// `go env GOROOT`.
    pub goroot: PathBuf,
    /// `go env GOVERSION`, parsed.
    pub version: GoVersion,
    /// `$GOROOT/bin/gofmt`.
    pub gofmt: PathBuf,
    /// How `go` was found.
    pub source: GoSource,
}

impl GoToolchain {
    /// Finds Go: `explicit` (the `--go` flag; a `go` binary or a GOROOT
    /// directory), else `$WITGO_GO`, else `go` on `$PATH`; and checks that it is
    /// at least [`MIN_GO`].
    pub fn discover(explicit: Option<&Path>) -> Result<GoToolchain> {
        let tc = Self::discover_any(explicit)?;
        tc.check_version()?;
        Ok(tc)
    }

    /// Like [`discover`](Self::discover) without the version check (gofmt
    /// from any Go release formats the same way).
    pub fn discover_any(explicit: Option<&Path>) -> Result<GoToolchain> {
        let env = std::env::var_os(GO_ENV_VAR).filter(|v| !v.is_empty());
        let path_var = std::env::var_os("PATH");
        Self::discover_with(explicit, env.as_deref(), path_var.as_deref())
    }

    /// The `gofmt` to format generated code with: beside the `go` that
    /// [`discover_any`](Self::discover_any) would pick (symlinks followed),
    /// without running `go env` (that probe costs more than the formatting);
    /// a `go` named explicitly, or one without gofmt beside it, is probed.
    pub fn find_gofmt(explicit: Option<&Path>) -> Result<PathBuf> {
        let env = std::env::var_os(GO_ENV_VAR).filter(|v| !v.is_empty());
        let path_var = std::env::var_os("PATH");
        Self::find_gofmt_with(explicit, env.as_deref(), path_var.as_deref())
    }

    /// [`find_gofmt`](Self::find_gofmt) with the environment given
    /// explicitly (for tests).
    pub fn find_gofmt_with(
        explicit: Option<&Path>,
        witgo_go: Option<&OsStr>,
        path_var: Option<&OsStr>,
    ) -> Result<PathBuf> {
        if explicit.is_none() {
            let go = match witgo_go {
                Some(p) => resolve_given(Path::new(p), "$WITGO_GO").ok(),
                None => path_var.and_then(|p| find_in_path("go", p)),
            };
            if let Some(gofmt) = go
                .and_then(|go| std::fs::canonicalize(go).ok())
                .and_then(|go| go.parent().map(|bin| bin.join(exe("gofmt"))))
                .filter(|gofmt| gofmt.is_file())
            {
                return Ok(gofmt);
            }
        }
        Ok(Self::discover_with(explicit, witgo_go, path_var)?.gofmt)
    }

    /// [`discover_any`](Self::discover_any) with the environment given
    /// explicitly (for tests).
    pub fn discover_with(
        explicit: Option<&Path>,
        witgo_go: Option<&OsStr>,
        path_var: Option<&OsStr>,
    ) -> Result<GoToolchain> {
        let (go, source) = if let Some(p) = explicit {
            (resolve_given(p, "--go")?, GoSource::Flag)
        } else if let Some(p) = witgo_go {
            (resolve_given(Path::new(p), "$WITGO_GO")?, GoSource::Env)
        } else {
            match path_var.and_then(|p| find_in_path("go", p)) {
                Some(go) => (go, GoSource::Path),
                None => bail!("no `go` command found on PATH; {INSTALL_HINT}"),
            }
        };
        Self::probe(&go, source)
    }

    /// Asks `go` for its GOROOT and version.
    pub fn probe(go: &Path, source: GoSource) -> Result<GoToolchain> {
        let run = || {
            Command::new(go)
                .args(["env", "GOROOT", "GOVERSION"])
                // Never let `go env` download a different toolchain.
                .env("GOTOOLCHAIN", "local")
                .output()
        };
        // A `go` that was just written (by an installer, or a test) may
        // still be open for writing in a child another thread forked:
        // exec then fails with ETXTBSY for a moment.
        let mut out = run();
        for _ in 0..50 {
            match &out {
                Err(e) if cfg!(unix) && e.raw_os_error() == Some(26) => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    out = run();
                }
                _ => break,
            }
        }
        let out =
            out.with_context(|| format!("cannot run `{} env`; {INSTALL_HINT}", go.display()))?;
        if !out.status.success() {
            bail!(
                "`{} env GOROOT GOVERSION` failed ({}):\n{}{INSTALL_HINT}",
                go.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut lines = stdout.lines();
        let goroot = lines.next().unwrap_or("").trim();
        let version = lines.next().unwrap_or("").trim();
        if goroot.is_empty() || version.is_empty() {
            bail!(
                "`{} env GOROOT GOVERSION` printed no GOROOT or no version (output: {:?}); \
                 is this a Go toolchain? {INSTALL_HINT}",
                go.display(),
                stdout
            );
        }
        let version = GoVersion::parse(version)
            .with_context(|| format!("`{}` reported an unexpected version", go.display()))?;
        let goroot = PathBuf::from(goroot);
        let gofmt = goroot.join("bin").join(exe("gofmt"));
        Ok(GoToolchain {
            go: go.to_path_buf(),
            goroot,
            version,
            gofmt,
            source,
        })
    }

    /// Fails unless this toolchain is at least [`MIN_GO`].
    pub fn check_version(&self) -> Result<()> {
        if !self.version.at_least(&MIN_GO) {
            bail!(
                "{} is {}, but witgo needs Go {}.{} or newer: install a newer Go \
                 or pass --go <path>",
                self.go.display(),
                self.version,
                MIN_GO.major,
                MIN_GO.minor
            );
        }
        Ok(())
    }

    /// A `go` command with `GOTOOLCHAIN=local` (witgo never downloads toolchains).
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.go);
        cmd.env("GOTOOLCHAIN", "local");
        cmd
    }
}

fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// `p` is a `go` binary or a GOROOT directory (`<p>/bin/go`).
fn resolve_given(p: &Path, what: &str) -> Result<PathBuf> {
    if p.is_dir() {
        let go = p.join("bin").join(exe("go"));
        if go.is_file() {
            return Ok(go);
        }
        bail!(
            "{what} {} is a directory without bin/go; {INSTALL_HINT}",
            p.display()
        );
    }
    if p.is_file() {
        return Ok(p.to_path_buf());
    }
    // A bare name such as `go1.25.5` is looked up on PATH.
    if p.components().count() == 1
        && let Some(found) =
            std::env::var_os("PATH").and_then(|path| find_in_path(p.as_os_str(), &path))
    {
        return Ok(found);
    }
    bail!("{what} {}: no such file; {INSTALL_HINT}", p.display())
}

/// `which`: the first executable file named `name` in the PATH list.
pub fn find_in_path(name: impl AsRef<OsStr>, path_var: &OsStr) -> Option<PathBuf> {
    let name = name.as_ref();
    for dir in std::env::split_paths(path_var) {
        if dir.as_os_str().is_empty() {
            continue;
        }
        let mut cand = dir.join(name);
        if cfg!(windows) && cand.extension().is_none() {
            cand.set_extension("exe");
        }
        if is_executable(&cand) {
            return Some(cand);
        }
    }
    None
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_versions() {
        let v = GoVersion::parse("go1.26.8").unwrap();
        assert_eq!((v.major, v.minor, v.patch, v.devel), (1, 26, 8, false));
        assert_eq!(v.prerelease, None);
        let v = GoVersion::parse("go1.25").unwrap();
        assert_eq!((v.major, v.minor, v.patch), (1, 25, 0));
        let v = GoVersion::parse("go1.25rc1").unwrap();
        assert_eq!((v.minor, v.prerelease.as_deref()), (25, Some("rc1")));
        assert!(v.at_least(&MIN_GO));
        let v = GoVersion::parse("go1.26.0 X:jsonv2").unwrap();
        assert_eq!((v.minor, v.patch), (26, 0));
        let v = GoVersion::parse("devel go1.27-4c1d2a5 Tue Jan 6 10:00:00 2026 +0000").unwrap();
        assert!(v.devel);
        assert_eq!((v.major, v.minor), (1, 27));
        let v = GoVersion::parse("go1.24.3").unwrap();
        assert!(!v.at_least(&MIN_GO));
        assert!(GoVersion::parse("banana").is_err());
    }

    #[test]
    fn order() {
        let p = |s| GoVersion::parse(s).unwrap();
        assert!(p("go1.25rc1") < p("go1.25"));
        assert!(p("go1.25") < p("go1.25.1"));
        assert!(p("go1.25.9") < p("go1.26"));
        assert!(p("go1.27.3") < p("devel go1.27-abc"));
        assert!(p("devel go1.27-abc") < p("go1.28rc1"));
    }
}
