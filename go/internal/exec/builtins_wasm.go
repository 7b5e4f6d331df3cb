//go:build wasip1

package exec

import (
	"runtime"
	"unsafe"
)

// execMutex is the executor's lock on wasm: a flag, where a sync.Mutex
// Lock and Unlock cost about 300 instructions (wasm's atomics are function
// calls), a quarter of an empty async export call's guest instructions.
// One goroutine runs at a time, and a holder loses the thread only where
// it allocates (a collection may let others run); it never waits for the
// host, nor for another goroutine, while it holds the lock. So one that
// finds it held yields until the holder has run on.
type execMutex struct{ held bool }

func (m *execMutex) Lock() {
	for m.held {
		runtime.Gosched()
	}
	m.held = true
}

func (m *execMutex) Unlock() { m.held = false }

// The Component Model's async built-ins, as wit-component names them.

//go:wasmimport $root [waitable-set-new]
func waitableSetNew() uint32

//go:wasmimport $root [waitable-set-drop]
func waitableSetDrop(set uint32)

//go:wasmimport $root [waitable-join]
func waitableJoin(waitable, set uint32)

//go:wasmimport $root [waitable-set-wait]
func waitableSetWait(set uint32, event unsafe.Pointer) uint32

//go:wasmimport $root [waitable-set-poll]
func waitableSetPoll(set uint32, event unsafe.Pointer) uint32

//go:wasmimport $root [context-get-0]
func contextGet() uint32

//go:wasmimport $root [context-set-0]
func contextSet(value uint32)

//go:wasmimport $root [subtask-drop]
func subtaskDrop(subtask uint32)

//go:wasmimport $root [subtask-cancel]
func subtaskCancel(subtask uint32) uint32

//go:wasmimport $root [backpressure-inc]
func backpressureInc()

//go:wasmimport $root [backpressure-dec]
func backpressureDec()

//go:wasmimport [export]$root [task-cancel]
func taskCancel()

// A stream<> without payload, which one instance may both read and write:
// the wake-up line from one task to another.

//go:wasmimport $root [stream-new-unit]
func unitStreamNew() uint64

//go:wasmimport $root [async-lower][stream-read-unit]
func unitStreamRead(end uint32, buf unsafe.Pointer, n uint32) uint32

//go:wasmimport $root [async-lower][stream-write-unit]
func unitStreamWrite(end uint32, buf unsafe.Pointer, n uint32) uint32

//go:wasmimport $root [stream-cancel-read-unit]
func unitStreamCancelRead(end uint32) uint32

//go:wasmimport $root [stream-drop-readable-unit]
func unitStreamDropReadable(end uint32)

//go:wasmimport $root [stream-drop-writable-unit]
func unitStreamDropWritable(end uint32)

// Timers: the host's clock wakes a task whose goroutines sleep.

//go:wasmimport wasi:clocks/monotonic-clock@0.3.0 [async-lower]wait-for
func clockWaitFor(nanoseconds int64) uint32
