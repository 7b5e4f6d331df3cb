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
	afters map[*afterFunc]struct{}
	// watchers are the waiters blocked with this context (see
	// waiter.next), woken with a cancelWake event when it is cancelled.
	watchers *waiter
}

type afterFunc struct{ f func() }

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
	a := &afterFunc{f}
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		f()
		return func() bool { return false }
	}
	if c.afters == nil {
		c.afters = map[*afterFunc]struct{}{}
	}
	c.afters[a] = struct{}{}
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, pending := c.afters[a]
		delete(c.afters, a)
		return pending
	}
}

// watch adds w to c's watchers, unless c is done already.
func (c *taskCtx) watch(w *waiter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	w.watched, w.ctxPrev, w.ctxNext = c, nil, c.watchers
	if c.watchers != nil {
		c.watchers.ctxPrev = w
	}
	c.watchers = w
}

// unwatch removes w from c's watchers, if it is still among them.
func (c *taskCtx) unwatch(w *waiter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w.watched != c {
		return
	}
	if c.err != nil {
		// cancel emptied the list.
		w.watched = nil
		return
	}
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
		select {
		case w.events <- event{code: cancelWake}:
		default:
		}
		w.ctxPrev, w.ctxNext = nil, nil
		w = next
	}
	c.watchers = nil
	c.mu.Unlock()
	// Ranging even a nil map costs hundreds of instructions on wasm, and
	// every task's context is cancelled when the task ends.
	if len(afters) > 0 {
		for a := range afters {
			a.f()
		}
	}
}
