// Command nethttp2 is the nethttp guest's net/http program served as a
// wasi:http/proxy@0.2.12 component: the same routes on WASI 0.2.
package main

import (
	"errors"

	"e2e/httproutes"
	"e2e/nethttp2/gen/wasi/http/types"
	"e2e/nethttp2/gen/witgo/wasihttp"
)

func main() {
	mux := httproutes.Mux(func(err error) bool {
		var code types.ErrorCode
		return errors.As(err, &code)
	})
	wasihttp.ListenAndServe(":8080", httproutes.Logged(mux))
}
