package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// `witgo test` runs this inside a component; net/http/httptest drives the
// handler as the host's requests do.
func TestHello(t *testing.T) {
	rec := httptest.NewRecorder()
	routes().ServeHTTP(rec, httptest.NewRequest("GET", "/hello/Gopher", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if got, want := rec.Body.String(), `{"greeting":"Hello, Gopher!"}`+"\n"; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}
