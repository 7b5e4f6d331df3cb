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
	if current == nil {
		panic("witgo/async: a stream or future write has to wait outside an async export: the Component Model lets only async functions wait")
	}
	mu.Lock()
	current.adopt(w.handle, w)
	mu.Unlock()
}

// unwatch ends what watch began, if it did.
func (w *waiter) unwatch() {
	if w.in != nil {
		unregister(w)
		waitableJoin(w.handle, 0)
	}
}

// streamSend is a SendAndClose in progress.
type streamSend[T any] struct {
	w     waiter
	ops   *StreamOps[T]
	buf   []T
	mem   unsafe.Pointer // buf as the host reads it
	keep  []unsafe.Pointer
	total int // elements the reader took
}

// SendAndClose writes buf and closes w without waiting for the reader:
// the rest of the copy goes on after SendAndClose returns, and w's end is
// dropped once the reader took everything or went away. The caller must
// not change buf afterwards. Elements the reader never takes are lost
// (resources in them are dropped). A writer whose reader was not passed
// on yet waits for that on a goroutine of its own.
func (w *StreamWriter[T]) SendAndClose(buf []T) {
	if w.closed {
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
	s := &streamSend[T]{ops: ops, buf: buf}
	s.w.handle = h
	s.w.copyDone = s
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
			break
		}
	}
	s.end()
}

func (s *streamSend[T]) settled(status uint32) {
	s.total += int(status >> 4)
	if status&0xf == copyCompleted && s.total < len(s.buf) {
		s.next()
		return
	}
	s.end()
}

// end drops the end once the copy is over.
func (s *streamSend[T]) end() {
	ops := s.ops
	if s.total < len(s.buf) && !ops.Canonical {
		// Lifted back, the undelivered elements' resources belong to Go
		// values nobody holds: their guards drop them.
		ops.Lift(unsafe.Add(s.mem, uintptr(s.total)*uintptr(ops.Size)), make([]T, len(s.buf)-s.total))
	}
	s.w.unwatch()
	ops.DropWritable(s.w.handle)
	runtime.KeepAlive(s.keep)
}

// futureSend is a Send in progress.
type futureSend[T any] struct {
	w    waiter
	ops  *FutureOps[T]
	mem  unsafe.Pointer
	keep []unsafe.Pointer
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
	s.keep = ops.Lower([]T{v}, s.mem)
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
