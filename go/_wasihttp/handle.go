package wasihttp

import (
	"net/http"
	"sync"
	"sync/atomic"
)

var (
	mu       sync.Mutex
	handler_ http.Handler
	started  sync.Once
	ready    = make(chan struct{})
	serving  atomic.Pointer[http.Handler] // handler_ once main is past (see registered)
)

// Handle makes h serve the component's HTTP requests (a nil h serves
// http.DefaultServeMux). Call it from init or from main.
func Handle(h http.Handler) {
	if h == nil {
		h = http.DefaultServeMux
	}
	mu.Lock()
	defer mu.Unlock()
	if handler_ == nil {
		close(ready)
	}
	handler_ = h
	if serving.Load() != nil {
		serving.Store(&h)
	}
}

// HandleFunc makes f serve the component's HTTP requests.
func HandleFunc(f func(http.ResponseWriter, *http.Request)) { Handle(http.HandlerFunc(f)) }

// ListenAndServe is Handle for a program ported from net/http: the host
// decides where requests come from, so addr is ignored, and like
// net/http's it does not return (the goroutine that calls it waits for
// ever). A net/http main whose last line is http.ListenAndServe(addr, h)
// needs only that line changed.
func ListenAndServe(addr string, h http.Handler) error {
	Handle(h)
	select {}
}

// registered is the handler to serve with. Before the first request the
// program's main runs on a goroutine of its own (a component has no other
// moment to run it): requests wait until it has called Handle or
// ListenAndServe, or has returned, in which case http.DefaultServeMux
// serves.
func registered() http.Handler {
	if h := serving.Load(); h != nil {
		return *h
	}
	started.Do(func() {
		mu.Lock()
		have := handler_ != nil
		mu.Unlock()
		if have {
			return
		}
		returned := make(chan struct{})
		go func() {
			runMain()
			close(returned)
		}()
		select {
		case <-ready:
		case <-returned:
			Handle(nil)
		}
	})
	<-ready
	mu.Lock()
	defer mu.Unlock()
	h := handler_
	serving.Store(&h)
	return h
}

// goServe runs serve on a goroutine: one left idle by an earlier request
// if there is one, else a new one. Waking a goroutine costs less than
// starting one, and its stack has already grown to what the handler
// needed: a new goroutine's stack grows, and is copied, while net/http's
// ServeMux matches the route (about 43,000 instructions a request).
func goServe(serve func()) {
	select {
	case serveJobs <- serve:
	default:
		go server(serve)
	}
}

var (
	serveJobs   = make(chan func())
	idleServers atomic.Int32
)

// maxIdleServers bounds the goroutines kept waiting for the next request.
const maxIdleServers = 64

// server runs serve, then those goServe hands it, until enough other
// servers wait.
func server(serve func()) {
	for {
		serve()
		if idleServers.Add(1) > maxIdleServers {
			idleServers.Add(-1)
			return
		}
		serve = <-serveJobs
		idleServers.Add(-1)
	}
}
