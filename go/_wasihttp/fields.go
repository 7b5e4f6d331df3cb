package wasihttp

import (
	"net/http"
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
