package exec

import (
	"context"
	"runtime"
	"strings"
)

// ProgramMain marks the task whose context ctx is as a program's main
// (wasi:cli/run@0.3, generated glue calls it): if every goroutine blocks
// while nothing the host could complete is pending — no import call, no
// stream or future copy, no timer, no other export call in flight — the
// program can never go on, and it ends as Go's own runtime ends one:
// "fatal error: all goroutines are asleep - deadlock!", the goroutines'
// stacks on stderr, then exit(2). Without it the host finds the deadlock
// itself and reports only that its event loop cannot make progress.
func ProgramMain(ctx context.Context, exit func(code int)) {
	if tc, ok := ctx.(*taskCtx); ok && current != nil && &current.ctx == tc {
		current.exitOnDeadlock = exit
	}
}

// deadlocked reports whether t, a program's main, can never go on.
func (t *task) deadlocked() bool {
	if t.exitOnDeadlock == nil || t.returned || idleDeadline() > 0 {
		return false
	}
	mu.Lock()
	defer mu.Unlock()
	return len(yielders) == 0 && running == 1 && orphans.n == 0 && !t.pumpingLocked()
}

// reportDeadlock prints what Go prints for a deadlock and exits with its
// status. The executor's own goroutines (idle workers, the handle
// collector) and the one reporting are left out of the stacks.
func reportDeadlock(exit func(int)) {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out strings.Builder
	out.WriteString("fatal error: all goroutines are asleep - deadlock!\n")
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, " [running]:") || executorGoroutine(g) {
			continue
		}
		out.WriteString("\n")
		out.WriteString(g)
		out.WriteString("\n")
	}
	print(out.String())
	exit(2)
}

// executorGoroutine reports whether the goroutine whose stack is g waits
// inside the executor itself: its first frame outside the runtime is an
// idle worker or the handle collector.
func executorGoroutine(g string) bool {
	for _, line := range strings.Split(g, "\n")[1:] {
		if line == "" || line[0] == '\t' || strings.HasPrefix(line, "runtime.") {
			continue
		}
		return strings.Contains(line, "/exec.worker(") || strings.Contains(line, "/abi.collectHandles(")
	}
	return false
}
