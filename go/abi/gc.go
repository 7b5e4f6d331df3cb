package abi

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// While the host may call cabi_realloc — between export calls, and during an
// import call whose results it writes into Go memory — the Go collector must
// not start a cycle: starting one reads the clock through a WASI import, and
// the Component Model traps ("cannot leave component instance") on any import
// call made from inside cabi_realloc. So the collector is switched off for
// those windows and back on (with the program's own GOGC setting) while Go
// code runs. debug.SetGCPercent is cheap (a lock and a few stores).
var (
	collectorOff  bool
	userGCPercent int
)

func init() { HostMayAllocate() }

// HostMayAllocate switches the collector off; it reports whether it did, so
// that the caller can undo exactly its own change with GoRuns.
func HostMayAllocate() bool {
	if collectorOff {
		return false
	}
	userGCPercent = debug.SetGCPercent(-1)
	collectorOff = true
	return true
}

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
