package abi

import (
	"runtime"
	"unsafe"
)

// Host handles that Go values hold with a cleanup to drop them if the value
// is forgotten (imported resources, stream and future ends) cost the host
// memory that Go's heap does not show: a forgotten end is a few dozen bytes
// of Go garbage, but a producer, a buffer or a connection in the host. Left
// to the heap's own pace, collections come too rarely to find them. So the
// count of such handles also starts collections, the way GOGC grows the
// heap: once the count has grown past twice what survived the last
// collection (and by at least minHandleGrowth), a collection runs, and its
// cleanups drop the forgotten handles.

// minHandleGrowth is the fewest new handles that start a collection.
const minHandleGrowth = 1024

var (
	heldHandles int               // handles held by Go values with a cleanup
	collectAt   = minHandleGrowth // heldHandles that starts a collection
	collectNow  chan struct{}     // wakes the collector goroutine
)

// neverAgain is collectAt while a collection is due.
const neverAgain = int(^uint(0) >> 1)

// handleHeldLocked records that a Go value took a host handle that a
// cleanup drops if the value is forgotten (GuardHandle calls it, holding
// guardMu).
func handleHeldLocked() {
	heldHandles++
	if heldHandles >= collectAt {
		collectAt = neverAgain
		// Not here: this may run inside glue that holds the collector. The
		// collector goroutine runs at the next goroutine switch.
		if collectNow == nil {
			collectNow = make(chan struct{}, 1)
			go collectHandles()
		}
		select {
		case collectNow <- struct{}{}:
		default:
		}
	}
}

// handleGoneLocked records that such a handle was closed, passed on or
// dropped by its cleanup (Guard.Release and the cleanup call it, holding
// guardMu).
func handleGoneLocked() { heldHandles-- }

func collectHandles() {
	for range collectNow {
		armGuards()
		runtime.GC()
		// The collection queued the cleanups of what it found unreachable;
		// they run on their own goroutine: let them, then count survivors.
		runtime.Gosched()
		guardMu.Lock()
		collectAt = heldHandles + max(heldHandles, minHandleGrowth)
		guardMu.Unlock()
	}
}

// Guard drops a host handle if the Go value holding it becomes
// unreachable first. The zero Guard guards nothing.
//
// Most handles are given up soon after they are taken: an HTTP request's
// fields are read and closed, a response's fields passed on to the host,
// within one call. A runtime cleanup costs about 7,000 instructions to add
// and remove on wasm, so a guard is only written down at first (its
// entry's arm function, which holds the value); the cleanup is added when
// the value is still holding its handle at the end of the next
// collection, or once maxUnarmed guards wait. Until then the entry keeps
// the value reachable: a forgotten handle is dropped a collection later
// than its value became garbage.
type Guard struct {
	slot int32 // 1 + its entry's index in guards; 0: guards nothing
}

// guardEntry is a guard's state: the value and its handle until the
// cleanup is added, then the cleanup.
type guardEntry struct {
	obj     unsafe.Pointer // the value, until armed
	drop    any            // func(int32) or func(uint32)
	handle  uint32
	cleanup runtime.Cleanup
	armed   bool
}

var (
	guardMu    flagMutex // guards, freeGuards, unarmed and sentinel
	guards     []guardEntry
	freeGuards []int32 // free entries of guards (slots)
	unarmed    []int32 // slots whose cleanup is still to be added (some since released)
	sentinel   bool    // a collection's end arms the waiting guards (armAfterCollection)
)

// maxUnarmed bounds the values guards keep reachable before arming.
const maxUnarmed = 64

// GuardHandle arranges for drop(h) to run if obj becomes unreachable while
// it holds h, and counts h among the held handles.
func GuardHandle[T any, H int32 | uint32](obj *T, drop func(H), h H) Guard {
	guardMu.Lock()
	defer guardMu.Unlock()
	handleHeldLocked()
	var slot int32
	if n := len(freeGuards); n > 0 {
		slot = freeGuards[n-1]
		freeGuards = freeGuards[:n-1]
	} else {
		guards = append(guards, guardEntry{})
		slot = int32(len(guards))
	}
	// No closure, nothing generic kept: a func value and a pointer go
	// into an interface and an unsafe.Pointer without allocating.
	e := &guards[slot-1]
	e.obj, e.drop, e.handle = unsafe.Pointer(obj), any(drop), uint32(h)
	unarmed = append(unarmed, slot)
	if len(unarmed) >= maxUnarmed {
		armGuardsLocked()
	} else if !sentinel {
		sentinel = true
		armAfterCollection()
	}
	return Guard{slot}
}

// Release ends the guard: the value gave its handle up (closed it, or
// passed it on). Releasing again, or a zero Guard, does nothing.
func (g *Guard) Release() {
	if g.slot == 0 {
		return
	}
	guardMu.Lock()
	e := &guards[g.slot-1]
	if e.armed {
		e.cleanup.Stop()
	}
	freeGuardLocked(g.slot)
	handleGoneLocked()
	guardMu.Unlock()
	g.slot = 0
}

func freeGuardLocked(slot int32) {
	guards[slot-1] = guardEntry{}
	freeGuards = append(freeGuards, slot)
}

// armGuards adds the cleanups of the guards still waiting for one.
func armGuards() {
	guardMu.Lock()
	defer guardMu.Unlock()
	armGuardsLocked()
}

func armGuardsLocked() {
	for _, slot := range unarmed {
		// A released slot, perhaps taken again and armed since, has no
		// value.
		if e := &guards[slot-1]; e.obj != nil {
			// The cleanup finds the value's allocation from any pointer
			// into it.
			c := runtime.AddCleanup((*byte)(e.obj), dropForgotten, forgotten{e.drop, e.handle, slot})
			e.obj = nil
			e.cleanup, e.armed = c, true
		}
	}
	unarmed = unarmed[:0]
}

// armAfterCollection arms the waiting guards at the end of the next
// collection, through the cleanup of a value nothing references.
func armAfterCollection() {
	runtime.AddCleanup(new(collectionSentinel), func(int) {
		guardMu.Lock()
		defer guardMu.Unlock()
		armGuardsLocked()
		if len(guards) > len(freeGuards) {
			armAfterCollection()
		} else {
			sentinel = false
		}
	}, 0)
}

// collectionSentinel is not tiny-allocated (it holds a pointer), so its
// cleanup runs after the first collection that finds it unreachable.
type collectionSentinel struct {
	p *int
	_ [2]int
}

// forgotten is what the cleanup of a forgotten handle needs.
type forgotten struct {
	drop   any // func(int32) or func(uint32)
	handle uint32
	slot   int32
}

func dropForgotten(f forgotten) {
	guardMu.Lock()
	freeGuardLocked(f.slot)
	handleGoneLocked()
	guardMu.Unlock()
	switch drop := f.drop.(type) {
	case func(int32):
		drop(int32(f.handle))
	case func(uint32):
		drop(f.handle)
	}
}
