//go:build witgo_preinit

package abi

import _ "unsafe" // for go:linkname

// The runtime's refresh of a pre-initialised instance (witgo's overlay, see
// witgo_preinit_wasip1.go).
//
//go:linkname preinitResume runtime.witgoPreinitResume
func preinitResume()

// witgoResume becomes the component's `_initialize` when `witgo build
// --preinit` snapshots the module: Go's own start-up already ran at build
// time, so an instance starts by refreshing what must be its own (clock
// base, random state, arguments, environment, preopened directories).
//
//go:wasmexport witgo_resume
func witgoResume() { preinitResume() }
