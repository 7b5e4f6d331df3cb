//go:build wasip1 && witgo_overlay

package abi

import (
	"runtime"
	_ "unsafe" // for go:linkname
)

// holdGC is the overlay's collector hold (runtime.witgoHoldGC): while held,
// no collection starts, and holding finishes one in progress; releasing
// with check runs the trigger test an allocation skipped meanwhile.
//
//go:linkname holdGC runtime.witgoHoldGC
func holdGC(held, check bool) (waited bool)

// gcHeld is the runtime's flag itself (runtime.witgoGCHeld), which the
// common cases set and clear without a call: an export call takes the hold
// and releases it once each.
//
//go:linkname gcHeld runtime.witgoGCHeld
var gcHeld bool

// triggerSkipped is the runtime's note (runtime.witgoTriggerSkipped) that
// an allocation skipped its trigger test, because the collector was held or
// the clock frozen (inside cabi_realloc).
//
//go:linkname triggerSkipped runtime.witgoTriggerSkipped
var triggerSkipped bool

// writeBarrier is the runtime's (the compiler reads it before every
// pointer store): enabled exactly while a collection marks, that is while
// gcphase is not _GCoff.
//
//go:linkname writeBarrier runtime.writeBarrier
var writeBarrier struct {
	enabled bool
	pad     [3]byte
	alignme uint64
}

// hold is this package's hold on the collector (gcHeld, taken by
// HostMayAllocate).
var hold bool

// Export calls take no hold: with the overlay every collection stops the
// world, so none is in progress when the host gets control, and none starts
// inside cabi_realloc (the clock is frozen there, which holds the trigger).
// What is left is the trigger test the host's allocations skipped.

// ExportStarts is where an export's Go code starts: nothing to do.
func ExportStarts() {}

// ExportEnds is where control goes back to the host: nothing to do (see
// above). It reports whether other goroutines ran meanwhile: never.
func ExportEnds() bool { return false }

// ExportEndsAllocated is ExportEnds for an export whose arguments the host
// allocated through cabi_realloc: if one of those allocations skipped its
// trigger test (cabi_realloc may not start a collection), the test runs
// now. At the end rather than the start of the call, the arguments are
// garbage by then unless the program kept them. It reports whether other
// goroutines may have run meanwhile.
func ExportEndsAllocated() bool {
	if triggerSkipped {
		holdGC(false, true)
		return true
	}
	return false
}

// CollectionInProgress reports whether a collection is marking (for tests:
// with the overlay, never while Go code runs).
func CollectionInProgress() bool { return writeBarrier.enabled }

// HostMayAllocate holds the collector; it reports whether it did, so that
// the caller can undo exactly its own change with GoRuns.
func HostMayAllocate() bool {
	if hold || writeBarrier.enabled {
		return holdSlowly()
	}
	// No collection in progress: nothing to finish first. (Small enough
	// to be inlined into every import wrapper.)
	gcHeld, hold = true, true
	return true
}

// holdSlowly is HostMayAllocate when the hold is taken already or a
// collection is in progress.
func holdSlowly() bool {
	if hold {
		return false
	}
	// Holding waits for the collection to finish, and other goroutines run
	// meanwhile: one of them may have taken the hold by the time this
	// returns, and then it is theirs to release.
	holdGC(true, false)
	if hold {
		return false
	}
	hold = true
	return true
}

// GoRuns releases the collector, and runs the trigger test if an
// allocation (the host's, or Go's own while held) skipped it meanwhile.
func GoRuns() {
	if !hold {
		return
	}
	hold = false
	if !triggerSkipped {
		gcHeld = false
		return
	}
	holdGC(false, true)
}

// noteHostAllocation needs to do nothing with the overlay: the allocator
// notes a trigger test it skips (triggerSkipped).
func noteHostAllocation(uintptr) {}

// flagMutex is this package's lock under the overlay: a flag, where a
// sync.Mutex Lock and Unlock cost about 300 instructions (wasm's atomics
// are function calls). One goroutine runs at a time, and a holder loses
// the thread only where it allocates (a collection may let others run,
// cleanups among them); it never waits for the host or another goroutine
// while it holds the lock. So one that finds it held yields until the
// holder has run on.
type flagMutex struct{ held bool }

func (m *flagMutex) Lock() {
	for m.held {
		runtime.Gosched()
	}
	m.held = true
}

func (m *flagMutex) Unlock() { m.held = false }
