//! The Go support packages' own unit tests (`go test` in `go/`), on the
//! developer's platform: they check what the packages assume about Go's
//! internals (e.g. where a type's kind sits) against the Go in use.

use std::path::Path;
use std::process::Command;

#[test]
fn support_packages_pass_go_test() {
    if Command::new("go").arg("version").output().is_err() {
        eprintln!("skipping: no Go");
        return;
    }
    let go_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../go");
    let out = Command::new("go")
        .args(["test", "./..."])
        .current_dir(&go_dir)
        .output()
        .expect("run go test");
    assert!(
        out.status.success(),
        "go test failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
