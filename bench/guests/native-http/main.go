// The reference line of the HTTP benchmarks: the witgo contender's
// net/http routes (bench/guests/witgo-http) on a native socket. It
// listens on the address given as its argument and prints it once ready.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func main() {
	ln, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "hello\n")
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		// HTTP/1.1 handlers that write while they read need full duplex
		// (witgo/wasihttp streams both ways as it is).
		http.NewResponseController(w).EnableFullDuplex()
		io.Copy(w, r.Body)
	})
	http.Serve(ln, mux)
}
