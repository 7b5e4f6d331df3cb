package abi

import (
	"runtime"
	"testing"
	"time"
)

type guarded struct {
	guard Guard
	_     [4]int
}

// dropped collects the handles guards dropped; cleanups run on their own
// goroutine.
var dropped = make(chan int32, 64)

func dropInto(h int32) { dropped <- h }

// collectUntil runs collections until want is dropped, or fails.
func collectUntil(t *testing.T, want int32) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		runtime.GC()
		select {
		case h := <-dropped:
			if h != want {
				t.Fatalf("dropped handle %d, want %d", h, want)
			}
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("handle %d was never dropped", want)
}

// A forgotten value's handle is dropped, though its guard was only
// written down (not armed) when the value became garbage.
func TestForgottenHandleIsDropped(t *testing.T) {
	func() {
		v := &guarded{}
		v.guard = GuardHandle(v, dropInto, int32(7))
	}()
	collectUntil(t, 7)
}

// A released guard never drops its handle, armed or not, and its slot
// serves the next guard.
func TestReleasedHandleIsNotDropped(t *testing.T) {
	kept := &guarded{}
	kept.guard = GuardHandle(kept, dropInto, int32(1))
	kept.guard.Release()
	kept.guard.Release() // twice does nothing

	armed := &guarded{}
	armed.guard = GuardHandle(armed, dropInto, int32(2))
	armGuards()
	armed.guard.Release()

	func() {
		v := &guarded{}
		v.guard = GuardHandle(v, dropInto, int32(3))
	}()
	collectUntil(t, 3)
	runtime.KeepAlive(kept)
	runtime.KeepAlive(armed)
}

// More guards than wait unarmed at once are armed as they come, and each
// forgotten one is dropped.
func TestManyForgottenHandlesAreDropped(t *testing.T) {
	const n = 3 * maxUnarmed
	func() {
		for i := range n {
			v := &guarded{}
			v.guard = GuardHandle(v, dropInto, int32(100+i))
		}
	}()
	seen := map[int32]bool{}
	deadline := time.Now().Add(5 * time.Second)
	for len(seen) < n && time.Now().Before(deadline) {
		runtime.GC()
		for drained := false; !drained; {
			select {
			case h := <-dropped:
				seen[h] = true
			case <-time.After(10 * time.Millisecond):
				drained = true
			}
		}
	}
	if len(seen) != n {
		t.Fatalf("%d of %d forgotten handles dropped", len(seen), n)
	}
}
