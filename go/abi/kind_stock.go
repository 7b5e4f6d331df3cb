//go:build !(wasip1 && witgo_overlay)

package abi

import "unsafe"

// dynamicKind is reflect.TypeOf(v).Kind() without reflect, for bindings
// built without witgo's overlay (plain `go build`, and tests on the host).
// An interface's first word points at its dynamic type's
// internal/abi.Type, whose Kind_ byte follows Size_ and PtrBytes (two
// uintptrs), Hash (4 bytes) and three single bytes (TFlag, Align_,
// FieldAlign_). That layout holds in Go 1.25 to 1.27; TestDynamicKindIsReflectKind
// checks it on each Go the tests run with. `witgo build` asks the runtime
// instead (kind_overlay.go).
func dynamicKind(v any) uint8 {
	typ := *(*unsafe.Pointer)(unsafe.Pointer(&v))
	return *(*uint8)(unsafe.Add(typ, 2*unsafe.Sizeof(uintptr(0))+4+3)) & (1<<5 - 1)
}
