//go:build !(wasip1 && witgo_overlay)

package abi

// TypeName is the name of v's dynamic type, as fmt's %T prints it, with
// witgo's runtime overlay. Without it (bindings built by plain `go build`)
// it is only the type's kind, as in "pointer": the name takes reflection.
func TypeName(v any) string {
	if v == nil {
		return "nil"
	}
	return kindName(dynamicKind(v))
}
