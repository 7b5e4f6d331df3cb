package async

import (
	"context"
	"io"

	"witgo/internal/exec"
)

// ErrPeerGone is returned by writes when the reading end was dropped, and
// by future reads when the writing end was dropped without a value.
var ErrPeerGone = exec.ErrPeerGone

// ErrUnwritten is returned by closing a future's writer that has not
// written its value: the Component Model traps the component if a future's
// writable end is dropped before its value was written while the reader
// may still wait for it, so witgo keeps the end open. Write the value.
var ErrUnwritten = exec.ErrUnwritten

// StreamReader is the readable end of a stream<T>.
type StreamReader[T any] exec.StreamReader[T]

// StreamWriter is the writable end of a stream<T>.
type StreamWriter[T any] exec.StreamWriter[T]

// FutureReader is the readable end of a future<T>.
type FutureReader[T any] exec.FutureReader[T]

// FutureWriter is the writable end of a future<T>.
type FutureWriter[T any] exec.FutureWriter[T]

// NewStream creates a stream<T>: write to w, hand r to the other side (as
// an argument or a result). The host's ends are created when r is passed
// on; until then w's writes wait, and if r is closed instead they report
// ErrPeerGone.
func NewStream[T any]() (w *StreamWriter[T], r *StreamReader[T]) {
	ew, er := exec.NewStream[T]()
	return (*StreamWriter[T])(ew), (*StreamReader[T])(er)
}

// Read reads up to len(buf) elements, blocking the calling goroutine until
// at least one is available. It returns io.EOF once the writer has dropped
// its end and everything was read; if ctx is done first, the read is
// cancelled and Read returns what arrived meanwhile, or ctx's error. An
// empty buf returns 0, nil at once (as io.Reader does); Ready waits.
func (r *StreamReader[T]) Read(ctx context.Context, buf []T) (int, error) {
	return (*exec.StreamReader[T])(r).Read(ctx, buf)
}

// Ready waits until the writer has values to give, without taking any (a
// zero-length read: readiness, as with poll(2)); the next Read then
// usually returns without blocking. Ready returns io.EOF once the writer
// has dropped its end, or ctx's error if ctx is done first. A writer may
// report ready before it has values; Read still blocks until it does.
func (r *StreamReader[T]) Ready(ctx context.Context) error {
	return (*exec.StreamReader[T])(r).Ready(ctx)
}

// Close drops the readable end; the writer's next write reports ErrPeerGone.
func (r *StreamReader[T]) Close() error { return (*exec.StreamReader[T])(r).Close() }

// Write writes all of buf, blocking the calling goroutine while the reader
// is not reading. It returns early with ErrPeerGone if the reader dropped
// its end, or with ctx's error if ctx is done first (the write is then
// cancelled); n counts the elements the reader received. Elements the
// reader did not take are given back in buf[n:] (fresh values for
// resources in them, which stay the caller's to close).
func (w *StreamWriter[T]) Write(ctx context.Context, buf []T) (n int, err error) {
	return (*exec.StreamWriter[T])(w).Write(ctx, buf)
}

// Ready waits until the reader wants values, without giving any (a
// zero-length write); the next Write then usually proceeds at once. It
// returns ErrPeerGone once the reader has dropped its end, or ctx's error
// if ctx is done first.
func (w *StreamWriter[T]) Ready(ctx context.Context) error {
	return (*exec.StreamWriter[T])(w).Ready(ctx)
}

// Close drops the writable end: the reader sees io.EOF after the rest.
func (w *StreamWriter[T]) Close() error { return (*exec.StreamWriter[T])(w).Close() }

// NewFuture creates a future<T>: write its value with w, hand r on. The
// host's ends are created when r is passed on; until then w's Write waits,
// and if r is closed instead it reports ErrPeerGone.
func NewFuture[T any]() (w *FutureWriter[T], r *FutureReader[T]) {
	ew, er := exec.NewFuture[T]()
	return (*FutureWriter[T])(ew), (*FutureReader[T])(er)
}

// Read waits for the value. It returns ErrPeerGone if the writer dropped
// its end without writing, or ctx's error if ctx is done first (the read
// is then cancelled and the future can be read again). A completed read
// drops the readable end.
func (r *FutureReader[T]) Read(ctx context.Context) (T, error) {
	return (*exec.FutureReader[T])(r).Read(ctx)
}

// Close drops the readable end.
func (r *FutureReader[T]) Close() error { return (*exec.FutureReader[T])(r).Close() }

// Write delivers the value, blocking until the reader takes it. It returns
// ErrPeerGone if the reader dropped its end, or ctx's error if ctx is done
// first: the write is then cancelled, v was not delivered, and Write may be
// called again (see Unsent for values holding resources). A completed
// write drops the writable end.
func (w *FutureWriter[T]) Write(ctx context.Context, v T) error {
	return (*exec.FutureWriter[T])(w).Write(ctx, v)
}

// Unsent returns the value of the last Write when it was not delivered
// (cancelled, or the reader was gone). Lowering moved any resources in
// that value into the write; Unsent gives them back in a fresh value, to
// write again or close.
func (w *FutureWriter[T]) Unsent() (v T, ok bool) { return (*exec.FutureWriter[T])(w).Unsent() }

// Close drops the writable end. A writer that has not written its value
// yet (and has not seen the reader gone) stays open, and Close returns
// ErrUnwritten: write the value instead.
func (w *FutureWriter[T]) Close() error { return (*exec.FutureWriter[T])(w).Close() }

// ByteReader adapts the reader of a stream<u8> to io.Reader.
type ByteReader struct {
	R   *StreamReader[uint8]
	Ctx context.Context // nil: context.Background()
}

// Reader returns r as an io.ReadCloser.
func Reader(r *StreamReader[uint8]) *ByteReader { return &ByteReader{R: r} }

func (b *ByteReader) ctx() context.Context {
	if b.Ctx == nil {
		return context.Background()
	}
	return b.Ctx
}

// Read implements io.Reader.
func (b *ByteReader) Read(p []byte) (int, error) { return b.R.Read(b.ctx(), p) }

// Close drops the stream's readable end.
func (b *ByteReader) Close() error { return b.R.Close() }

// WriteTo implements io.WriterTo, reading in 64 KiB chunks.
func (b *ByteReader) WriteTo(dst io.Writer) (int64, error) {
	buf := make([]byte, 64<<10)
	var total int64
	for {
		n, err := b.R.Read(b.ctx(), buf)
		if n > 0 {
			m, werr := dst.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// ByteWriter adapts the writer of a stream<u8> to io.Writer.
type ByteWriter struct {
	W   *StreamWriter[uint8]
	Ctx context.Context // nil: context.Background()
}

// Writer returns w as an io.WriteCloser.
func Writer(w *StreamWriter[uint8]) *ByteWriter { return &ByteWriter{W: w} }

func (b *ByteWriter) ctx() context.Context {
	if b.Ctx == nil {
		return context.Background()
	}
	return b.Ctx
}

// Write implements io.Writer.
func (b *ByteWriter) Write(p []byte) (int, error) { return b.W.Write(b.ctx(), p) }

// Close drops the stream's writable end.
func (b *ByteWriter) Close() error { return b.W.Close() }

// ReadFrom implements io.ReaderFrom, writing in 64 KiB chunks.
func (b *ByteWriter) ReadFrom(src io.Reader) (int64, error) {
	buf := make([]byte, 64<<10)
	var total int64
	for {
		n, err := src.Read(buf)
		if n > 0 {
			m, werr := b.W.Write(b.ctx(), buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}
