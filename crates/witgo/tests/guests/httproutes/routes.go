// Package httproutes is the net/http program the nethttp (WASI 0.3) and
// nethttp2 (WASI 0.2) guests serve: the same routes on both versions of
// wasi:http.
package httproutes

import (
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Mux is the program's routes; isErrorCode reports whether an outbound
// call's error holds the host's wasi:http error-code.
func Mux(isErrorCode func(error) bool) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"q":%q}`, r.PathValue("id"), r.URL.Query().Get("q"))
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := io.Copy(w, r.Body); err != nil {
			fmt.Fprintf(w, "[copy: %v]", err)
		}
		// What the handler writes after the copy comes after all of it.
		io.WriteString(w, r.URL.Query().Get("suffix"))
		// A handler may go on after its response is out (the load test
		// sleeps here: its task's clock wait then races other tasks').
		ms, _ := strconv.Atoi(r.URL.Query().Get("sleep"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
	})
	mux.HandleFunc("GET /request", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "method=%s host=%s uri=%s multi=%s length=%d",
			r.Method, r.Host, r.RequestURI, strings.Join(r.Header.Values("X-Multi"), "|"), r.ContentLength)
	})
	// r.URL as net/http's server would parse it from the request target
	// (wasihttp builds the common ones itself).
	mux.HandleFunc("GET /url/", func(w http.ResponseWriter, r *http.Request) {
		parsed, err := url.ParseRequestURI(r.RequestURI)
		fmt.Fprintf(w, "path=%s query=%s same=%v", r.URL.Path, r.URL.RawQuery, err == nil && reflect.DeepEqual(r.URL, parsed))
	})
	mux.HandleFunc("GET /sleep", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		fmt.Fprintf(w, "slept %dms\n", ms)
	})
	mux.HandleFunc("GET /teapot", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "<html><body>short and stout</body></html>")
	})
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	})
	mux.HandleFunc("GET /flush", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		time.Sleep(400 * time.Millisecond)
		io.WriteString(w, "second\n")
	})
	mux.HandleFunc("GET /big", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		chunk := strings.Repeat("x", 1000) + "\n"
		for i := 0; i < n; i++ {
			io.WriteString(w, chunk)
		}
	})
	mux.HandleFunc("GET /fetch", func(w http.ResponseWriter, r *http.Request) {
		// An outbound call through http.DefaultClient, as a native program makes it.
		client := http.DefaultClient
		if ms, err := strconv.Atoi(r.URL.Query().Get("timeout")); err == nil {
			client = &http.Client{Timeout: time.Duration(ms) * time.Millisecond}
		}
		resp, err := client.Get(r.URL.Query().Get("url"))
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "error: %v (error-code: %v)", err, isErrorCode(err))
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Fprintf(w, "%d %s %s", resp.StatusCode, resp.Header.Get("X-Upstream"), body)
	})
	// /ticks writes a line every 20 ms until its request's context ends;
	// /ticks-ended says how many such requests saw that happen (a client
	// that goes away cancels the context).
	var ticksEnded atomic.Int64
	mux.HandleFunc("GET /ticks", func(w http.ResponseWriter, r *http.Request) {
		for {
			select {
			case <-r.Context().Done():
				ticksEnded.Add(1)
				return
			case <-time.After(20 * time.Millisecond):
				io.WriteString(w, "tick\n")
				w.(http.Flusher).Flush()
			}
		}
	})
	mux.HandleFunc("GET /ticks-ended", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, ticksEnded.Load())
	})
	// /count reads the request body and says how many bytes came and
	// their FNV-1a hash; /bytes?n=N streams N bytes of a fixed pattern;
	// /mem says how much memory the Go runtime has obtained (MemStats.Sys:
	// on wasm it only grows, so this is its peak).
	mux.HandleFunc("POST /count", func(w http.ResponseWriter, r *http.Request) {
		h := fnv.New64a()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%d %x", n, h.Sum64())
	})
	mux.HandleFunc("GET /bytes", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.ParseInt(r.URL.Query().Get("n"), 10, 64)
		chunk := make([]byte, 64<<10)
		for i := range chunk {
			chunk[i] = byte(i % 251)
		}
		for n > 0 {
			m := min(n, int64(len(chunk)))
			if _, err := w.Write(chunk[:m]); err != nil {
				return
			}
			n -= m
		}
	})
	mux.HandleFunc("GET /mem", func(w http.ResponseWriter, r *http.Request) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprint(w, ms.Sys)
	})
	// /log writes a line to stdout (hosts prefix it with the request);
	// /crash panics on a goroutine of its own, which ends the program: the
	// host sees a trap, not a response.
	mux.HandleFunc("GET /log", func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("log:", r.URL.Query().Get("msg"))
		io.WriteString(w, "logged\n")
	})
	mux.HandleFunc("GET /crash", func(w http.ResponseWriter, r *http.Request) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			panic("crash on a goroutine")
		}()
		<-done
	})
	// /trailers reads the request body to its end, then answers with what
	// came (its length and the request's X-Sum trailer) and sends a
	// trailer of its own, X-Count, declared before the body.
	mux.HandleFunc("POST /trailers", func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		w.Header().Set("Trailer", "X-Count")
		fmt.Fprintf(w, "got %d bytes, X-Sum=%q\n", n, r.Trailer.Get("X-Sum"))
		w.(http.Flusher).Flush()
		w.Header().Set("X-Count", strconv.FormatInt(n, 10))
	})
	// /fanout sends n GETs of url at once, each from its own goroutine,
	// and says how many answered 200 and how long all took.
	mux.HandleFunc("GET /fanout", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		url := r.URL.Query().Get("url")
		start := time.Now()
		var ok atomic.Int64
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := http.Get(url)
				if err != nil {
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					ok.Add(1)
				}
			}()
		}
		wg.Wait()
		fmt.Fprintf(w, "%d ok in %d ms", ok.Load(), time.Since(start).Milliseconds())
	})
	return mux
}

// Logged is a middleware: it counts requests in a response header.
func Logged(next http.Handler) http.Handler {
	var served atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served", strconv.FormatInt(served.Add(1), 10))
		next.ServeHTTP(w, r)
	})
}
