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
// this way.

// watchCopy calls settled with the final status of the copy on end that
// returned status: at once if the copy is over, else when the host's event
// for it arrives. The end stays a member of the current task's waitable
// set meanwhile, which keeps the task alive after it returned.
func watchCopy(end, status uint32, settled func(status uint32)) {
	if status != blocked {
		settled(status)
		return
	}
	if current == nil {
		panic("witgo/async: a stream or future write has to wait outside an async export: the Component Model lets only async functions wait")
	}
	w := &waiter{handle: end}
	w.onEvent = func(ev event) {
		unregister(w)
		waitableJoin(end, 0)
		settled(ev.payload)
	}
	mu.Lock()
	current.adopt(end, w)
	mu.Unlock()
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
	mem := inPlace(ops.Canonical, buf)
	var keep []unsafe.Pointer
	if mem == nil {
		mem = heapBuf(ops.Size, ops.Align, len(buf))
		keep = ops.Lower(buf, mem)
	}
	total := 0
	var step func(status uint32)
	step = func(status uint32) {
		for {
			total += int(status >> 4)
			if status&0xf != copyCompleted || total == len(buf) {
				break
			}
			at := unsafe.Add(mem, uintptr(total)*uintptr(ops.Size))
			status = ops.Write(h, abi.Addr(at), uint32(len(buf)-total))
			if status == blocked {
				watchCopy(h, status, step)
				return
			}
		}
		if total < len(buf) && !ops.Canonical {
			// Lifted back, the undelivered elements' resources belong to
			// Go values nobody holds: their guards drop them.
			ops.Lift(unsafe.Add(mem, uintptr(total)*uintptr(ops.Size)), make([]T, len(buf)-total))
		}
		ops.DropWritable(h)
		runtime.KeepAlive(buf)
		runtime.KeepAlive(keep)
	}
	at := mem
	status := ops.Write(h, abi.Addr(at), uint32(len(buf)))
	if status == blocked {
		watchCopy(h, status, step)
		return
	}
	step(status)
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
	mem := heapBuf(ops.Size, ops.Align, 1)
	keep := ops.Lower([]T{v}, mem)
	watchCopy(h, ops.Write(h, abi.Addr(mem)), func(status uint32) {
		if status&0xf != copyCompleted {
			ops.Lift(mem, make([]T, 1))
		}
		ops.DropWritable(h)
		runtime.KeepAlive(keep)
	})
}
