package exec

import (
	"context"
	"time"
)

// taskCtx is the context an async export's implementation gets: done when
// the host cancels the task, and once the task has returned. It behaves
// like context.WithCancel(context.Background()) without that one's cost on
// every export call: it lives inside the task, makes its Done channel only
// if someone asks for it, and lets contexts derived from it (WithTimeout,
// WithCancel, AfterFunc) follow it without a goroutine of their own (the
// AfterFunc method is what the context package looks for).
type taskCtx struct {
	mu     execMutex
	done   chan struct{} // nil until Done is called
	err    error
	afters *afterFunc // the functions AfterFunc registered, a doubly linked list
	// watchers are the waiters blocked with this context (see
	// waiter.next), woken with a cancelWake event when it is cancelled.
	watchers *waiter
}

type afterFunc struct {
	f          func()
	fa         func(any) // instead of f: run with arg (AfterHook)
	arg        any
	prev, next *afterFunc
	pending    bool // in the list
}

func (a *afterFunc) run() {
	if a.fa != nil {
		a.fa(a.arg)
		return
	}
	a.f()
}

var _ context.Context = (*taskCtx)(nil)

func (c *taskCtx) Deadline() (time.Time, bool) { return time.Time{}, false }

func (c *taskCtx) Value(any) any { return nil }

func (c *taskCtx) String() string { return "witgo/async task context" }

func (c *taskCtx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			close(c.done)
		}
	}
	return c.done
}

func (c *taskCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// AfterFunc arranges for f to run once c is done (at once if it is); stop
// unregisters f and reports whether it did so before f ran.
func (c *taskCtx) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		f()
		return func() bool { return false }
	}
	a := &afterFunc{f: f}
	c.pushLocked(a)
	c.mu.Unlock()
	return func() bool { return c.remove(a) }
}

// pushLocked registers a. A list, where a map cost about 3,000
// instructions a task to make, fill and empty (an HTTP request registers
// one).
func (c *taskCtx) pushLocked(a *afterFunc) {
	a.next, a.pending = c.afters, true
	if c.afters != nil {
		c.afters.prev = a
	}
	c.afters = a
}

// remove unregisters a and reports whether it did so before a ran.
func (c *taskCtx) remove(a *afterFunc) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !a.pending {
		return false
	}
	a.pending = false
	if a.prev != nil {
		a.prev.next = a.next
	} else {
		c.afters = a.next
	}
	if a.next != nil {
		a.next.prev = a.prev
	}
	a.prev, a.next = nil, nil
	return true
}

// AfterHook is AfterFunc for code that registers one per call: kept in a
// larger allocation, it costs no allocation of its own where AfterFunc
// costs a registration, its stop function and f's closure.
type AfterHook struct {
	a    afterFunc
	c    *taskCtx
	stop func() bool // for a context of another kind
}

// Register arranges for f(arg) to run once ctx is done (at once if it
// is). A hook is registered once.
func (h *AfterHook) Register(ctx context.Context, f func(any), arg any) {
	var c *taskCtx
	switch x := ctx.(type) {
	case *taskCtx:
		c = x
	case *cancelCtx:
		c = &x.taskCtx
	default:
		h.stop = context.AfterFunc(ctx, func() { f(arg) })
		return
	}
	h.c = c
	h.a.fa, h.a.arg = f, arg
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		f(arg)
		return
	}
	c.pushLocked(&h.a)
	c.mu.Unlock()
}

// Stop unregisters the hook and reports whether it did so before f ran
// (AfterFunc's stop).
func (h *AfterHook) Stop() bool {
	if h.c == nil {
		return h.stop != nil && h.stop()
	}
	return h.c.remove(&h.a)
}

// watch adds w to c's watchers, unless c is done already.
func (c *taskCtx) watch(w *waiter) {
	c.mu.Lock()
	if c.err == nil {
		w.watched, w.ctxPrev, w.ctxNext = c, nil, c.watchers
		if c.watchers != nil {
			c.watchers.ctxPrev = w
		}
		c.watchers = w
	}
	c.mu.Unlock()
}

// unwatch removes w from c's watchers, if it is still among them.
func (c *taskCtx) unwatch(w *waiter) {
	c.mu.Lock()
	switch {
	case w.watched != c:
	case c.err != nil:
		// cancel emptied the list.
		w.watched = nil
	default:
		if w.ctxPrev != nil {
			w.ctxPrev.ctxNext = w.ctxNext
		} else {
			c.watchers = w.ctxNext
		}
		if w.ctxNext != nil {
			w.ctxNext.ctxPrev = w.ctxPrev
		}
		w.watched, w.ctxPrev, w.ctxNext = nil, nil, nil
	}
	c.mu.Unlock()
}

// cancel makes c done with context.Canceled (once).
func (c *taskCtx) cancel() {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = context.Canceled
	if c.done != nil {
		close(c.done)
	}
	afters := c.afters
	c.afters = nil
	for w := c.watchers; w != nil; {
		next := w.ctxNext
		// The queue has room: at most one progress event is pending.
		w.events.put(event{code: cancelWake})
		w.ctxPrev, w.ctxNext = nil, nil
		w = next
	}
	c.watchers = nil
	// Each runs once: stop finds it out of the list.
	for a := afters; a != nil; a = a.next {
		a.pending = false
	}
	c.mu.Unlock()
	for a := afters; a != nil; a = a.next {
		a.run()
	}
}

// cancelCtx is a context of its own, cancelled only by its cancel
// function: context.WithCancel(context.Background()) that waits in this
// package cost no select (see waiter.next) and contexts derived from it no
// goroutine. It is a taskCtx outside any task.
type cancelCtx struct{ taskCtx }

func (c *cancelCtx) String() string { return "witgo/async cancel context" }

// WithCancel is context.WithCancel(context.Background()) made for waits
// in this package: an operation on an async import, stream or future that
// waits with it is a plain channel receive, where another cancellable
// context needs a select.
func WithCancel() (context.Context, context.CancelFunc) {
	c := &cancelCtx{}
	return c, c.cancel
}

// CancelContext is WithCancel's context as a value, for code that keeps
// one per call in a larger allocation: it costs no allocation of its own,
// where WithCancel costs the context and its cancel function.
type CancelContext struct{ c cancelCtx }

// Context is the context; it is done once Cancel is called.
func (c *CancelContext) Context() context.Context { return &c.c }

// Cancel cancels the context (once).
func (c *CancelContext) Cancel() { c.c.cancel() }
