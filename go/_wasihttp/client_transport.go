package wasihttp

import "net/http"

// init makes the host's wasi:http client the transport of http.Get,
// http.DefaultClient and every http.Client without a Transport of its own.
func init() { http.DefaultTransport = &Transport{} }

// Transport is an http.RoundTripper that sends requests through the host's
// wasi:http client (wasi:http/client@0.3.0, or outgoing-handler@0.2.x).
// Only the calling goroutine waits for the response, and bodies stream
// both ways. Cancelling the request's context (http.Client.Timeout does)
// cancels the call (0.3) or drops the pending response (0.2), and stops
// reading the body. An error from the host is a types.ErrorCode, which
// http.Client wraps in a *url.Error: errors.As reaches it.
type Transport struct{}
