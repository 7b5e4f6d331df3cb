//go:build wasip1 && witgo_overlay

package exec

import "unsafe" // also for go:linkname

// The scheduler bridge from witgo's runtime overlay.

//go:linkname wasiOnIdle runtime.wasiOnIdle
func wasiOnIdle(callback func() bool)

//go:linkname idleDeadline runtime.wasiIdleDeadline
func idleDeadline() int64

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// Inline export calls (see runInline), from the same overlay.
const inlineCalls = true

//go:linkname inlineBegin runtime.witgoInlineBegin
func inlineBegin(export, resume unsafe.Pointer)

//go:linkname inlineEnd runtime.witgoInlineEnd
func inlineEnd()

//go:linkname inlineExit runtime.witgoInlineExit
func inlineExit()

// waitIdle parks the driver until every other goroutine is blocked.
//
//go:linkname waitIdle runtime.witgoWaitIdle
func waitIdle()

//go:linkname settled runtime.witgoSettled
func settled() bool
