//go:build !(wasip1 && witgo_overlay)

package abi

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// flagMutex is this package's lock (see gc_overlay.go).
type flagMutex = sync.Mutex

// The collector hold of gc.go without witgo's runtime overlay (bindings built
// by plain `go build`): the collector is switched off with
// debug.SetGCPercent(-1) for the host's windows and back on (with the
// program's own GOGC setting) while Go code runs. That costs two runtime
// calls per export call, which the overlay's flag avoids (gc_overlay.go).
var (
	collectorOff  bool
	userGCPercent int
)

func init() { HostMayAllocate() }

// HostMayAllocate holds the collector; it reports whether it did, so that
// the caller can undo exactly its own change with GoRuns.
func HostMayAllocate() bool {
	if collectorOff {
		return false
	}
	userGCPercent = debug.SetGCPercent(-1)
	collectorOff = true
	return true
}

// ExportStarts switches the collector on where an export's Go code starts
// (the overlay needs nothing there).
func ExportStarts() { GoRuns() }

// ExportEnds switches the collector off where control goes back to the
// host, which may call cabi_realloc next. It reports whether other
// goroutines may have run meanwhile (a collection in progress is finished
// first): debug.SetGCPercent(-1) does not say, so always.
func ExportEnds() bool {
	HostMayAllocate()
	return true
}

// ExportEndsAllocated is ExportEnds after arguments the host allocated
// (GoRuns ran a collection at the start if they added up to enough).
func ExportEndsAllocated() bool { return ExportEnds() }

// CollectionInProgress reports whether a collection is marking (for tests).
// Without witgo's overlay there is no way to tell: it reports false.
func CollectionInProgress() bool { return false }

// GoRuns switches the collector back on with the program's setting. Memory
// the host allocated while it was off never passed through a trigger check,
// so once that adds up to the heap's growth budget a collection runs here.
func GoRuns() {
	if !collectorOff {
		return
	}
	collectorOff = false
	debug.SetGCPercent(userGCPercent)
	if hostAllocated >= hostBudget && userGCPercent >= 0 {
		hostAllocated = 0
		runtime.GC()
		hostBudget = growthBudget()
	}
}

// noteHostAllocation counts what cabi_realloc allocated: GoRuns collects
// once that adds up to the heap's growth budget.
func noteHostAllocation(n uintptr) { hostAllocated += n }

// Bytes the host allocated through cabi_realloc since the last collection
// GoRuns ran, and how many may accumulate before the next one: what GOGC
// allows the heap to grow by, at least 4 MiB (Go's own minimum heap goal).
var (
	hostAllocated uintptr
	hostBudget    uintptr = 4 << 20
	liveSample            = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
)

func growthBudget() uintptr {
	metrics.Read(liveSample)
	budget := uintptr(4 << 20)
	if liveSample[0].Value.Kind() == metrics.KindUint64 {
		if b := uintptr(liveSample[0].Value.Uint64()) * uintptr(userGCPercent) / 100; b > budget {
			budget = b
		}
	}
	return budget
}
