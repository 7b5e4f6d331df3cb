//go:build wasip1 && witgo_overlay

package abi

import _ "unsafe" // for go:linkname

// TypeName is the name of v's dynamic type, as fmt's %T prints it.
//
//go:linkname TypeName runtime.witgoTypeString
func TypeName(v any) string
