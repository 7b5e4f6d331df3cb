package wasihttp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"

	"witgo/bindings/wasi/http/types"
	"witgo/bindings/wasi/io/poll"
	"witgo/bindings/wasi/io/streams"
	"witgo/wit"
)

// fieldsHeader adds f's entries to h, keys canonical, and closes f; it
// returns what addFields saw.
func fieldsHeader(f *types.Fields, h http.Header) seenFields {
	seen := addFields(h, f.Entries())
	f.Close()
	return seen
}

// readChunk is the most a body read asks the host for at once.
const readChunk = 64 << 10

// bodyReader is an incoming request's or response's body: io.ReadCloser
// over its wasi:io input-stream. At its end it reads the trailers into
// *trailer (the message's Trailer), as net/http does; closing it drops the
// stream and the body, then calls onClose (which drops the message).
type bodyReader struct {
	ctx     context.Context
	mu      sync.Mutex
	body    *types.IncomingBody
	stream  *types.InputStream
	ready   *poll.Pollable // the stream's, made on the first wait
	trailer *http.Header
	eof     bool
	closed  bool
	onClose func()
}

func newBodyReader(ctx context.Context, body *types.IncomingBody, trailer *http.Header, onClose func()) (*bodyReader, error) {
	stream, err := body.Stream()
	if err != nil {
		body.Close()
		return nil, errors.New("wasihttp: the host gave no body stream")
	}
	return &bodyReader{ctx: ctx, body: body, stream: stream, trailer: trailer, onClose: onClose}, nil
}

// atEnd is false: a 0.2 body's writes wait for the host anyway (see
// sinkP2.send), so nothing is gained by knowing its end early.
func (b *bodyReader) atEnd() bool { return false }

func (b *bodyReader) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.eof {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	for {
		data, err := b.stream.Read(uint64(min(len(p), readChunk)))
		if err != nil {
			if isClosed(err) {
				b.eof = true
				b.finish()
				return 0, io.EOF
			}
			return 0, streamError(err)
		}
		if len(data) > 0 {
			return copy(p, data), nil
		}
		if b.ready == nil {
			b.ready = b.stream.Subscribe()
		}
		if err := wait(b.ctx, b.ready); err != nil {
			return 0, err
		}
	}
}

// finish ends a body read to its end: the stream goes, the body is
// finished and its trailers read into the message's Trailer.
func (b *bodyReader) finish() {
	b.dropStream()
	trailers := types.IncomingBodyFinish(b.body)
	b.body = nil
	defer trailers.Close()
	ready := trailers.Subscribe()
	defer ready.Close()
	if wait(b.ctx, ready) != nil {
		return
	}
	res, ok := trailers.Get()
	if !ok {
		return
	}
	got, ok := res.Ok()
	if !ok {
		return
	}
	fields, ok := got.Ok()
	if !ok {
		return
	}
	if f, ok := fields.Get(); ok {
		if *b.trailer == nil {
			*b.trailer = http.Header{}
		}
		fieldsHeader(f, *b.trailer)
	}
}

func (b *bodyReader) dropStream() {
	if b.ready != nil {
		b.ready.Close()
		b.ready = nil
	}
	if b.stream != nil {
		b.stream.Close()
		b.stream = nil
	}
}

func (b *bodyReader) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	b.dropStream()
	if b.body != nil {
		b.body.Close()
		b.body = nil
	}
	if b.onClose != nil {
		b.onClose()
	}
	return nil
}

// streamWriter writes to a wasi:io output-stream as fast as the host
// takes it, waiting (on the stream's pollable) when it takes nothing.
type streamWriter struct {
	stream *types.OutputStream
	ready  *poll.Pollable
}

func newStreamWriter(stream *types.OutputStream) *streamWriter {
	return &streamWriter{stream: stream}
}

func (w *streamWriter) Write(ctx context.Context, p []byte) (int, error) {
	written := 0
	for written < len(p) {
		n, err := w.stream.CheckWrite()
		if err != nil {
			return written, streamError(err)
		}
		if n == 0 {
			if err := w.wait(ctx); err != nil {
				return written, err
			}
			continue
		}
		m := min(uint64(len(p)-written), n)
		if err := w.stream.Write(p[written : written+int(m)]); err != nil {
			return written, streamError(err)
		}
		written += int(m)
	}
	return written, nil
}

// Flush starts sending what was written and waits until it has gone.
func (w *streamWriter) Flush(ctx context.Context) error {
	if err := w.stream.Flush(); err != nil {
		return streamError(err)
	}
	for {
		n, err := w.stream.CheckWrite()
		if err != nil {
			return streamError(err)
		}
		if n > 0 {
			return nil
		}
		if err := w.wait(ctx); err != nil {
			return err
		}
	}
}

func (w *streamWriter) wait(ctx context.Context) error {
	if w.ready == nil {
		w.ready = w.stream.Subscribe()
	}
	return wait(ctx, w.ready)
}

// Close drops the stream (after its pollable), as the host requires before
// the body it belongs to is finished.
func (w *streamWriter) Close() {
	if w.ready != nil {
		w.ready.Close()
		w.ready = nil
	}
	w.stream.Close()
}

// isClosed reports whether err is a stream's end (closed, not failed).
func isClosed(err error) bool {
	var se streams.StreamError
	return errors.As(err, &se) && se.Tag() == streams.StreamErrorTagClosed
}

// streamError is a stream's failure as a Go error: the host's error-code
// when it gives one (reachable with errors.As), else errPeerGone for a
// closed stream.
func streamError(err error) error {
	var se streams.StreamError
	if !errors.As(err, &se) {
		return err
	}
	if ioErr, ok := se.LastOperationFailed(); ok {
		code, ok := types.HTTPErrorCode(ioErr)
		ioErr.Close()
		if ok {
			return code
		}
		return errors.New("wasihttp: the body stream failed")
	}
	return errPeerGone
}

// trailerFields is h as an optional trailers value.
func trailerFields(h http.Header) wit.Option[*types.Fields] {
	if len(h) == 0 {
		return wit.None[*types.Fields]()
	}
	return wit.Some(headerFields(h, extraFields{}))
}
