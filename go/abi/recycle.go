package abi

import "unsafe"

// Recycling host allocations.
//
// Each string or list the host passes into Go is a block it allocated
// through cabi_realloc. Left to the collector, a program that takes a 1 MiB
// list per call hands the host a new megabyte each call, which the host
// writes into memory not yet in cache, and the heap reaches its goal (and a
// collection) every few calls. The glue gives a block back instead once no
// Go value can refer to it, and the host's next allocation of a similar size
// reuses it:
//
//   - the block of a list whose elements were copied out (lists of records,
//     strings, ...), as soon as they are;
//   - the block of a string or list argument that the Go value views in
//     place, after a synchronous export returns, if the compiler has proven
//     that the method keeps no reference to that argument (see
//     OnGoroutineStack); otherwise the value owns the block, as always.
//
// A few blocks are kept; one that is not reused stays alive until a larger
// one replaces it.

// spareBlock is a host allocation no Go value refers to.
type spareBlock struct {
	p    unsafe.Pointer
	size uintptr
}

// maxSpares bounds the blocks kept: as many as one call's large arguments.
const maxSpares = 4

// minRecycle is the smallest block worth keeping: below it, Go's allocator
// serves the host from per-size free lists in cache, and collections come
// rarely enough.
const minRecycle = 2 << 10

var spares [maxSpares]spareBlock

// Recycle gives back the host allocation at p, of which the first n bytes
// were used, once no Go value refers to it. Generated glue calls it.
func Recycle(p unsafe.Pointer, n uintptr) {
	size := hostAllocSize(n)
	if p == nil || size < minRecycle {
		return
	}
	slot := -1
	for i := range spares {
		s := &spares[i]
		if s.p == nil {
			slot = i
			break
		}
		if s.size < size && (slot < 0 || s.size < spares[slot].size) {
			slot = i
		}
	}
	if slot >= 0 {
		spares[slot] = spareBlock{p, size}
	}
}

// RecycleString recycles the host's block that s views (see Recycle).
func RecycleString(s string) {
	Recycle(unsafe.Pointer(unsafe.StringData(s)), uintptr(len(s)))
}

// RecycleSlice recycles the host's block that s views (see Recycle).
func RecycleSlice[T any](s []T) {
	var elem T
	Recycle(unsafe.Pointer(unsafe.SliceData(s)), uintptr(len(s))*unsafe.Sizeof(elem))
}

// takeSpare returns a kept block of at least size bytes, but of not more
// than twice that (a small string must not hold on to a large block), or nil.
func takeSpare(size uintptr) unsafe.Pointer {
	if size < minRecycle {
		return nil
	}
	best := -1
	for i := range spares {
		s := &spares[i]
		if s.p != nil && size <= s.size && size > s.size/2 && (best < 0 || s.size < spares[best].size) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	p := spares[best].p
	spares[best] = spareBlock{}
	return p
}

// hostAllocSize is what allocForHost allocates for n bytes: rounded up to 8,
// which makes the runtime align the block to 8, the largest Canonical ABI
// alignment.
func hostAllocSize(n uintptr) uintptr { return (n + 7) &^ 7 }

// Sink is where a probe's results go (see OnGoroutineStack): storing into a
// package variable makes them escape, so that a method returning its
// argument counts as keeping it.
var Sink any

// Probing is never true: the call a probe makes under it only informs the
// compiler's escape analysis.
var Probing bool
