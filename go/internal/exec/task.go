package exec

import (
	"context"
	"runtime"
	"unsafe"

	"witgo/abi"
)

// Canonical ABI codes (CanonicalABI.md).
const (
	eventNone          = 0
	eventSubtask       = 1
	eventStreamRead    = 2
	eventStreamWrite   = 3
	eventFutureRead    = 4
	eventFutureWrite   = 5
	eventTaskCancelled = 6

	callbackExit  = 0
	callbackYield = 1
	callbackWait  = 2

	subtaskStarting                = 0
	subtaskStarted                 = 1
	subtaskReturned                = 2
	subtaskCancelledBeforeStarted  = 3
	subtaskCancelledBeforeReturned = 4

	// blocked is what an async-lowered copy or cancel returns when the
	// operation will complete later, with an event.
	blocked = 0xffff_ffff
)

// event is what the host reported about one waitable.
type event struct {
	code    uint32
	payload uint32
}

// waiter is the receiving side of one waitable (a subtask, a stream or
// future end): the host's events for it go to events, or to onEvent or
// copyDone for waitables the executor handles itself.
type waiter struct {
	handle  uint32
	events  eventQueue
	pooled  bool // register's: unregister keeps it for the next wait
	onEvent func(event)
	// copyDone takes the final status of a copy that nobody waits for
	// (see send.go); an interface holding the send, which a func would
	// need a closure for.
	copyDone interface{ settled(status uint32) }
	owner    *task // whose waitable set handle is joined to; nil: none
	// The member list w is in (owner's, or the orphans), and its links.
	in                     *memberList
	memberPrev, memberNext *waiter
	isTimer                bool

	// The task context this waiter's goroutine waits with, which puts a
	// cancelWake in events when it is cancelled (see next); linked through
	// ctxPrev/ctxNext in its watchers.
	watched          *taskCtx
	ctxPrev, ctxNext *waiter
	// Stops the context.AfterFunc that does the same for any other
	// context that can be done.
	stopAfter func() bool
	ctxDone   bool // next reported the context's cancellation
}

// cancelWake is the pseudo-event a task context puts in the queue of each
// waiter watching it when it is cancelled.
const cancelWake = 0xff

// next waits for w's next event; cancelled reports, once, that ctx is done
// first. The context puts a cancelWake in w's queue when it is done: the
// task's own context (the common case), or one from WithCancel, through
// its list of watchers; any other context that can be done through a
// context.AfterFunc, which costs an allocation and a goroutine.
func (w *waiter) next(ctx context.Context) (ev event, cancelled bool) {
	if w.ctxDone {
		for {
			if ev := w.events.take(); ev.code != cancelWake {
				return ev, false
			}
		}
	}
	if w.watched == nil && w.stopAfter == nil {
		switch c := ctx.(type) {
		case *taskCtx:
			c.watch(w)
		case *cancelCtx:
			c.watch(w)
		default:
			if ctx.Done() != nil {
				w.stopAfter = context.AfterFunc(ctx, func() {
					w.events.put(event{code: cancelWake})
				})
			}
		}
	}
	ev = w.events.take()
	if ev.code == cancelWake {
		w.ctxDone = true
		return event{}, true
	}
	return ev, false
}

// task is one call of an async export.
type task struct {
	id  uint32 // the value in the task's context slot 0
	set uint32 // the task's waitable set; 0 until a waitable joins it
	ctx taskCtx

	run             func(ctx context.Context) (finish func(), err error)
	finish          func() // delivers the results (task.return)
	finishErr       error  // the implementation's error, if any
	finished        bool   // the implementation returned
	early           bool   // Return gave the results before it did
	returned        bool   // task.return or task.cancel was called
	cancelRequested bool   // the host cancelled the task

	members memberList // the waiters of the waitables joined to set

	// The unit stream another task writes to make the host call this
	// task's callback (see wake); 0 until first needed.
	wakeRead, wakeWrite uint32
	wakeArmed           bool // a read is pending on wakeRead

	// exitOnDeadlock ends the program if t, its main, deadlocks (see
	// ProgramMain); nil for other tasks.
	exitOnDeadlock func(code int)

	// detached: the implementation ran inline and blocked, and the export
	// call returned without it (see runInline).
	detached bool
}

// The executor's state, and the one rule for touching it. Go on wasm runs
// one goroutine at a time, but a goroutine can lose the thread in the
// middle of an update: wherever it blocks, and wherever it allocates (the
// allocation may park it to assist the collector). So:
//
//   - Driver state (current, entering, timers, timerDeadline, idle) is
//     written only by the host's call into the component (Start, Callback
//     and what they call), never while drive waits for the goroutines to
//     block. Other goroutines can still run in between (an allocation of
//     the driver's may start a collection, which switches goroutines):
//     they read current and entering under mu, and a drive ends by
//     clearing current under it (see settle); what one starts waiting on
//     before a drive begins waits among the orphans (see Enter).
//   - Everything else (tasks, running, orphans, each task's
//     members, yielders, idleWorkers, the spare waiters) is shared:
//     read and written under mu, by the driver too.
var mu execMutex

var (
	tasks   taskTable
	running int   // tasks that have not returned yet
	current *task // the task whose export call is on the stack

	// goingOn counts tasks that returned early (Return) while their
	// implementation goes on: they live until it returns, and receive
	// events, like running ones.
	goingOn int

	// Every waitable the executor watches is a member of one task (joined
	// to its waitable set, so its events come through that task's
	// callback) or an orphan: its task exited with no other task alive to
	// take it, or it was begun before a drive (see Enter). The next drive
	// joins it to its task's set (beginDrive).
	orphans memberList

	yielders []chan struct{} // goroutines in Yield, released on the next callback

	// idle receives a value from the scheduler's idle hook when a task is
	// being driven and every goroutine is blocked; one task is driven at a
	// time, as the Component Model does not enter an instance twice. Only
	// without witgo's overlay: with it the runtime wakes the driver itself
	// (see waitIdle).
	idle = make(chan struct{}, 1)

	// jobs hands an export call to a goroutine left idle by an earlier
	// one; idleWorkers counts those goroutines.
	jobs        = make(chan *task)
	idleWorkers int

	timerDeadline int64 // deadline of the earliest pending timer subtask; 0: none

	// entering: the host has called an async export or a callback, and
	// the drive of its task has not begun yet (see Enter). Driver state.
	entering bool
)

// Enter marks the start of a host call into an async export (its
// generated glue calls it first) or a callback. Until the call's task is
// driven, other goroutines can already run: an allocation in the glue
// (lifting the arguments) or in the executor may start a collection,
// which switches goroutines, and a goroutine whose sleep ended meanwhile
// runs then. What it starts waiting on waits among the orphans, which the
// drive joins to its task's set (see beginDrive), rather than finding no
// task at all.
func Enter() { entering = true }

// Start runs an async export: run calls the Go implementation with the
// task's context and returns the function that delivers its results
// (task.return) and the implementation's error (nil if it has none). Start
// returns the callback code for the host. export is the export's
// //go:wasmexport function, which calls Start, and resume a function with
// its signature that returns Resume().
func Start(export, resume any, run func(ctx context.Context) (finish func(), err error)) uint32 {
	installIdleHook()
	t := newTask()
	t.run = run
	if inlineCalls {
		return t.runInline(export, resume)
	}
	// A goroutine that finished an earlier call takes this one; starting
	// a goroutine costs more than waking one.
	select {
	case jobs <- t:
	default:
		go worker(t)
	}
	mayWake = true
	return t.drive()
}

// inlineTask is the task whose implementation runs on the goroutine the
// host's call arrived on (see runInline), until it returns or Resume takes
// the call over.
var inlineTask *task

// runInline runs t's implementation on the calling goroutine, whose stack
// holds the export's frame: a call that does not block then costs no
// goroutine switch. If it blocks and every goroutine is blocked, the
// runtime overlay starts a new goroutine with a copy of that frame, which
// returns to the host from resume (Resume); this goroutine goes on with
// the implementation when it is woken, delivers the results as a worker
// would, and exits: returning would return from the copied frame again.
func (t *task) runInline(export, resume any) uint32 {
	t.beginDrive()
	inlineTask = t
	inlineBegin(funcValue(export), funcValue(resume))
	run := t.run
	t.run = nil
	finish, err := run(&t.ctx)
	inlineEnd()
	detached := t.detached
	if !detached {
		inlineTask = nil
	}
	t.done(finish, err)
	if detached {
		inlineExit()
	}
	// With nothing else runnable every goroutine is blocked already: no
	// need to pass through the scheduler to find out.
	if !settled() {
		waitIdle()
	}
	return t.settle()
}

// Resume returns from the export call whose implementation blocked while
// it ran inline (see runInline). The runtime overlay calls it, through the
// export's resume function, on a new goroutine once every goroutine is
// blocked.
func Resume() uint32 {
	t := inlineTask
	inlineTask = nil
	t.detached = true
	return t.settle()
}

// funcValue is the func value held in v, as the runtime represents it.
func funcValue(v any) unsafe.Pointer {
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1]
}

// maxIdleWorkers bounds the goroutines kept waiting for the next call.
const maxIdleWorkers = 16

// worker runs t's implementation, then those of the tasks Start hands it,
// until enough other workers wait.
func worker(t *task) {
	for {
		run := t.run
		t.run = nil
		finish, err := run(&t.ctx)
		t.done(finish, err)
		mu.Lock()
		enough := idleWorkers >= maxIdleWorkers
		if !enough {
			idleWorkers++
		}
		mu.Unlock()
		if enough {
			return
		}
		t = <-jobs
		mu.Lock()
		idleWorkers--
		mu.Unlock()
	}
}

// Callback delivers the host's event to the task whose callback the host
// called and drives it again; it returns the next callback code.
func Callback(code, handle, payload uint32) uint32 {
	Enter()
	mu.Lock()
	t := tasks.get(contextGet())
	mu.Unlock()
	if t == nil {
		panic("witgo/async: callback for an unknown task")
	}
	t.deliver(code, handle, payload)
	// Take the other events that are ready too (10,000 subtasks finishing
	// at once, say): one callback per event would cost a scheduler round
	// each. With one waitable in the set there is no other event to take.
	for t.memberCount() > 1 && t.pollOnce() {
	}
	return t.drive()
}

// taskTable holds the tasks in flight by id, the value in each task's
// context slot: a slice with a free list, where a map cost about 800
// instructions a call to insert into and delete from.
type taskTable struct {
	byID []*task // byID[0] stays nil: the slot holds 0 outside a task
	free []uint32
	n    int
}

func (tt *taskTable) add(t *task) {
	if n := len(tt.free); n > 0 {
		t.id = tt.free[n-1]
		tt.free = tt.free[:n-1]
		tt.byID[t.id] = t
	} else {
		if len(tt.byID) == 0 {
			tt.byID = append(tt.byID, nil)
		}
		t.id = uint32(len(tt.byID))
		tt.byID = append(tt.byID, t)
	}
	tt.n++
}

func (tt *taskTable) get(id uint32) *task {
	if int(id) < len(tt.byID) {
		return tt.byID[id]
	}
	return nil
}

func (tt *taskTable) remove(t *task) {
	tt.byID[t.id] = nil
	tt.free = append(tt.free, t.id)
	tt.n--
}

func newTask() *task {
	mu.Lock()
	defer mu.Unlock()
	t := &task{}
	tasks.add(t)
	running++
	contextSet(t.id)
	return t
}

// drive runs Go code until every goroutine is blocked and returns what the
// host should do next with this task.
func (t *task) drive() uint32 {
	t.beginDrive()
	runGoroutines()
	return t.settle()
}

// mayWake records that an event was delivered to a goroutine (or may have
// made one runnable); events handled where they arrive (see send.go) leave
// it false. Driver state, reset by runGoroutines.
var mayWake = true

// runGoroutines runs Go code until every goroutine is blocked. When the
// events delivered woke none, nothing can run but a timer that came due,
// and the scheduler need not find that out.
func runGoroutines() {
	if mayWake || !settled() {
		waitIdle()
	}
	mayWake = false
}

// beginDrive makes t the task being driven.
func (t *task) beginDrive() {
	current = t
	entering = false
	// Waitables left behind by exited tasks, and those begun before this
	// drive (see Enter), wait with t from now on.
	if orphans.first != nil {
		mu.Lock()
		for orphans.first != nil {
			w := orphans.first
			orphans.remove(w)
			t.adopt(w.handle, w)
		}
		mu.Unlock()
	}
	select {
	case <-idle: // left from an earlier drive
	default:
	}
	abi.ExportStarts()
	if (t.finished || t.early) && !t.returned {
		t.complete()
	}
}

// settle finishes a drive once every goroutine is blocked: it returns what
// the host should do next with t.
func (t *task) settle() uint32 {
	// A task about to exit first takes the events already waiting in its
	// set (for goroutines that outlived earlier tasks, say).
	for t.returned && !yielding() && t.pollOnce() {
		runGoroutines()
	}
	if t.deadlocked() {
		reportDeadlock(t.exitOnDeadlock)
	}
	// A collection (with witgo's overlay, one the host's allocations made
	// due; without it, switching the collector off waits for one in
	// progress) lets other goroutines run: give them their turn to block.
	if abi.ExportEndsAllocated() {
		runtime.Gosched()
	}
	leaving := t.returned && !yielding() && !t.isKept()
	pumping := false
	if leaving {
		mu.Lock()
		// Clock waits do not count here, so the timer work below does not
		// change this.
		pumping = t.pumpingLocked()
		// (No task alive: heirLocked would find no heir, without ranging
		// over every task.)
		last := !pumping && running == 0 && goingOn == 0
		mu.Unlock()
		leaving = !pumping
		if last {
			// The last task is leaving: nothing would receive a clock event
			// until the component is entered again, so no clock wait stays
			// with the host (the runtime's own timers, like the scavenger's,
			// would keep one forever). Sleeping goroutines get a new one
			// when the next task is driven.
			cancelTimers(t)
		} else {
			t.armTimer()
		}
	} else {
		t.armTimer()
	}
	// Taking mu can let other goroutines run (a goroutine that holds it
	// may be parked): until the drive is over they must find t current,
	// so that what they start waiting on joins t's set (and goes to an
	// heir if t exits), not find no task at all.
	mu.Lock()
	current = nil
	var code uint32
	switch {
	case len(yielders) > 0:
		code = callbackYield
	case leaving:
		t.exitLocked()
		code = callbackExit
	default:
		code = callbackWait | t.waitableSetLocked()<<4
	}
	mu.Unlock()
	return code
}

// waitableSetLocked is t's waitable set, taken when first needed (most
// calls of most exports never wait): one an exited task left, else a new
// one.
func (t *task) waitableSetLocked() uint32 {
	if t.set == 0 {
		if n := len(spareSets); n > 0 {
			t.set = spareSets[n-1]
			spareSets = spareSets[:n-1]
		} else {
			t.set = waitableSetNew()
		}
	}
	return t.set
}

// spareSets are the empty waitable sets of exited tasks, which the next
// tasks that wait take: a set is the instance's, not a task's, and
// reusing one saves a task two calls into the host (waitable-set.new and
// .drop). Up to maxSpareSets are kept.
var spareSets []uint32

const maxSpareSets = 64

// memberCount is the number of waitables joined to t's set.
func (t *task) memberCount() int {
	mu.Lock()
	n := t.members.n
	mu.Unlock()
	return n
}

// pollOnce delivers one event already waiting in t's set, if any.
func (t *task) pollOnce() bool {
	if t.memberCount() == 0 {
		return false
	}
	code := waitableSetPoll(t.set, unsafe.Pointer(&polled))
	if code == eventNone {
		return false
	}
	t.deliver(code, polled[0], polled[1])
	return true
}

// polled is where waitable-set.poll writes the event it takes: only the
// driver polls, and a local would be allocated, as its address goes to
// the host.
var polled [2]uint32

// done records that the implementation returned. Its results go to the
// host at once if this task is being driven; otherwise the task is woken,
// and the host calls its callback, in which they go.
func (t *task) done(finish func(), err error) {
	if t.early {
		// Return delivered the results: the task may end now. A task being
		// driven sees that when its goroutines block; one waiting for the
		// host must be woken to exit.
		mu.Lock()
		t.finished = true
		goingOn--
		free := t.returned
		mu.Unlock()
		if free && current != t {
			t.wake()
		}
		return
	}
	t.finish, t.finishErr, t.finished = finish, err, true
	if current == t {
		t.complete()
	} else {
		t.wake()
	}
}

// isCanceled is errors.Is(err, context.Canceled) without the reflection
// errors.Is needs for arbitrary targets (context.Canceled is comparable),
// which keeps internal/reflectlite out of programs that do not otherwise
// use it.
func isCanceled(err error) bool {
	for err != nil {
		if err == context.Canceled {
			return true
		}
		if x, ok := err.(interface{ Is(error) bool }); ok && x.Is(context.Canceled) {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if isCanceled(e) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

// complete delivers the results, or acknowledges the host's cancellation
// if the implementation gave up with the context's error.
func (t *task) complete() {
	t.returned = true
	mu.Lock()
	running--
	mu.Unlock()
	if t.cancelRequested && isCanceled(t.finishErr) {
		taskCancel()
	} else {
		t.finish()
	}
	t.finish = nil
	t.ctx.cancel()
}

func (t *task) deliver(code, handle, payload uint32) {
	switch code {
	case eventNone:
		mayWake = true
		// Back from a yield.
		mu.Lock()
		back := yielders
		yielders = nil
		mu.Unlock()
		for _, y := range back {
			y <- struct{}{}
		}
	case eventTaskCancelled:
		mayWake = true
		t.cancelRequested = true
		t.ctx.cancel()
	default:
		mu.Lock()
		w := waiterAt(handle)
		mu.Unlock()
		if w == nil || w.owner != t {
			panic("witgo/async: event for a waitable nobody waits on")
		}
		ev := event{code, payload}
		if w.copyDone != nil {
			// A send's copy: no goroutine waits for it.
			w.copyDone.settled(ev.payload)
			return
		}
		mayWake = true
		if w.onEvent != nil {
			w.onEvent(ev)
			return
		}
		if code == eventSubtask && payload >= subtaskReturned {
			w.subtaskResolved()
		}
		if !w.events.put(ev) {
			panic("witgo/async: event queue full")
		}
	}
}

// exit ends t, which has returned.
func (t *task) exit() {
	mu.Lock()
	defer mu.Unlock()
	t.exitLocked()
}

// exitLocked ends a task that has returned: what its goroutines still wait
// on moves to another live task, or waits for the next one.
func (t *task) exitLocked() {
	if t.wakeRead != 0 {
		if t.wakeArmed {
			// The synchronous cancel needs the end out of its set.
			waitableJoin(t.wakeRead, 0)
			unitStreamCancelRead(t.wakeRead)
		}
		if w := waiterAt(t.wakeRead); w != nil && w.owner == t {
			t.members.remove(w)
			setWaiterAt(t.wakeRead, nil)
		}
		unitStreamDropReadable(t.wakeRead)
		unitStreamDropWritable(t.wakeWrite)
	}
	if t.members.n > 0 {
		heir := t.heirLocked()
		for t.members.first != nil {
			w := t.members.first
			t.members.remove(w)
			if heir != nil {
				heir.adopt(w.handle, w)
			} else {
				waitableJoin(w.handle, 0)
				w.owner = nil
				orphans.add(w)
			}
		}
	}
	if t.set != 0 {
		// Every member left it above.
		if len(spareSets) < maxSpareSets {
			spareSets = append(spareSets, t.set)
		} else {
			waitableSetDrop(t.set)
		}
		t.set = 0
	}
	tasks.remove(t)
}

// heirLocked is a live task other than t, which would take over t's
// waitables: one that has not returned, or whose implementation goes on
// after Return (it lives until that returns).
func (t *task) heirLocked() *task {
	if running == 0 && goingOn == 0 {
		return nil
	}
	for _, u := range tasks.byID {
		if u != nil && u != t && (!u.returned || u.early && !u.finished) {
			return u
		}
	}
	return nil
}

// pumpingLocked reports whether goroutines still wait on operations in t's set
// (an import call, a stream or future copy): a task that has returned keeps
// waiting for their events, so that those goroutines run on, rather than
// leave them for whichever task comes next. Clock waits do not count.
func (t *task) pumpingLocked() bool {
	n := t.members.n
	if t.wakeRead != 0 {
		if w := waiterAt(t.wakeRead); w != nil && w.owner == t {
			n--
		}
	}
	// A task whose only member is its wake-up stream (the common end of
	// a call that waited) has nothing to look through.
	if n == 0 {
		return false
	}
	for w := t.members.first; w != nil; w = w.memberNext {
		if w.handle != t.wakeRead && !w.isTimer {
			return true
		}
	}
	return false
}

func (t *task) adopt(h uint32, w *waiter) {
	waitableJoin(h, t.waitableSetLocked())
	w.owner = t
	t.members.add(w)
	setWaiterAt(h, w)
}

// wake makes the host call t's callback soon, from any task: one element
// through t's unit stream completes the read pending in t's waitable set.
func (t *task) wake() {
	mu.Lock()
	defer mu.Unlock()
	if t.wakeRead == 0 {
		ends := unitStreamNew()
		t.wakeRead, t.wakeWrite = uint32(ends), uint32(ends>>32)
		w := &waiter{handle: t.wakeRead, onEvent: func(event) { t.wakeArmed = false }}
		t.adopt(t.wakeRead, w)
	}
	if !t.wakeArmed {
		if r := unitStreamRead(t.wakeRead, unitBuf, 1); r != blocked {
			panic("witgo/async: wake-up read did not block")
		}
		t.wakeArmed = true
	}
	if r := unitStreamWrite(t.wakeWrite, unitBuf, 1); r == blocked {
		panic("witgo/async: wake-up write blocked")
	}
}

var unitBuf = unsafe.Pointer(new(uint64))

// register starts watching waitable h for the calling goroutine, in the
// waitable set of the task being driven.
func register(h uint32) *waiter {
	mu.Lock() // (before reading current: see the end of settle)
	if current == nil && !entering {
		mu.Unlock()
		panic("witgo/async: an async import, stream or future operation has to wait outside an async export: the Component Model lets only async functions wait (declare the export `async func`, or run the code from one)")
	}
	var w *waiter
	if n := len(spareWaiters); n > 0 {
		w = spareWaiters[n-1]
		spareWaiters[n-1] = nil
		spareWaiters = spareWaiters[:n-1]
		w.handle = h
	} else {
		w = &waiter{handle: h, pooled: true}
	}
	w.joinDrivenLocked()
	mu.Unlock()
	return w
}

// joinDrivenLocked makes w's waitable a member of the task being driven,
// or an orphan before the drive of a call begins (see Enter).
func (w *waiter) joinDrivenLocked() {
	if current != nil {
		current.adopt(w.handle, w)
		return
	}
	w.owner = nil
	orphans.add(w)
	setWaiterAt(w.handle, w)
}

// spareWaiters are waiters (with their event queues) that register hands
// out again: a wait then allocates nothing. Up to maxSpareWaiters are
// kept, about 200 bytes each: a burst of thousands of concurrent waits
// (10,000 goroutines each awaiting an import) then reuses the last
// burst's waiters instead of allocating them again, which also starts
// collections that scan every waiting goroutine's stack. With 10,000
// concurrent imports that halves the instructions per import (callgrind:
// 71,800 -> 38,200); a sync.Pool, which would hand them back to the
// collector, cost 10% more than this list.
var spareWaiters []*waiter

const maxSpareWaiters = 1 << 14

// A subtask's handle is dropped the moment its final state reaches the
// guest, before any other goroutine can run: Wasmtime 48 deletes a guest
// callee's task when its last thread exits once the caller has taken the
// final state, even while the caller still holds the subtask's handle
// (that thread may outlive the task.return or task.cancel); a later
// subtask.drop then meets whatever took the task's place in the host's
// table ("resource is of another type", or "cannot drop a subtask which
// has not yet resolved"). Any goroutine switch in between opens that gap,
// since another goroutine's synchronous subtask.cancel lets the callee run
// and exit. So the final event is handled by subtaskResolved, in deliver,
// and a cancellation by cancelSubtask, which drops at once.

// subtaskResolved drops the subtask w watches as its final event arrives;
// w's goroutine still takes the event from w.
func (w *waiter) subtaskResolved() {
	w.detach()
	subtaskDrop(w.handle)
}

// detach takes w out of its task's members and the handle index, before
// its handle is dropped: the host may hand the handle out again at once.
func (w *waiter) detach() {
	mu.Lock()
	w.detachLocked()
	mu.Unlock()
}

func (w *waiter) detachLocked() {
	if w.in != nil {
		w.in.remove(w)
	}
	if waiterAt(w.handle) == w {
		setWaiterAt(w.handle, nil)
	}
}

// unregister stops watching w; the caller then drops the waitable, unless
// it was dropped already (a subtask, see subtaskResolved).
func unregister(w *waiter) {
	if w.watched != nil {
		w.watched.unwatch(w)
	}
	// An AfterFunc already started may still put its cancelWake: such a
	// waiter is not used again.
	reusable := w.pooled
	if w.stopAfter != nil && !w.stopAfter() {
		reusable = false
	}
	mu.Lock()
	w.detachLocked()
	// Only register's waiters go back (timers, wake-ups and sends have
	// their own handling); nothing refers to w once its caller has
	// unregistered it.
	if reusable && len(spareWaiters) < maxSpareWaiters {
		*w = waiter{pooled: true}
		spareWaiters = append(spareWaiters, w)
	}
	mu.Unlock()
}

var hookInstalled bool

func installIdleHook() {
	if !hookInstalled {
		hookInstalled = true
		wasiOnIdle(onIdle)
	}
}

// onIdle runs on the scheduler's stack when no goroutine can run: it wakes
// the driver of the current task, which returns to the host.
func onIdle() bool {
	t := current
	if t == nil || inlineCalls {
		// (With the overlay the runtime wakes the driver itself, see
		// waitIdle.)
		return false
	}
	select {
	case idle <- struct{}{}:
		return true
	default:
		return false
	}
}

// armTimer makes sure the host wakes the task when the earliest sleeping
// goroutine is due, by waiting on the host's clock in the task's set; with
// no goroutine sleeping, pending clock waits are cancelled.
func (t *task) armTimer() {
	deadline := idleDeadline()
	if deadline <= 0 {
		cancelTimers(t)
		return
	}
	if timerDeadline != 0 && timerDeadline <= deadline {
		return
	}
	wait := deadline - nanotime()
	if wait < 0 {
		wait = 0
	}
	status := clockWaitFor(wait)
	state, h := status&0xf, status>>4
	if state == subtaskReturned {
		// Already due: run again at once.
		ch := make(chan struct{}, 1)
		mu.Lock()
		yielders = append(yielders, ch)
		mu.Unlock()
		return
	}
	timerDeadline = deadline
	w := &waiter{handle: h, isTimer: true}
	w.onEvent = func(ev event) {
		if ev.payload == subtaskReturned || ev.payload >= subtaskCancelledBeforeStarted {
			endTimer(w, deadline, false)
		}
	}
	mu.Lock()
	t.adopt(h, w)
	timers = append(timers, w)
	mu.Unlock()
}

// timers are the pending clock waits.
var timers []*waiter

// endTimer ends the clock wait w: it drops the subtask, which has
// resolved, or cancels it first.
func endTimer(w *waiter, deadline int64, cancel bool) {
	unregister(w)
	if cancel {
		cancelSubtask(w.handle)
	} else {
		subtaskDrop(w.handle)
	}
	for i, x := range timers {
		if x == w {
			timers = append(timers[:i], timers[i+1:]...)
			break
		}
	}
	if timerDeadline == deadline {
		timerDeadline = 0
	}
}

// cancelTimers cancels the clock waits in t's waitable set and those in
// none (left by a task that exited). One in another task's set is left to
// that task's callback: its completion may be on its way there already,
// and the host traps ("delivering non-present event") when a ready event
// is taken out of a set before it delivers it.
func cancelTimers(t *task) {
	for _, w := range append([]*waiter(nil), timers...) {
		if w.owner == nil || w.owner == t {
			endTimer(w, timerDeadline, true)
		}
	}
	if len(timers) == 0 {
		timerDeadline = 0
	}
}

// cancelSubtask cancels subtask h, drops it (at once: see
// subtaskResolved) and returns how it ended. The base async feature set,
// which every standard host enables, has only the synchronous
// subtask.cancel: it returns once the callee has settled (a host call
// settles at once), and the subtask must first leave its waitable set.
func cancelSubtask(h uint32) uint32 {
	waitableJoin(h, 0)
	state := subtaskCancel(h)
	subtaskDrop(h)
	return state
}

// Await waits for the subtask of an async-lowered import call, given the
// status the call returned, and reports whether the callee returned (its
// results are written). If ctx is done first, the subtask is cancelled;
// then Await reports false unless the callee returned anyway.
func Await(ctx context.Context, status uint32) bool {
	state, h := status&0xf, status>>4
	switch state {
	case subtaskReturned:
		return true
	case subtaskCancelledBeforeStarted, subtaskCancelledBeforeReturned:
		return false
	}
	w := register(h)
	for {
		ev, cancelled := w.next(ctx)
		if !cancelled {
			state = ev.payload
		} else if final, ok := resolution(w); ok {
			// An event already delivered wins over the cancellation: the
			// host traps a cancel of a subtask whose result it reported.
			state = final
		} else {
			w.detach()
			state = cancelSubtask(h)
		}
		if state >= subtaskReturned {
			// The subtask is dropped already (see subtaskResolved).
			unregister(w)
			return state == subtaskReturned
		}
	}
}

// resolution drains the subtask events the host already delivered for w
// and returns the final state among them, if there is one.
func resolution(w *waiter) (uint32, bool) {
	for {
		ev, ok := pending(w)
		if !ok {
			return 0, false
		}
		if ev.payload >= subtaskReturned {
			return ev.payload, true
		}
	}
}

// pending takes an event the host already delivered for w, if any.
func pending(w *waiter) (event, bool) {
	for {
		ev, ok := w.events.tryTake()
		if !ok {
			return event{}, false
		}
		if ev.code != cancelWake {
			return ev, true
		}
	}
}

// taskOf is the task whose context ctx is, or nil if ctx is no task's.
func taskOf(ctx context.Context) *task {
	tc, ok := ctx.(*taskCtx)
	if !ok {
		return nil
	}
	// A taskCtx lives only inside its task.
	return (*task)(unsafe.Add(unsafe.Pointer(tc), -int(unsafe.Offsetof(task{}.ctx))))
}

// Return delivers the results of the export call whose context ctx is
// before its implementation returns: finish and err are what Start's run
// would return for them. The implementation goes on inside the task (which
// lasts until it returns), and what it returns is ignored. Return reports
// false, delivering nothing, if the results were delivered already.
func Return(ctx context.Context, finish func(), err error) bool {
	t := taskOf(ctx)
	if t == nil {
		panic("witgo/async: Return needs the context the export's implementation was given")
	}
	mu.Lock()
	if t.early || t.finished {
		mu.Unlock()
		return false
	}
	t.early = true // the task lasts until the implementation returns (see done)
	goingOn++
	mu.Unlock()
	t.finish, t.finishErr = finish, err
	if current == t {
		t.complete()
	} else {
		t.wake()
	}
	return true
}

// ReturnedEarly reports whether the results of the export call whose
// context ctx is are Return's to deliver (Return delivered them): what
// its implementation returns is then ignored, and the export's glue need
// not lower it.
func ReturnedEarly(ctx context.Context) bool {
	t := taskOf(ctx)
	if t == nil {
		return false
	}
	mu.Lock()
	early := t.early
	mu.Unlock()
	return early
}

func (t *task) isKept() bool {
	// (No defer: a drive asks this and yielding several times.)
	mu.Lock()
	kept := t.early && !t.finished // see goingOn
	mu.Unlock()
	return kept
}

// Yield lets the host deliver events and run other tasks before the calling
// goroutine continues.
func Yield() {
	ch := make(chan struct{}, 1)
	mu.Lock()
	yielders = append(yielders, ch)
	mu.Unlock()
	<-ch
}

// yielding reports whether a goroutine waits in Yield.
func yielding() bool {
	mu.Lock()
	y := len(yielders) > 0
	mu.Unlock()
	return y
}

// HoldCalls applies backpressure: until release is called, the host holds
// new calls of this component's async exports instead of starting them.
func HoldCalls() (release func()) {
	backpressureInc()
	released := false
	return func() {
		if !released {
			released = true
			backpressureDec()
		}
	}
}

// Tasks is the number of async export tasks in flight (for tests).
func Tasks() int {
	mu.Lock()
	defer mu.Unlock()
	return tasks.n
}

// Waiting is the number of waitables the executor watches (for tests).
func Waiting() int {
	mu.Lock()
	defer mu.Unlock()
	n := orphans.n
	for _, t := range tasks.byID {
		if t != nil {
			n += t.members.n
		}
	}
	return n
}

// Timers is the number of clock waits pending with the host (for tests).
func Timers() int {
	mu.Lock()
	defer mu.Unlock()
	return len(timers)
}
