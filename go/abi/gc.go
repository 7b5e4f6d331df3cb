package abi

import "runtime/debug"

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

// GoRuns switches the collector back on with the program's setting.
func GoRuns() {
	if !collectorOff {
		return
	}
	collectorOff = false
	debug.SetGCPercent(userGCPercent)
}
