// Package wasihttp serves a component's wasi:http requests with net/http's
// http.Handler, and sends its outbound requests through the host with
// net/http's http.Client.
//
// A component whose world exports wasi:http/handler@0.3.0 (for example by
// including wasi:http/service@0.3.0) or wasi:http/incoming-handler@0.2.x
// (including wasi:http/proxy@0.2.12) serves with the handler given to
// Handle, or, if the program never calls it, with http.DefaultServeMux:
//
//	func main() {
//		mux := http.NewServeMux()
//		mux.HandleFunc("GET /items/{id}", getItem)
//		wasihttp.ListenAndServe(":8080", mux) // was: http.ListenAndServe
//	}
//
// Before the first request the program's main runs, on a goroutine of its
// own; requests wait until it has called Handle or ListenAndServe, or has
// returned. Handle may also be called from init.
//
// Each request runs on its own goroutine, and many run at once: a handler
// that sleeps or waits for an outbound call blocks only itself. The
// request's body streams from the host as the handler reads it, and what
// the handler writes streams to the host as it writes: the header and the
// first bytes go out once the handler has written more than 4 KiB, calls
// Flush (the writer is an http.Flusher), or returns; a handler that
// returns having written less gets a Content-Length. Trailers work as in
// net/http (declared in the Trailer header, or with http.TrailerPrefix).
// The request's context is cancelled when the host cancels the request, or
// when the handler returns. A handler that panics before the header was
// sent answers 500; after, the body ends with an error. Either way the
// panic is logged to stderr and the component goes on serving.
//
// On WASI 0.2 a host makes an instance per request, the handler runs on
// the export's goroutine and the call returns once the whole response has
// gone; bodies are wasi:io streams, and goroutines that wait for the host
// wait on pollables, which one goroutine polls in 2 ms slices while the
// others run between them.
//
// A component whose world imports wasi:http/client@0.3.0 (or
// wasi:http/outgoing-handler@0.2.x) gets Transport,
// an http.RoundTripper over it, as http.DefaultTransport (set by this
// package's init): http.Get, http.DefaultClient and any http.Client
// without a Transport of its own send through the host, redirects,
// cookies and timeouts included. Only the calling goroutine waits.
//
// A program that implements wasi:http/handler on the generated bindings
// instead registers its implementation with the handler package's Export
// from init, which replaces this package's.
//
// wasi:http does not pass the client's address or TLS state: RemoteAddr
// and TLS stay empty. Hijacking and HTTP/2 server push are not supported.
package wasihttp
