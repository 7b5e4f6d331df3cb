// The callee half of the guest-to-guest e2e test: its exports are called by
// the caller component (guests/caller) it is composed with.
package main

import (
	"context"
	"time"

	"e2e/callee/gen/e2e/callee/report"
	"e2e/callee/gen/witgo/async"
)

type Work struct{}

func (Work) Wait(ctx context.Context, ack bool) (string, error) {
	<-ctx.Done()
	report.Note("callee: " + ctx.Err().Error())
	if ack {
		return "", ctx.Err()
	}
	return "finished anyway", nil
}

func (Work) Quick(ctx context.Context, x uint32) uint32 { return x + 1 }

var release func()

func (Work) HoldCalls() { release = async.HoldCalls() }

func (Work) AllowCalls() { release() }

func (Work) Checksum(ctx context.Context, data []byte) uint64 {
	var sum uint64
	for i, b := range data {
		sum += uint64(i+1) * uint64(b)
	}
	return sum
}

func (Work) Produce(ctx context.Context, n uint64) *async.StreamReader[uint8] {
	w, r := async.NewStream[uint8]()
	go func() {
		defer w.Close()
		buf := make([]byte, 32<<10)
		for sent := uint64(0); sent < n; {
			chunk := buf[:min(uint64(len(buf)), n-sent)]
			for i := range chunk {
				chunk[i] = byte((sent + uint64(i)) % 251)
			}
			if _, err := w.Write(context.Background(), chunk); err != nil {
				report.Note("callee: produce: " + err.Error())
				return
			}
			sent += uint64(len(chunk))
		}
	}()
	return r
}

func (Work) Nap(ctx context.Context, id, micros uint32, ack bool) (uint32, error) {
	t := time.NewTimer(time.Duration(micros) * time.Microsecond)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	if ctx.Err() != nil && ack {
		return 0, ctx.Err()
	}
	return id, nil
}

func (Work) Stats() (uint32, uint32) {
	s := async.ReadStats()
	return uint32(s.Tasks), uint32(s.Waitables)
}

func main() {}
