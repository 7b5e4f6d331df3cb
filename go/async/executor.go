package async

import "witgo/internal/exec"

// Yield lets the host deliver events and run other tasks before the calling
// goroutine continues.
func Yield() { exec.Yield() }

// HoldCalls applies backpressure: until release is called, the host holds
// new calls of this component's async exports instead of starting them.
func HoldCalls() (release func()) { return exec.HoldCalls() }

// Stats is a snapshot of the executor's work in flight. All three are zero
// once every call has returned and nothing is left pending: a test can
// check that nothing leaked, as it would with runtime.NumGoroutine.
type Stats struct {
	Tasks     int // async export calls in flight
	Waitables int // import calls, stream and future copies the executor waits for
	Timers    int // clock waits pending with the host
}

// ReadStats returns the executor's current Stats.
func ReadStats() Stats {
	return Stats{Tasks: exec.Tasks(), Waitables: exec.Waiting(), Timers: exec.Timers()}
}
