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
	"time"

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

func (API) Stats() (uint32, uint32) { return uint32(async.Tasks()), uint32(async.Waiting()) }

func main() {}
