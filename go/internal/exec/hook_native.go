//go:build wasip1 && witgo_native_idle_hook && !witgo_overlay

package exec

import _ "unsafe" // for go:linkname

// A toolchain that has runtime.wasiOnIdle itself. It does not report the
// next timer deadline, so sleeping goroutines wake on the next host event.

//go:linkname wasiOnIdle runtime.wasiOnIdle
func wasiOnIdle(callback func() bool)

func idleDeadline() int64 { return 0 }

//go:linkname nanotime runtime.nanotime
func nanotime() int64
