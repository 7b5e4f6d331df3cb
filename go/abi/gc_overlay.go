//go:build wasip1 && witgo_overlay

package abi

import _ "unsafe" // for go:linkname

// holdGC is the overlay's collector hold (runtime.witgoHoldGC): while held,
// no collection starts, and holding finishes one in progress.
//
//go:linkname holdGC runtime.witgoHoldGC
func holdGC(held bool)

var collectorHeld bool

func init() { HostMayAllocate() }

// HostMayAllocate holds the collector; it reports whether it did, so that
// the caller can undo exactly its own change with GoRuns.
func HostMayAllocate() bool {
	if collectorHeld {
		return false
	}
	// Holding may wait for a collection to finish, and other goroutines run
	// meanwhile: one of them may have taken the hold by the time this
	// returns, and then it is theirs to release.
	holdGC(true)
	if collectorHeld {
		return false
	}
	collectorHeld = true
	return true
}

// GoRuns releases the collector. What the host allocated meanwhile went
// through the allocator's own accounting, so the next allocation by Go
// starts a collection if one is due.
func GoRuns() {
	if !collectorHeld {
		return
	}
	collectorHeld = false
	holdGC(false)
}

// hostAllocated is counted by cabi_realloc for the stock collector hold;
// the runtime does its own accounting here.
var hostAllocated uintptr
