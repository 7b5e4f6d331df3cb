package abi

// This package imports neither fmt nor reflect: every component links it,
// and they would bring their dependencies' initialisation (os opening its
// files, unicode's tables, GODEBUG parsing) into every instantiation, and
// about 180 KB into the binary.

// Handle is the state of one imported resource handle held by a Go value.
// The zero Handle is closed.
type Handle struct {
	handle int32
	owned  bool
	drop   func(int32)
	guard  Guard // drops the handle if the value is forgotten
}

// Own records that obj holds the owned handle h; drop runs if obj becomes
// unreachable without being closed, so a forgotten handle is still returned
// to the host.
func Own[T any](obj *T, state *Handle, h int32, drop func(int32)) {
	state.handle = h
	state.owned = true
	state.drop = drop
	state.guard = GuardHandle(obj, drop, h)
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
		panic("witgo: use of closed " + resource + " resource")
	}
	return s.handle
}

// Take transfers ownership of the handle out of the Go value (an own<T>
// argument): the value is closed afterwards.
func (s *Handle) Take(resource string) int32 {
	if s.handle == 0 {
		panic("witgo: use of closed " + resource + " resource")
	}
	if !s.owned {
		panic("witgo: cannot pass a borrowed " + resource + " resource where ownership is required")
	}
	h := s.handle
	s.guard.Release()
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
	s.guard.Release()
	s.handle, s.owned = 0, false
	s.drop(h)
}

// Table maps the 32-bit representations ("reps") that the host stores for
// exported resources to the Go values implementing them. It keeps those
// values alive until the host drops the resource.
//
// One Go value handed out several times (an export returning a value it
// already handed out, e.g. its own borrowed argument) gets one rep with a
// count of the handles to it, so that its Drop runs when the last handle
// goes rather than while other handles still use it. Values are recognised
// by identity, so this applies to pointer-shaped values (pointers, maps,
// channels); any other value is a new rep each time it is handed out.
type Table[T any] struct {
	items []T
	// refs[rep-1] is how many handles the host holds to rep; 0 = free slot.
	refs []int32
	free []int32
	reps map[any]int32
}

// identity returns v as a map key if its dynamic type has identity.
func identity(v any) (any, bool) {
	if v == nil {
		return nil, false
	}
	switch dynamicKind(v) {
	case kindPointer, kindMap, kindChan, kindUnsafePointer:
		return v, true
	}
	return nil, false
}

// The kinds of internal/abi (reflect.Kind has the same numbers).
const (
	kindChan          = 18
	kindMap           = 21
	kindPointer       = 22
	kindUnsafePointer = 26
)

// Add records one more handle to v and returns v's rep (never 0).
func (t *Table[T]) Add(v T) int32 {
	key, hasID := identity(any(v))
	if hasID {
		if rep, ok := t.reps[key]; ok {
			t.refs[rep-1]++
			return rep
		}
	}
	var rep int32
	if n := len(t.free); n > 0 {
		rep = t.free[n-1]
		t.free = t.free[:n-1]
		t.items[rep-1] = v
		t.refs[rep-1] = 1
	} else {
		t.items = append(t.items, v)
		t.refs = append(t.refs, 1)
		rep = int32(len(t.items))
	}
	if hasID {
		if t.reps == nil {
			t.reps = make(map[any]int32)
		}
		t.reps[key] = rep
	}
	return rep
}

func (t *Table[T]) live(rep int32) bool {
	return rep > 0 && int(rep) <= len(t.items) && t.refs[rep-1] > 0
}

// Get returns the value for rep.
func (t *Table[T]) Get(rep int32) T {
	if !t.live(rep) {
		panic("witgo: unknown resource rep " + FormatInt(int64(rep)))
	}
	return t.items[rep-1]
}

// Hold records one more reference to rep: the glue taking ownership of a
// handle back into Go holds rep while it drops that handle, so that the
// destructor this runs does not see the last handle go (see Remove).
func (t *Table[T]) Hold(rep int32) {
	if !t.live(rep) {
		panic("witgo: unknown resource rep " + FormatInt(int64(rep)))
	}
	t.refs[rep-1]++
}

// TryRemove releases one handle to rep; it returns the value and true if that
// was the last handle (the value is then forgotten and its Drop is due).
func (t *Table[T]) TryRemove(rep int32) (T, bool) {
	var zero T
	if !t.live(rep) {
		return zero, false
	}
	if t.refs[rep-1]--; t.refs[rep-1] > 0 {
		return zero, false
	}
	return t.forget(rep), true
}

// Remove releases one reference to rep and returns its value, forgetting it
// if that was the last.
func (t *Table[T]) Remove(rep int32) T {
	v := t.Get(rep)
	if t.refs[rep-1]--; t.refs[rep-1] == 0 {
		t.forget(rep)
	}
	return v
}

func (t *Table[T]) forget(rep int32) T {
	v := t.items[rep-1]
	if key, ok := identity(any(v)); ok {
		delete(t.reps, key)
	}
	var zero T
	t.items[rep-1] = zero
	t.refs[rep-1] = 0
	t.free = append(t.free, rep)
	return v
}

// Len is the number of live entries.
func (t *Table[T]) Len() int { return len(t.items) - len(t.free) }
