//go:build wasip1 && witgo_overlay

package abi

import _ "unsafe" // for go:linkname

// freezeClock is witgo's runtime overlay's clock freeze: see cabiRealloc.
//
//go:linkname freezeClock runtime.witgoFreezeClock
func freezeClock(frozen bool)
