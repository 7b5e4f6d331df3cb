//! A build directory per Go package and build configuration in witgo's
//! cache (`<cache>/build/<key>/`), so that an unchanged package rebuilds in
//! a fraction of the time:
//!
//! - Go's core module is written to a stable path there: `go build -o`
//!   skips relinking when that file is already up to date (its build ID
//!   matches), which a fresh temporary path would always miss (linking is
//!   most of a warm `go build`).
//! - The last component is kept with the hash of the embedded core module
//!   it came from (plus witgo's own identity); the same input gives the
//!   same component, so componentizing and validating are skipped.
//!
//! A lock file serializes builds that share a directory.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

const COMPONENT: &str = "component.wasm";
const COMPONENT_KEY: &str = "component.key";
const COMPONENT_NOTE: &str = "component.note";

/// One package's build directory, locked while this value lives.
pub struct BuildDir {
    dir: PathBuf,
    _lock: File,
}

impl BuildDir {
    /// The directory for a build described by `identity` (the package's
    /// absolute path, the Go toolchain, every `go build` argument) under
    /// `root`, created if needed and locked.
    pub fn open(root: &Path, identity: &[&str]) -> Result<BuildDir> {
        let mut h = Sha256::new();
        for part in identity {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        let key = hex::encode(&h.finalize()[..12]);
        let dir = root.join("build").join(key);
        // Another build's prune may remove the directory between its
        // creation and the lock (it skips locked and fresh directories, but
        // an older unlocked one can go at any moment): lock, then check the
        // lock file is still the one in the directory, else start again.
        for _ in 0..8 {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let lock_path = dir.join("lock");
            let lock = match File::create(&lock_path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    return Err(e)
                        .with_context(|| format!("cannot create {}", lock_path.display()));
                }
            };
            lock.lock()
                .with_context(|| format!("cannot lock {}", lock_path.display()))?;
            if !same_file(&lock, &lock_path) {
                continue;
            }
            prune(&root.join("build"), KEEP);
            return Ok(BuildDir { dir, _lock: lock });
        }
        anyhow::bail!(
            "cannot keep the build directory {}: something keeps removing it",
            dir.display()
        )
    }

    /// Where `go build` writes the core module.
    pub fn core_path(&self) -> PathBuf {
        self.dir.join("core.wasm")
    }

    /// The component last made from `input` (the core module with the
    /// world embedded) with the same `options`, if there is one.
    /// The component and the note it was remembered with.
    pub fn component_for(&self, input: &[u8], options: &str) -> Option<(Vec<u8>, String)> {
        let want = component_key(input, options);
        let have = std::fs::read_to_string(self.dir.join(COMPONENT_KEY)).ok()?;
        if have != want {
            return None;
        }
        let note = std::fs::read_to_string(self.dir.join(COMPONENT_NOTE)).ok()?;
        Some((std::fs::read(self.dir.join(COMPONENT)).ok()?, note))
    }

    /// Remembers `component` as made from `input` with `options`. A failure
    /// to write only costs the next build its shortcut.
    /// `note` says what the build found worth repeating when the component
    /// is reused (whether it was pre-initialised, and why not).
    pub fn remember_component(&self, input: &[u8], options: &str, component: &[u8], note: &str) {
        let _ = std::fs::remove_file(self.dir.join(COMPONENT_KEY));
        if std::fs::write(self.dir.join(COMPONENT), component).is_ok()
            && std::fs::write(self.dir.join(COMPONENT_NOTE), note).is_ok()
        {
            let _ = std::fs::write(self.dir.join(COMPONENT_KEY), component_key(input, options));
        }
    }
}

/// Whether `path` still names the file `f` is open on.
#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// Whether `path` still names the file `f` is open on.
#[cfg(unix)]
fn same_file(f: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (f.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// How many build directories the cache keeps (each holds a module and a
/// component of a few MB); the least recently used go first.
const KEEP: usize = 64;

/// Removes the least recently used build directories beyond `keep` (their
/// lock file's modification time is their last use), skipping any that a
/// build holds locked, and any without a lock file that is less than an
/// hour old (a build is creating it right now). Failures only leave a
/// directory behind.
fn prune(builds: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(builds) else {
        return;
    };
    let mut dirs: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(|e| {
            let path = e.ok()?.path();
            let used = path
                .join("lock")
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            Some((used, path))
        })
        .collect();
    if dirs.len() <= keep {
        return;
    }
    dirs.sort();
    let excess = dirs.len() - keep;
    for (_, dir) in dirs.into_iter().take(excess) {
        let Ok(lock) = File::open(dir.join("lock")) else {
            let age = dir
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok());
            if age.is_some_and(|a| a > std::time::Duration::from_secs(3600)) {
                let _ = std::fs::remove_dir_all(&dir);
            }
            continue;
        };
        if lock.try_lock().is_ok() {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// The hash naming a component: its input, the options that shape it, and
/// this build of witgo (a changed witgo may make a different component),
/// identified as the bindings stamp identifies it.
fn component_key(input: &[u8], options: &str) -> String {
    let mut h = Sha256::new();
    h.update(input);
    h.update(options.as_bytes());
    h.update(crate::bindings::generator_id().as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pruning never takes a directory a build is creating (no lock file
    /// yet) or holds locked; it takes the least recently used others.
    #[test]
    fn prune_spares_new_and_locked_directories() {
        let root = tempfile::tempdir().unwrap();
        let builds = root.path().join("build");
        let held = BuildDir::open(root.path(), &["held"]).unwrap();
        for i in 0..3 {
            drop(BuildDir::open(root.path(), &[&format!("old{i}")]).unwrap());
        }
        let fresh = builds.join("being-created");
        std::fs::create_dir_all(&fresh).unwrap();
        prune(&builds, 1);
        assert!(held.dir.is_dir(), "a locked directory was removed");
        assert!(
            fresh.is_dir(),
            "a directory without its lock file yet was removed"
        );
        // Of the rest, the least recently used went: old0 and old1.
        let left = std::fs::read_dir(&builds).unwrap().count();
        assert_eq!(
            left, 3,
            "the locked, the new and the most recently used directory stay"
        );
    }
}
