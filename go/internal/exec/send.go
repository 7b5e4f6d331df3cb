package exec

import (
	"context"
	"runtime"
	"unsafe"

	"witgo/abi"
)

// Sends: writes that end a stream or a future without a goroutine waiting
// for the reader. The copy's completion is handled where the host's event
// arrives (the task's callback), and then the end is dropped. A goroutine
// that waits instead costs a park, a wake-up and a scheduler round for
// each copy; an HTTP response's last body chunk and its trailers are sent
// this way. Each send is one allocation, its waiter inside it.

// watch makes the host's events for the copies on w.handle go to
// w.copyDone, until unwatch. The end is a member of the current task's
// waitable set meanwhile, which keeps the task alive after it returned.
func (w *waiter) watch() {
	mu.Lock() // (before reading current: see the end of settle)
	if current == nil && !entering {
		mu.Unlock()
		panic("witgo/async: a stream or future write has to wait outside an async export: the Component Model lets only async functions wait")
	}
	w.joinDrivenLocked()
	mu.Unlock()
}

// unwatch ends what watch began, if it did.
func (w *waiter) unwatch() {
	if w.in != nil {
		unregister(w)
		waitableJoin(w.handle, 0)
	}
}

// streamSend is a SendAndClose or a Send in progress.
type streamSend[T any] struct {
	w     waiter
	ops   *StreamOps[T]
	buf   []T
	mem   unsafe.Pointer // buf as the host reads it
	keep  []unsafe.Pointer
	total int  // elements the reader took
	gone  bool // the reader dropped its end

	// A Send's: the writer, which stays open, and what to call once buf is
	// free again. The rest is under mu: ended, made by a goroutine that
	// waits for the send (Flush), is closed when it is over; closing and
	// then are set by a Close or SendAndClose meanwhile, which hand the
	// end over (then is sent before the end is dropped).
	writer  *StreamWriter[T]
	done    func(any)
	doneArg any
	ended   chan struct{}
	closing bool
	then    []T
}

// SendAndClose writes buf and closes w without waiting for the reader:
// the rest of the copy goes on after SendAndClose returns, and w's end is
// dropped once the reader took everything or went away. The caller must
// not change buf afterwards. Elements the reader never takes are lost
// (resources in them are dropped). A writer whose reader was not passed
// on yet waits for that on a goroutine of its own; one with a Send in
// progress sends buf after it.
func (w *StreamWriter[T]) SendAndClose(buf []T) {
	if w.closed {
		return
	}
	if w.handOver(buf) {
		w.closed = true
		return
	}
	if u := w.local; u != nil {
		if !u.isBound() {
			go func() {
				w.Write(context.Background(), buf)
				w.Close()
			}()
			return
		}
		// Settled here without a guard: the end is dropped below or by
		// the copy's completion.
		w.local = nil
		w.ops, w.handle = u.settled()
	} else if w.handle != 0 {
		w.guard.Release()
	}
	ops, h := w.ops, w.handle
	w.closed = true
	w.handle = 0
	if h == 0 {
		return
	}
	if w.gone || len(buf) == 0 {
		ops.DropWritable(h)
		return
	}
	s := &streamSend[T]{ops: ops}
	s.w.handle = h
	s.w.copyDone = s
	s.start(buf)
}

// Send writes buf without waiting for the reader, and leaves w open: the
// copy goes on after Send returns. Once it is over (the reader took all
// of buf, or went away) done(arg) is called, from the host's event, and
// buf is the caller's again; done must not block. A Write, Send, Ready or
// Flush made meanwhile first waits for the copy to end; a Close or
// SendAndClose takes effect after it, without waiting. Send waits only
// for an earlier send, or for the reader of a writer made by NewStream to
// be passed on; if it returns an error, done is not called.
func (w *StreamWriter[T]) Send(ctx context.Context, buf []T, done func(any), arg any) error {
	if err := w.writable(ctx); err != nil {
		return err
	}
	if len(buf) == 0 {
		if done != nil {
			done(arg)
		}
		return nil
	}
	s := &streamSend[T]{ops: w.ops, writer: w, done: done, doneArg: arg}
	s.w.handle = w.handle
	s.w.copyDone = s
	mu.Lock()
	w.sending = s
	mu.Unlock()
	s.start(buf)
	return nil
}

// Flush waits until a Send in progress is over (at once if there is
// none), or ctx is done.
func (w *StreamWriter[T]) Flush(ctx context.Context) error {
	mu.Lock()
	s := w.sending
	mu.Unlock()
	if s == nil {
		return nil
	}
	ch := make(chan struct{})
	mu.Lock()
	if w.sending != s { // over while make ran
		mu.Unlock()
		return nil
	}
	if s.ended == nil {
		s.ended = ch
	}
	ch = s.ended
	mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// handOver gives w's end to its Send in progress, if there is one, to be
// dropped after then is sent: the Close or SendAndClose that calls it
// need not wait for the send.
func (w *StreamWriter[T]) handOver(then []T) bool {
	mu.Lock()
	s := w.sending
	if s != nil {
		s.closing, s.then = true, then
	}
	mu.Unlock()
	if s == nil {
		return false
	}
	w.guard.Release()
	w.handle = 0
	return true
}

// start writes buf from its first element.
func (s *streamSend[T]) start(buf []T) {
	ops := s.ops
	s.buf, s.total, s.keep = buf, 0, nil
	s.mem = inPlace(ops.Canonical, buf)
	if s.mem == nil {
		s.mem = heapBuf(ops.Size, ops.Align, len(buf))
		s.keep = ops.Lower(buf, s.mem)
	}
	s.next()
}

// next writes what the reader has not taken yet, until the copy waits for
// the reader or is over.
func (s *streamSend[T]) next() {
	ops, h := s.ops, s.w.handle
	for s.total < len(s.buf) {
		at := unsafe.Add(s.mem, uintptr(s.total)*uintptr(ops.Size))
		status := ops.Write(h, abi.Addr(at), uint32(len(s.buf)-s.total))
		if status == blocked {
			if s.w.in == nil {
				s.w.watch()
			}
			return
		}
		s.total += int(status >> 4)
		if status&0xf != copyCompleted {
			s.gone = true
			break
		}
	}
	s.end()
}

func (s *streamSend[T]) settled(status uint32) {
	s.total += int(status >> 4)
	if status&0xf != copyCompleted {
		s.gone = true
	} else if s.total < len(s.buf) {
		s.next()
		return
	}
	s.end()
}

// end finishes the copy: a SendAndClose's end is dropped; a Send's goes
// back to its writer, or on to what a Close or SendAndClose handed over.
func (s *streamSend[T]) end() {
	ops := s.ops
	if s.total < len(s.buf) && !ops.Canonical {
		// Lifted back, the undelivered elements' resources belong to Go
		// values nobody holds: their guards drop them.
		ops.Lift(unsafe.Add(s.mem, uintptr(s.total)*uintptr(ops.Size)), make([]T, len(s.buf)-s.total))
	}
	runtime.KeepAlive(s.keep)
	s.keep = nil
	if s.done != nil {
		s.done(s.doneArg)
		s.done, s.doneArg = nil, nil
	}
	// The end leaves the task's set before its writer can take it up
	// again: a goroutine may run as soon as the writer is free (the
	// unwatch itself can let one run), and its next copy on the end joins
	// the set anew, which a later unwatch here would undo.
	s.w.unwatch()
	w := s.writer
	if w == nil {
		ops.DropWritable(s.w.handle)
		return
	}
	mu.Lock()
	closing, then, ended := s.closing, s.then, s.ended
	w.sending = nil
	s.writer, s.then = nil, nil
	mu.Unlock()
	if ended != nil {
		close(ended)
		mayWake = true // a goroutine waits in Flush
	}
	if s.gone {
		w.gone = true
	}
	switch {
	case !closing:
	case len(then) > 0 && !s.gone:
		// A SendAndClose made meanwhile: its copy, with this send's
		// waiter (which watches the end again if the copy has to wait).
		s.start(then)
	default:
		ops.DropWritable(s.w.handle)
	}
}

// futureSend is a Send in progress.
type futureSend[T any] struct {
	w    waiter
	ops  *FutureOps[T]
	mem  unsafe.Pointer
	keep []unsafe.Pointer
	v    [1]T // what Lower reads: a slice of it allocates nothing more
}

// Send writes v without waiting for the reader: w is done at once, and its
// end is dropped once the reader took v or went away (a value not taken is
// lost, resources in it dropped). A writer whose reader was not passed on
// yet waits for that on a goroutine of its own.
func (w *FutureWriter[T]) Send(v T) {
	if w.closed {
		return
	}
	w.unsent = nil
	if u := w.local; u != nil {
		if !u.isBound() {
			go w.Write(context.Background(), v)
			return
		}
		w.local = nil
		w.ops, w.handle = u.settled()
	}
	w.done, w.closed = true, true
	ops, h := w.ops, w.handle
	w.handle = 0
	if h == 0 {
		return
	}
	s := &futureSend[T]{ops: ops, mem: futureBuf(ops.Size, ops.Align)}
	s.w.handle = h
	s.w.copyDone = s
	s.v[0] = v
	s.keep = ops.Lower(s.v[:], s.mem)
	clear(s.v[:]) // lowered: the send holds v's handles no longer
	if status := ops.Write(h, abi.Addr(s.mem)); status != blocked {
		s.settled(status)
		return
	}
	s.w.watch()
}

func (s *futureSend[T]) settled(status uint32) {
	s.w.unwatch()
	if status&0xf != copyCompleted {
		s.ops.Lift(s.mem, make([]T, 1))
	}
	s.ops.DropWritable(s.w.handle)
	runtime.KeepAlive(s.keep)
	releaseFutureBuf(s.mem, s.ops.Size, s.ops.Align)
	s.mem = nil
}
