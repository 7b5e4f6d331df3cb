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

/// examples/postgres as its README runs it: `witgo serve` with a connect
/// grant for the database only; create, list, get, delete, a 404; the rows
/// checked with psql. Without the grant the instance cannot start: the
/// request gets 500 and the log names the permission error.
#[test]
fn the_postgres_example_serves_notes() {
    use common::http::Server;

    if witgo_build::GoToolchain::discover(None).is_err() {
        eprintln!("skipping: no Go");
        return;
    }
    let Some(pg) = Postgres::start() else {
        return;
    };
    let component = common::example("postgres");
    let env = format!("DATABASE_URL={}", pg.url());
    let grant = format!("127.0.0.1:{}", pg.port);
    let server = Server::witgo(&component, &["--allow-connect", &grant, "--env", &env]);
    let text =
        |(status, body): (u16, Vec<u8>)| (status, String::from_utf8_lossy(&body).into_owned());
    assert_eq!(
        text(server.request("POST", "/notes", br#"{"text":"buy milk"}"#)),
        (201, "{\"id\":1,\"text\":\"buy milk\"}\n".into())
    );
    assert_eq!(
        text(server.request("POST", "/notes", br#"{"text":"call mom"}"#)),
        (201, "{\"id\":2,\"text\":\"call mom\"}\n".into())
    );
    assert_eq!(
        text(server.request("GET", "/notes", b"")),
        (
            200,
            "[{\"id\":1,\"text\":\"buy milk\"},{\"id\":2,\"text\":\"call mom\"}]\n".into()
        )
    );
    assert_eq!(
        text(server.request("GET", "/notes/1", b"")),
        (200, "{\"id\":1,\"text\":\"buy milk\"}\n".into())
    );
    assert_eq!(server.request("DELETE", "/notes/2", b"").0, 204);
    assert_eq!(server.request("GET", "/notes/2", b"").0, 404);
    assert_eq!(server.request("POST", "/notes", b"{}").0, 400);
    drop(server);
    assert_eq!(
        pg.query("SELECT id, text FROM notes ORDER BY id"),
        "1|buy milk"
    );

    let server = Server::witgo(&component, &["--env", &env]);
    assert_eq!(server.request("GET", "/notes", b"").0, 500);
    server.wait_for_line(
        "creating the notes table: failed to connect to `user=witgo database=postgres`",
        std::time::Duration::from_secs(10),
    );
    server.wait_for_line(
        "connect: Permission denied",
        std::time::Duration::from_secs(10),
    );
}
