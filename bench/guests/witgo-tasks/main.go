// The witgo contender of the async benchmarks (bench/wit/tasks.wit): the
// same work as the other guests, on goroutines.
package main

import (
	"context"
	"sync"

	"bench/witgotasks/gen/bench/tasks/host"
	"bench/witgotasks/gen/witgo/async"
)

type Guest struct{}

func (Guest) Empty(ctx context.Context) {}

func (Guest) CallHost(ctx context.Context, which, n uint32) uint64 {
	call := host.Ready
	if which != 0 {
		call = host.YieldOnce
	}
	var sum uint64
	for range n {
		v, err := call(ctx)
		if err != nil {
			panic(err)
		}
		sum += uint64(v)
	}
	return sum
}

func (Guest) FanOut(ctx context.Context, n uint32) uint64 {
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		sum uint64
	)
	for range n {
		wg.Go(func() {
			v, err := host.YieldOnce(ctx)
			if err != nil {
				panic(err)
			}
			mu.Lock()
			sum += uint64(v)
			mu.Unlock()
		})
	}
	wg.Wait()
	return sum
}

func (Guest) WaitOnce(ctx context.Context) uint32 {
	v, err := host.YieldOnce(ctx)
	if err != nil {
		panic(err)
	}
	return v
}

func (Guest) Echo(ctx context.Context, s *async.StreamReader[uint8], chunk uint32) *async.StreamReader[uint8] {
	w, r := async.NewStream[uint8]()
	go func() {
		defer s.Close()
		defer w.Close()
		bg := context.Background()
		buf := make([]byte, chunk)
		for {
			n, err := s.Read(bg, buf)
			if n > 0 {
				if _, werr := w.Write(bg, buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return r
}

func main() {}
