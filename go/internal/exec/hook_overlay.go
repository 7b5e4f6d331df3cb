//go:build wasip1 && witgo_overlay

package exec

import _ "unsafe" // for go:linkname

// The scheduler bridge from witgo's runtime overlay.

//go:linkname wasiOnIdle runtime.wasiOnIdle
func wasiOnIdle(callback func() bool)

//go:linkname idleDeadline runtime.wasiIdleDeadline
func idleDeadline() int64

//go:linkname nanotime runtime.nanotime
func nanotime() int64
