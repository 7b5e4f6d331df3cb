package wasihttp

import (
	"context"
	"io"
	"net/http"
	"sync"

	"witgo/async"
	"witgo/bindings/wasi/http/types"
	"witgo/wit"
)

type (
	trailersResult = wit.Result[wit.Option[*types.Fields], types.ErrorCode]
	doneResult     = wit.Result[struct{}, types.ErrorCode]
)

// bodyReader is a request's or response's body: io.ReadCloser over its
// stream<u8>; at its end it reads the trailers, if it has their future,
// into *trailer (the message's Trailer), as net/http does.
type bodyReader struct {
	ctx      context.Context
	mu       sync.Mutex
	r        *async.StreamReader[uint8]
	trailers *async.FutureReader[trailersResult]
	trailer  *http.Header
	// left is what a body of known length has yet to give (-1: unknown).
	// At 0 the body has ended: net/http's server reads no further either.
	left    int64
	eof     bool
	closed  bool
	onClose func() // tells the host the body was consumed; may be nil
}

func (b *bodyReader) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.eof {
		return 0, io.EOF
	}
	// Once all of a body of known length arrived (left 0), its end needs
	// no read: a round trip through the host when the handler waits on it.
	n, err := 0, io.EOF
	if b.left != 0 {
		if b.left > 0 && int64(len(p)) > b.left {
			p = p[:b.left]
		}
		n, err = b.r.Read(b.ctx, p)
		if b.left > 0 {
			b.left -= int64(n)
			if err == io.EOF && b.left > 0 {
				// The client sent less than it said: net/http's server
				// reports the same.
				b.eof = true
				return n, io.ErrUnexpectedEOF
			}
		}
	}
	if err == io.EOF {
		b.eof = true
		b.readTrailers()
		if n > 0 {
			err = nil
		}
	}
	return n, err
}

// atEnd reports whether a body of known length has given all of it: the
// next Read returns io.EOF without reading its stream.
func (b *bodyReader) atEnd() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.left == 0 && !b.closed
}

// readTrailers fills the message's Trailer once the body has ended.
func (b *bodyReader) readTrailers() {
	if b.trailers == nil { // none to wait for (see newRequest)
		return
	}
	res, err := b.trailers.Read(b.ctx)
	b.trailers = nil
	if err != nil {
		return
	}
	fields, ok := res.Ok()
	if !ok {
		return
	}
	f, ok := fields.Get()
	if !ok {
		return
	}
	if *b.trailer == nil {
		*b.trailer = http.Header{}
	}
	fieldsHeader(f, *b.trailer)
}

func (b *bodyReader) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	b.r.Close()
	if b.trailers != nil {
		b.trailers.Close()
		b.trailers = nil
	}
	if b.onClose != nil {
		b.onClose()
	}
	return nil
}

// fieldsHeader adds f's entries to h, keys canonical, and closes f; it
// returns what addFields saw.
func fieldsHeader(f *types.Fields, h http.Header) seenFields {
	seen := addFields(h, f.CopyAll())
	f.Close()
	return seen
}
