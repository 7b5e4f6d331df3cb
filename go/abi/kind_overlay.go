//go:build wasip1 && witgo_overlay

package abi

import _ "unsafe" // for go:linkname

// dynamicKind is reflect.TypeOf(v).Kind() without reflect, asked of the
// runtime itself (runtime.witgoTypeKind, from witgo's overlay), so it
// holds for whatever layout a Go release gives its type descriptors.
//
//go:linkname dynamicKind runtime.witgoTypeKind
func dynamicKind(v any) uint8
