//! A Go component using a real PostgreSQL server through pgx v5 (from the
//! Go module proxy, unmodified) over wasi:sockets 0.3: the `pgclient`
//! guest, a WASI 0.3 command, on `witgo run` with a connect grant for the
//! server's port only. The server is a throwaway cluster this test starts
//! on 127.0.0.1 (common/postgres.rs).

mod common;

use common::postgres::Postgres;
use std::process::Command;

#[test]
fn pgx_drives_postgresql_from_a_component() {
    if witgo_build::GoToolchain::discover(None).is_err() {
        eprintln!("skipping: no Go");
        return;
    }
    let Some(pg) = Postgres::start() else {
        return;
    };
    let component = common::guest("pgclient");
    let o = Command::new(env!("CARGO_BIN_EXE_witgo"))
        .arg("run")
        .args(["--allow-connect", &format!("127.0.0.1:{}", pg.port)])
        .arg(&component)
        .arg(pg.url())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{out}{err}");
    assert_eq!(
        out,
        "connected\n\
         inserted 1000 rows from 10 goroutines\n\
         transaction committed=false: row 1001 exists=false\n\
         transaction committed=true: row 1002 exists=true\n\
         streamed 1001 rows in order\n\
         generated rows: 200000, sum 20000100000\n\
         cancelled query: context deadline exceeded\n\
         a slow query blocked only its goroutine\n",
        "{err}"
    );
    eprintln!("{err}");

    // The host's view of what the component wrote.
    assert_eq!(
        pg.query("SELECT count(*), count(DISTINCT worker), min(id), max(id) FROM items"),
        "1001|11|1|1002"
    );
    assert_eq!(
        pg.query("SELECT name FROM items WHERE id IN (1, 1000, 1002) ORDER BY id"),
        "item-0001\nitem-1000\nitem-1002"
    );
    // Nothing is left running on the server: the pool closed its
    // connections, and the cancelled pg_sleep was cancelled.
    assert_eq!(
        pg.query("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"),
        "0"
    );

    // Without the grant, pgx reports the permission error.
    let o = Command::new(env!("CARGO_BIN_EXE_witgo"))
        .arg("run")
        .arg(&component)
        .arg(pg.url())
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("Permission denied"), "{err}");
}
