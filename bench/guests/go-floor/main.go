// The floor under "async: 10,000 concurrent imports" for any Go guest: what
// Go's runtime alone costs for 10,000 goroutines that each block once and
// are woken once, with no host, no component and no executor. Built for
// wasip1 with witgo's overlay and run on Wasmtime (see BENCHMARKS.md), or
// natively for comparison:
//
//	GOOS=wasip1 GOARCH=wasm go build $(witgo overlay) -o go-floor.wasm .
//	wasmtime run go-floor.wasm [-chan] [-iterations N]
//
// By default each goroutine parks in the runtime and is made ready again,
// as witgo's executor does for a goroutine awaiting an import; -chan has it
// receive from a channel instead.
package main

import (
	"flag"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"
	"unsafe"
)

const goroutines = 10_000

func main() {
	iterations := flag.Int("iterations", 40, "iterations to time")
	useChan := flag.Bool("chan", false, "block on a channel instead of parking in the runtime")
	flag.Parse()
	// The slots are shared without locks, as witgo's executor shares its
	// waiters: sound only with one thread running Go, as on wasm.
	runtime.GOMAXPROCS(1)
	run := parkOnce
	if *useChan {
		run = receiveOnce
	}
	times := make([]time.Duration, *iterations)
	for i := range times {
		start := time.Now()
		if got, want := run(), uint64(goroutines*(goroutines-1)/2); got != want {
			panic(fmt.Sprintf("sum %d, want %d", got, want))
		}
		times[i] = time.Since(start)
	}
	first := times[0]
	slices.Sort(times)
	fmt.Printf("%d goroutines, each blocked and woken once: median %v, min %v, first %v (%d iterations)\n",
		goroutines, times[len(times)/2], times[0], first, len(times))
}

// slot is where one goroutine waits for its value, like a waiter for its
// import's completion event.
type slot struct {
	value  uint32
	done   bool
	parked unsafe.Pointer // the runtime's g, while parked
}

var slots [goroutines]slot

// parkOnce starts the goroutines, lets them park, then completes each (as
// the host's events would) and waits for all to finish. A goroutine that
// has not run yet when its slot is completed finds it done and never
// parks, which can only make the figure smaller: it is a floor.
func parkOnce() uint64 {
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		sum uint64
	)
	for i := range slots {
		s := &slots[i]
		*s = slot{}
		wg.Go(func() {
			for !s.done {
				gopark(parkOnSlot, unsafe.Pointer(s), waitReasonIOWait, traceBlockGeneric, 1)
			}
			mu.Lock()
			sum += uint64(s.value)
			mu.Unlock()
		})
	}
	runtime.Gosched()
	for i := range slots {
		s := &slots[i]
		s.value, s.done = uint32(i), true
		if gp := s.parked; gp != nil {
			s.parked = nil
			goready(gp, 1)
		}
	}
	wg.Wait()
	return sum
}

// receiveOnce is parkOnce with a channel per goroutine.
func receiveOnce() uint64 {
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		sum uint64
	)
	chans := make([]chan uint32, goroutines)
	for i := range chans {
		c := make(chan uint32, 1)
		chans[i] = c
		wg.Go(func() {
			v := <-c
			mu.Lock()
			sum += uint64(v)
			mu.Unlock()
		})
	}
	runtime.Gosched()
	for i, c := range chans {
		c <- uint32(i)
	}
	wg.Wait()
	return sum
}

func parkOnSlot(gp, s unsafe.Pointer) bool {
	(*slot)(s).parked = gp
	return true
}

// The runtime's park and wake-up, which it lets other packages link to
// (go.dev/issue/67401), with the wait reason witgo's executor uses.
//
//go:linkname gopark runtime.gopark
func gopark(unlockf func(gp, lock unsafe.Pointer) bool, lock unsafe.Pointer, reason uint8, traceReason uint8, traceskip int)

//go:linkname goready runtime.goready
func goready(gp unsafe.Pointer, traceskip int)

const (
	waitReasonIOWait  = 2
	traceBlockGeneric = 0
)
