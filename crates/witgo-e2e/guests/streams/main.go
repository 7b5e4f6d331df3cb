// The streams e2e guest: stream<u8> through io.Reader/io.Writer, streams of
// strings, records and resources, futures of every payload kind, early
// drops on either side, readiness (zero-length copies), cancellation, and a
// stream forwarded host -> Go -> host.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"e2e/streams/gen/e2e/streams/api"
	"e2e/streams/gen/e2e/streams/blobs"
	"e2e/streams/gen/e2e/streams/host"
	"e2e/streams/gen/witgo/async"
	"e2e/streams/gen/witgo/wit"
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

func main() {}

func (API) SumPoints(ctx context.Context, s *async.StreamReader[api.Point]) (uint32, int64, string) {
	defer s.Close()
	var count uint32
	var sum int64
	var labels []string
	buf := make([]api.Point, 5)
	for {
		n, err := s.Read(ctx, buf)
		for _, p := range buf[:n] {
			count++
			sum += int64(p.X) + int64(p.Y)
			labels = append(labels, p.Label)
		}
		if err == io.EOF {
			return count, sum, strings.Join(labels, ",")
		}
		if err != nil {
			panic(err)
		}
	}
}

func (API) Points(ctx context.Context, n uint32) *async.StreamReader[api.Point] {
	w, r := async.NewStream[api.Point]()
	go func() {
		defer w.Close()
		batch := make([]api.Point, 0, 7)
		for i := uint32(0); i < n; i++ {
			batch = append(batch, api.Point{X: int32(i), Y: -2 * int32(i), Label: fmt.Sprintf("p%d", i)})
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

func (API) MakeBlobs(ctx context.Context, first, n uint32) *async.StreamReader[*blobs.Blob] {
	w, r := async.NewStream[*blobs.Blob]()
	go func() {
		defer w.Close()
		all := make([]*blobs.Blob, n)
		for i := range all {
			all[i] = blobs.NewBlob(first + uint32(i))
		}
		if _, err := w.Write(context.Background(), all); err != nil {
			panic(err)
		}
	}()
	return r
}

func (API) SumBlobs(ctx context.Context, s *async.StreamReader[*blobs.Blob]) uint64 {
	defer s.Close()
	var sum uint64
	buf := make([]*blobs.Blob, 4)
	for {
		n, err := s.Read(ctx, buf)
		for _, b := range buf[:n] {
			sum += uint64(b.Value())
			b.Close()
		}
		if err == io.EOF {
			return sum
		}
		if err != nil {
			panic(err)
		}
	}
}

func (API) CountUntilDropped(ctx context.Context) *async.StreamReader[uint32] {
	w, r := async.NewStream[uint32]()
	go func() {
		defer w.Close()
		var total int
		batch := make([]uint32, 10)
		for {
			for i := range batch {
				batch[i] = uint32(total + i)
			}
			n, err := w.Write(context.Background(), batch)
			total += n
			if err != nil {
				logf("wrote %d: %v", total, outcome(err))
				return
			}
		}
	}()
	return r
}

func (API) ReadyThenSum(ctx context.Context, s *async.StreamReader[uint8]) (string, uint64, uint64) {
	ready := "ready"
	if err := s.Ready(ctx); err != nil {
		ready = err.Error()
	}
	n, sum := API{}.SumBytes(ctx, s)
	return ready, n, sum
}

func (API) ReadyThenWrite(ctx context.Context, n uint32) *async.StreamReader[uint8] {
	w, r := async.NewStream[uint8]()
	go func() {
		defer w.Close()
		if err := w.Ready(context.Background()); err != nil {
			logf("writer not ready: %v", err)
			return
		}
		logf("writer ready")
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i % 251)
		}
		if _, err := w.Write(context.Background(), data); err != nil {
			logf("write: %v", err)
		}
	}()
	return r
}

func (API) ReadUntilDeadline(ctx context.Context, s *async.StreamReader[uint8], ms uint32) (uint64, string) {
	defer s.Close()
	ctx, cancel := context.WithTimeout(ctx, time.Duration(ms)*time.Millisecond)
	defer cancel()
	buf := make([]byte, 4096)
	var total uint64
	for {
		n, err := s.Read(ctx, buf)
		total += uint64(n)
		if err == io.EOF {
			return total, "eof"
		}
		if err != nil {
			return total, err.Error()
		}
	}
}

// echo reads f and answers with a new future of its value.
func echo[T any](ctx context.Context, f *async.FutureReader[T]) *async.FutureReader[T] {
	v, err := f.Read(ctx)
	if err != nil {
		panic(err)
	}
	w, r := async.NewFuture[T]()
	go func() {
		if err := w.Write(context.Background(), v); err != nil {
			panic(err)
		}
	}()
	return r
}

func (API) EchoString(ctx context.Context, f *async.FutureReader[string]) *async.FutureReader[string] {
	return echo(ctx, f)
}

func (API) EchoBytes(ctx context.Context, f *async.FutureReader[[]uint8]) *async.FutureReader[[]uint8] {
	return echo(ctx, f)
}

func (API) EchoPoint(ctx context.Context, f *async.FutureReader[api.Point]) *async.FutureReader[api.Point] {
	return echo(ctx, f)
}

func (API) EchoResult(ctx context.Context, f *async.FutureReader[wit.Result[uint32, string]]) *async.FutureReader[wit.Result[uint32, string]] {
	return echo(ctx, f)
}

func (API) EchoOption(ctx context.Context, f *async.FutureReader[wit.Option[[]string]]) *async.FutureReader[wit.Option[[]string]] {
	return echo(ctx, f)
}

func (API) EchoUnit(ctx context.Context, f *async.FutureReader[struct{}]) *async.FutureReader[struct{}] {
	return echo(ctx, f)
}

func (API) EchoBlob(ctx context.Context, f *async.FutureReader[*blobs.Blob]) *async.FutureReader[*blobs.Blob] {
	return echo(ctx, f)
}

func (API) ReadFuture(ctx context.Context, f *async.FutureReader[uint32]) string {
	v, err := f.Read(ctx)
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("value %d", v)
}

func (API) DropFuture(ctx context.Context, f *async.FutureReader[uint32]) { f.Close() }

func (API) ForgetEnds(ctx context.Context, s *async.StreamReader[uint8], f *async.FutureReader[uint32], n uint64) {
	if _, err := host.Produce(ctx, n); err != nil {
		panic(err)
	}
}

func (API) CloseUnwritten(ctx context.Context, v uint32) *async.FutureReader[uint32] {
	w, r := async.NewFuture[uint32]()
	logf("close: %v", outcome(w.Close()))
	go func() { logf("wrote %d: %v", v, outcome(w.Write(context.Background(), v))) }()
	return r
}

func (API) WriteFuture(ctx context.Context, v uint32) *async.FutureReader[uint32] {
	w, r := async.NewFuture[uint32]()
	go func() { logf("wrote %d: %v", v, outcome(w.Write(context.Background(), v))) }()
	return r
}

func (API) ReadTwice(ctx context.Context, f *async.FutureReader[uint32], ms uint32) string {
	defer f.Close()
	read := func(ctx context.Context) string {
		v, err := f.Read(ctx)
		if err != nil {
			return err.Error()
		}
		return fmt.Sprintf("value %d", v)
	}
	short, cancel := context.WithTimeout(ctx, time.Duration(ms)*time.Millisecond)
	defer cancel()
	first := read(short)
	return first + ", then " + read(ctx)
}

func (API) WriteTwice(ctx context.Context, v, ms uint32) *async.FutureReader[*blobs.Blob] {
	w, r := async.NewFuture[*blobs.Blob]()
	go func() {
		short, cancel := context.WithTimeout(context.Background(), time.Duration(ms)*time.Millisecond)
		defer cancel()
		b := blobs.NewBlob(v)
		err := w.Write(short, b)
		logf("first write: %v", outcome(err))
		if err == nil {
			return
		}
		b, ok := w.Unsent()
		if !ok {
			logf("second write: nothing unsent")
			return
		}
		logf("second write: %v", outcome(w.Write(context.Background(), b)))
	}()
	return r
}

func (API) LocalDrops(ctx context.Context) []string {
	var out []string
	// A future whose reader is dropped before reading.
	fw, fr := async.NewFuture[string]()
	fr.Close()
	out = append(out, "future write after reader dropped: "+outcome(fw.Write(ctx, "lost")))
	v, _ := fw.Unsent()
	out = append(out, "unsent: "+v)
	// A stream whose reader is dropped before the write.
	sw, sr := async.NewStream[string]()
	sr.Close()
	buf := []string{"a", "b"}
	n, err := sw.Write(ctx, buf)
	out = append(out, fmt.Sprintf("stream write after reader dropped: %d, %s, %q", n, outcome(err), buf))
	sw.Close()
	// A stream whose writer is dropped with nothing written.
	sw, sr = async.NewStream[string]()
	sw.Close()
	n, err = sr.Read(ctx, make([]string, 3))
	out = append(out, fmt.Sprintf("stream read after writer dropped: %d, %s", n, outcome(err)))
	sr.Close()
	// A stream read here while its writer is here too: nothing can come.
	sw, sr = async.NewStream[string]()
	n, err = sr.Read(ctx, make([]string, 3))
	out = append(out, fmt.Sprintf("stream read never passed on: %d, %s", n, outcome(err)))
	sr.Close()
	n, err = sw.Write(ctx, buf)
	out = append(out, fmt.Sprintf("then a write: %d, %s", n, outcome(err)))
	sw.Close()
	return out
}

func (API) EarlyEnds(ctx context.Context, v, ms uint32) (*async.StreamReader[string], *async.StreamReader[string], *async.FutureReader[uint32]) {
	sw, sr := async.NewStream[string]()
	go func() {
		defer sw.Close()
		_, err := sw.Write(context.Background(), []string{"early", "writes"})
		logf("early stream: %v", outcome(err))
	}()
	cw, cr := async.NewStream[string]()
	cw.Close()
	fw, fr := async.NewFuture[uint32]()
	go func() { logf("early future: %v", outcome(fw.Write(context.Background(), v))) }()
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return sr, cr, fr
}

// outcome names an error for the log: "ok", "peer gone", "deadline", or
// its text.
func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, async.ErrPeerGone):
		return "peer gone"
	case errors.Is(err, async.ErrUnwritten):
		return "unwritten"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case err == io.EOF:
		return "eof"
	}
	return err.Error()
}

var (
	logMu   sync.Mutex
	entries []string
)

func logf(format string, args ...any) {
	logMu.Lock()
	defer logMu.Unlock()
	entries = append(entries, fmt.Sprintf(format, args...))
}

func (API) Log() []string {
	logMu.Lock()
	defer logMu.Unlock()
	out := entries
	entries = nil
	return out
}

func (API) Stats() (uint32, uint32) {
	s := async.ReadStats()
	return uint32(s.Tasks), uint32(s.Waitables)
}

func (API) Heap() (uint64, uint32) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc, uint32(runtime.NumGoroutine())
}
