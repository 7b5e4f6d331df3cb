// Command {{name}} is a net/http service built into a WASI 0.3 component.
// It is written as a native Go service is; only the last line of main
// differs (wasihttp.ListenAndServe instead of http.ListenAndServe).
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"time"

	"{{module}}/gen/witgo/wasihttp"
)

func main() {
	log.Fatal(wasihttp.ListenAndServe(":8080", routes()))
}

// routes is the service's handler.
func routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello/{name}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"greeting": "Hello, " + r.PathValue("name") + "!"})
	})
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		// Requests run concurrently: a sleeping handler blocks only itself.
		time.Sleep(100 * time.Millisecond)
		w.Write([]byte("done\n"))
	})
	return mux
}
