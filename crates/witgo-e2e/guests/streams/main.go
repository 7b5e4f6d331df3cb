// The streams e2e guest: stream<u8> through io.Reader/io.Writer, streams of
// strings, futures, and a stream forwarded host -> Go -> host.
package main

import (
	"context"
	"fmt"
	"io"

	"e2e/streams/gen/e2e/streams/host"
	"e2e/streams/gen/witgo/async"
)

type API struct{}

func (API) SumBytes(ctx context.Context, s *async.StreamReader[uint8]) (uint64, uint64) {
	r := async.Reader(s)
	r.Ctx = ctx
	defer r.Close()
	var c counter
	if _, err := r.WriteTo(&c); err != nil {
		panic(err)
	}
	return c.n, c.sum
}

// counter is an io.Writer counting and summing the bytes written to it.
type counter struct{ n, sum uint64 }

func (c *counter) Write(p []byte) (int, error) {
	c.n += uint64(len(p))
	for _, b := range p {
		c.sum += uint64(b)
	}
	return len(p), nil
}

func (API) Strings(ctx context.Context, n uint32) *async.StreamReader[string] {
	w, r := async.NewStream[string]()
	go func() {
		defer w.Close()
		batch := make([]string, 0, 7)
		for i := uint32(0); i < n; i++ {
			batch = append(batch, fmt.Sprintf("item-%d", i))
			if len(batch) == cap(batch) || i == n-1 {
				if _, err := w.Write(context.Background(), batch); err != nil {
					panic(err)
				}
				batch = batch[:0]
			}
		}
	}()
	return r
}

func (API) Bump(ctx context.Context, f *async.FutureReader[uint32]) *async.FutureReader[uint32] {
	v, err := f.Read(ctx)
	if err != nil {
		panic(err)
	}
	w, r := async.NewFuture[uint32]()
	go func() {
		if err := w.Write(context.Background(), v+1); err != nil {
			panic(err)
		}
	}()
	return r
}

func (API) Forward(ctx context.Context, n uint64) (uint64, uint64) {
	in, err := host.Produce(ctx, n)
	if err != nil {
		panic(err)
	}
	w, out := async.NewStream[uint8]()
	go func() {
		defer w.Close()
		if _, err := async.Writer(w).ReadFrom(async.Reader(in)); err != nil {
			panic(err)
		}
	}()
	got, sum, err := host.Consume(ctx, out)
	if err != nil {
		panic(err)
	}
	return got, sum
}

func (API) ReadSome(ctx context.Context, s *async.StreamReader[uint8], max uint32) uint32 {
	defer s.Close()
	buf := make([]byte, max)
	total := 0
	for total < int(max) {
		n, err := s.Read(ctx, buf[total:])
		total += n
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err)
		}
	}
	return uint32(total)
}

func (API) Stats() (uint32, uint32) { return uint32(async.Tasks()), uint32(async.Waiting()) }

func main() {}
