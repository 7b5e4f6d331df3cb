package abi

import "unsafe"

// Ptr turns a linear-memory address received from the host into a pointer.
//
// On GOARCH=wasm, Go heap addresses are linear-memory addresses and the
// collector never moves objects, so an address the host hands back points at
// the very object witgo allocated or lent. The conversion goes through memory
// rather than unsafe.Pointer(uintptr(addr)) because go vet's unsafeptr check
// cannot know that and would flag every use.
//
// Addresses below 4096 hold no Go object (Go's data starts at 4096), and a
// pointer that small on a goroutine's stack makes the runtime throw ("invalid
// pointer found on stack") when the stack moves; they only ever come from
// zero-length lists and strings, so they become nil.
func Ptr(addr uint32) unsafe.Pointer {
	if addr < 4096 {
		return nil
	}
	a := uintptr(addr)
	return *(*unsafe.Pointer)(unsafe.Pointer(&a))
}

// Addr is the linear-memory address of p.
func Addr(p unsafe.Pointer) uint32 { return uint32(uintptr(p)) }

// PtrFromI64 is Ptr for a pointer carried in an i64 slot of a joined variant.
func PtrFromI64(v int64) unsafe.Pointer { return Ptr(uint32(v)) }

// Loads and stores at p+off, little endian as wasm itself.

func LoadU8(p unsafe.Pointer, off uintptr) uint8    { return *(*uint8)(unsafe.Add(p, off)) }
func LoadI8(p unsafe.Pointer, off uintptr) int8     { return *(*int8)(unsafe.Add(p, off)) }
func LoadU16(p unsafe.Pointer, off uintptr) uint16  { return *(*uint16)(unsafe.Add(p, off)) }
func LoadI16(p unsafe.Pointer, off uintptr) int16   { return *(*int16)(unsafe.Add(p, off)) }
func LoadI32(p unsafe.Pointer, off uintptr) int32   { return *(*int32)(unsafe.Add(p, off)) }
func LoadI64(p unsafe.Pointer, off uintptr) int64   { return *(*int64)(unsafe.Add(p, off)) }
func LoadF32(p unsafe.Pointer, off uintptr) float32 { return *(*float32)(unsafe.Add(p, off)) }
func LoadF64(p unsafe.Pointer, off uintptr) float64 { return *(*float64)(unsafe.Add(p, off)) }
func LoadU32(p unsafe.Pointer, off uintptr) uint32  { return *(*uint32)(unsafe.Add(p, off)) }
func LoadPtr(p unsafe.Pointer, off uintptr) unsafe.Pointer {
	return Ptr(*(*uint32)(unsafe.Add(p, off)))
}

func StoreU8(p unsafe.Pointer, off uintptr, v uint8)   { *(*uint8)(unsafe.Add(p, off)) = v }
func StoreU16(p unsafe.Pointer, off uintptr, v uint16) { *(*uint16)(unsafe.Add(p, off)) = v }
func StoreI32(p unsafe.Pointer, off uintptr, v int32)  { *(*int32)(unsafe.Add(p, off)) = v }
func StoreU32(p unsafe.Pointer, off uintptr, v uint32) { *(*uint32)(unsafe.Add(p, off)) = v }
func StoreI64(p unsafe.Pointer, off uintptr, v int64)  { *(*int64)(unsafe.Add(p, off)) = v }
func StoreF32(p unsafe.Pointer, off uintptr, v float32) {
	*(*float32)(unsafe.Add(p, off)) = v
}
func StoreF64(p unsafe.Pointer, off uintptr, v float64) {
	*(*float64)(unsafe.Add(p, off)) = v
}
func StorePtr(p unsafe.Pointer, off uintptr, v unsafe.Pointer) {
	*(*uint32)(unsafe.Add(p, off)) = Addr(v)
}

// Alloc returns size bytes of zeroed memory aligned to align (at most 8),
// owned by the Go collector. The memory holds no Go pointers.
//
// Not inlined, so that the block always escapes to the heap: inlined into a
// caller that only passes its address on (as an integer), the compiler may
// put it on the goroutine's stack, which moves when it grows — while the
// host still holds the old address (async import results).
//
//go:noinline
func Alloc(size, align uintptr) unsafe.Pointer {
	switch {
	case size == 0:
		return Ptr(uint32(align))
	case size <= 8:
		// The common async import's result area (a scalar, a handle):
		// an object of a fixed type skips makeslice's checks, and the
		// tiny allocator packs it with others.
		return unsafe.Pointer(new(uint64))
	case size <= 16:
		return unsafe.Pointer(new([2]uint64))
	}
	buf := make([]uint64, (size+7)/8)
	return unsafe.Pointer(unsafe.SliceData(buf))
}
