// Command httpapi is a small JSON API written with net/http and nothing
// else: Go 1.22 ServeMux patterns, a logging middleware, a streaming
// endpoint and an outbound call through http.Client. Built with witgo, it
// is a wasi:http component; the only line that differs from a native
// server is wasihttp.ListenAndServe.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"sync"
	"time"

	"example.com/httpapi/gen/witgo/wasihttp"
)

// Item is what the API stores.
type Item struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// store keeps the items of one component instance in memory.
type store struct {
	mu    sync.Mutex
	items map[int]Item
	next  int
}

func main() {
	s := &store{items: map[int]Item{}, next: 1}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items", s.list)
	mux.HandleFunc("GET /items/{id}", s.get)
	mux.HandleFunc("POST /items", s.create)
	mux.HandleFunc("GET /count", countdown)
	mux.HandleFunc("GET /fetch", fetch)
	wasihttp.ListenAndServe(":8080", logging(mux)) // natively: http.ListenAndServe
}

func (s *store) list(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	items := make([]Item, 0, len(s.items))
	for id := 1; id < s.next; id++ {
		if it, ok := s.items[id]; ok {
			items = append(items, it)
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, items)
}

func (s *store) get(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "id must be a number"})
		return
	}
	s.mu.Lock()
	it, ok := s.items[id]
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such item"})
		return
	}
	writeJSON(w, http.StatusOK, it)
}

func (s *store) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || in.Name == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": `send {"name": "..."}`})
		return
	}
	s.mu.Lock()
	it := Item{ID: s.next, Name: in.Name}
	s.items[it.ID] = it
	s.next++
	s.mu.Unlock()
	w.Header().Set("Location", fmt.Sprintf("/items/%d", it.ID))
	writeJSON(w, http.StatusCreated, it)
}

// countdown streams one line every 100 ms: each goes out as it is
// written (Flush), while the handler sleeps between them.
func countdown(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("from"))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	for i := n; i > 0; i-- {
		fmt.Fprintf(w, "%d\n", i)
		w.(http.Flusher).Flush()
		select {
		case <-time.After(100 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
	}
	fmt.Fprintln(w, "liftoff")
}

// fetch calls another service with http.Client and reports what came back.
func fetch(w http.ResponseWriter, r *http.Request) {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(r.URL.Query().Get("url"))
	if err != nil {
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": err.Error()})
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": resp.StatusCode, "bytes": len(body)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// logging logs each request's method, path, status and duration.
func logging(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		log.Printf("%s %s %d %s", r.Method, r.URL.Path, rec.status, time.Since(start).Round(time.Microsecond))
	})
}

// statusRecorder remembers the status a handler wrote; Flush and Unwrap
// keep http.Flusher and http.ResponseController working through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Flush() { r.ResponseWriter.(http.Flusher).Flush() }

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
