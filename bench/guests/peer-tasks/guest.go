// The Go peer's contender of the async benchmarks (wit-bindgen's Go
// generator): the same work as bench/guests/witgo-tasks, written against
// the peer's generated API. bench/run copies it over the generated export
// stubs.
package export_bench_tasks_guest

import (
	"sync"

	"wit_component/bench_tasks_guest"
	"wit_component/bench_tasks_host"

	witTypes "go.bytecodealliance.org/pkg/wit/types"
)

func Empty() {}

func CallHost(which uint32, n uint32) uint64 {
	call := bench_tasks_host.Ready
	if which != 0 {
		call = bench_tasks_host.YieldOnce
	}
	var sum uint64
	for range n {
		sum += uint64(call())
	}
	return sum
}

func FanOut(n uint32) uint64 {
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		sum uint64
	)
	for range n {
		wg.Go(func() {
			v := bench_tasks_host.YieldOnce()
			mu.Lock()
			sum += uint64(v)
			mu.Unlock()
		})
	}
	wg.Wait()
	return sum
}

func WaitOnce() uint32 {
	return bench_tasks_host.YieldOnce()
}

func Echo(s *witTypes.StreamReader[uint8], chunk uint32) *witTypes.StreamReader[uint8] {
	w, r := bench_tasks_guest.MakeStreamU8()
	go func() {
		defer s.Drop()
		defer w.Drop()
		buf := make([]byte, chunk)
		for {
			n := s.Read(buf)
			if n > 0 && w.WriteAll(buf[:n]) < n {
				return
			}
			if n == 0 && s.WriterDropped() {
				return
			}
		}
	}()
	return r
}
