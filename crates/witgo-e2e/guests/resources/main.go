// Guest for tests/resources.rs: resources exported by Go (counter) and
// imported from the host (blob).
package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"e2e/resources/gen/e2e/resources/counters"
	"e2e/resources/gen/e2e/resources/store"
	"e2e/resources/gen/witgo/wit"
)

type Counters struct{}

type counter struct {
	n       uint32
	dropped bool
}

var created, drops uint32

func newCounter(n uint32) *counter { created++; return &counter{n: n} }

func (c *counter) Inc(by uint32) uint32 { c.n += by; return c.n }
func (c *counter) Get() uint32          { return c.n }

// Drop must run once per counter: a second call is recorded as a failure by
// making the count jump by 1000.
func (c *counter) Drop() {
	if c.dropped {
		drops += 1000
	}
	c.dropped = true
	drops++
}

func (Counters) NewCounter(start uint32) counters.Counter { return newCounter(start) }

func (Counters) CounterMerge(a, b counters.Counter) counters.Counter {
	return newCounter(a.Get() + b.Get())
}

func (Counters) Same(c counters.Counter) counters.Counter { return c }

func (Counters) Total(c counters.Counter) uint32 { return c.Get() }

func (Counters) TotalAll(cs []counters.Counter) uint32 {
	var s uint32
	for _, c := range cs {
		s += c.Get()
	}
	return s
}

// take gets a counter whose ownership came back to Go: it must be one of
// ours, alive, and its Drop has not run (the host never dropped it).
func take(c counters.Counter) uint32 {
	cc := c.(*counter)
	if cc.dropped {
		return 1 << 31
	}
	return cc.n * 10
}

func (Counters) Take(c counters.Counter) uint32 { return take(c) }

func (Counters) TakeAll(cs []counters.Counter) uint32 {
	var s uint32
	for _, c := range cs {
		s += take(c)
	}
	return s
}

func (Counters) TakeMaybe(c wit.Option[counters.Counter]) uint32 {
	if v, ok := c.Get(); ok {
		return take(v)
	}
	return 0
}

func (Counters) MakeMany(n uint32) []counters.Counter {
	out := make([]counters.Counter, n)
	for i := range out {
		out[i] = newCounter(uint32(i) * 100)
	}
	return out
}

func (Counters) MaybeCounter(make bool) (counters.Counter, bool) {
	if !make {
		return nil, false
	}
	return newCounter(77), true
}

func (Counters) Drops() uint32   { return drops }
func (Counters) Created() uint32 { return created }

func (Counters) BlobSize(b *store.Blob) uint32 {
	borrowed = b
	return b.Size()
}

// borrowed is a borrowed blob kept past its call: using it later must fail.
var borrowed *store.Blob

var kept *store.Blob

func (Counters) KeepBlob(b *store.Blob) uint32 {
	kept = b
	return b.Size()
}

func (Counters) ReleaseKept() uint32 {
	n := kept.Size()
	kept.Close()
	kept = nil
	return n
}

func (Counters) UseBlobs() []string {
	var out []string
	add := func(f string, a ...any) { out = append(out, fmt.Sprintf(f, a...)) }
	try := func(what string, f func()) {
		defer func() { add("%s: %v", what, recover()) }()
		f()
	}
	if borrowed != nil {
		try("borrow after its call", func() { borrowed.Size() })
	}

	a := store.NewBlob([]byte("hello "))
	b := store.NewBlob([]byte("world"))
	c := store.BlobConcat(a, b)
	add("sizes %d %d %d", a.Size(), b.Size(), c.Size())
	add("read %s", c.Read())
	a.Append([]byte("there "))
	add("append %s", a.Read())
	add("peek %d", store.Peek(c))
	add("total %d", store.Total([]*store.Blob{a, b, c}))
	add("consume %d", store.Consume(c))
	try("use after consume", func() { c.Size() })
	try("consume again", func() { store.Consume(c) })

	list := store.MakeList(4)
	for i, l := range list {
		add("list %d size %d", i, l.Size())
	}
	add("consume-all %d", store.ConsumeAll(list[:3]))
	list[3].Close()

	h := store.MakeHolder("h1", 9)
	add("holder %s %d", h.Name, h.B.Size())
	add("take-holder %s", store.TakeHolder(h))
	try("holder blob after take", func() { h.B.Size() })

	if m, ok := store.MaybeBlob(true); ok {
		add("maybe %d", m.Size())
		add("take-maybe %d", store.TakeMaybe(wit.Some(m)))
	}
	_, ok := store.MaybeBlob(false)
	add("maybe none %v", !ok)
	add("take-maybe none %d", store.TakeMaybe(wit.None[*store.Blob]()))

	a.Close()
	a.Close() // a second Close does nothing
	b.Close()
	return out
}

func forget() {
	store.NewBlob([]byte("forgotten"))
}

// hostDrops is how many blobs the host has dropped, per the host: the size
// of a blob made with data of that length (see tests/resources.rs).
func (Counters) ForgetBlob() uint32 {
	forget()
	for i := uint32(1); i <= 100; i++ {
		runtime.GC()
		runtime.Gosched()
		if cleanedUp() {
			return i
		}
	}
	return 0
}

// cleanedUp asks the host (through a blob of special contents) whether the
// forgotten blob was dropped.
func cleanedUp() bool {
	probe := store.NewBlob([]byte("probe"))
	defer probe.Close()
	return probe.Size() == 0
}

func main() {}

// MakeSizedConcurrently lifts results from store.make-sized's return area
// while other goroutines call it too: lifting the blob allocates, a
// collection may start there and switch goroutines, and the call that
// runs meanwhile writes its results to the same area. Each goroutine asks
// for blobs of its own size, so results lifted from another call's show.
func (Counters) MakeSizedConcurrently(goroutines, calls uint32) uint32 {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	var wrong atomic.Uint32
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			size := g + 1
			for range calls {
				b, n := store.MakeSized(size)
				if n != size || b.Size() != size {
					wrong.Add(1)
				}
				b.Close()
			}
		}()
	}
	wg.Wait()
	return wrong.Load()
}
