#![allow(dead_code)]
//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

pub fn write(dir: &Path, rel: &str, contents: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, contents).unwrap();
    p
}

/// A shell script that pretends to be `go` of the given version.
#[cfg(unix)]
pub fn fake_go(dir: &Path, version: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let goroot = dir.join("goroot");
    std::fs::create_dir_all(goroot.join("bin")).unwrap();
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = env ]; then echo '{}'; echo '{}'; exit 0; fi\necho \"fake go: $*\" >&2\nexit 1\n",
        goroot.display(),
        version
    );
    let go = goroot.join("bin").join("go");
    std::fs::write(&go, script).unwrap();
    std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
    go
}

/// The real Go used by tests: `$WITGO_TEST_GO`, else `go` on PATH.
pub fn real_go() -> Option<witgo_build::GoToolchain> {
    let explicit = std::env::var_os("WITGO_TEST_GO").map(PathBuf::from);
    witgo_build::GoToolchain::discover(explicit.as_deref()).ok()
}

pub fn err_text(e: anyhow::Error) -> String {
    format!("{e:#}")
}
