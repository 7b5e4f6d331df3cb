//go:build !(wasip1 && witgo_overlay)

package exec

import "unsafe"

// Without witgo's runtime overlay an export's implementation runs on a
// goroutine of its own (see Start).
const inlineCalls = false

func inlineBegin(export, resume unsafe.Pointer) {}
func inlineEnd()                                {}
func inlineExit()                               {}
func settled() bool                             { return false }

// waitIdle waits until the idle hook reports every other goroutine blocked.
func waitIdle() { <-idle }
