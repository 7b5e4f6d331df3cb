package wasihttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
)

// A sink is where a response goes: a wasi:http 0.3 response (sink_p3) or
// a 0.2 response-outparam (sink_p2). The responseWriter calls open once,
// then write and flush, then close or abort.
type sink interface {
	// open hands the status and the header's fields (a name's values next
	// to each other) to the host; withBody says whether a body follows.
	open(status int, fields []fieldEntry, withBody bool)
	// write sends p on, waiting for the host to take it; errPeerGone means
	// the client went away.
	write(ctx context.Context, p []byte) (int, error)
	// send is write for a p the sink may keep until it calls done(arg):
	// it need not wait for the host to take p. On an error it keeps
	// nothing and does not call done.
	send(ctx context.Context, p []byte, done func(any), arg any) error
	// flush pushes what was written out now.
	flush(ctx context.Context)
	// close sends last, the rest of the body, and ends the body, with
	// trailers if any; it need not wait for the host to take them.
	close(last []byte, trailers http.Header)
	// abort ends the body with an error: the client sees it cut short.
	abort()
	// done ends what the sink holds once the handler and the request are
	// done with.
	done()
}

// canceler cancels a request's context: an *exec.CancelContext kept with
// the request (0.3), or context.WithCancel's function (0.2).
type canceler interface{ Cancel() }

// cancelFunc is a context.CancelFunc as a canceler.
type cancelFunc context.CancelFunc

func (f cancelFunc) Cancel() { f() }

// errPeerGone is what a sink's write returns when the host's reader is
// gone (the client went away).
var errPeerGone = errors.New("wasihttp: the client went away")

// bufferSize is how much of a body the writer holds before it sends the
// header: a handler that writes less and returns gets a Content-Length, as
// from net/http's server.
const bufferSize = 4 << 10

// responseWriter is http.ResponseWriter over a sink; the body goes to the
// host as the handler writes it.
type responseWriter struct {
	req      *http.Request
	out      sink
	header   http.Header
	status   int
	buf      bytes.Buffer // the body held back until the header goes
	small    [64]byte     // buf's first storage: short bodies allocate none
	sent     bool
	withBody bool
	writeErr error
	cancel   canceler      // cancels the request's context
	declared []string      // trailer names the handler declared before the header went
	fields   [8]fieldEntry // the first storage of the fields sendHeader lists
}

func newResponseWriter(r *http.Request, out sink, cancel canceler) *responseWriter {
	w := new(responseWriter)
	w.init(r, out, cancel)
	return w
}

// init readies a zero responseWriter (one that is part of a larger
// allocation: see serve_p3.go).
func (w *responseWriter) init(r *http.Request, out sink, cancel canceler) {
	w.req, w.out, w.header, w.cancel = r, out, http.Header{}, cancel
	w.buf = *bytes.NewBuffer(w.small[:0])
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
		w.sendHeader(-1, false)
	}
	return w.writeBody(p)
}

// WriteString is Write for a string, without converting it to a []byte
// (io.WriteString calls it, as net/http's writer has it too).
func (w *responseWriter) WriteString(s string) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.buffers(len(s)) {
		return w.buf.WriteString(s)
	}
	// A write the host reads before Write returns: no copy needed.
	return w.Write(stringBytes(s))
}

// ReadFrom copies src to the body (io.ReaderFrom, which io.Copy uses
// instead of allocating a 32 KiB buffer of its own; net/http's writer has
// it too) through a pooled buffer of copyBufferSize bytes: a copy
// allocates nothing, and each read from src goes to the host in one write.
func (w *responseWriter) ReadFrom(src io.Reader) (n int64, err error) {
	if wt, ok := src.(io.WriterTo); ok {
		return wt.WriteTo(writerOnly{w})
	}
	buf := copyBuffers.Get().(*[]byte)
	n, lent, err := w.copyFrom(src, *buf, buf)
	if !lent {
		copyBuffers.Put(buf)
	}
	return n, err
}

// copyFrom is ReadFrom's loop (io.CopyBuffer's, written out: handing it w
// behind writerOnly, to hide ReadFrom from it, would box w in an
// allocation). The last read of a request body of known length goes to
// the sink without waiting for the host to take it: lent reports that buf
// went with it, to come back to the pool once the host took it.
func (w *responseWriter) copyFrom(src io.Reader, buf []byte, pooled *[]byte) (n int64, lent bool, err error) {
	for {
		nr, er := src.Read(buf)
		if nr > 0 && er == nil && bodyAtEnd(src) {
			sent, ew := w.writeLent(buf[:nr], putCopyBuffer, pooled)
			if sent {
				if ew != nil {
					return n, false, ew
				}
				n += int64(nr)
				// The body's end, which needs no buffer: it fills the
				// request's Trailer, if it has one.
				if _, er := src.Read(nil); er != io.EOF {
					return n, true, er
				}
				return n, true, nil
			}
		}
		if nr > 0 {
			nw, ew := w.Write(buf[:nr])
			if nw < 0 || nr < nw {
				nw = 0
				if ew == nil {
					ew = errInvalidWrite
				}
			}
			n += int64(nw)
			if ew != nil {
				return n, false, ew
			}
			if nr != nw {
				return n, false, io.ErrShortWrite
			}
		}
		if er != nil {
			if er == io.EOF {
				return n, false, nil
			}
			return n, false, er
		}
	}
}

// writeLent is Write for a p the sink may keep until it calls done(arg),
// when the write goes to the sink now; sent is false (and nothing
// happened) when Write would hold p back or drop it instead.
func (w *responseWriter) writeLent(p []byte, done func(any), arg any) (sent bool, err error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.bodyGoesOut() || w.buffers(len(p)) {
		return false, nil
	}
	if !w.sent {
		w.sendHeader(-1, false)
		if w.writeErr != nil {
			return false, nil
		}
	}
	if err := w.out.send(w.req.Context(), p, done, arg); err != nil {
		w.failed(err)
		return true, err
	}
	return true, nil
}

// bodyGoesOut reports whether a write's bytes go out at all: the status
// allows a body, the request is no HEAD, and no write has failed.
func (w *responseWriter) bodyGoesOut() bool {
	return bodyAllowed(w.status) && w.req.Method != "HEAD" && w.writeErr == nil
}

// buffers reports whether a write of n bytes goes into the buffer: the
// header is not out yet, and the buffer takes n more bytes.
func (w *responseWriter) buffers(n int) bool {
	return !w.sent && w.bodyGoesOut() && w.buf.Len()+n <= bufferSize
}

// errInvalidWrite is io's error for a Write that reports an impossible
// count.
var errInvalidWrite = errors.New("invalid write result")

// copyBufferSize is ReadFrom's buffer: a 64 KiB request body echoed on
// witgo serve was read in one stream read and written in one write
// (BENCHMARKS.md), where io.Copy's 32 KiB took two of each.
const copyBufferSize = 64 << 10

var copyBuffers = sync.Pool{New: func() any {
	b := make([]byte, copyBufferSize)
	return &b
}}

// putCopyBuffer gives a buffer lent to a sink (copyFrom) back to the pool.
func putCopyBuffer(b any) { copyBuffers.Put(b) }

// bodyAtEnd reports whether src is a request body of known length that
// has given all of it: its next read returns io.EOF without the host.
func bodyAtEnd(src io.Reader) bool {
	b, ok := src.(*bodyReader)
	return ok && b.atEnd()
}

// writerOnly hides ReadFrom from a WriterTo, which could call it again.
type writerOnly struct{ io.Writer }

// Flush sends the header and what was written so far now (http.Flusher).
func (w *responseWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.sent {
		w.sendHeader(-1, false)
	}
	if w.withBody && w.writeErr == nil {
		w.out.flush(w.req.Context())
	}
}

func (w *responseWriter) writeBody(p []byte) (int, error) {
	n, err := w.out.write(w.req.Context(), p)
	if err != nil {
		w.failed(err)
	}
	return n, err
}

// failed records a body write's error: later writes return it, and a
// client that went away cancels the request's context.
func (w *responseWriter) failed(err error) {
	w.writeErr = err
	if errors.Is(err, errPeerGone) {
		w.cancel.Cancel()
	}
}

// sendHeader hands the status and header to the host and writes what the
// buffer holds, unless final (the handler returned: finish sends it with
// the body's end); length is the Content-Length to set if the handler did
// not (-1: none).
func (w *responseWriter) sendHeader(length int, final bool) {
	w.sent = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	// One pass over the header lists the fields that go out and finds
	// what the rules below ask of it.
	var (
		typeKey        bool // Content-Type is set, even to nothing
		encoded, sized bool // Content-Encoding; Content-Length or Transfer-Encoding
	)
	fields := w.fields[:0]
	for name, values := range w.header {
		switch name {
		case "Content-Type":
			typeKey = true
		case "Content-Encoding":
			encoded = encoded || len(values) > 0 && values[0] != ""
		case "Content-Length", "Transfer-Encoding":
			sized = sized || len(values) > 0 && values[0] != ""
		case "Trailer":
			for _, v := range values {
				for _, declared := range strings.Split(v, ",") {
					if declared = strings.TrimSpace(declared); declared != "" {
						w.declared = append(w.declared, http.CanonicalHeaderKey(declared))
					}
				}
			}
		default:
			if strings.HasPrefix(name, http.TrailerPrefix) {
				// A trailer (see trailers), not a header field.
				continue
			}
		}
		fields = appendField(fields, name, values)
	}
	// A sniffed Content-Type and a known Content-Length go out beside the
	// handler's header, not into it, as net/http's server sends them.
	var extra extraFields
	if bodyAllowed(w.status) && !typeKey && w.buf.Len() > 0 && !encoded {
		extra.contentType = http.DetectContentType(w.buf.Bytes())
	}
	if length >= 0 && !sized && bodyAllowed(w.status) {
		extra.contentLength = strconv.Itoa(length)
	}
	// The Trailer header goes out as net/http's server sends it (hosts built
	// on hyper send only the trailers it declares).
	w.withBody = bodyAllowed(w.status) && w.req.Method != "HEAD"
	w.out.open(w.status, appendExtra(fields, extra), w.withBody)
	if final {
		return
	}
	if w.buf.Len() > 0 && w.withBody {
		w.writeBody(w.buf.Bytes())
	}
	w.buf = bytes.Buffer{}
}

// finish ends the response after the handler returned: the header if it
// was not sent yet, the body's end, and the trailers.
func (w *responseWriter) finish() {
	var last []byte
	if !w.sent {
		w.sendHeader(w.buf.Len(), true)
		if w.withBody {
			last = w.buf.Bytes()
		}
		w.buf = bytes.Buffer{}
	}
	w.out.close(last, w.trailers())
}

// trailers are the trailers the handler set: the names it declared in the
// Trailer header, and those with http.TrailerPrefix.
func (w *responseWriter) trailers() http.Header {
	var trailers http.Header
	add := func(name string, values []string) {
		if trailers == nil {
			trailers = http.Header{}
		}
		trailers[name] = values
	}
	for _, name := range w.declared {
		if values := w.header[name]; len(values) > 0 {
			add(name, values)
		}
	}
	for name, values := range w.header {
		if strings.HasPrefix(name, http.TrailerPrefix) && len(values) > 0 {
			add(strings.TrimPrefix(name, http.TrailerPrefix), values)
		}
	}
	return trailers
}

// serve runs h for r. A panic answers 500 if the header was not sent yet
// (and cuts the body short if it was), is logged as net/http's server logs
// it, and the component goes on serving. finishBody tells the host the
// request body is done with; it comes before the sink's done, as the
// host's report on the response waits for the request's end.
func (w *responseWriter) serve(h http.Handler, r *http.Request, finishBody func()) {
	defer w.cancel.Cancel()
	defer func() {
		finishBody()
		w.out.done()
	}()
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				fmt.Fprintf(os.Stderr, "http: panic serving %s: %v\n%s", r.URL.Path, v, debug.Stack())
			}
			if w.sent {
				w.out.abort()
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
