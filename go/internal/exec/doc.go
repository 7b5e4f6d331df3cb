// Package exec is witgo's executor for the Component Model's async ABI: it
// runs async exports on goroutines, blocks only the calling goroutine on an
// async import, and turns the host's events into goroutine wake-ups.
//
// How it fits together:
//
//   - Each call of an async export is a task. Its glue calls [Start], which
//     runs the Go implementation on the goroutine the host's call arrived
//     on: a call that does not block returns without a goroutine switch.
//     If the implementation blocks, the Go scheduler runs the other
//     goroutines until every goroutine is blocked, and reports that through
//     runtime.wasiOnIdle (added to stock Go by witgo's runtime overlay). The
//     overlay then moves the export's frame to a new goroutine, which
//     returns from the call through the export's resume function
//     ([Resume]): the task returns WAIT to the host, naming its own
//     waitable set, and the implementation goes on later on its own
//     goroutine, which exits when it is done. (A toolchain with its own
//     wasiOnIdle has no such move: there the implementation runs on a
//     worker goroutine from the start, and the export's goroutine waits.) The host's next event for that set
//     arrives through the export's callback ([Callback]), which hands it to
//     the goroutine waiting for it and drives the scheduler again.
//   - An async import call made by any goroutine registers its subtask in the
//     waitable set of the task being driven at that moment and parks the
//     goroutine on a channel ([Await]); other goroutines keep running.
//   - task.return must be called while the task's own export call is on the
//     stack. When a goroutine finishes a task other than the one being driven
//     (it was woken by another task), witgo wakes that task through a unit
//     stream joined to its waitable set, so the host calls its callback.
//   - Goroutines started by a task may outlive its return: the task keeps
//     waiting for the events of operations they still have pending (import
//     calls, stream and future copies) and exits when there are none. Clock
//     waits of an exiting task move to another live task's set; the last
//     task to leave cancels them instead (nothing would receive their
//     events), and sleeping goroutines get a new one when the component is
//     next entered.
//   - stream<T> and future<T> (stream.go): StreamReader/StreamWriter and
//     FutureReader/FutureWriter over per-payload built-ins that the bindings
//     declare (StreamOps, FutureOps); data crosses through heap buffers (a goroutine's stack may
//     move while the host holds an address).
//   - Timers: when every goroutine is blocked and one sleeps (time.Sleep,
//     time.After, context deadlines), the task also waits on
//     wasi:clocks/monotonic-clock@0.3.0 wait-for, so it wakes on time while
//     the host, not Go, is waiting.
//
// Cancellation: a host task.cancel cancels the context passed to the export;
// cancelling the context passed to an import cancels its subtask.
//
// It is internal to the generated bindings, whose glue calls Start,
// Resume, Callback, Await, ProgramMain and the lift and lower functions of streams
// and futures. Programs use package witgo/async: its stream and future
// types are defined on these (the glue converts between them for free) and
// its methods call these.
package exec
