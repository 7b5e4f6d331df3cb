package abi

import "unsafe"

// The host allocates guest memory through cabi_realloc when it passes
// strings and lists into Go (export arguments, import results). Until the
// generated glue has lifted those values into Go values, the only reference
// to the allocation is an address held by the host, which the collector
// cannot see: pending keeps them alive until ReleaseHostAllocs.
var pending []unsafe.Pointer

// The WASI p1 adapter allocates its own state through cabi_realloc_adapter,
// the first time Go's runtime makes a WASI call — while the runtime is still
// initialising and the heap cannot be used. Those allocations come from a
// static arena (it lives in the module's zeroed data, so it costs no file
// size). Later adapter allocations are kept forever: the adapter never frees.
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
	p := realloc(oldPtr, oldSize, align, newSize)
	pending = append(pending, p)
	hostAllocated += uintptr(newSize)
	return p
}

//go:wasmexport cabi_realloc_adapter
func cabiReallocAdapter(oldPtr unsafe.Pointer, oldSize, align, newSize uint32) unsafe.Pointer {
	if !heapReady {
		return arenaRealloc(oldPtr, oldSize, align, newSize)
	}
	p := realloc(oldPtr, oldSize, align, newSize)
	adapterKeep = append(adapterKeep, p)
	return p
}

func realloc(oldPtr unsafe.Pointer, oldSize, align, newSize uint32) unsafe.Pointer {
	p := Alloc(uintptr(newSize), uintptr(align))
	if oldPtr != nil && oldSize > 0 {
		copy(unsafe.Slice((*byte)(p), newSize), unsafe.Slice((*byte)(oldPtr), min(oldSize, newSize)))
	}
	return p
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

// ReleaseHostAllocs forgets the allocations the host made since the last
// call: the glue calls it once the values in them are lifted into Go values,
// which now keep whatever they still use alive.
func ReleaseHostAllocs() {
	clear(pending)
	pending = pending[:0]
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
