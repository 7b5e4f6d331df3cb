package exec

import (
	"context"
	"errors"
	"io"
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
// stream payload type; generated bindings declare one per type they pass.
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

// unbound is what the two ends made by NewStream or NewFuture share until
// the reader is first passed to the other side. Only then are the host's
// ends created, with the built-ins of the WIT type the reader goes out as
// (the generated bindings hand them over). So a program links the
// built-ins and element codec of a stream or future type only if it calls
// a WIT function that passes one.
type unbound[O any] struct {
	mu           execMutex
	bound        bool          // the reader was passed on or closed
	boundCh      chan struct{} // closed once bound; made only for a writer that waits for it
	ops          *O
	writer       uint32 // the writable end, once passed on (0 if already dropped)
	readerGone   bool   // the reader was closed before it was passed on
	writerClosed bool   // the writer was closed before the reader was passed on
}

// bind takes the host's new ends (ends, from ops' New) and returns the
// readable one; a writer closed meanwhile has its end dropped at once.
func (u *unbound[O]) bind(ops *O, ends uint64, dropWritable func(uint32)) uint32 {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.ops, u.writer = ops, uint32(ends>>32)
	if u.writerClosed {
		dropWritable(u.writer)
		u.writer = 0
	}
	u.setBoundLocked()
	return uint32(ends)
}

// closeReader records that the reader was closed before it was passed on:
// the writer's writes report ErrPeerGone.
func (u *unbound[O]) closeReader() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.readerGone = true
	u.setBoundLocked()
}

func (u *unbound[O]) setBoundLocked() {
	u.bound = true
	if u.boundCh != nil {
		close(u.boundCh)
	}
}

// wait blocks until the reader was passed on or closed, or ctx is done.
func (u *unbound[O]) wait(ctx context.Context) error {
	u.mu.Lock()
	if u.bound {
		u.mu.Unlock()
		return nil
	}
	// Most writers write once the reader went out, and never wait here:
	// the channel is made for those that do.
	if u.boundCh == nil {
		u.boundCh = make(chan struct{})
	}
	bound := u.boundCh
	u.mu.Unlock()
	select {
	case <-bound:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isBound reports whether the reader was passed on or closed.
func (u *unbound[O]) isBound() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.bound
}

// settled is, once the reader was passed on or closed, the built-ins and
// the writable end (0: the reader is gone).
func (u *unbound[O]) settled() (ops *O, writer uint32) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.ops, u.writer
}

// closeWriter records that the writer was closed before the reader was
// passed on; it reports false if the reader was passed on (or closed)
// already, when the writer must settle instead.
func (u *unbound[O]) closeWriter() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.bound {
		return false
	}
	u.writerClosed = true
	return true
}

// localRead is the error of reading an end whose writer is in this
// component and which was never passed on: nothing could ever arrive.
func (u *unbound[O]) localRead(eof error) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.writerClosed {
		return eof
	}
	return errUnpassed
}

var errUnpassed = errors.New("witgo/async: read from an end made by this component and never passed to a WIT function: its writer is here too (use a Go channel between goroutines)")

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
	ev, cancelled := w.next(ctx)
	if !cancelled {
		return ev.payload
	}
	// A copy whose completion was already delivered is over: the host
	// traps a cancel with no copy pending.
	if ev, ok := pending(w); ok {
		return ev.payload
	}
	// The synchronous cancel (the base async feature set has no other)
	// returns the copy's final status, taken from the end itself: the
	// end must leave its waitable set first, or the host traps.
	waitableJoin(end, 0)
	return cancel(end)
}

// heapBuf returns n zeroed bytes of collector-owned heap memory: the host
// may write to it after the goroutine has blocked, when its stack may move.
func heapBuf(size, align uint32, n int) unsafe.Pointer {
	return abi.Alloc(uintptr(size)*uintptr(max(n, 1)), uintptr(max(align, 1)))
}

// A future's value is usually small, and a buffer of its own for each
// copy cost a future read or write an allocation: buffers of up to
// futureBufSize bytes are kept once their copy is over, for the next.
const (
	futureBufSize = 64
	maxFutureBufs = 64
)

var (
	futureBufMu execMutex
	futureBufs  []unsafe.Pointer
)

// futureBuf returns zeroed heap memory for one value of the given size
// and alignment (see heapBuf); give it back with releaseFutureBuf once the
// host is done with it and its value is lifted.
func futureBuf(size, align uint32) unsafe.Pointer {
	if !pooledFutureBuf(size, align) {
		return heapBuf(size, align, 1)
	}
	futureBufMu.Lock()
	n := len(futureBufs)
	if n == 0 {
		futureBufMu.Unlock()
		return heapBuf(futureBufSize, 8, 1)
	}
	p := futureBufs[n-1]
	futureBufs = futureBufs[:n-1]
	futureBufMu.Unlock()
	*(*[futureBufSize]byte)(p) = [futureBufSize]byte{}
	return p
}

// pooledFutureBuf reports whether a value of the given size and
// alignment fits the free list's buffers.
func pooledFutureBuf(size, align uint32) bool {
	return size <= futureBufSize && align <= 8
}

// releaseFutureBuf takes back what futureBuf returned for a value of the
// given size and alignment.
func releaseFutureBuf(p unsafe.Pointer, size, align uint32) {
	if !pooledFutureBuf(size, align) {
		return
	}
	futureBufMu.Lock()
	if len(futureBufs) < maxFutureBufs {
		futureBufs = append(futureBufs, p)
	}
	futureBufMu.Unlock()
}

// inPlace returns the address of buf's elements when the host can copy
// to or from them directly: when T's Go layout is its Canonical ABI layout.
// Passing the address through abi.Escape makes every caller's buffer a heap
// object (Go's heap does not move; a parked goroutine's stack may), so the
// host can copy while the goroutine waits. Otherwise it returns nil, and
// the copy goes through the end's scratch buffer, lowered or lifted.
func inPlace[T any](canonical bool, buf []T) unsafe.Pointer {
	if !canonical {
		return nil
	}
	return abi.Escape(unsafe.Pointer(unsafe.SliceData(buf)))
}

// StreamReader is the readable end of a stream<T>.
type StreamReader[T any] struct {
	ops    *StreamOps[T]
	handle uint32
	local  *unbound[StreamOps[T]] // made by NewStream, not passed on yet
	ended  bool                   // the writer dropped its end
	buf    scratch
	guard  abi.Guard // drops handle if the reader is forgotten
}

// StreamWriter is the writable end of a stream<T>.
type StreamWriter[T any] struct {
	ops     *StreamOps[T]
	handle  uint32
	local   *unbound[StreamOps[T]] // its reader not passed on yet
	gone    bool                   // the reader dropped its end
	closed  bool
	buf     scratch
	guard   abi.Guard      // drops handle if the writer is forgotten
	sending *streamSend[T] // a Send in progress (under mu)
}

// An end that becomes unreachable without Close is dropped by a cleanup,
// as a forgotten resource handle is: the host's side of a stream or
// future (a response body, a pending trailer) would otherwise live as long
// as the instance. No copy can be pending then: a goroutine waiting for
// one holds the end. Cleanups run on a goroutine of their own, inside some
// call into this component like any goroutine, and a drop never blocks.
// The writable end of a future has none: dropping it before its value was
// written traps (see FutureWriter.Close).

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
// an argument or a result). The host's ends are created when r is passed
// on; until then w's writes wait, and if r is closed instead they report
// ErrPeerGone.
func NewStream[T any]() (w *StreamWriter[T], r *StreamReader[T]) {
	p := new(streamPair[T])
	p.w.local, p.r.local = &p.u, &p.u
	return &p.w, &p.r
}

// streamPair is what NewStream makes, as one allocation: the two ends
// usually live about as long as each other (a response body and its
// writer), and a cleanup attached to either runs once neither is
// reachable.
type streamPair[T any] struct {
	u unbound[StreamOps[T]]
	w StreamWriter[T]
	r StreamReader[T]
}

// LiftStreamReader wraps a readable-end handle received from the other
// side as a stream of the type ops are for (generated bindings call it).
func LiftStreamReader[T any](h int32, ops *StreamOps[T]) *StreamReader[T] {
	r := &StreamReader[T]{ops: ops, handle: uint32(h)}
	r.guard = abi.GuardHandle(r, ops.DropReadable, uint32(h))
	return r
}

// TakeHandleFor gives the end away to the other side as a stream of the
// type ops are for (generated bindings call it): r is unusable afterwards.
// A reader made by NewStream gets its host ends here.
func (r *StreamReader[T]) TakeHandleFor(ops *StreamOps[T]) int32 {
	if u := r.local; u != nil {
		r.local = nil
		r.ops, r.handle = ops, u.bind(ops, ops.New(), ops.DropWritable)
	}
	return r.TakeHandle()
}

// TakeHandle gives the end away (to pass it to the other side): r is
// unusable afterwards. A reader made by NewStream has no host end until
// generated bindings pass it on (TakeHandleFor).
func (r *StreamReader[T]) TakeHandle() int32 {
	if r.local != nil {
		panic("witgo/async: a stream made by NewStream has no handle until it is passed to a WIT function")
	}
	h := r.handle
	if h == 0 {
		panic("witgo/async: stream reader used after it was closed or passed on")
	}
	r.guard.Release()
	r.handle = 0
	return int32(h)
}

// Read reads up to len(buf) elements, blocking the calling goroutine until
// at least one is available. It returns io.EOF once the writer has dropped
// its end and everything was read; if ctx is done first, the read is
// cancelled and Read returns what arrived meanwhile, or ctx's error. An
// empty buf returns 0, nil at once (as io.Reader does); Ready waits.
func (r *StreamReader[T]) Read(ctx context.Context, buf []T) (int, error) {
	if r.local != nil {
		return 0, r.local.localRead(io.EOF)
	}
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
	mem := inPlace(ops.Canonical, buf)
	if mem == nil {
		mem = r.buf.get(ops.Size, ops.Align, len(buf))
	}
	status := ops.Read(r.handle, abi.Addr(mem), uint32(len(buf)))
	status = awaitCopy(ctx, r.handle, status, ops.CancelRead)
	n, result := int(status>>4), status&0xf
	if n > 0 && !ops.Canonical {
		ops.Lift(mem, buf[:n])
	}
	runtime.KeepAlive(mem)
	runtime.KeepAlive(buf)
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

// Ready waits until the writer has values to give, without taking any (a
// zero-length read: readiness, as with poll(2)); the next Read then
// usually returns without blocking. Ready returns io.EOF once the writer
// has dropped its end, or ctx's error if ctx is done first. A writer may
// report ready before it has values; Read still blocks until it does.
func (r *StreamReader[T]) Ready(ctx context.Context) error {
	if r.local != nil {
		return r.local.localRead(io.EOF)
	}
	if r.handle == 0 {
		return errors.New("witgo/async: read from a closed stream")
	}
	if r.ended {
		return io.EOF
	}
	ops := r.ops
	mem := r.buf.get(ops.Size, ops.Align, 1)
	status := awaitCopy(ctx, r.handle, ops.Read(r.handle, abi.Addr(mem), 0), ops.CancelRead)
	switch status & 0xf {
	case copyDropped:
		r.ended = true
		return io.EOF
	case copyCancelled:
		return ctx.Err()
	}
	return nil
}

// Close drops the readable end; the writer's next write reports ErrPeerGone.
func (r *StreamReader[T]) Close() error {
	if u := r.local; u != nil {
		r.local = nil
		u.closeReader()
		return nil
	}
	if r.handle != 0 {
		r.guard.Release()
		r.ops.DropReadable(r.handle)
		r.handle = 0
	}
	return nil
}

// Write writes all of buf, blocking the calling goroutine while the reader
// is not reading. It returns early with ErrPeerGone if the reader dropped
// its end, or with ctx's error if ctx is done first (the write is then
// cancelled); n counts the elements the reader received. Elements the
// reader did not take are given back in buf[n:] (fresh values for
// resources in them, which stay the caller's to close).
func (w *StreamWriter[T]) Write(ctx context.Context, buf []T) (int, error) {
	if w.closed {
		return 0, errors.New("witgo/async: write to a closed stream")
	}
	if err := w.Flush(ctx); err != nil {
		return 0, err
	}
	if w.gone {
		return 0, ErrPeerGone
	}
	if len(buf) == 0 {
		return 0, nil
	}
	if err := w.attach(ctx); err != nil {
		return 0, err
	}
	if w.gone {
		return 0, ErrPeerGone
	}
	ops := w.ops
	// Lower once: a partial write goes on from where the reader stopped
	// (lowering again would move resources twice). Lowered strings and
	// lists stay alive through keep, not the buffer.
	mem := inPlace(ops.Canonical, buf)
	var keep []unsafe.Pointer
	if mem == nil {
		mem = w.buf.get(ops.Size, ops.Align, len(buf))
		keep = ops.Lower(buf, mem)
	}
	total := 0
	var err error
	for total < len(buf) && err == nil {
		at := unsafe.Add(mem, uintptr(total)*uintptr(ops.Size))
		status := ops.Write(w.handle, abi.Addr(at), uint32(len(buf)-total))
		status = awaitCopy(ctx, w.handle, status, ops.CancelWrite)
		n, result := int(status>>4), status&0xf
		total += n
		switch result {
		case copyDropped:
			w.gone = true
			err = ErrPeerGone
		case copyCancelled:
			err = ctx.Err()
		}
	}
	if total < len(buf) && !ops.Canonical {
		// Take back what was lowered but not delivered.
		ops.Lift(unsafe.Add(mem, uintptr(total)*uintptr(ops.Size)), buf[total:])
	}
	runtime.KeepAlive(mem)
	runtime.KeepAlive(buf)
	runtime.KeepAlive(keep)
	return total, err
}

// writable waits until w may start a write: an earlier Send is over, and
// the reader of a writer made by NewStream was passed on. It fails if w
// is closed or the reader has dropped its end.
func (w *StreamWriter[T]) writable(ctx context.Context) error {
	if w.closed {
		return errors.New("witgo/async: write to a closed stream")
	}
	if err := w.Flush(ctx); err != nil {
		return err
	}
	if err := w.attach(ctx); err != nil {
		return err
	}
	if w.gone {
		return ErrPeerGone
	}
	return nil
}

// Ready waits until the reader wants values, without giving any (a
// zero-length write); the next Write then usually proceeds at once. It
// returns ErrPeerGone once the reader has dropped its end, or ctx's error
// if ctx is done first.
func (w *StreamWriter[T]) Ready(ctx context.Context) error {
	if err := w.writable(ctx); err != nil {
		return err
	}
	ops := w.ops
	mem := w.buf.get(ops.Size, ops.Align, 1)
	status := awaitCopy(ctx, w.handle, ops.Write(w.handle, abi.Addr(mem), 0), ops.CancelWrite)
	switch status & 0xf {
	case copyDropped:
		w.gone = true
		return ErrPeerGone
	case copyCancelled:
		return ctx.Err()
	}
	return nil
}

// attach waits, for a writer made by NewStream, until its reader was
// passed on or closed, and takes up its host end.
func (w *StreamWriter[T]) attach(ctx context.Context) error {
	u := w.local
	if u == nil {
		return nil
	}
	if err := u.wait(ctx); err != nil {
		return err
	}
	w.settle(u)
	return nil
}

func (w *StreamWriter[T]) settle(u *unbound[StreamOps[T]]) {
	w.local = nil
	w.ops, w.handle = u.settled()
	w.gone = w.handle == 0
	if !w.gone && !w.closed {
		w.guard = abi.GuardHandle(w, w.ops.DropWritable, w.handle)
	}
}

// Close drops the writable end: the reader sees io.EOF after the rest
// (after a Send in progress, without waiting for it).
func (w *StreamWriter[T]) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if w.handOver(nil) {
		return nil
	}
	if u := w.local; u != nil {
		if u.closeWriter() {
			w.local = nil
			return nil
		}
		w.settle(u)
	}
	if w.handle != 0 {
		w.guard.Release()
		w.ops.DropWritable(w.handle)
		w.handle = 0
	}
	return nil
}

// FutureReader is the readable end of a future<T>.
type FutureReader[T any] struct {
	ops    *FutureOps[T]
	handle uint32
	local  *unbound[FutureOps[T]] // made by NewFuture, not passed on yet
	guard  abi.Guard              // drops handle if the reader is forgotten
}

// FutureWriter is the writable end of a future<T>.
type FutureWriter[T any] struct {
	ops    *FutureOps[T]
	handle uint32
	local  *unbound[FutureOps[T]] // its reader not passed on yet
	unsent []T                    // the value of a cancelled Write
	done   bool                   // the value was written, or the reader is gone
	closed bool
}

// NewFuture creates a future<T>: write its value with w, hand r on. The
// host's ends are created when r is passed on; until then w's Write waits,
// and if r is closed instead it reports ErrPeerGone.
func NewFuture[T any]() (w *FutureWriter[T], r *FutureReader[T]) {
	p := new(futurePair[T])
	p.w.local, p.r.local = &p.u, &p.u
	return &p.w, &p.r
}

// futurePair is what NewFuture makes, as one allocation (see streamPair).
type futurePair[T any] struct {
	u unbound[FutureOps[T]]
	w FutureWriter[T]
	r FutureReader[T]
}

// LiftFutureReader wraps a readable-end handle received from the other
// side as a future of the type ops are for (generated bindings call it).
func LiftFutureReader[T any](h int32, ops *FutureOps[T]) *FutureReader[T] {
	r := &FutureReader[T]{ops: ops, handle: uint32(h)}
	r.guard = abi.GuardHandle(r, ops.DropReadable, uint32(h))
	return r
}

// TakeHandleFor gives the end away to the other side as a future of the
// type ops are for (generated bindings call it): r is unusable afterwards.
// A reader made by NewFuture gets its host ends here.
func (r *FutureReader[T]) TakeHandleFor(ops *FutureOps[T]) int32 {
	if u := r.local; u != nil {
		r.local = nil
		r.ops, r.handle = ops, u.bind(ops, ops.New(), ops.DropWritable)
	}
	return r.TakeHandle()
}

// TakeHandle gives the end away: r is unusable afterwards. A reader made
// by NewFuture has no host end until generated bindings pass it on
// (TakeHandleFor).
func (r *FutureReader[T]) TakeHandle() int32 {
	if r.local != nil {
		panic("witgo/async: a future made by NewFuture has no handle until it is passed to a WIT function")
	}
	h := r.handle
	if h == 0 {
		panic("witgo/async: future reader used after it was read, closed or passed on")
	}
	r.guard.Release()
	r.handle = 0
	return int32(h)
}

// Read waits for the value. It returns ErrPeerGone if the writer dropped
// its end without writing, or ctx's error if ctx is done first (the read
// is then cancelled and the future can be read again). A completed read
// drops the readable end.
func (r *FutureReader[T]) Read(ctx context.Context) (T, error) {
	var v T
	if r.local != nil {
		return v, r.local.localRead(ErrPeerGone)
	}
	if r.handle == 0 {
		return v, errors.New("witgo/async: read from a closed future")
	}
	ops := r.ops
	mem := futureBuf(ops.Size, ops.Align)
	status := awaitCopy(ctx, r.handle, ops.Read(r.handle, abi.Addr(mem)), ops.CancelRead)
	// The copy is over: the host is done with mem.
	defer releaseFutureBuf(mem, ops.Size, ops.Align)
	switch status & 0xf {
	case copyCompleted:
		dst := []T{v}
		ops.Lift(mem, dst)
		v = dst[0]
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
	if u := r.local; u != nil {
		r.local = nil
		u.closeReader()
		return nil
	}
	if r.handle != 0 {
		r.guard.Release()
		r.ops.DropReadable(r.handle)
		r.handle = 0
	}
	return nil
}

// Write delivers the value, blocking until the reader takes it. It returns
// ErrPeerGone if the reader dropped its end, or ctx's error if ctx is done
// first: the write is then cancelled, v was not delivered, and Write may be
// called again (see Unsent for values holding resources). A completed
// write drops the writable end.
func (w *FutureWriter[T]) Write(ctx context.Context, v T) error {
	if w.closed {
		return errors.New("witgo/async: write to a closed future")
	}
	w.unsent = nil
	if u := w.local; u != nil {
		if err := u.wait(ctx); err != nil {
			return err
		}
		w.local = nil
		w.ops, w.handle = u.settled()
	}
	if w.handle == 0 {
		// The reader was closed before it was passed on.
		w.unsent = []T{v}
		w.done, w.closed = true, true
		return ErrPeerGone
	}
	ops := w.ops
	mem := futureBuf(ops.Size, ops.Align)
	keep := ops.Lower([]T{v}, mem)
	status := awaitCopy(ctx, w.handle, ops.Write(w.handle, abi.Addr(mem)), ops.CancelWrite)
	// The copy is over: mem goes back once an undelivered value is lifted
	// from it.
	defer releaseFutureBuf(mem, ops.Size, ops.Align)
	defer runtime.KeepAlive(keep)
	if status&0xf == copyCompleted {
		w.done = true
		w.Close()
		return nil
	}
	// Not delivered: take the lowered value back.
	w.unsent = make([]T, 1)
	ops.Lift(mem, w.unsent)
	if status&0xf == copyDropped {
		w.done = true
		w.Close()
		return ErrPeerGone
	}
	return ctx.Err()
}

// Unsent returns the value of the last Write when it was not delivered
// (cancelled, or the reader was gone). Lowering moved any resources in
// that value into the write; Unsent gives them back in a fresh value, to
// write again or close.
func (w *FutureWriter[T]) Unsent() (v T, ok bool) {
	if w.unsent == nil {
		return v, false
	}
	return w.unsent[0], true
}

// ErrUnwritten is returned by closing a future's writer that has not
// written its value: the Component Model traps the component if a future's
// writable end is dropped before its value was written while the reader
// may still wait for it, so witgo keeps the end open. Write the value.
var ErrUnwritten = errors.New("witgo/async: a future's writer must write its value before it is closed")

// Close drops the writable end. A writer that has not written its value
// yet (and has not seen the reader gone) stays open, and Close returns
// ErrUnwritten: write the value instead.
func (w *FutureWriter[T]) Close() error {
	if w.closed {
		return nil
	}
	if !w.done {
		return ErrUnwritten
	}
	w.closed = true
	if w.handle != 0 {
		w.ops.DropWritable(w.handle)
		w.handle = 0
	}
	return nil
}
