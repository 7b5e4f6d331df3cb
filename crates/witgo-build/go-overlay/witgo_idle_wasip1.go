// Copyright: added by witgo to the Go runtime through `go build -overlay`.
// This file is not part of Go; see witgo's crates/witgo-build/src/overlay.rs.

//go:build wasip1

package runtime

import (
	"internal/goarch"
	"unsafe" // also for go:linkname
)

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

// witgoBeforeIdle is what the patched beforeIdle returns: a goroutine to
// run (a detached export call, see witgoDetach) or whether the idle hook
// made one runnable. Starting a goroutine needs write barriers, as in
// js/wasm's beforeIdle (which starts one too); with witgo's stop-the-world
// collections no mark is in progress here.
//
//go:yeswritebarrierrec
func witgoBeforeIdle(now, pollUntil int64) (*g, bool) {
	if idleCallback == nil {
		return nil, false
	}
	// Goroutines waiting in the wasip1 network poller are the poller's to
	// wake; the host-driven executor must not take over then.
	if netpollinited() && netpollAnyWaiters() {
		return nil, false
	}
	idlePollUntil = pollUntil
	if gp := witgoIdleWaiter; gp != 0 {
		witgoIdleWaiter = 0
		return gp.ptr(), false
	}
	if gp := witgoInlineG; gp != nil {
		witgoInlineG = nil
		return witgoDetach(gp), false
	}
	return nil, idleCallback()
}

// witgoIdleWaiter is the goroutine parked in witgoWaitIdle, if any.
var witgoIdleWaiter guintptr

// witgoWaitIdle parks the calling goroutine until no other goroutine can
// run: the executor's driver waits here, where a channel the idle hook
// sends on cost a sudog, the channel's lock and its wait queue each way.
//
//go:linkname witgoWaitIdle
func witgoWaitIdle() {
	witgoIdleWaiter.set(getg())
	gopark(nil, nil, waitReasonZero, traceBlockForever, 1)
}

// Inline export calls. An async export's implementation runs on the
// goroutine the host's call arrived on, which has the export's frame (the
// wasmexport wrapper's, below it) at the top of its stack: a call that
// never blocks then costs no goroutine switch. Go returns to the host only
// when that frame's function returns, so when the implementation blocks
// and nothing else can run, witgoDetach hands the frame to a new goroutine
// that returns from it (the executor's resume function, with the export's
// signature), and the implementation goes on later on its own goroutine,
// which must never return into the copied frame: it exits instead.
var (
	witgoInlineG      *g       // the goroutine running an implementation inline; nil: none
	witgoInlineExport *funcval // the export's Go function (the wasmexport one)
	witgoInlineResume *funcval // what finishes the export call after a detach
)

// witgoInlineBegin marks the calling goroutine as running an async export's
// implementation inline; export is the wasmexport function on its stack and
// resume a function with the same signature.
//
//go:linkname witgoInlineBegin
func witgoInlineBegin(export, resume unsafe.Pointer) {
	witgoInlineG = getg()
	witgoInlineExport = (*funcval)(export)
	witgoInlineResume = (*funcval)(resume)
}

// witgoInlineEnd ends what witgoInlineBegin began, unless the calling
// goroutine was detached meanwhile (another call may be inline now).
//
//go:linkname witgoInlineEnd
func witgoInlineEnd() {
	if witgoInlineG == getg() {
		witgoInlineG = nil
	}
}

// witgoInlineExit ends the calling goroutine, detached from its export
// call once its implementation has returned: like Goexit, without looking
// for deferred calls in each frame when there are none (the generated
// glue defers nothing), which cost thousands of instructions per call.
//
//go:linkname witgoInlineExit
func witgoInlineExit() {
	if getg()._defer != nil {
		Goexit()
	}
	goexit1()
}

// witgoSettled reports whether nothing can run but the caller: no goroutine
// is runnable, none waits in the network poller and no timer is due. It refreshes the timer
// deadline wasiIdleDeadline reports, as an idle call would.
//
//go:linkname witgoSettled
func witgoSettled() bool {
	pp := getg().m.p.ptr()
	if pp.runnext != 0 || !runqempty(pp) || !sched.runq.empty() {
		return false
	}
	if netpollinited() && netpollAnyWaiters() {
		return false
	}
	// A timer already due runs in the scheduler, as entering the component
	// lets an overdue goroutine run.
	next := pp.timers.wakeTime()
	if next != 0 && next <= nanotime() {
		return false
	}
	idlePollUntil = next
	return true
}

// witgoFrameOffsets caches, per export function, the distance from the top
// of the stack to the export's return address: the same on every goroutine
// that takes host calls, since witgoDetach keeps the top of the stack as it
// found it. A fixed table, as this runs on the scheduler's stack: an
// export beyond its 256 entries is found by unwinding on every detach.
var witgoFrameOffsets [256]struct{ entry, offset uintptr }

// witgoDetach makes the goroutine that finishes the export call gp has on
// its stack: it starts in witgoInlineResume with the export frame copied to
// the top of its own stack, so returning from resume returns from the
// export to the host. It runs on the scheduler's stack.
func witgoDetach(gp *g) *g {
	resume := witgoInlineResume
	off := witgoExportOffset(gp, witgoInlineExport)
	newg := newproc1(resume, gp, resume.fn, true, waitReasonZero)
	// newg takes the next host calls, and their implementations run inline
	// on it: when they run deep (gp's stack grew to four times the starting
	// size or more), give it as large a stack, or every call that detaches
	// would leave the next one a starting-size stack to grow again
	// (copystack, 175,000 instructions per 64 KiB HTTP echo). A shallow
	// call keeps the cached starting-size stack: a larger one to allocate
	// and free on every detach cost more than growing it once.
	if size := gp.stack.hi - gp.stack.lo; size >= 4*uintptr(startingStackSize) && size > newg.stack.hi-newg.stack.lo {
		stackfree(newg.stack)
		newg.stack = stackalloc(uint32(size))
		newg.stackguard0 = newg.stack.lo + stackGuard
	}
	dst := newg.stack.hi - off
	memmove(unsafe.Pointer(dst), unsafe.Pointer(gp.stack.hi-off), off)
	newg.sched.sp = dst
	newg.sched.pc = resume.fn
	newg.sched.ctxt = unsafe.Pointer(resume)
	newg.stktopsp = newg.stack.hi - (gp.stack.hi - gp.stktopsp)
	return newg
}

// witgoExportOffset is the distance from gp's stack top to the return
// address of export's frame, found once per export by unwinding gp.
func witgoExportOffset(gp *g, export *funcval) uintptr {
	for i := range witgoFrameOffsets {
		e := &witgoFrameOffsets[i]
		if e.entry == export.fn {
			return e.offset
		}
		if e.entry == 0 {
			break
		}
	}
	var u unwinder
	for u.initAt(gp.sched.pc, gp.sched.sp, 0, gp, 0); u.valid(); u.next() {
		if u.frame.fn.entry() != export.fn {
			continue
		}
		// u.frame.fp is the caller's SP: the return address is just below.
		off := gp.stack.hi - (u.frame.fp - goarch.PtrSize)
		for i := range witgoFrameOffsets {
			if e := &witgoFrameOffsets[i]; e.entry == 0 {
				e.entry, e.offset = export.fn, off
				break
			}
		}
		return off
	}
	throw("witgo: an inline export call's frame is not on its goroutine's stack")
	return 0
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

// witgoSystemStart is isSystemGoroutine's last answer for a goroutine
// started at an ordinary function (one whose answer is its name's): the
// start and the exit of each goroutine ask, usually about the same
// function, and on wasm the lookup costs hundreds of instructions.
var witgoSystemStart struct {
	pc     uintptr
	system bool
}
