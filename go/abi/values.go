package abi

import (
	"math"
	"unsafe"
)

// LiftString views n bytes at p as a string without copying. The bytes were
// allocated by cabi_realloc for this value alone, so Go owns them now.
func LiftString(p unsafe.Pointer, n uint32) string {
	if n == 0 {
		return ""
	}
	return unsafe.String((*byte)(p), n)
}

// LiftSlice views n elements at p as a slice without copying; used for lists
// whose element layout in Go equals the Canonical ABI layout.
func LiftSlice[T any](p unsafe.Pointer, n uint32) []T {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(p), n)
}

// StringData is the address of s's bytes (nil for an empty string, which the
// ABI accepts for zero-length data).
func StringData(s string) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Pointer(unsafe.StringData(s))
}

// escapeSink is written by Escape (see there).
var escapeSink unsafe.Pointer

// Escape returns p. Its purpose is the compiler's escape analysis: memory
// whose address passes through Escape lives on the heap, never on a
// goroutine's stack. Async import calls need that for their arguments: the
// callee may read them after the calling goroutine has parked, and the
// collector may move a parked goroutine's stack.
func Escape(p unsafe.Pointer) unsafe.Pointer {
	escapeSink = p
	escapeSink = nil
	return p
}

// SliceData is the address of s's elements, or nil (aligned for every
// alignment) for an empty slice.
func SliceData[T any](s []T, align uint32) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Pointer(unsafe.SliceData(s))
}

// Bool lifts a core i32 into a bool. The host only ever passes 0 or 1.
func Bool(v int32) bool { return v != 0 }

// BoolI32 lowers a bool.
func BoolI32(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// Char lifts a core i32 into a rune (the host validates it is a Unicode scalar value).
func Char(v int32) rune { return rune(v) }

// Bit casts between float and integer slots of joined variant payloads.

func F32ToI32(f float32) int32 { return int32(math.Float32bits(f)) }
func I32ToF32(i int32) float32 { return math.Float32frombits(uint32(i)) }
func F64ToI64(f float64) int64 { return int64(math.Float64bits(f)) }
func I64ToF64(i int64) float64 { return math.Float64frombits(uint64(i)) }
func F32ToI64(f float32) int64 { return int64(math.Float32bits(f)) }
func I64ToF32(i int64) float32 { return math.Float32frombits(uint32(i)) }
