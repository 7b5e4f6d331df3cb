package exec

// Which waiter watches which waitable. Every watched waitable is a member
// of one task or an orphan (see orphans); each set of members is a list
// linked through the waiters, and the waiter of a handle is found in a
// slice indexed by handle. With maps, inserting, finding and deleting a
// member cost about 2,500 instructions per import call on wasm. Handles
// are indices into the instance's handle table, which hosts keep dense;
// a handle beyond maxIndexedHandle goes to a map instead.

// memberList is a set of waiters: a task's members, or the orphans.
type memberList struct {
	first *waiter
	n     int
}

func (l *memberList) add(w *waiter) {
	w.memberPrev, w.memberNext, w.in = nil, l.first, l
	if l.first != nil {
		l.first.memberPrev = w
	}
	l.first = w
	l.n++
}

// remove takes w out of the list it is in, if any.
func (l *memberList) remove(w *waiter) {
	if w.in != l {
		return
	}
	if w.memberPrev != nil {
		w.memberPrev.memberNext = w.memberNext
	} else {
		l.first = w.memberNext
	}
	if w.memberNext != nil {
		w.memberNext.memberPrev = w.memberPrev
	}
	w.memberPrev, w.memberNext, w.in = nil, nil, nil
	l.n--
}

const maxIndexedHandle = 1 << 20

var (
	waitersByHandle []*waiter
	waitersBeyond   map[uint32]*waiter
)

// waiterAt is the waiter watching handle h, or nil.
func waiterAt(h uint32) *waiter {
	if h < uint32(len(waitersByHandle)) {
		return waitersByHandle[h]
	}
	if h >= maxIndexedHandle {
		return waitersBeyond[h]
	}
	return nil
}

// setWaiterAt records w (nil: none) as the waiter watching handle h.
func setWaiterAt(h uint32, w *waiter) {
	switch {
	case h < uint32(len(waitersByHandle)):
		waitersByHandle[h] = w
	case h >= maxIndexedHandle:
		if w == nil {
			delete(waitersBeyond, h)
			return
		}
		if waitersBeyond == nil {
			waitersBeyond = map[uint32]*waiter{}
		}
		waitersBeyond[h] = w
	case w != nil:
		n := max(2*len(waitersByHandle), int(h)+1, 64)
		grown := make([]*waiter, min(n, maxIndexedHandle))
		copy(grown, waitersByHandle)
		waitersByHandle = grown
		waitersByHandle[h] = w
	}
}
