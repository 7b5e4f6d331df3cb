// Guest for the resource and memory tests.
package main

import (
	"fmt"
	"runtime"

	"e2e/resources/gen/e2e/resources/counters"
	"e2e/resources/gen/e2e/resources/store"
)

type Counters struct{}

type counter struct{ n uint32 }

var dropped uint32

func (c *counter) Inc(by uint32) uint32 { c.n += by; return c.n }
func (c *counter) Get() uint32          { return c.n }
func (c *counter) Drop()                { dropped++ }

func (Counters) NewCounter(start uint32) counters.Counter { return &counter{n: start} }

func (Counters) CounterMerge(a, b counters.Counter) counters.Counter {
	return &counter{n: a.Get() + b.Get()}
}

func (Counters) Total(c counters.Counter) uint32 { return c.Get() }

func (Counters) Take(c counters.Counter) uint32 { return c.(*counter).n * 10 }

func (Counters) Drops() uint32 { return dropped }

func (Counters) UseBlobs() []string {
	var out []string
	add := func(f string, a ...any) { out = append(out, fmt.Sprintf(f, a...)) }
	a := store.NewBlob([]byte("hello "))
	b := store.NewBlob([]byte("world"))
	c := store.BlobConcat(a, b)
	add("sizes %d %d %d", a.Size(), b.Size(), c.Size())
	add("read %s", c.Read())
	add("peek %d", store.Peek(c))
	add("consume %d", store.Consume(c))
	func() {
		defer func() { add("use after consume: %v", recover()) }()
		c.Size()
	}()
	for i, w := range store.Wrap(3) {
		add("wrapped %d size %d", i, w.Size())
		w.Close()
	}
	if m, ok := store.MaybeBlob(true); ok {
		add("maybe %d", m.Size())
		m.Close()
	}
	_, ok := store.MaybeBlob(false)
	add("maybe none %v", !ok)
	a.Close()
	a.Close() // a second Close does nothing
	b.Close()
	return out
}

func (Counters) TextCalls(n, length uint32) uint64 {
	var total uint64
	for i := uint32(0); i < n; i++ {
		total += uint64(len(store.Text(length)))
	}
	return total
}

func (Counters) EchoList(xs []uint32) []uint32 { return xs }

func (Counters) Mem() (uint64, uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc, m.Sys
}

func main() {}
