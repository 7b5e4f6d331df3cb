package abi

import "unsafe"

// The host allocates guest memory through cabi_realloc when it passes
// strings and lists into Go (export arguments, import results). Until the
// generated glue has lifted those values into Go values, the only reference
// to the allocation is an address held by the host, which the collector
// cannot see: a pin keeps each allocation alive until the glue that lifts
// it calls Unpin. Allocations are released one by one, not all at once,
// because with async imports the host writes the results of several calls
// before their goroutines get to lift them.
//
// Most of the time a few are pinned (a synchronous export's arguments):
// those sit in a short slice, searched from its end. A map insertion and
// deletion cost a sync export taking a string 15% of its instructions (the
// map draws a new hash seed each time it empties). Only beyond
// maxRecentPins (many async results not lifted yet) do pins go to a map.
var (
	recentPins []unsafe.Pointer
	morePins   map[unsafe.Pointer]struct{}
)

const maxRecentPins = 32

func pin(p unsafe.Pointer) {
	if len(recentPins) < maxRecentPins {
		recentPins = append(recentPins, p)
		return
	}
	if morePins == nil {
		morePins = make(map[unsafe.Pointer]struct{})
	}
	morePins[p] = struct{}{}
}

// The WASI p1 adapter allocates its own state through cabi_realloc_adapter,
// the first time Go's runtime makes a WASI call — while the runtime is still
// initialising and the heap cannot be used. Those allocations come from a
// static arena (it lives in the module's zeroed data, so it costs no file
// size), and so do later ones while it has room; beyond it they come from
// the heap and are kept forever: the adapter never frees.
var (
	preInitArena [192 << 10]byte
	preInitUsed  uintptr
	heapReady    bool
	adapterKeep  []unsafe.Pointer
)

func init() { heapReady = true }

//go:wasmexport cabi_realloc
func cabiRealloc(oldPtr unsafe.Pointer, oldSize, align, newSize uint32) unsafe.Pointer {
	if !heapReady {
		return arenaRealloc(oldPtr, oldSize, align, newSize)
	}
	// Any WASI call from here traps ("cannot leave component instance"),
	// and growing the heap may read the clock: freeze it meanwhile.
	freezeClock(true)
	var p unsafe.Pointer
	if newSize > 0 && uintptr(newSize) <= maxSmallHostAlloc {
		p = allocSmall(uintptr(newSize), uintptr(align))
		copyOld(p, oldPtr, oldSize, newSize)
	} else {
		var fresh bool
		p, fresh = realloc(oldPtr, oldSize, align, newSize)
		pin(p)
		if fresh {
			noteHostAllocation(uintptr(newSize))
		}
	}
	if oldPtr != nil {
		Unpin(oldPtr)
	}
	freezeClock(false)
	return p
}

// Small host allocations (a header's name or value, a short string
// result) are carved from a shared block, where a mallocgc each cost about
// 1,000 instructions on wasm (a request's fields are a dozen of them).
// The Go values lifted from them point into the block, which keeps it
// alive; until then it is pinned by its count of allocations not lifted:
// the block being carved is smallBlock, a full one with allocations still
// to be lifted waits in fullBlocks. A small value kept for long keeps its
// whole block (smallBlockSize bytes) alive, as a substring keeps its string.
type hostBlock struct {
	base    unsafe.Pointer
	used    uintptr
	pending int // allocations not lifted yet
}

const (
	maxSmallHostAlloc = 256
	smallBlockSize    = 2 << 10
)

var (
	smallBlock hostBlock
	fullBlocks []hostBlock
)

func allocSmall(size, align uintptr) unsafe.Pointer {
	b := &smallBlock
	start := (b.used + align - 1) &^ (align - 1)
	if b.base == nil || start+size > smallBlockSize {
		if b.pending > 0 {
			fullBlocks = append(fullBlocks, *b)
		}
		*b = hostBlock{base: mallocgc(smallBlockSize, nil, false)}
		noteHostAllocation(smallBlockSize)
		start = 0
	}
	b.used = start + size
	b.pending++
	return unsafe.Add(b.base, start)
}

// unpinSmall counts p's allocation lifted if p is in a block of small
// allocations, and reports whether it was.
func unpinSmall(p unsafe.Pointer) bool {
	if smallBlock.holds(p) {
		smallBlock.pending--
		return true
	}
	// Oldest first, in order: values are mostly lifted in the order the
	// host wrote them (10,000 import results, say), so the block is
	// usually the first.
	for i := range fullBlocks {
		if b := &fullBlocks[i]; b.holds(p) {
			if b.pending--; b.pending == 0 {
				last := len(fullBlocks) - 1
				copy(fullBlocks[i:], fullBlocks[i+1:])
				fullBlocks[last] = hostBlock{}
				fullBlocks = fullBlocks[:last]
			}
			return true
		}
	}
	return false
}

func (b *hostBlock) holds(p unsafe.Pointer) bool {
	return b.base != nil && uintptr(p)-uintptr(b.base) < b.used
}

//go:wasmexport cabi_realloc_adapter
func cabiReallocAdapter(oldPtr unsafe.Pointer, oldSize, align, newSize uint32) unsafe.Pointer {
	// The arena while it has room, even once the heap is ready: in a
	// pre-initialised instance (witgo build --preinit) the adapter starts
	// after the runtime, and its state and stack from the heap took a large
	// span each, a third of the instance's start-up.
	if !heapReady || arenaFits(align, newSize) {
		return arenaRealloc(oldPtr, oldSize, align, newSize)
	}
	freezeClock(true)
	p, _ := realloc(oldPtr, oldSize, align, newSize)
	adapterKeep = append(adapterKeep, p)
	freezeClock(false)
	return p
}

// realloc reports whether the block is newly allocated (rather than a
// recycled one, see Recycle).
func realloc(oldPtr unsafe.Pointer, oldSize, align, newSize uint32) (p unsafe.Pointer, fresh bool) {
	p, fresh = allocForHost(uintptr(newSize), uintptr(align))
	copyOld(p, oldPtr, oldSize, newSize)
	return p, fresh
}

// copyOld copies what a reallocated block held (if any) to its new place p.
func copyOld(p, oldPtr unsafe.Pointer, oldSize, newSize uint32) {
	if oldPtr != nil && oldSize > 0 {
		copy(unsafe.Slice((*byte)(p), newSize), unsafe.Slice((*byte)(oldPtr), min(oldSize, newSize)))
	}
}

// mallocgc is the runtime's allocator (a linkname the runtime allows).
//
//go:linkname mallocgc runtime.mallocgc
func mallocgc(size uintptr, typ unsafe.Pointer, needzero bool) unsafe.Pointer

// allocForHost allocates size bytes the host is about to fill: a recycled
// block if one fits (see Recycle), else pointer-free memory the collector
// manages, not zeroed first (zeroing a 1 MiB list the host then overwrites
// doubled its cost). It reports whether the block is new.
func allocForHost(size, align uintptr) (p unsafe.Pointer, fresh bool) {
	if size == 0 {
		return Ptr(uint32(align)), false
	}
	size = hostAllocSize(size)
	if p := takeSpare(size); p != nil {
		return p, false
	}
	return mallocgc(size, nil, false), true
}

func arenaFits(align, newSize uint32) bool {
	start := (preInitUsed + uintptr(align) - 1) &^ (uintptr(align) - 1)
	return start+uintptr(newSize) <= uintptr(len(preInitArena))
}

//go:nosplit
func arenaRealloc(oldPtr unsafe.Pointer, oldSize, align, newSize uint32) unsafe.Pointer {
	start := (preInitUsed + uintptr(align) - 1) &^ (uintptr(align) - 1)
	end := start + uintptr(newSize)
	if end > uintptr(len(preInitArena)) {
		// No runtime to panic with yet: trap.
		var zero *int
		*zero = 0
	}
	preInitUsed = end
	p := unsafe.Pointer(&preInitArena[start])
	if oldPtr != nil {
		for i := uintptr(0); i < uintptr(min(oldSize, newSize)); i++ {
			*(*byte)(unsafe.Add(p, i)) = *(*byte)(unsafe.Add(oldPtr, i))
		}
	}
	return p
}

// Unpin forgets the host allocation at p (if p is one): the glue calls it
// once the value there is lifted into a Go value, which now keeps whatever
// it still uses alive.
func Unpin(p unsafe.Pointer) {
	if unpinSmall(p) {
		return
	}
	for i := len(recentPins) - 1; i >= 0; i-- {
		if recentPins[i] == p {
			last := len(recentPins) - 1
			recentPins[i] = recentPins[last]
			recentPins[last] = nil
			recentPins = recentPins[:last]
			return
		}
	}
	if len(morePins) > 0 {
		delete(morePins, p)
	}
}

// HostPins is the number of host allocations not yet lifted (for tests).
func HostPins() int {
	n := len(recentPins) + len(morePins) + smallBlock.pending
	for _, b := range fullBlocks {
		n += b.pending
	}
	return n
}

// Return values of a synchronous export must stay valid until the host has
// read them and called the export's post-return function.
var returnPins []unsafe.Pointer

// PinForReturn keeps p alive until ReleaseReturn.
func PinForReturn(p unsafe.Pointer) { returnPins = append(returnPins, p) }

// ReleaseReturn is called from cabi_post_* functions.
func ReleaseReturn() {
	clear(returnPins)
	returnPins = returnPins[:0]
}
