// The Go peer's contender of the call benchmarks (wit-bindgen's Go
// generator): the same work as bench/guests/witgo, written against the
// peer's generated API. bench/run copies it over the generated export stubs.
package export_bench_calls_guest

import (
	"wit_component/bench_calls_host"
	"wit_component/bench_calls_types"
)

func Empty() {}

func Scalars(a uint32, b uint64, c float32, d float64) uint64 {
	return uint64(a) + b + uint64(c) + uint64(d)
}

func Record16(r bench_calls_types.Rec16) uint64 { return sum16(r) }

func sum16(r bench_calls_types.Rec16) uint64 {
	return uint64(r.F0) + r.F1 + uint64(r.F2) + uint64(r.F3) + uint64(r.F4) + uint64(r.F5) +
		uint64(r.F6) + uint64(r.F7) + uint64(b2u(r.F8)) + uint64(r.F9) + uint64(r.F10) + r.F11 +
		uint64(r.F12) + uint64(r.F13) + uint64(r.F14) + uint64(r.F15)
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

func ShortString(s string) uint32 { return uint32(len(s)) }

func Bytes(b []uint8) uint32 {
	if len(b) == 0 {
		return 0
	}
	return uint32(len(b)) + uint32(b[len(b)-1])
}

func Points(ps []bench_calls_types.Point) uint32 {
	var s int32
	for _, p := range ps {
		s += p.X + p.Y
	}
	return uint32(len(ps)) + uint32(s)
}

func CallHost(which, n, size uint32) uint64 {
	var sum uint64
	switch which {
	case 0:
		for range n {
			bench_calls_host.Empty()
		}
	case 1:
		for i := range n {
			sum += bench_calls_host.Scalars(i, 2, 3, 4)
		}
	case 2:
		r := rec16()
		for range n {
			sum += bench_calls_host.Record16(r)
		}
	case 3:
		for range n {
			sum += uint64(bench_calls_host.ShortString("hello, world!"))
		}
	case 4:
		b := make([]byte, size)
		for range n {
			sum += uint64(bench_calls_host.Bytes(b))
		}
	case 5:
		ps := make([]bench_calls_types.Point, size)
		for i := range ps {
			ps[i] = bench_calls_types.Point{X: int32(i), Y: -int32(i), Weight: 0.5}
		}
		for range n {
			sum += uint64(bench_calls_host.Points(ps))
		}
	}
	return sum
}

func rec16() bench_calls_types.Rec16 {
	return bench_calls_types.Rec16{F0: 1, F1: 2, F2: 3, F3: 4, F4: 5, F5: 6, F6: 7, F7: 8, F8: true, F9: 'x', F10: 11, F11: 12, F12: 13, F13: 14, F14: 15, F15: 16}
}
