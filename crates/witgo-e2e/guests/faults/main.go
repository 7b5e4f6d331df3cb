// Guest for tests/faults.rs: Go panics in the middle of a stream (writing
// and reading) and a host import that fails while Go awaits it.
package main

import (
	"context"
	"io"

	"e2e/faults/gen/e2e/faults/host"
	"e2e/faults/gen/witgo/async"
)

type API struct{}

func (API) Fine() uint32 { return 42 }

func (API) PanicMidStream(ctx context.Context, n, after uint32, msg string) *async.StreamReader[uint8] {
	w, r := async.NewStream[uint8]()
	go func() {
		defer w.Close()
		buf := make([]byte, 4096)
		for sent := uint32(0); sent < n; {
			if sent >= after {
				panic(msg)
			}
			chunk := buf[:min(uint32(len(buf)), n-sent)]
			for i := range chunk {
				chunk[i] = byte((sent + uint32(i)) % 251)
			}
			k, err := w.Write(context.Background(), chunk)
			sent += uint32(k)
			if err != nil {
				return
			}
		}
	}()
	return r
}

func (API) PanicReading(ctx context.Context, s *async.StreamReader[uint8], after uint32, msg string) uint64 {
	rd := async.Reader(s)
	defer rd.Close()
	buf := make([]byte, 4096)
	var got uint64
	for {
		if got >= uint64(after) {
			panic(msg)
		}
		k, err := rd.Read(buf)
		got += uint64(k)
		if err == io.EOF {
			return got
		}
		if err != nil {
			panic(err)
		}
	}
}

func (API) AwaitFailing(ctx context.Context, msg string) uint32 {
	v, err := host.Fail(ctx, msg)
	if err != nil {
		panic(err)
	}
	return v
}

func (API) Stats() (uint32, uint32) {
	s := async.ReadStats()
	return uint32(s.Tasks), uint32(s.Waitables)
}

func main() {}
