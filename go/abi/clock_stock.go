//go:build !(wasip1 && witgo_overlay)

package abi

// Without witgo's runtime overlay (bindings built by plain `go build`) the
// clock cannot be frozen; a large host allocation may then trap.
func freezeClock(bool) {}
