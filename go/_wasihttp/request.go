package wasihttp

import (
	"net/http"
	"net/url"
	"strings"
)

// serverRequest is an *http.Request as net/http's server fills it, from
// what wasi:http (0.3 or 0.2) gives of an incoming request; the caller
// adds the body and the context.
func serverRequest(method, target, authority string, https bool, header http.Header) (*http.Request, error) {
	if target == "" {
		target = "/"
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, err
	}
	r := &http.Request{
		Method:     method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     header,
		RequestURI: target,
		Host:       authority,
	}
	if https {
		// There is no TLS state to give; RemoteAddr and TLS stay empty, as
		// wasi:http does not pass them.
		u.Scheme = "https"
	}
	if host := get(r.Header, "Host"); host != "" && r.Host == "" {
		r.Host = host
	}
	delete(r.Header, "Host")
	r.ContentLength = contentLength(r.Header)
	if r.ContentLength < 0 && get(r.Header, "Content-Length") == "" && get(r.Header, "Transfer-Encoding") == "" &&
		(r.Method == "GET" || r.Method == "HEAD") {
		r.ContentLength = 0
	}
	if declared := get(r.Header, "Trailer"); declared != "" {
		for _, name := range strings.Split(declared, ",") {
			if name = strings.TrimSpace(name); name != "" {
				if r.Trailer == nil {
					r.Trailer = http.Header{}
				}
				r.Trailer[http.CanonicalHeaderKey(name)] = nil
			}
		}
	}
	return r, nil
}
