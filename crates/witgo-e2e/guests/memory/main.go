// Guest for tests/memory.rs: many calls, flat memory.
package main

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"unsafe"

	"e2e/memory/gen/e2e/memory/api"
	"e2e/memory/gen/e2e/memory/host"
	"e2e/memory/gen/witgo/abi"
	"e2e/memory/gen/witgo/wit"
)

type API struct{}

const alphabet = "abcdefghijklmnopqrstuvwxyz"

func (API) TextCalls(n, length uint32) uint64 {
	var total uint64
	for i := uint32(0); i < n; i++ {
		s := host.Text(length)
		if uint32(len(s)) != length || (length > 0 && (s[0] != 'a' || s[length-1] != alphabet[(length-1)%26])) {
			return 0
		}
		total += uint64(len(s))
	}
	return total
}

func (API) EchoList(xs []uint32) []uint32    { return xs }
func (API) EchoStrings(xs []string) []string { return xs }

func weighted(lists ...[]uint32) uint64 {
	var s uint64
	for k, l := range lists {
		for _, x := range l {
			s += uint64(k+1) * uint64(x)
		}
	}
	return s
}

func (API) Concurrent(goroutines, calls uint32) []string {
	var (
		wg    sync.WaitGroup
		fails []string
	)
	for g := uint32(0); g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := uint32(0); i < calls; i++ {
				n := 1000 + g*97 + i%13
				s := host.Text(n)
				if uint32(len(s)) != n || s[n-1] != alphabet[(n-1)%26] {
					fails = append(fails, fmt.Sprintf("goroutine %d call %d: text(%d) has %d bytes", g, i, n, len(s)))
				}
				var lists [8][]uint32
				for k := range lists {
					lists[k] = make([]uint32, 50+int(g)+k)
					for j := range lists[k] {
						lists[k][j] = g*1000 + uint32(k)
					}
				}
				strs := make([]string, 20+g)
				strLen := 0
				for j := range strs {
					strs[j] = fmt.Sprint(g, "/", j)
					strLen += len(strs[j])
				}
				got := host.SumLists(lists[0], lists[1], lists[2], lists[3], lists[4], lists[5], lists[6], lists[7], strs)
				if want := weighted(lists[:]...) + 9*uint64(strLen); got != want {
					fails = append(fails, fmt.Sprintf("goroutine %d call %d: sum-lists = %d, want %d", g, i, got, want))
				}
				if i%7 == g%7 {
					runtime.Gosched()
				}
			}
		}()
	}
	wg.Wait()
	return fails
}

func (API) Mem() (uint64, uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc, m.Sys
}

func (API) Churn(n uint32) (uint32, uint32) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	keep := make([][]byte, 1000)
	var marking uint32
	for i := range n {
		keep[i%1000] = make([]byte, 64)
		if abi.CollectionInProgress() {
			marking++
		}
	}
	runtime.KeepAlive(keep)
	runtime.ReadMemStats(&after)
	return after.NumGC - before.NumGC, marking
}

func address[T any](p *T) uint32 { return uint32(uintptr(unsafe.Pointer(p))) }

func (API) ByteAddress(b []byte) uint32 { return address(unsafe.SliceData(b)) }

func (API) StringAddress(s string) uint32 { return address(unsafe.StringData(s)) }

var keptBytes [][]byte

func (API) KeepBytes(b []byte) uint32 {
	keptBytes = append(keptBytes, b)
	return address(unsafe.SliceData(b))
}

func (API) SameBytes(b []byte) []byte { return b }

func (API) Kept() []wit.Tuple2[uint32, uint64] {
	var out []wit.Tuple2[uint32, uint64]
	for _, b := range keptBytes {
		var sum uint64
		for _, x := range b {
			sum += uint64(x)
		}
		out = append(out, wit.Tuple2[uint32, uint64]{F0: uint32(len(b)), F1: sum})
	}
	return out
}

func (API) CountPoints(ps []api.Point) uint32 { return uint32(len(ps)) }

var gcCycles = []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}

func (API) Collections() uint64 {
	metrics.Read(gcCycles)
	return gcCycles[0].Value.Uint64()
}

func main() {}
