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
