// The caller half of the guest-to-guest e2e test: it imports what the
// callee component (guests/callee) exports; the two are composed into one
// component, so subtask cancellation and stream copies here are guest to
// guest.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"e2e/caller/gen/e2e/callee/work"
	"e2e/caller/gen/witgo/async"
)

type API struct{}

func (API) CancelAfter(ctx context.Context, ms uint32, ack bool) string {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(ms)*time.Millisecond)
	defer cancel()
	v, err := work.Wait(ctx, ack)
	switch {
	case err == nil:
		return "returned " + v
	case errors.Is(err, context.DeadlineExceeded):
		return "cancelled " + err.Error()
	}
	return "error " + err.Error()
}

func (API) QuickThenCancel(ctx context.Context, x uint32) uint32 {
	ctx, cancel := context.WithCancel(ctx)
	v, err := work.Quick(ctx, x)
	cancel()
	if err != nil {
		panic(err)
	}
	return v
}

func (API) Relay(ctx context.Context, n uint64) *async.StreamReader[uint8] {
	in, err := work.Produce(ctx, n)
	if err != nil {
		panic(err)
	}
	w, out := async.NewStream[uint8]()
	go func() {
		defer w.Close()
		src := async.Reader(in)
		defer src.Close()
		if _, err := io.Copy(async.Writer(w), src); err != nil {
			panic(fmt.Sprint("relay: ", err))
		}
	}()
	return out
}

func (API) ChecksumAcrossStackMove(ctx context.Context) (uint64, uint64, bool) {
	work.HoldCalls()
	type result struct {
		want, got uint64
		moved     bool
	}
	done := make(chan result, 1)
	parked := make(chan struct{})
	go func() {
		grow(2000) // a big stack now, so the collector shrinks it later
		var buf [4096]byte
		var want uint64
		for i := range buf {
			buf[i] = byte(i*7 + 3)
			want += uint64(i+1) * uint64(buf[i])
		}
		var marker byte // stays on the stack: shows whether the stack moved
		before := uintptr(unsafe.Pointer(&marker))
		close(parked)
		got, err := work.Checksum(ctx, buf[:])
		if err != nil {
			panic(err)
		}
		done <- result{want, got, before != uintptr(unsafe.Pointer(&marker))}
	}()
	<-parked
	for range 10 {
		runtime.Gosched() // until the goroutine waits on its call
	}
	runtime.GC() // shrinks (moves) the parked goroutine's stack
	runtime.GC()
	// Other goroutines take the freed stack memory and scribble on it, so
	// that reading the array's old address would show.
	hold := make(chan struct{})
	for range 8 {
		go scribble(200, hold)
	}
	runtime.Gosched()
	work.AllowCalls()
	r := <-done
	close(hold)
	return r.want, r.got, r.moved
}

// scribble fills n frames of stack with 0xee and waits for hold to close.
//
//go:noinline
func scribble(n int, hold chan struct{}) {
	var pad [256]byte
	for i := range pad {
		pad[i] = 0xee
	}
	if n > 0 {
		scribble(n-1, hold)
	} else {
		<-hold
	}
	runtime.KeepAlive(&pad)
}

// grow uses n frames of stack.
//
//go:noinline
func grow(n int) int {
	var pad [64]byte
	pad[n%64] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return grow(n-1) + int(pad[n%64])
}

func (API) CancelStorm(ctx context.Context, n uint32, seed uint64) (uint32, uint32, uint32) {
	var returned, cancelled, wrong atomic.Uint32
	var wg sync.WaitGroup
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for i := range n {
		mode, after := rng.IntN(3), time.Duration(rng.IntN(4_000_000))*time.Microsecond
		micros, ack := uint32(rng.IntN(4_000_000)), rng.IntN(2) == 0
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			switch mode {
			case 0: // before the call
				cancel()
			case 1: // at a random point, probably while it runs
				t := time.AfterFunc(after, cancel)
				defer t.Stop()
			}
			v, err := work.Nap(cctx, i, micros, ack)
			switch {
			case err == nil && v == i:
				returned.Add(1)
			case errors.Is(err, context.Canceled):
				cancelled.Add(1)
			default:
				wrong.Add(1)
			}
		}()
	}
	wg.Wait()
	return returned.Load(), cancelled.Load(), wrong.Load()
}

func (API) CalleeStats() (uint32, uint32) { return work.Stats() }

func (API) Stats() (uint32, uint32) {
	s := async.ReadStats()
	return uint32(s.Tasks), uint32(s.Waitables)
}

func main() {}
