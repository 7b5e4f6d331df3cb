//go:build wasip1 && witgo_overlay

package abi

import _ "unsafe" // for go:linkname

// holdGC is the overlay's collector hold (runtime.witgoHoldGC): while held,
// no collection starts, and holding finishes one in progress; releasing
// with check starts one if the heap is past its trigger.
//
//go:linkname holdGC runtime.witgoHoldGC
func holdGC(held, check bool) (waited bool)

var (
	collectorHeld bool
	holdWaited    bool // the last hold waited for a collection to finish
)

// HoldWaited reports whether the last HostMayAllocate that took the hold
// had to wait for a collection in progress (other goroutines ran then).
func HoldWaited() bool { return holdWaited }

func init() { HostMayAllocate() }

// HostMayAllocate holds the collector; it reports whether it did, so that
// the caller can undo exactly its own change with GoRuns.
func HostMayAllocate() bool {
	if collectorHeld {
		holdWaited = false
		return false
	}
	// Holding may wait for a collection to finish, and other goroutines run
	// meanwhile: one of them may have taken the hold by the time this
	// returns, and then it is theirs to release.
	holdWaited = holdGC(true, false)
	if collectorHeld {
		return false
	}
	collectorHeld = true
	return true
}

// GoRuns releases the collector. What the host allocated meanwhile went
// through the allocator's own accounting; if it allocated at all, a
// collection starts now if one is due (the trigger test is skipped for the
// common call that passed no memory).
func GoRuns() {
	if !collectorHeld {
		return
	}
	collectorHeld = false
	holdGC(false, hostAllocated != 0)
	hostAllocated = 0
}

// hostAllocated counts what cabi_realloc allocated since the last GoRuns.
var hostAllocated uintptr
