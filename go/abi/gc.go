package abi

// While the host may call cabi_realloc — between export calls, and during an
// import call whose results it writes into Go memory — the Go collector must
// not start a cycle, nor be in the middle of one: starting one reads the
// clock through a WASI import and switches goroutines, and the Component
// Model traps ("cannot leave component instance") on any import call made
// from inside cabi_realloc; an allocation during a cycle may have to help
// mark, which can park the goroutine.
//
// With witgo's runtime overlay (every `witgo build`) no cycle starts while
// cabi_realloc runs, and every cycle stops the world, so none is ever half
// done when the host gets control: export glue (ExportStarts, ExportEnds)
// costs nothing, except a trigger test after the host allocated arguments
// (ExportEndsAllocated). Import wrappers that use shared areas still hold
// the collector from start to end (HostMayAllocate, GoRuns), a flag in the
// runtime's trigger test, so that no collection switches goroutines in
// between (gc_overlay.go). Without the overlay, the collector is switched
// off while the host has control, with debug.SetGCPercent (gc_stock.go).
