package async

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"unsafe"

	"witgo/abi"
)

// Copy results (CanonicalABI.md: stream/future read and write).
const (
	copyCompleted = 0
	copyDropped   = 1
	copyCancelled = 2
)

// ErrPeerGone is returned by writes when the reading end was dropped, and
// by future reads when the writing end was dropped without a value.
var ErrPeerGone = errors.New("witgo/async: the other end was dropped")

// StreamOps are the Canonical ABI built-ins and the element codec for one
// stream payload type; generated bindings register one per type they use.
type StreamOps[T any] struct {
	New          func() uint64
	Read         func(end, ptr, n uint32) uint32
	Write        func(end, ptr, n uint32) uint32
	CancelRead   func(end uint32) uint32
	CancelWrite  func(end uint32) uint32
	DropReadable func(end uint32)
	DropWritable func(end uint32)
	// Size and Align of one element in the Canonical ABI.
	Size, Align uint32
	// Canonical: the Go layout of T is the ABI layout (numbers), so
	// elements are copied as bytes.
	Canonical bool
	// Lift reads len(dst) elements at p; Lower writes src at p and returns
	// what must stay alive until the host has read it.
	Lift  func(p unsafe.Pointer, dst []T)
	Lower func(src []T, p unsafe.Pointer) []unsafe.Pointer
}

// FutureOps are StreamOps for a future payload type.
type FutureOps[T any] struct {
	New          func() uint64
	Read         func(end, ptr uint32) uint32
	Write        func(end, ptr uint32) uint32
	CancelRead   func(end uint32) uint32
	CancelWrite  func(end uint32) uint32
	DropReadable func(end uint32)
	DropWritable func(end uint32)
	Size, Align  uint32
	Lift         func(p unsafe.Pointer, dst []T)
	Lower        func(src []T, p unsafe.Pointer) []unsafe.Pointer
}

var registry = map[reflect.Type]any{}

// RegisterStream makes ops the built-ins for stream<T> (generated code
// calls it; the first registration for a type wins).
func RegisterStream[T any](ops *StreamOps[T]) {
	k := reflect.TypeFor[*StreamOps[T]]()
	if _, ok := registry[k]; !ok {
		registry[k] = ops
	}
}

// RegisterFuture is RegisterStream for future<T>.
func RegisterFuture[T any](ops *FutureOps[T]) {
	k := reflect.TypeFor[*FutureOps[T]]()
	if _, ok := registry[k]; !ok {
		registry[k] = ops
	}
}

func streamOps[T any]() *StreamOps[T] {
	ops, ok := registry[reflect.TypeFor[*StreamOps[T]]()].(*StreamOps[T])
	if !ok {
		panic(fmt.Sprintf("witgo/async: no WIT function of this component uses stream<%v>", reflect.TypeFor[T]()))
	}
	return ops
}

func futureOps[T any]() *FutureOps[T] {
	ops, ok := registry[reflect.TypeFor[*FutureOps[T]]()].(*FutureOps[T])
	if !ok {
		panic(fmt.Sprintf("witgo/async: no WIT function of this component uses future<%v>", reflect.TypeFor[T]()))
	}
	return ops
}

// awaitCopy waits for a stream or future operation on end that returned
// status, cancelling it if ctx is done first; it returns the final status.
func awaitCopy(ctx context.Context, end, status uint32, cancel func(uint32) uint32) uint32 {
	if status != blocked {
		return status
	}
	w := register(end)
	defer func() {
		unregister(w)
		waitableJoin(end, 0)
	}()
	select {
	case ev := <-w.events:
		return ev.payload
	case <-ctx.Done():
		if r := cancel(end); r != blocked {
			return r
		}
		return (<-w.events).payload
	}
}

// heapBuf returns n zeroed bytes of collector-owned heap memory: the host
// may write to it after the goroutine has blocked, when its stack may move.
func heapBuf(size, align uint32, n int) unsafe.Pointer {
	return abi.Alloc(uintptr(size)*uintptr(max(n, 1)), uintptr(max(align, 1)))
}

// StreamReader is the readable end of a stream<T>.
type StreamReader[T any] struct {
	ops    *StreamOps[T]
	handle uint32
	ended  bool // the writer dropped its end
	buf    scratch
}

// StreamWriter is the writable end of a stream<T>.
type StreamWriter[T any] struct {
	ops    *StreamOps[T]
	handle uint32
	gone   bool // the reader dropped its end
	buf    scratch
}

// scratch is an end's reusable heap buffer (one copy at a time per end).
type scratch struct {
	p   unsafe.Pointer
	cap int // elements
}

func (s *scratch) get(size, align uint32, n int) unsafe.Pointer {
	if s.p == nil || s.cap < n {
		s.p, s.cap = heapBuf(size, align, n), n
	}
	return s.p
}

// NewStream creates a stream<T>: write to w, hand r to the other side (as
// an argument or a result).
func NewStream[T any]() (w *StreamWriter[T], r *StreamReader[T]) {
	ops := streamOps[T]()
	ends := ops.New()
	return &StreamWriter[T]{ops: ops, handle: uint32(ends >> 32)}, &StreamReader[T]{ops: ops, handle: uint32(ends)}
}

// LiftStreamReader wraps a readable-end handle received from the other side.
func LiftStreamReader[T any](h int32) *StreamReader[T] {
	return &StreamReader[T]{ops: streamOps[T](), handle: uint32(h)}
}

// TakeHandle gives the end away (to pass it to the other side): r is
// unusable afterwards.
func (r *StreamReader[T]) TakeHandle() int32 {
	h := r.handle
	if h == 0 {
		panic("witgo/async: stream reader used after it was closed or passed on")
	}
	r.handle = 0
	return int32(h)
}

// Read reads up to len(buf) elements, blocking the calling goroutine until
// at least one is available. It returns io.EOF once the writer has dropped
// its end and everything was read; if ctx is done first, the read is
// cancelled and Read returns what arrived meanwhile, or ctx's error.
func (r *StreamReader[T]) Read(ctx context.Context, buf []T) (int, error) {
	if r.handle == 0 {
		return 0, errors.New("witgo/async: read from a closed stream")
	}
	if r.ended {
		return 0, io.EOF
	}
	if len(buf) == 0 {
		return 0, nil
	}
	ops := r.ops
	mem := r.buf.get(ops.Size, ops.Align, len(buf))
	status := ops.Read(r.handle, abi.Addr(mem), uint32(len(buf)))
	status = awaitCopy(ctx, r.handle, status, ops.CancelRead)
	n, result := int(status>>4), status&0xf
	if n > 0 {
		if ops.Canonical {
			copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(buf))), n*int(ops.Size)), unsafe.Slice((*byte)(mem), n*int(ops.Size)))
		} else {
			ops.Lift(mem, buf[:n])
		}
	}
	runtime.KeepAlive(mem)
	switch {
	case result == copyDropped:
		r.ended = true
		if n == 0 {
			return 0, io.EOF
		}
	case result == copyCancelled && n == 0:
		return 0, ctx.Err()
	}
	return n, nil
}

// Close drops the readable end; the writer's next write reports ErrPeerGone.
func (r *StreamReader[T]) Close() error {
	if r.handle != 0 {
		r.ops.DropReadable(r.handle)
		r.handle = 0
	}
	return nil
}

// Write writes all of buf, blocking the calling goroutine while the reader
// is not reading. It returns early with ErrPeerGone if the reader dropped
// its end, or with ctx's error if ctx is done first (the write is then
// cancelled); n counts the elements the reader received.
func (w *StreamWriter[T]) Write(ctx context.Context, buf []T) (int, error) {
	if w.handle == 0 {
		return 0, errors.New("witgo/async: write to a closed stream")
	}
	ops := w.ops
	total := 0
	for total < len(buf) {
		if w.gone {
			return total, ErrPeerGone
		}
		chunk := buf[total:]
		// Lowered strings and lists stay alive through keep, not the buffer.
		mem := w.buf.get(ops.Size, ops.Align, len(chunk))
		var keep []unsafe.Pointer
		if ops.Canonical {
			copy(unsafe.Slice((*byte)(mem), len(chunk)*int(ops.Size)), unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(chunk))), len(chunk)*int(ops.Size)))
		} else {
			keep = ops.Lower(chunk, mem)
		}
		status := ops.Write(w.handle, abi.Addr(mem), uint32(len(chunk)))
		status = awaitCopy(ctx, w.handle, status, ops.CancelWrite)
		runtime.KeepAlive(mem)
		runtime.KeepAlive(keep)
		n, result := int(status>>4), status&0xf
		total += n
		switch result {
		case copyDropped:
			w.gone = true
			return total, ErrPeerGone
		case copyCancelled:
			return total, ctx.Err()
		}
	}
	return total, nil
}

// Close drops the writable end: the reader sees io.EOF after the rest.
func (w *StreamWriter[T]) Close() error {
	if w.handle != 0 {
		w.ops.DropWritable(w.handle)
		w.handle = 0
	}
	return nil
}

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

// FutureReader is the readable end of a future<T>.
type FutureReader[T any] struct {
	ops    *FutureOps[T]
	handle uint32
}

// FutureWriter is the writable end of a future<T>.
type FutureWriter[T any] struct {
	ops    *FutureOps[T]
	handle uint32
}

// NewFuture creates a future<T>: write its value with w, hand r on.
func NewFuture[T any]() (w *FutureWriter[T], r *FutureReader[T]) {
	ops := futureOps[T]()
	ends := ops.New()
	return &FutureWriter[T]{ops: ops, handle: uint32(ends >> 32)}, &FutureReader[T]{ops: ops, handle: uint32(ends)}
}

// LiftFutureReader wraps a readable-end handle received from the other side.
func LiftFutureReader[T any](h int32) *FutureReader[T] {
	return &FutureReader[T]{ops: futureOps[T](), handle: uint32(h)}
}

// TakeHandle gives the end away: r is unusable afterwards.
func (r *FutureReader[T]) TakeHandle() int32 {
	h := r.handle
	if h == 0 {
		panic("witgo/async: future reader used after it was read, closed or passed on")
	}
	r.handle = 0
	return int32(h)
}

// Read waits for the value. It returns ErrPeerGone if the writer dropped
// its end without writing, or ctx's error if ctx is done first (the read
// is then cancelled and the future can be read again). A completed read
// drops the readable end.
func (r *FutureReader[T]) Read(ctx context.Context) (T, error) {
	var v T
	if r.handle == 0 {
		return v, errors.New("witgo/async: read from a closed future")
	}
	ops := r.ops
	mem := heapBuf(ops.Size, ops.Align, 1)
	status := awaitCopy(ctx, r.handle, ops.Read(r.handle, abi.Addr(mem)), ops.CancelRead)
	switch status & 0xf {
	case copyCompleted:
		dst := []T{v}
		ops.Lift(mem, dst)
		v = dst[0]
		runtime.KeepAlive(mem)
		r.Close()
		return v, nil
	case copyDropped:
		r.Close()
		return v, ErrPeerGone
	default:
		return v, ctx.Err()
	}
}

// Close drops the readable end.
func (r *FutureReader[T]) Close() error {
	if r.handle != 0 {
		r.ops.DropReadable(r.handle)
		r.handle = 0
	}
	return nil
}

// Write delivers the value, blocking until the reader takes it. It returns
// ErrPeerGone if the reader dropped its end, or ctx's error if ctx is done
// first (the write is then cancelled and may be retried). A completed
// write drops the writable end.
func (w *FutureWriter[T]) Write(ctx context.Context, v T) error {
	if w.handle == 0 {
		return errors.New("witgo/async: write to a closed future")
	}
	ops := w.ops
	mem := heapBuf(ops.Size, ops.Align, 1)
	keep := ops.Lower([]T{v}, mem)
	status := awaitCopy(ctx, w.handle, ops.Write(w.handle, abi.Addr(mem)), ops.CancelWrite)
	runtime.KeepAlive(mem)
	runtime.KeepAlive(keep)
	switch status & 0xf {
	case copyCompleted:
		w.Close()
		return nil
	case copyDropped:
		w.Close()
		return ErrPeerGone
	default:
		return ctx.Err()
	}
}

// Close drops the writable end.
func (w *FutureWriter[T]) Close() error {
	if w.handle != 0 {
		w.ops.DropWritable(w.handle)
		w.handle = 0
	}
	return nil
}
