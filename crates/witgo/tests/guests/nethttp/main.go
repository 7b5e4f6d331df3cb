// Command nethttp is a net/http program served as a wasi:http/service@0.3.0
// component: routes on a ServeMux with Go 1.22 patterns behind a
// middleware, served by wasihttp.ListenAndServe where a native program
// calls http.ListenAndServe.
package main

import (
	"errors"
	"fmt"
	"net/http"

	"e2e/httproutes"
	"e2e/nethttp/gen/wasi/http/types"
	"e2e/nethttp/gen/witgo/async"
	"e2e/nethttp/gen/witgo/wasihttp"
)

func main() {
	mux := httproutes.Mux(func(err error) bool {
		var code types.ErrorCode
		return errors.As(err, &code)
	})
	// /stats says what the executor holds: after the requests are done,
	// only the task asking.
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%+v", async.ReadStats())
	})
	wasihttp.ListenAndServe(":8080", httproutes.Logged(mux))
}
