// The async e2e guest: async exports on goroutines, async imports that
// block only their goroutine, timers and cancellation.
package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"e2e/tasks/gen/e2e/tasks/api"
	"e2e/tasks/gen/e2e/tasks/host"
	"e2e/tasks/gen/witgo/async"
	"e2e/tasks/gen/witgo/wit"
)

type API struct{}

func (API) Immediate(ctx context.Context, x uint32) uint32 { return x * 2 }

func (API) ViaGate(ctx context.Context, id uint32) uint32 {
	v, err := host.Gate(ctx, id)
	if err != nil {
		panic(err)
	}
	return v + 1
}

func (API) FanOut(ctx context.Context, first, n uint32) uint64 {
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		sum uint64
	)
	for i := uint32(0); i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := host.Gate(ctx, first+i)
			if err != nil {
				panic(err)
			}
			mu.Lock()
			sum += uint64(v)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return sum
}

var (
	relay     = make(chan uint32)
	relayDone = make(chan struct{})
)

func (API) RelayReceive(ctx context.Context, depth uint32) uint32 {
	defer close(relayDone)
	return recurseThenReceive(depth, depth)
}

// recurseThenReceive takes a kilobyte of stack per level before it waits,
// so that the goroutine's stack moves while the export call is on it.
func recurseThenReceive(level, depth uint32) uint32 {
	var pad [1024]byte
	pad[level%1024] = byte(level)
	if level > 0 {
		return recurseThenReceive(level-1, depth) + uint32(pad[level%1024]) - uint32(byte(level))
	}
	return <-relay + depth
}

func (API) RelaySend(ctx context.Context, v, id uint32) uint32 {
	relay <- v
	<-relayDone
	g, err := host.Gate(ctx, id)
	if err != nil {
		panic(err)
	}
	return v + g
}

func (API) Wide(ctx context.Context, a, b, c, d uint64, e string) string {
	s, err := host.Wide(ctx, a, b, c, d, e)
	if err != nil {
		panic(err)
	}
	return s + "|go"
}

func (API) WideSync(e string) string {
	v, err := host.Wide(context.Background(), 1, 2, 3, 4, e)
	if err != nil {
		panic(err)
	}
	return v
}

func (API) GateSync(id uint32) uint32 {
	v, err := host.Gate(context.Background(), id)
	if err != nil {
		panic(err)
	}
	return v
}

func (API) Sleep(ctx context.Context, ms uint32) uint64 {
	start := time.Now()
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return uint64(time.Since(start))
}

func (API) GateWithTimeout(ctx context.Context, id, ms uint32) string {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(ms)*time.Millisecond)
	defer cancel()
	v, err := host.Gate(ctx, id)
	if errors.Is(err, context.DeadlineExceeded) {
		return "cancelled"
	}
	if err != nil {
		return "error " + err.Error()
	}
	return fmt.Sprintf("returned %d", v)
}

var (
	backgroundMu  sync.Mutex
	backgroundVal *uint32
)

func (API) AnswerFirst(ctx context.Context, id uint32) uint32 {
	if !api.ReturnAnswerFirst(ctx, id*3) {
		panic("ReturnAnswerFirst delivered nothing")
	}
	if api.ReturnAnswerFirst(ctx, 0) {
		panic("a second ReturnAnswerFirst delivered results")
	}
	if ctx.Err() == nil {
		panic("the call's context is not done once its results went out")
	}
	v, err := host.Gate(context.Background(), id)
	if err != nil {
		panic(err)
	}
	setBackground(v)
	return 0 // ignored: the results went out
}

func (API) AnswerThenSleep(ctx context.Context, v, ms uint32) uint32 {
	api.ReturnAnswerThenSleep(ctx, v)
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return 0 // ignored: the results went out
}

// setBackground records what a call's work got after its results went out.
func setBackground(v uint32) {
	backgroundMu.Lock()
	backgroundVal = &v
	backgroundMu.Unlock()
}

func (API) Spawn(ctx context.Context, id uint32) {
	go func() {
		// The spawning task's context ends with it: use a fresh one.
		v, err := host.Gate(context.Background(), id)
		if err != nil {
			panic(err)
		}
		setBackground(v)
	}()
}

var backgroundWoke atomic.Bool

func (API) SleepInBackground(ctx context.Context, ms uint32) {
	go func() {
		time.Sleep(time.Duration(ms) * time.Millisecond)
		backgroundWoke.Store(true)
	}()
}

func (API) BackgroundWoke() bool { return backgroundWoke.Load() }

func (API) SpawnSync(id uint32) {
	old := debug.SetGCPercent(1)
	go func() {
		v, err := host.Gate(context.Background(), id)
		debug.SetGCPercent(old)
		if err != nil {
			panic(err)
		}
		setBackground(v)
	}()
}

func (API) CountWords(ctx context.Context, words []string) uint32 { return uint32(len(words)) }

func (API) Background() (uint32, bool) {
	backgroundMu.Lock()
	defer backgroundMu.Unlock()
	if backgroundVal == nil {
		return 0, false
	}
	return *backgroundVal, true
}

func (API) YieldTimes(ctx context.Context, n uint32) uint32 {
	for i := uint32(0); i < n; i++ {
		async.Yield()
	}
	return n
}

func (API) HoldCallsUntil(ctx context.Context, id uint32) {
	release := async.HoldCalls()
	defer release()
	if _, err := host.Gate(ctx, id); err != nil {
		panic(err)
	}
}

func (API) MakeError(msg string) wit.ErrorContext { return wit.NewErrorContext(msg) }

func (API) DescribeError(e wit.ErrorContext) string {
	defer e.Drop()
	var err error = e
	return err.Error()
}

func (API) FailWith(msg string) (uint32, error) { return 0, errors.New(msg) }

func (API) Stats() (uint32, uint32) {
	s := async.ReadStats()
	return uint32(s.Tasks), uint32(s.Waitables)
}

func main() {}
