// Command notes is a JSON API over a PostgreSQL table, written as a native
// Go service is, built into a WebAssembly component. Two lines differ from
// a native server: pgx dials through wasinet (wasi:sockets), and main ends
// in wasihttp.ListenAndServe.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/notes/gen/witgo/wasihttp"
	"example.com/notes/gen/witgo/wasinet"
)

func main() {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		log.Fatal("DATABASE_URL is not set: give it to the host (witgo serve --env DATABASE_URL=postgres://...)")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		log.Fatalf("DATABASE_URL: %v", err)
	}
	cfg.ConnConfig.DialFunc = wasinet.DialContext // the database over wasi:sockets
	cfg.ConnConfig.LookupFunc = wasinet.DefaultResolver.LookupHost
	db, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := db.Exec(ctx, `CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, text text NOT NULL)`); err != nil {
		log.Fatalf("creating the notes table: %v", err)
	}
	log.Fatal(wasihttp.ListenAndServe(":8080", routes(db)))
}

// note is a row of the notes table, as JSON.
type note struct {
	ID   int    `json:"id"`
	Text string `json:"text"`
}

// routes is the API: create, list, get and delete notes.
func routes(db *pgxpool.Pool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /notes", func(w http.ResponseWriter, r *http.Request) {
		var n note
		if err := json.NewDecoder(r.Body).Decode(&n); err != nil || n.Text == "" {
			http.Error(w, `want {"text": "..."}`, http.StatusBadRequest)
			return
		}
		err := db.QueryRow(r.Context(), `INSERT INTO notes (text) VALUES ($1) RETURNING id`, n.Text).Scan(&n.ID)
		if err != nil {
			serverError(w, err)
			return
		}
		w.Header().Set("Location", "/notes/"+strconv.Itoa(n.ID))
		writeJSON(w, http.StatusCreated, n)
	})
	mux.HandleFunc("GET /notes", func(w http.ResponseWriter, r *http.Request) {
		rows, err := db.Query(r.Context(), `SELECT id, text FROM notes ORDER BY id`)
		if err != nil {
			serverError(w, err)
			return
		}
		notes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[note])
		if err != nil {
			serverError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, notes)
	})
	mux.HandleFunc("GET /notes/{id}", func(w http.ResponseWriter, r *http.Request) {
		var n note
		err := db.QueryRow(r.Context(), `SELECT id, text FROM notes WHERE id = $1`, r.PathValue("id")).Scan(&n.ID, &n.Text)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			http.NotFound(w, r)
		case err != nil:
			serverError(w, err)
		default:
			writeJSON(w, http.StatusOK, n)
		}
	})
	mux.HandleFunc("DELETE /notes/{id}", func(w http.ResponseWriter, r *http.Request) {
		tag, err := db.Exec(r.Context(), `DELETE FROM notes WHERE id = $1`, r.PathValue("id"))
		switch {
		case err != nil:
			serverError(w, err)
		case tag.RowsAffected() == 0:
			http.NotFound(w, r)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func serverError(w http.ResponseWriter, err error) {
	log.Printf("database: %v", err)
	http.Error(w, "database error", http.StatusInternalServerError)
}
