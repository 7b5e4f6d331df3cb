//go:build !(wasip1 && witgo_overlay)

package abi

import "unsafe"

// OnGoroutineStack reports whether p points into the running goroutine's
// stack, with witgo's runtime overlay. Without it (bindings built by plain
// `go build`) it reports false: the glue then leaves every argument's block
// to the collector.
func OnGoroutineStack(p unsafe.Pointer) bool { return false }
