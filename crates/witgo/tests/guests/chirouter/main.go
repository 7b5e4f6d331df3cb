// Command chirouter serves a chi router (github.com/go-chi/chi/v5) as a
// wasi:http/service@0.3.0 component, unchanged from how it runs natively:
// URL parameters, a route group with its own middleware, chi's own
// middleware (RequestID, Recoverer), and chi's 404 and 405 answers.
package main

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"e2e/chirouter/gen/witgo/wasihttp"
)

func main() {
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(middleware.Recoverer)
	r.Get("/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "user %s (request id set: %t)", chi.URLParam(r, "id"), middleware.GetReqID(r.Context()) != "")
	})
	r.Route("/admin", func(r chi.Router) {
		r.Use(func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Admin") != "yes" {
					http.Error(w, "forbidden", http.StatusForbidden)
					return
				}
				next.ServeHTTP(w, r)
			})
		})
		r.Post("/items/{name:[a-z]+}", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, "created %s", chi.URLParam(r, "name"))
		})
	})
	r.Get("/boom", func(w http.ResponseWriter, r *http.Request) {
		panic("chi recovers this")
	})
	wasihttp.ListenAndServe(":8080", r)
}
