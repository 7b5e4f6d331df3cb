// Command pgclient drives a real PostgreSQL server through pgx v5 (from
// the Go module proxy, unmodified), dialling through wasinet: a table,
// 1,000 inserts from 10 goroutines, a transaction rolled back and one
// committed, a streamed query checked row by row, a query cancelled by its
// context, and a slow query that blocks only its goroutine. Its argument
// is the connection URL; it prints what it saw and exits non-zero if a
// check fails.
package main

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"e2e/pgclient/gen/witgo/wasinet"
)

func main() {
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
}

func run(url string) error {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return err
	}
	// The one line a component needs: pgx dials through wasi:sockets.
	cfg.ConnConfig.DialFunc = wasinet.DialContext
	cfg.ConnConfig.LookupFunc = wasinet.DefaultResolver.LookupHost
	cfg.MaxConns = 10
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	var version string
	if err := pool.QueryRow(ctx, "SHOW server_version").Scan(&version); err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	fmt.Println("connected")
	if _, err := pool.Exec(ctx, `CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, worker int NOT NULL)`); err != nil {
		return err
	}

	// 1,000 inserts from 10 goroutines, on up to 10 connections.
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for w := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				id := w*100 + i + 1
				if _, err := pool.Exec(ctx, `INSERT INTO items VALUES ($1, $2, $3)`, id, name(id), w); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return fmt.Errorf("inserting: %w", err)
	}
	var count, workers int
	if err := pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT worker) FROM items`).Scan(&count, &workers); err != nil {
		return err
	}
	fmt.Printf("inserted %d rows from %d goroutines\n", count, workers)
	fmt.Fprintf(os.Stderr, "1,000 inserts: %v\n", time.Since(start).Round(time.Millisecond))

	// A transaction rolled back leaves nothing; one committed stays.
	for _, commit := range []bool{false, true} {
		id := 1001
		if commit {
			id = 1002
		}
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO items VALUES ($1, $2, 99)`, id, name(id)); err != nil {
				return err
			}
			if !commit {
				return errRollBack
			}
			return nil
		})
		if err != nil && !errors.Is(err, errRollBack) {
			return err
		}
		var exists bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM items WHERE id = $1)`, id).Scan(&exists); err != nil {
			return err
		}
		fmt.Printf("transaction committed=%v: row %d exists=%v\n", commit, id, exists)
	}

	// The table streamed back in order, each row checked.
	rows, err := pool.Query(ctx, `SELECT id, name FROM items ORDER BY id`)
	if err != nil {
		return err
	}
	seen := 0
	for rows.Next() {
		var id int
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		want := seen + 1
		if seen == 1000 {
			want = 1002
		}
		if id != want || n != name(id) {
			return fmt.Errorf("row %d: got (%d, %q)", seen, id, n)
		}
		seen++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	fmt.Printf("streamed %d rows in order\n", seen)

	// 200,000 generated rows (about 9 MB) streamed and summed.
	var sum, n int64
	rows, err = pool.Query(ctx, `SELECT g, md5(g::text) FROM generate_series(1, 200000) g`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var g int64
		var h string
		if err := rows.Scan(&g, &h); err != nil {
			return err
		}
		if n%50000 == 0 && h != fmt.Sprintf("%x", md5.Sum([]byte(fmt.Sprint(g)))) {
			return fmt.Errorf("row %d: md5 %s", g, h)
		}
		sum += g
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	fmt.Printf("generated rows: %d, sum %d\n", n, sum)

	// A query cancelled by its context: pgx interrupts the connection (a
	// deadline moved while a read waits) and sends PostgreSQL a cancel
	// request on a second connection.
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	start = time.Now()
	_, err = pool.Exec(cctx, `SELECT pg_sleep(10)`)
	cancel()
	took := time.Since(start)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || took > 3*time.Second {
		return fmt.Errorf("cancelled query: %v after %v", err, took)
	}
	fmt.Println("cancelled query: context deadline exceeded")
	if err := pool.QueryRow(ctx, `SELECT 1`).Scan(new(int)); err != nil {
		return fmt.Errorf("after the cancel: %w", err)
	}

	// A slow query blocks only its goroutine: 20 quick queries finish
	// while it sleeps.
	slowDone := make(chan time.Time, 1)
	go func() {
		pool.Exec(ctx, `SELECT pg_sleep(0.5)`)
		slowDone <- time.Now()
	}()
	time.Sleep(20 * time.Millisecond)
	for range 20 {
		if err := pool.QueryRow(ctx, `SELECT 1`).Scan(new(int)); err != nil {
			return err
		}
	}
	quickDone := time.Now()
	if slow := <-slowDone; !quickDone.Before(slow) {
		return fmt.Errorf("the quick queries waited for the slow one")
	}
	fmt.Println("a slow query blocked only its goroutine")
	return nil
}

var errRollBack = errors.New("roll back")

func name(id int) string { return fmt.Sprintf("item-%04d", id) }
