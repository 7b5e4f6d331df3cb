//go:build wasip1 && witgo_overlay

package abi

import _ "unsafe" // for go:linkname

// holdGC is the overlay's collector hold (runtime.witgoHoldGC): while held,
// no collection starts, and holding finishes one in progress; releasing
// with check starts one if the heap is past its trigger.
//
//go:linkname holdGC runtime.witgoHoldGC
func holdGC(held, check bool) (waited bool)

// gcHeld is the runtime's flag itself (runtime.witgoGCHeld), which the
// common cases set and clear without a call: an export call takes the hold
// and releases it once each.
//
//go:linkname gcHeld runtime.witgoGCHeld
var gcHeld bool

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
// HostMayAllocate), and whether taking it waited for a collection.
var hold holdState

type holdState uint8

const (
	notHeld holdState = iota
	held
	heldAfterWait // taking the hold waited for a collection to finish
)

// HoldWaited reports whether the last HostMayAllocate that took the hold
// had to wait for a collection in progress (other goroutines ran then).
func HoldWaited() bool { return hold == heldAfterWait }

func init() { HostMayAllocate() }

// HostMayAllocate holds the collector; it reports whether it did, so that
// the caller can undo exactly its own change with GoRuns.
func HostMayAllocate() bool {
	if hold != notHeld || writeBarrier.enabled {
		return holdSlowly()
	}
	// No collection in progress: nothing to finish first. (Small enough
	// to be inlined into every export's glue.)
	gcHeld, hold = true, held
	return true
}

// holdSlowly is HostMayAllocate when the hold is taken already or a
// collection is in progress.
func holdSlowly() bool {
	if hold != notHeld {
		hold = held
		return false
	}
	// Holding waits for the collection to finish, and other goroutines run
	// meanwhile: one of them may have taken the hold by the time this
	// returns, and then it is theirs to release.
	waited := holdGC(true, false)
	if hold != notHeld {
		return false
	}
	hold = held
	if waited {
		hold = heldAfterWait
	}
	return true
}

// GoRuns releases the collector. What the host allocated meanwhile went
// through the allocator's own accounting; if it allocated at all, a
// collection starts now if one is due (the trigger test is skipped for the
// common call that passed no memory).
func GoRuns() {
	if hold == notHeld {
		return
	}
	hold = notHeld
	if hostAllocated == 0 {
		gcHeld = false
		return
	}
	holdGC(false, true)
	hostAllocated = 0
}

// hostAllocated counts what cabi_realloc allocated since the last GoRuns.
var hostAllocated uintptr
