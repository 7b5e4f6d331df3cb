// Copyright: added by witgo to the Go runtime through `go build -overlay`.
// This file is not part of Go; see witgo's crates/witgo-build/src/overlay.rs.

//go:build wasip1

package runtime

import "unsafe" // also for go:linkname

// wasiOnIdle registers callback as the scheduler's idle hook, with the same
// signature as the upstream proposal (golang/go PR 76775). When no goroutine
// can run, the scheduler calls callback on its own stack; callback must not
// block or allocate much — a send to a channel with a waiting receiver is
// fine — and returns true if it made a goroutine runnable.
//
//go:linkname wasiOnIdle
func wasiOnIdle(callback func() bool) {
	idleCallback = callback
}

var (
	idleCallback  func() bool
	idlePollUntil int64
)

// wasiIdleDeadline is the runtime's next timer deadline (nanotime, which on
// wasip1 is the WASI monotonic clock) as of the last idle call, or 0 if no
// timer is pending: an executor waiting on the host uses it to wake
// goroutines sleeping in time.Sleep on time.
//
//go:linkname wasiIdleDeadline
func wasiIdleDeadline() int64 {
	return idlePollUntil
}

// witgoBeforeIdle is what the patched beforeIdle returns as otherReady.
func witgoBeforeIdle(now, pollUntil int64) bool {
	if idleCallback == nil {
		return false
	}
	// Goroutines waiting in the wasip1 network poller are the poller's to
	// wake; the host-driven executor must not take over then.
	if netpollinited() && netpollAnyWaiters() {
		return false
	}
	idlePollUntil = pollUntil
	return idleCallback()
}

// The clock freeze (see the patched nanotime1): while frozen, nanotime
// returns its last reading instead of calling WASI.
var (
	witgoClockFrozen  bool
	witgoLastNanotime int64
	// witgoClockOffset is added to every WASI reading: zero, except in a
	// pre-initialised instance, where the clock goes on from the snapshot's
	// last reading (see witgo_preinit_wasip1.go).
	witgoClockOffset int64
)

// witgoFreezeClock freezes or thaws nanotime. witgo's cabi_realloc freezes
// it while it allocates: the Component Model traps on any import call made
// from inside cabi_realloc, and an allocation may read the clock. No
// collection starts while the clock is frozen (see the patched
// gcTrigger.test): starting one would switch goroutines inside
// cabi_realloc.
//
//go:linkname witgoFreezeClock
func witgoFreezeClock(frozen bool) {
	witgoClockFrozen = frozen
}

// Every collection stops the world, as with GODEBUG=gcstoptheworld=1: on
// wasm's single thread a concurrent mark buys no parallelism, and a cycle
// that starts and finishes inside the allocation that triggered it is never
// left half-done when the host gets control. So the host may call
// cabi_realloc between export calls without Go taking a hold first (an
// allocation there must not assist a mark, which can park the goroutine).
// A GODEBUG setting of 2 (also sweep synchronously) is kept.
func init() {
	if debug.gcstoptheworld == 0 {
		debug.gcstoptheworld = 1
	}
}

// witgoGCHeld holds the collector's trigger test (see the patched
// gcTrigger.test): no collection starts while it is set. witgo's glue sets
// it directly when no collection is in progress, and clears it directly
// when no check is due (witgoHoldGC does the rest).
//
//go:linkname witgoGCHeld
var witgoGCHeld bool

// witgoHoldGC holds or releases the start of collections. witgo holds them
// while an import wrapper uses its shared areas, during which the host may
// call cabi_realloc. Holding first finishes a collection in progress, as
// debug.SetGCPercent(-1) does, so that no mark work is left for an
// allocation by the host (with stop-the-world collections there is none).
// Releasing with check runs the trigger test an allocation skipped
// meanwhile (witgoTriggerSkipped), and starts a collection if the heap is
// past its trigger, as that allocation would have. It reports
// whether it had to wait (other goroutines ran meanwhile).
//
//go:linkname witgoHoldGC
func witgoHoldGC(held, check bool) (waited bool) {
	if held {
		// Another goroutine may start the next cycle while this one waits.
		for gcphase != _GCoff {
			gcWaitOnMark(work.cycles.Load())
			waited = true
		}
		witgoGCHeld = true
		return waited
	}
	witgoGCHeld = false
	if check && witgoTriggerSkipped {
		witgoTriggerSkipped = false
		if t := (gcTrigger{kind: gcTriggerHeap}); t.test() {
			gcStart(t)
		}
	}
	return false
}

// witgoTriggerSkipped records that the trigger test refused to run (held,
// or the clock frozen): releasing the hold with check runs it then. The
// allocator tests the trigger only when it takes a new span or a large
// object, so most holds skip no test and release without one.
//
//go:linkname witgoTriggerSkipped
var witgoTriggerSkipped bool

// witgoTypeString is the name of v's dynamic type, as %T prints it, for
// witgo/abi's messages, which use neither fmt nor reflect.
//
//go:linkname witgoTypeString
func witgoTypeString(v any) string {
	e := efaceOf(&v)
	if e._type == nil {
		return "nil"
	}
	return toRType(e._type).string()
}

// witgoTypeKind is reflect.TypeOf(v).Kind() for witgo/abi (0 for nil),
// read through the runtime's own type descriptor, so no layout is assumed.
//
//go:linkname witgoTypeKind
func witgoTypeKind(v any) uint8 {
	e := efaceOf(&v)
	if e._type == nil {
		return 0
	}
	return uint8(e._type.Kind())
}

// witgoFreshMemory is set while the sbrk allocator releases memory that
// memory.grow has just zeroed, so that memFree does not clear it again.
var witgoFreshMemory bool

// witgoMemFreeFresh is memFree for the gap sysReserveAlignedSbrk skips to
// align a heap arena: up to 4 MiB, which memory.grow has just zeroed and
// memFree would clear again on every instantiation.
func witgoMemFreeFresh(ap unsafe.Pointer, n uintptr) {
	witgoFreshMemory = true
	memFree(ap, n)
	witgoFreshMemory = false
}

// witgoOnStack reports whether p points into the running goroutine's
// stack. witgo/abi uses it to read the compiler's escape analysis: generated
// code passes the address of a local array to an export method in a call
// that never runs, and the array is on the stack only if the method keeps
// no reference to its argument (see abi.OnGoroutineStack).
//
//go:linkname witgoOnStack
//go:nosplit
func witgoOnStack(p unsafe.Pointer) bool {
	gp := getg()
	return gp.stack.lo <= uintptr(p) && uintptr(p) < gp.stack.hi
}
