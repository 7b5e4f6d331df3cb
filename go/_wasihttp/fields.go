package wasihttp

import (
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"unsafe"

	"witgo/bindings/wasi/http/types"
	"witgo/wit"
)

// This file compiles against the types of wasi:http 0.3 and of 0.2, which
// spell these alike.

// headerFields is h as wasi:http fields, names lowercased, made in one
// call to the host, with the extra fields added. If the host refuses the
// list (a forbidden header such as Host, or a field it cannot carry), the
// fields are set one name at a time instead and the refused ones left out,
// as net/http leaves out what it must not send.
func headerFields(h http.Header, extra extraFields) *types.Fields {
	// The list only lives through the call (the lowering copies it), so
	// a short one stays on the stack.
	var short [8]fieldEntry
	entries := short[:0]
	for name, values := range h {
		entries = appendField(entries, name, values)
	}
	return fieldsFromList(appendExtra(entries, extra))
}

// fieldEntry is one field as wasi:http lists it: a lowercase name and a
// value.
type fieldEntry = wit.Tuple2[string, []byte]

// appendField appends the values of the header key name to entries.
func appendField(entries []fieldEntry, name string, values []string) []fieldEntry {
	lower := lowerName(name)
	for _, v := range values {
		entries = append(entries, fieldEntry{F0: lower, F1: stringBytes(v)})
	}
	return entries
}

// appendExtra appends the extra fields that are set to entries.
func appendExtra(entries []fieldEntry, extra extraFields) []fieldEntry {
	if extra.contentType != "" {
		entries = append(entries, fieldEntry{F0: "content-type", F1: stringBytes(extra.contentType)})
	}
	if extra.contentLength != "" {
		entries = append(entries, fieldEntry{F0: "content-length", F1: stringBytes(extra.contentLength)})
	}
	return entries
}

// fieldsFromList is entries (a name's values next to each other) as
// wasi:http fields, made in one call to the host, or, if the host refuses
// the list, one name at a time with the refused ones left out.
func fieldsFromList(entries []fieldEntry) *types.Fields {
	if f, err := types.FieldsFromList(entries); err == nil {
		return f
	}
	f := types.NewFields()
	for i := 0; i < len(entries); {
		// A name's values are next to each other.
		name := entries[i].F0
		var values [][]byte
		for ; i < len(entries) && entries[i].F0 == name; i++ {
			values = append(values, entries[i].F1)
		}
		f.Set(name, values)
	}
	return f
}

// extraFields are fields a message goes out with besides its Header:
// those net/http adds on the wire without putting them into the Header (a
// sniffed Content-Type, the Content-Length of a body whose size is known).
// Empty ones are left out.
type extraFields struct {
	contentType   string
	contentLength string
}

// stringBytes is s's bytes without a copy, for the host to read (a
// lowered argument is only read).
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// addFields adds the fields the host gave (names in any case, usually
// lower) to h under their canonical keys, as h.Add would, and returns the
// first values of the fields a request's reader asks about. The values of
// all of them share one backing array, as net/textproto's reader does:
// one allocation where appending to each key made one per field. Each
// value is a string over the bytes the host wrote, without a copy: they
// are fresh memory nothing else refers to or changes.
func addFields(h http.Header, fields []wit.Tuple2[string, []byte]) (seen seenFields) {
	values := make([]string, len(fields))
	for i, kv := range fields {
		key := canonicalName(kv.F0)
		values[i] = unsafe.String(unsafe.SliceData(kv.F1), len(kv.F1))
		if have := h[key]; have != nil {
			h[key] = append(have, values[i])
			continue
		}
		h[key] = values[i : i+1 : i+1]
		switch key {
		case "Host":
			seen.host, seen.hasHost = values[i], true
		case "Content-Length":
			seen.contentLength = values[i]
		case "Transfer-Encoding":
			seen.transferEncoding = values[i]
		case "Trailer":
			seen.trailer = values[i]
		}
	}
	return seen
}

// seenFields are the first values of fields that addFields added, as
// get would find them in the header: empty if absent.
type seenFields struct {
	host, contentLength, transferEncoding, trailer string
	hasHost                                        bool
}

// commonNames are the header names most requests and responses carry,
// canonical and lowercase: their conversions then allocate nothing
// (strings.ToLower and textproto.CanonicalMIMEHeaderKey build a new
// string for every field of every message).
var commonNames = [...]struct{ canonical, lower string }{
	{"Host", "host"},
	{"User-Agent", "user-agent"},
	{"Accept", "accept"},
	{"Content-Type", "content-type"},
	{"Content-Length", "content-length"},
	{"Accept-Encoding", "accept-encoding"},
	{"Accept-Language", "accept-language"},
	{"Connection", "connection"},
	{"Authorization", "authorization"},
	{"Cookie", "cookie"},
	{"Set-Cookie", "set-cookie"},
	{"Cache-Control", "cache-control"},
	{"Content-Encoding", "content-encoding"},
	{"Date", "date"},
	{"Etag", "etag"},
	{"Last-Modified", "last-modified"},
	{"Location", "location"},
	{"Origin", "origin"},
	{"Referer", "referer"},
	{"Server", "server"},
	{"Trailer", "trailer"},
	{"Transfer-Encoding", "transfer-encoding"},
	{"Vary", "vary"},
	{"X-Forwarded-For", "x-forwarded-for"},
	{"X-Request-Id", "x-request-id"},
}

// lowerName is a header name as wasi:http fields spell it.
func lowerName(name string) string {
	for i := range commonNames {
		if commonNames[i].canonical == name {
			return commonNames[i].lower
		}
	}
	return strings.ToLower(name)
}

// canonicalName is a header name as http.Header keys it.
func canonicalName(name string) string {
	for i := range commonNames {
		if commonNames[i].lower == name {
			return commonNames[i].canonical
		}
	}
	return textproto.CanonicalMIMEHeaderKey(name)
}

func methodName(m types.Method) string {
	// net/http's constants: strings.ToUpper of the case's name would
	// build a string for every request.
	switch m.Tag() {
	case types.MethodTagGet:
		return http.MethodGet
	case types.MethodTagHead:
		return http.MethodHead
	case types.MethodTagPost:
		return http.MethodPost
	case types.MethodTagPut:
		return http.MethodPut
	case types.MethodTagDelete:
		return http.MethodDelete
	case types.MethodTagConnect:
		return http.MethodConnect
	case types.MethodTagOptions:
		return http.MethodOptions
	case types.MethodTagTrace:
		return http.MethodTrace
	case types.MethodTagPatch:
		return http.MethodPatch
	}
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
	var extra extraFields
	if req.ContentLength > 0 && get(req.Header, "Content-Length") == "" {
		extra.contentLength = strconv.FormatInt(req.ContentLength, 10)
	}
	headers := headerFields(req.Header, extra)
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

// get is h.Get(key) for a key already canonical, as the constants this
// package asks for are: without canonicalising the key again.
func get(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// contentLength is h's Content-Length, or -1 when it has none that parses.
func contentLength(h http.Header) int64 {
	return parseContentLength(get(h, "Content-Length"))
}

// parseContentLength is a Content-Length value's length, or -1 when it
// does not parse.
func parseContentLength(cl string) int64 {
	if cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			return n
		}
	}
	return -1
}
