package wasihttp

import _ "unsafe" // for go:linkname

// runMain is the program's main function: a component built from package
// main has no other moment to run it.
//
//go:linkname runMain main.main
func runMain()
