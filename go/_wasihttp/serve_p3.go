package wasihttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"witgo/async"
	"witgo/bindings/wasi/http/handler"
	"witgo/bindings/wasi/http/types"
	"witgo/internal/exec"
	"witgo/wit"
)

func init() { handler.Export(service{}) }

// service implements wasi:http/handler@0.3.0 with the registered handler:
// each request runs on a goroutine of its own, and the component answers
// as soon as the handler has written its header (or returned).
type service struct{}

func (service) Handle(ctx context.Context, req *types.Request) (*types.Response, error) {
	h := registered()
	// The request's context is cancelled when the host cancels the call
	// before the response went out, when the client goes away (a body
	// write finds the host's reader gone), or when the handler returns.
	// It outlives the call's own context, which ends once the response
	// is returned while the handler may still be writing the body.
	reqCtx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, cancel)
	r, finishBody, err := newRequest(reqCtx, req)
	if err != nil {
		cancel()
		return nil, types.ErrorCodeHTTPRequestURIInvalid()
	}
	w := newResponseWriter(r)
	w.cancel = cancel
	// The handler may go on writing the body after the response went out:
	// its goroutine stays part of this call's task until it is done.
	release := exec.KeepTask(ctx)
	go func() {
		defer release()
		w.serve(h, r, finishBody)
	}()
	select {
	case resp := <-w.committed:
		stop()
		return resp, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// newRequest is req as net/http's server fills an *http.Request, its body
// streaming from the request's stream; finishBody tells the host the body
// was consumed (or not) once the handler is done.
func newRequest(ctx context.Context, req *types.Request) (*http.Request, func(), error) {
	target, _ := req.GetPathWithQuery()
	if target == "" {
		target = "/"
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		req.Close()
		return nil, nil, err
	}
	r := &http.Request{
		Method:     methodName(req.GetMethod()),
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     http.Header{},
		RequestURI: target,
	}
	if authority, ok := req.GetAuthority(); ok {
		r.Host = authority
	}
	if scheme, ok := req.GetScheme(); ok && scheme.Tag() == types.SchemeTagHTTPS {
		// There is no TLS state to give; RemoteAddr and TLS stay empty, as
		// wasi:http does not pass them.
		u.Scheme = "https"
	}
	fieldsHeader(req.GetHeaders(), r.Header)
	if host := r.Header.Get("Host"); host != "" && r.Host == "" {
		r.Host = host
	}
	r.Header.Del("Host")
	r.ContentLength = -1
	if cl := r.Header.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			r.ContentLength = n
		}
	} else if r.Header.Get("Transfer-Encoding") == "" && (r.Method == "GET" || r.Method == "HEAD") {
		r.ContentLength = 0
	}
	for _, name := range strings.Split(r.Header.Get("Trailer"), ",") {
		if name = strings.TrimSpace(name); name != "" {
			if r.Trailer == nil {
				r.Trailer = http.Header{}
			}
			r.Trailer[http.CanonicalHeaderKey(name)] = nil
		}
	}

	done, doneReader := async.NewFuture[doneResult]()
	stream, trailers := types.RequestConsumeBody(req, doneReader)
	body := &bodyReader{ctx: ctx, r: stream, trailers: trailers, trailer: &r.Trailer}
	if r.ContentLength == 0 {
		r.Body = http.NoBody
	} else {
		r.Body = body
	}
	finish := func() {
		body.Close()
		done.Write(context.Background(), wit.Ok[struct{}, types.ErrorCode](struct{}{}))
	}
	return r.WithContext(ctx), finish, nil
}

func methodName(m types.Method) string {
	if other, ok := m.Other(); ok {
		return other
	}
	return strings.ToUpper(m.Tag().String())
}

// bufferSize is how much of a body the writer holds before it sends the
// header: a handler that writes less and returns gets a Content-Length, as
// from net/http's server.
const bufferSize = 4 << 10

// responseWriter is http.ResponseWriter over a wasi:http response whose
// body is a stream<u8> the handler's writes go to as it makes them.
type responseWriter struct {
	req       *http.Request
	header    http.Header
	status    int
	buf       bytes.Buffer
	committed chan *types.Response // receives the response once, when the header is sent
	sent      bool
	body      *async.StreamWriter[uint8]
	trailers  *async.FutureWriter[trailersResult]
	result    *async.FutureReader[doneResult]
	writeErr  error
	cancel    context.CancelFunc // cancels the request's context
	declared  []string           // trailer names the handler declared before the header went
}

func newResponseWriter(r *http.Request) *responseWriter {
	return &responseWriter{req: r, header: http.Header{}, committed: make(chan *types.Response, 1)}
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code < 200 {
		// Informational responses have no wasi:http form; net/http sends
		// them and waits for the real one, which is what the handler does
		// next.
		return
	}
	w.status = code
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if w.req.Method == "HEAD" {
		return len(p), nil
	}
	if w.writeErr != nil {
		return 0, w.writeErr
	}
	if !w.sent {
		if w.buf.Len()+len(p) <= bufferSize {
			return w.buf.Write(p)
		}
		w.sendHeader(-1)
	}
	return w.writeBody(p)
}

// Flush sends the header and what was written so far now (http.Flusher).
func (w *responseWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.sent {
		w.sendHeader(-1)
	}
}

func (w *responseWriter) writeBody(p []byte) (int, error) {
	n, err := w.body.Write(w.req.Context(), p)
	if err != nil {
		w.writeErr = err
		if errors.Is(err, async.ErrPeerGone) {
			w.cancel()
		}
	}
	return n, err
}

// sendHeader makes the wasi:http response, hands it to the host and writes
// what the buffer holds to its body; length is the Content-Length to set if
// the handler did not (-1: none).
func (w *responseWriter) sendHeader(length int) {
	w.sent = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	h := w.header
	if bodyAllowed(w.status) && h.Get("Content-Type") == "" && w.buf.Len() > 0 && h.Get("Content-Encoding") == "" {
		if _, set := h["Content-Type"]; !set {
			h.Set("Content-Type", http.DetectContentType(w.buf.Bytes()))
		}
	}
	if length >= 0 && h.Get("Content-Length") == "" && h.Get("Transfer-Encoding") == "" && bodyAllowed(w.status) {
		h.Set("Content-Length", strconv.Itoa(length))
	}
	for _, v := range h["Trailer"] {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				w.declared = append(w.declared, http.CanonicalHeaderKey(name))
			}
		}
	}
	fields := headerFields(h, func(name string) bool {
		return name == "Trailer" || strings.HasPrefix(name, http.TrailerPrefix)
	})
	var contents wit.Option[*async.StreamReader[uint8]]
	var bodyReader *async.StreamReader[uint8]
	if bodyAllowed(w.status) && w.req.Method != "HEAD" {
		w.body, bodyReader = async.NewStream[uint8]()
		contents = wit.Some(bodyReader)
	}
	var trailersReader *async.FutureReader[trailersResult]
	w.trailers, trailersReader = async.NewFuture[trailersResult]()
	resp, result := types.ResponseNew(fields, contents, trailersReader)
	w.result = result
	resp.SetStatusCode(types.StatusCode(w.status))
	w.committed <- resp
	if w.buf.Len() > 0 && w.body != nil {
		w.writeBody(w.buf.Bytes())
	}
	w.buf = bytes.Buffer{}
}

// finish ends the response after the handler returned: the header if it
// was not sent yet, the body's end, and the trailers.
func (w *responseWriter) finish() {
	if !w.sent {
		w.sendHeader(w.buf.Len())
	}
	if w.body != nil {
		w.body.Close()
	}
	var trailers wit.Option[*types.Fields]
	if t := w.trailerFields(); t != nil {
		trailers = wit.Some(t)
	}
	w.trailers.Write(context.Background(), wit.Ok[wit.Option[*types.Fields], types.ErrorCode](trailers))
}

// trailerFields are the trailers the handler set: the names it declared in
// the Trailer header, and those with http.TrailerPrefix.
func (w *responseWriter) trailerFields() *types.Fields {
	trailers := http.Header{}
	for _, name := range w.declared {
		if values := w.header[name]; len(values) > 0 {
			trailers[name] = values
		}
	}
	for name, values := range w.header {
		if strings.HasPrefix(name, http.TrailerPrefix) && len(values) > 0 {
			trailers[strings.TrimPrefix(name, http.TrailerPrefix)] = values
		}
	}
	if len(trailers) == 0 {
		return nil
	}
	return headerFields(trailers, nil)
}

// abort ends a response whose handler panicked after sending the header:
// the body ends with an error, so the client sees it cut short.
func (w *responseWriter) abort() {
	if w.body != nil {
		w.body.Close()
	}
	w.trailers.Write(context.Background(), wit.Err[wit.Option[*types.Fields], types.ErrorCode](
		types.ErrorCodeInternalError(wit.Some("handler panicked"))))
}

// awaitResult waits for the host to say how sending the response went.
// The host's answer waits for the request's own end (finishBody), so that
// must come first, or neither ever completes.
func (w *responseWriter) awaitResult() {
	if w.result != nil {
		w.result.Read(context.Background())
	}
}

// serve runs h for r. A panic answers 500 if the header was not sent yet
// (and cuts the body short if it was), is logged as net/http's server logs
// it, and the component goes on serving.
func (w *responseWriter) serve(h http.Handler, r *http.Request, finishBody func()) {
	defer w.cancel()
	defer func() {
		finishBody()
		w.awaitResult()
	}()
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				fmt.Fprintf(os.Stderr, "http: panic serving %s: %v\n%s", r.URL.Path, v, debug.Stack())
			}
			if w.sent {
				w.abort()
				return
			}
			w.header = http.Header{}
			w.status = http.StatusInternalServerError
			w.buf.Reset()
			w.declared = nil
			w.finish()
			return
		}
		w.finish()
	}()
	h.ServeHTTP(w, r)
}

func bodyAllowed(status int) bool {
	return !(status >= 100 && status <= 199) && status != http.StatusNoContent && status != http.StatusNotModified
}

var (
	mu       sync.Mutex
	handler_ http.Handler
	started  sync.Once
	ready    = make(chan struct{})
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
	return handler_
}
