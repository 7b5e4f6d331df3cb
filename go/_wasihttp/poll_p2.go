package wasihttp

import (
	"context"
	"runtime"
	"sync"

	monotonicclock "witgo/bindings/wasi/clocks/monotonic-clock"
	"witgo/bindings/wasi/io/poll"
)

// WASI 0.2 has no async calls: a goroutine that waits for the host (a body
// chunk, room to write, a response) waits on a pollable. One goroutine, the
// poller, waits on all of them at once with wasi:io/poll, in slices of
// pollSlice, and between slices lets every other goroutine run: their
// timers fire and their contexts can be cancelled. While it waits in the
// host the whole instance waits; a 0.2 instance serves one request.

// pollSlice bounds how long the poller keeps the instance in the host
// before other goroutines get a turn (their timers fire up to this late).
const pollSlice = 2_000_000 // ns

type pollWaiter struct {
	p         *poll.Pollable
	ready     chan struct{} // closed when the poller is done with the waiter
	cancelled bool
}

var (
	pollMu      sync.Mutex
	pollWaiting []*pollWaiter
	pollRunning bool
	// pollBusy: the poller has taken the list into a host call. A waiter
	// then stays until the call is over, so that its pollable (which its
	// owner drops after wait returns) is not dropped while the host uses it.
	pollBusy bool
)

// wait returns once p is ready, or with ctx's error once ctx ends.
func wait(ctx context.Context, p *poll.Pollable) error {
	if p.Ready() {
		return nil
	}
	w := &pollWaiter{p: p, ready: make(chan struct{})}
	pollMu.Lock()
	pollWaiting = append(pollWaiting, w)
	if !pollRunning {
		pollRunning = true
		go poller()
	}
	pollMu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	pollMu.Lock()
	if !pollBusy && removeWaiter(w) {
		pollMu.Unlock()
		return ctx.Err()
	}
	w.cancelled = true
	pollMu.Unlock()
	<-w.ready
	return ctx.Err()
}

// removeWaiter takes w out of the waiting list; pollMu is held.
func removeWaiter(w *pollWaiter) bool {
	for i, u := range pollWaiting {
		if u == w {
			pollWaiting = append(pollWaiting[:i], pollWaiting[i+1:]...)
			return true
		}
	}
	return false
}

// poller waits on every waiting goroutine's pollable and wakes those whose
// pollable is ready; it ends when nobody waits.
func poller() {
	var in []*poll.Pollable
	var waiters []*pollWaiter
	for {
		pollMu.Lock()
		if len(pollWaiting) == 0 {
			pollRunning = false
			pollMu.Unlock()
			return
		}
		waiters = append(waiters[:0], pollWaiting...)
		pollBusy = true
		pollMu.Unlock()

		in = in[:0]
		for _, w := range waiters {
			in = append(in, w.p)
		}
		slice := monotonicclock.SubscribeDuration(pollSlice)
		in = append(in, slice)
		ready := poll.Poll(in)
		slice.Close()

		pollMu.Lock()
		pollBusy = false
		for _, i := range ready {
			if int(i) < len(waiters) && !waiters[i].cancelled && removeWaiter(waiters[i]) {
				close(waiters[i].ready)
			}
		}
		for _, w := range waiters {
			if w.cancelled && removeWaiter(w) {
				close(w.ready)
			}
		}
		pollMu.Unlock()
		runtime.Gosched()
	}
}
