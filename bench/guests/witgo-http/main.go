// The witgo contender of the HTTP benchmarks: a net/http program served
// through witgo/wasihttp. bench/guests/native-http is the same program
// on a real socket, for the reference line.
package main

import (
	"io"
	"net/http"

	"bench/witgohttp/gen/witgo/wasihttp"
)

func main() {
	wasihttp.ListenAndServe(":8080", routes())
}

func routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "hello\n")
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.Copy(w, r.Body)
	})
	return mux
}
