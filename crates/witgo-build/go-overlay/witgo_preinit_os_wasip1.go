// Copyright: added by witgo to Go's os package through `go build -overlay`.
// This file is not part of Go; see witgo's crates/witgo-build/src/preinit.rs.

//go:build wasip1 && witgo_preinit

package os

import _ "unsafe" // for go:linkname

//go:linkname runtime_witgoOnResume runtime.witgoOnResume
func runtime_witgoOnResume(f func())

// A pre-initialised instance's os.Args are its own, not the build's.
func init() { runtime_witgoOnResume(func() { Args = runtime_args() }) }
