package wasihttp

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// serverRequest is an *http.Request as net/http's server fills it, from
// what wasi:http (0.3 or 0.2) gives of an incoming request (seen is what
// filling header saw), with ctx as its context and its URL in into unless
// the parser makes it; the caller adds the body.
func serverRequest(ctx context.Context, method, target, authority string, https bool, header http.Header, seen seenFields, into *url.URL) (*http.Request, error) {
	if target == "" {
		target = "/"
	}
	u, err := requestURL(target, into)
	if err != nil {
		return nil, err
	}
	// Filled here, on the stack, and copied once by WithContext: an
	// *http.Request made first would be garbage as soon as it was copied.
	r := http.Request{
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
	if seen.hasHost {
		if r.Host == "" {
			r.Host = seen.host
		}
		delete(header, "Host")
	}
	r.ContentLength = parseContentLength(seen.contentLength)
	if r.ContentLength < 0 && seen.contentLength == "" && seen.transferEncoding == "" &&
		(r.Method == "GET" || r.Method == "HEAD") {
		r.ContentLength = 0
	}
	if seen.trailer != "" {
		for _, name := range strings.Split(seen.trailer, ",") {
			if name = strings.TrimSpace(name); name != "" {
				if r.Trailer == nil {
					r.Trailer = http.Header{}
				}
				r.Trailer[http.CanonicalHeaderKey(name)] = nil
			}
		}
	}
	return r.WithContext(ctx), nil
}

// requestURL is url.ParseRequestURI(target), built directly in into when
// the path is made only of characters that neither unescape nor escape
// (most paths): the parser's passes over it cost a request more than the
// rest of its URL handling. Any other target goes to the parser.
func requestURL(target string, into *url.URL) (*url.URL, error) {
	path, query, hasQuery := strings.Cut(target, "?")
	if len(path) == 0 || path[0] != '/' || !plainPath(path) || hasCTL(query) {
		return url.ParseRequestURI(target)
	}
	// "/p?" keeps its empty query (ForceQuery), as the parser does; in
	// "/p??" the query is "?".
	*into = url.URL{Path: path, RawQuery: query, ForceQuery: hasQuery && query == ""}
	return into, nil
}

// plainPath reports whether every byte of path is one that url's path
// escaping leaves alone and unescaping does not change: letters, digits
// and -._~$&+,/:;=@ (no %).
func plainPath(path string) bool {
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~$&+,/:;=@", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// hasCTL reports whether s has an ASCII control byte, which the parser
// refuses anywhere in a URL.
func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
}
