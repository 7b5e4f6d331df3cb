//go:build wasip1 && witgo_overlay

package abi

import "unsafe"

// OnGoroutineStack reports whether p points into the running goroutine's
// stack.
//
// Generated glue uses it to ask the compiler whether an export method keeps
// a reference to a string or list argument: a probe passes a view of a
// local one-element array to the method, in a call that never runs (under
// Probing), and stores the results in Sink. Escape analysis is
// flow-insensitive, so the array lives on the heap if the method may keep
// its argument, or return it, and on the stack only if it cannot. The
// glue then recycles the host's block of that argument after each call
// (see Recycle).
//
//go:linkname OnGoroutineStack runtime.witgoOnStack
//go:noescape
func OnGoroutineStack(p unsafe.Pointer) bool
