package abi

import (
	"fmt"
	"runtime"
)

// Handle is the state of one imported resource handle held by a Go value.
// The zero Handle is closed.
type Handle struct {
	handle  int32
	owned   bool
	drop    func(int32)
	cleanup runtime.Cleanup
}

// Own records that obj holds the owned handle h; drop runs if obj becomes
// unreachable without being closed, so a forgotten handle is still returned
// to the host.
func Own[T any](obj *T, state *Handle, h int32, drop func(int32)) {
	state.handle = h
	state.owned = true
	state.drop = drop
	state.cleanup = runtime.AddCleanup(obj, drop, h)
}

// Borrowed records a borrowed handle: the Go value may use it only during the
// export call that received it. Closing it ends the borrow, which the
// generated glue does when the export returns.
func Borrowed(state *Handle, h int32, drop func(int32)) {
	state.handle = h
	state.drop = drop
}

// Use returns the handle for a call (a method call or a borrow argument).
func (s *Handle) Use(resource string) int32 {
	if s.handle == 0 {
		panic(fmt.Sprintf("witgo: use of closed %s resource", resource))
	}
	return s.handle
}

// Take transfers ownership of the handle out of the Go value (an own<T>
// argument): the value is closed afterwards.
func (s *Handle) Take(resource string) int32 {
	if s.handle == 0 {
		panic(fmt.Sprintf("witgo: use of closed %s resource", resource))
	}
	if !s.owned {
		panic(fmt.Sprintf("witgo: cannot pass a borrowed %s resource where ownership is required", resource))
	}
	h := s.handle
	s.cleanup.Stop()
	s.handle, s.owned = 0, false
	return h
}

// Close drops the handle (an owned handle's resource is destroyed once its
// last handle is gone; a borrow just ends). Closing again does nothing.
func (s *Handle) Close() {
	if s.handle == 0 {
		return
	}
	h := s.handle
	if s.owned {
		s.cleanup.Stop()
	}
	s.handle, s.owned = 0, false
	s.drop(h)
}

// Table maps the 32-bit representations ("reps") that the host stores for
// exported resources to the Go values implementing them. It keeps those
// values alive until the host drops the resource.
type Table[T any] struct {
	items []T
	used  []bool
	free  []int32
}

// Add stores v and returns its rep (never 0).
func (t *Table[T]) Add(v T) int32 {
	if n := len(t.free); n > 0 {
		rep := t.free[n-1]
		t.free = t.free[:n-1]
		t.items[rep-1] = v
		t.used[rep-1] = true
		return rep
	}
	t.items = append(t.items, v)
	t.used = append(t.used, true)
	return int32(len(t.items))
}

// Get returns the value for rep.
func (t *Table[T]) Get(rep int32) T {
	if rep <= 0 || int(rep) > len(t.items) || !t.used[rep-1] {
		panic(fmt.Sprintf("witgo: unknown resource rep %d", rep))
	}
	return t.items[rep-1]
}

// TryRemove forgets rep if it is live and returns its value.
func (t *Table[T]) TryRemove(rep int32) (T, bool) {
	var zero T
	if rep <= 0 || int(rep) > len(t.items) || !t.used[rep-1] {
		return zero, false
	}
	return t.Remove(rep), true
}

// Remove forgets rep and returns its value.
func (t *Table[T]) Remove(rep int32) T {
	v := t.Get(rep)
	var zero T
	t.items[rep-1] = zero
	t.used[rep-1] = false
	t.free = append(t.free, rep)
	return v
}

// Len is the number of live entries.
func (t *Table[T]) Len() int { return len(t.items) - len(t.free) }
