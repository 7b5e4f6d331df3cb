package exec

import "unsafe"

// eventQueue holds a waiter's events until its goroutine takes them: room
// for a pending progress event, the final one and a cancelWake. The
// goroutine that finds it empty parks in the runtime until put makes it
// ready again. A channel did the same with a lock, a sudog and a wait
// queue each way: about 2,000 instructions a wait on wasm, where 10,000
// goroutines awaiting an import each spent 30,000 in all.
//
// There is one thread (wasm), and nothing between take's test and its
// park lets another goroutine run: no lock is needed.
type eventQueue struct {
	buf    [3]event
	head   uint8
	n      uint8
	parked unsafe.Pointer // the runtime's g parked in take, or nil
}

// put queues ev and wakes the goroutine parked in take; it reports false
// if the queue is full.
func (q *eventQueue) put(ev event) bool {
	if int(q.n) == len(q.buf) {
		return false
	}
	q.buf[(int(q.head)+int(q.n))%len(q.buf)] = ev
	q.n++
	if gp := q.parked; gp != nil {
		q.parked = nil
		goready(gp, 1)
	}
	return true
}

// tryTake takes the oldest event, if there is one.
func (q *eventQueue) tryTake() (event, bool) {
	if q.n == 0 {
		return event{}, false
	}
	ev := q.buf[q.head]
	q.head = uint8((int(q.head) + 1) % len(q.buf))
	q.n--
	return ev, true
}

// take takes the oldest event, parking until there is one.
func (q *eventQueue) take() event {
	for q.n == 0 {
		gopark(parkOnQueue, unsafe.Pointer(q), waitReasonIOWait, traceBlockGeneric, 1)
	}
	ev, _ := q.tryTake()
	return ev
}

// parkOnQueue runs once the goroutine is parked (on the scheduler's stack):
// it records the goroutine for put to wake.
func parkOnQueue(gp, q unsafe.Pointer) bool {
	(*eventQueue)(q).parked = gp
	return true
}

// The runtime's park and wake-up, which it lets other packages link to
// (go.dev/issue/67401): the g is opaque here.

//go:linkname gopark runtime.gopark
func gopark(unlockf func(gp, lock unsafe.Pointer) bool, lock unsafe.Pointer, reason uint8, traceReason uint8, traceskip int)

//go:linkname goready runtime.goready
func goready(gp unsafe.Pointer, traceskip int)

// The runtime's waitReasonIOWait ("IO wait" in a goroutine dump: the
// goroutine waits for the host) and traceBlockGeneric, the same in Go 1.11
// through 1.27.
const (
	waitReasonIOWait  = 2
	traceBlockGeneric = 0
)
