//go:build !wasip1

package wit

// Stand-ins so that code using ErrorContext type-checks on the developer's
// platform; error-contexts exist only inside a component.

func errorContextNew(string) int32 {
	panic("witgo/wit: error-context exists only on GOOS=wasip1")
}

func errorContextDebugMessage(int32) string {
	panic("witgo/wit: error-context exists only on GOOS=wasip1")
}

func errorContextDrop(int32) {
	panic("witgo/wit: error-context exists only on GOOS=wasip1")
}
