package wasihttp

import (
	"net/http"
	"strconv"
	"strings"

	"witgo/bindings/wasi/http/types"
)

// This file compiles against the types of wasi:http 0.3 and of 0.2, which
// spell these alike.

// headerFields is h as wasi:http fields, names lowercased; skip leaves a
// name out. A field the host refuses (a forbidden header such as Host, or
// one it cannot carry) is left out, as net/http leaves out what it must
// not send.
func headerFields(h http.Header, skip func(name string) bool) *types.Fields {
	f := types.NewFields()
	for name, values := range h {
		if skip != nil && skip(name) {
			continue
		}
		vs := make([][]byte, len(values))
		for i, v := range values {
			vs[i] = []byte(v)
		}
		f.Set(strings.ToLower(name), vs)
	}
	return f
}

func methodName(m types.Method) string {
	if other, ok := m.Other(); ok {
		return other
	}
	return strings.ToUpper(m.Tag().String())
}

// method is m as a wasi:http method.
func method(m string) types.Method {
	switch strings.ToUpper(m) {
	case "", "GET":
		return types.MethodGet()
	case "HEAD":
		return types.MethodHead()
	case "POST":
		return types.MethodPost()
	case "PUT":
		return types.MethodPut()
	case "DELETE":
		return types.MethodDelete()
	case "CONNECT":
		return types.MethodConnect()
	case "OPTIONS":
		return types.MethodOptions()
	case "TRACE":
		return types.MethodTrace()
	case "PATCH":
		return types.MethodPatch()
	}
	return types.MethodOther(m)
}

// outgoing is what a wasi:http request sent for req carries besides its
// body: headers (with Content-Length when req knows it), method, scheme,
// authority and path with query.
type outgoing struct {
	headers   *types.Fields
	method    types.Method
	scheme    types.Scheme
	authority string
	path      string
}

func outgoingParts(req *http.Request) outgoing {
	headers := headerFields(req.Header, nil)
	if req.ContentLength > 0 && req.Header.Get("Content-Length") == "" {
		headers.Set("content-length", [][]byte{[]byte(strconv.FormatInt(req.ContentLength, 10))})
	}
	scheme := types.SchemeHTTP()
	switch req.URL.Scheme {
	case "https":
		scheme = types.SchemeHTTPS()
	case "http", "":
	default:
		scheme = types.SchemeOther(req.URL.Scheme)
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	return outgoing{headers, method(req.Method), scheme, host, req.URL.RequestURI()}
}

// clientResponse is the *http.Response to req that a Transport returns,
// before its header and body are filled in.
func clientResponse(req *http.Request, code int) *http.Response {
	return &http.Response{
		Status:        strconv.Itoa(code) + " " + http.StatusText(code),
		StatusCode:    code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{},
		ContentLength: -1,
		Request:       req,
	}
}

// contentLength is h's Content-Length, or -1 when it has none that parses.
func contentLength(h http.Header) int64 {
	if cl := h.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			return n
		}
	}
	return -1
}
