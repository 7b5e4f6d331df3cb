//! A throwaway PostgreSQL server on 127.0.0.1 for a test: `initdb` into a
//! temporary directory, `pg_ctl start` on a free port (another if that
//! one is taken by the time the server binds), stopped on drop.
//! As root (initdb refuses root) the server runs as the `postgres` user
//! Debian's package creates.

use std::path::PathBuf;
use std::process::Command;

pub struct Postgres {
    pub port: u16,
    bin: PathBuf,
    dir: tempfile::TempDir,
    as_postgres: bool,
}

impl Postgres {
    /// Starts a server, or returns `None` (having said why) if this machine
    /// has no PostgreSQL; `WITGO_POSTGRES=require` (set by CI) makes that
    /// a failure.
    pub fn start() -> Option<Postgres> {
        let Some(bin) = server_bin() else {
            if std::env::var("WITGO_POSTGRES").is_ok_and(|v| v == "require") {
                panic!("PostgreSQL's initdb not found; WITGO_POSTGRES=require");
            }
            eprintln!("skipping: no PostgreSQL server binaries (/usr/lib/postgresql/*/bin)");
            return None;
        };
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let dir = tempfile::tempdir().unwrap();
        let mut pg = Postgres {
            port: free_port(),
            bin,
            dir,
            as_postgres,
        };
        if as_postgres {
            let ok = Command::new("chown")
                .arg("postgres")
                .arg(pg.dir.path())
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown postgres {}", pg.dir.path().display());
        }
        let data = pg.dir.path().join("data");
        pg.run(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-A",
                "trust",
                "-U",
                "witgo",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        // The port was free a moment ago; another test's server may take it
        // first, so a start that fails to bind tries another port.
        let log = pg.dir.path().join("log");
        let mut attempts = 0;
        loop {
            let options = format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50",
                pg.port,
                pg.dir.path().display()
            );
            let data = data.to_string_lossy();
            let log_path = log.to_string_lossy();
            let args = ["-D", &data, "-o", &options, "-w", "-l", &log_path, "start"];
            let out = pg.command("pg_ctl").args(args).output().unwrap();
            if out.status.success() {
                break;
            }
            attempts += 1;
            let port_taken = std::fs::read_to_string(&log)
                .is_ok_and(|l| l.contains("could not bind") || l.contains("already in use"));
            assert!(
                port_taken && attempts < 3,
                "pg_ctl {args:?}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            pg.port = free_port();
        }
        Some(pg)
    }

    /// The URL pgx takes.
    pub fn url(&self) -> String {
        format!(
            "postgres://witgo@127.0.0.1:{}/postgres?sslmode=disable",
            self.port
        )
    }

    /// `psql -At -c sql`'s output: a query checked from the host's side.
    pub fn query(&self, sql: &str) -> String {
        let out = self
            .command("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "witgo",
            ])
            .args(["-d", "postgres", "-At", "-c", sql])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn command(&self, tool: &str) -> Command {
        let path = self.bin.join(tool);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let out = self.command(tool).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = self
            .command("pg_ctl")
            .args(["-D", &data.to_string_lossy(), "-m", "immediate", "stop"])
            .output();
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` with initdb, or the
/// directory of an initdb on PATH.
fn server_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    // By major version: 15 after 9.6.
    versions.sort_by_key(|b| {
        let version = b.parent().and_then(|v| v.file_name()).unwrap_or_default();
        let major = version
            .to_string_lossy()
            .split('.')
            .next()
            .and_then(|m| m.parse().ok());
        major.unwrap_or(0u32)
    });
    versions.pop().or_else(|| {
        let out = Command::new("sh")
            .args(["-c", "command -v initdb"])
            .output()
            .ok()?;
        let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        path.parent().map(PathBuf::from)
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
