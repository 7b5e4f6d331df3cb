package abi

import "runtime"

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

// HandleHeld records that a Go value took a host handle that a cleanup
// drops if the value is forgotten (GuardHandle calls it).
func HandleHeld() {
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

// HandleGone records that such a handle was closed, passed on or dropped
// by its cleanup (Guard.Release and the cleanup call it).
func HandleGone() { heldHandles-- }

func collectHandles() {
	for range collectNow {
		runtime.GC()
		// The collection queued the cleanups of what it found unreachable;
		// they run on their own goroutine: let them, then count survivors.
		runtime.Gosched()
		collectAt = heldHandles + max(heldHandles, minHandleGrowth)
	}
}

// Guard drops a host handle if the Go value holding it becomes
// unreachable first. The zero Guard guards nothing.
type Guard struct {
	cleanup runtime.Cleanup
	armed   bool
}

// GuardHandle arranges for drop(h) to run if obj becomes unreachable while
// it holds h, and counts h among the held handles.
func GuardHandle[T, H any](obj *T, drop func(H), h H) Guard {
	HandleHeld()
	return Guard{runtime.AddCleanup(obj, dropForgotten[H], forgotten[H]{drop, h}), true}
}

// Release ends the guard: the value gave its handle up (closed it, or
// passed it on). Releasing again, or a zero Guard, does nothing.
func (g *Guard) Release() {
	if g.armed {
		g.armed = false
		g.cleanup.Stop()
		HandleGone()
	}
}

// forgotten is what the cleanup of a forgotten handle needs.
type forgotten[H any] struct {
	drop   func(H)
	handle H
}

func dropForgotten[H any](f forgotten[H]) {
	HandleGone()
	f.drop(f.handle)
}
