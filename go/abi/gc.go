package abi

// While the host may call cabi_realloc — between export calls, and during an
// import call whose results it writes into Go memory — the Go collector must
// not start a cycle: starting one reads the clock through a WASI import, and
// the Component Model traps ("cannot leave component instance") on any import
// call made from inside cabi_realloc. So generated glue calls HostMayAllocate
// before the host gets control and GoRuns when Go code runs again.
//
// With witgo's runtime overlay (every `witgo build`) holding the collector is
// a flag in the runtime's trigger test (gc_overlay.go); without it, the
// collector is switched off and on with debug.SetGCPercent (gc_stock.go).
