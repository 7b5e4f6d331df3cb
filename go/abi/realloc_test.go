package abi

import (
	"testing"
	"unsafe"
)

// Pins beyond the short slice go to the map; Unpin finds each wherever it
// is, in any order, and ignores what was never pinned.
func TestPinsSurviveAnyUnpinOrder(t *testing.T) {
	blocks := make([][8]byte, 3*maxRecentPins)
	for i := range blocks {
		pin(unsafe.Pointer(&blocks[i]))
	}
	if HostPins() != len(blocks) || len(morePins) != 2*maxRecentPins {
		t.Fatalf("%d pins, %d in the map", HostPins(), len(morePins))
	}
	var other [8]byte
	Unpin(unsafe.Pointer(&other))
	// Oldest first (the slice's worst case), then from both ends.
	for i := 0; i < len(blocks); i += 2 {
		Unpin(unsafe.Pointer(&blocks[i]))
	}
	for i := len(blocks) - 1; i > 0; i -= 2 {
		Unpin(unsafe.Pointer(&blocks[i]))
	}
	if HostPins() != 0 {
		t.Fatalf("%d pins left", HostPins())
	}
	// The slice holds no stale pointers past its length.
	for _, p := range recentPins[:cap(recentPins)] {
		if p != nil {
			t.Fatal("a released pin is still referenced")
		}
	}
}

// Small host allocations share blocks: each is pinned until the glue
// unpins it, a full block stays tracked while any of its allocations is
// unlifted, and a reallocation moves the bytes and releases the old one.
func TestSmallAllocationsShareBlocks(t *testing.T) {
	before := HostPins()
	var ps []unsafe.Pointer
	// Enough 100-byte allocations to fill several blocks.
	for i := 0; i < 3*smallBlockSize/100; i++ {
		p := cabiRealloc(nil, 0, 4, 100)
		if uintptr(p)%4 != 0 {
			t.Fatalf("allocation %d at %#x is not aligned to 4", i, p)
		}
		*(*byte)(p) = byte(i)
		ps = append(ps, p)
	}
	if HostPins() != before+len(ps) || len(fullBlocks) < 2 {
		t.Fatalf("%d pins (%d before), %d full blocks", HostPins(), before, len(fullBlocks))
	}
	for i, p := range ps {
		if *(*byte)(p) != byte(i) {
			t.Fatalf("allocation %d was overwritten", i)
		}
	}
	// Growing the last one moves its bytes and unpins the old place.
	last := ps[len(ps)-1]
	grown := cabiRealloc(last, 100, 1, 200)
	if *(*byte)(grown) != byte(len(ps)-1) {
		t.Fatal("the reallocation lost the bytes")
	}
	ps[len(ps)-1] = grown
	if HostPins() != before+len(ps) {
		t.Fatalf("%d pins after the reallocation, want %d", HostPins(), before+len(ps))
	}
	for _, p := range ps {
		Unpin(p)
	}
	if HostPins() != before || len(fullBlocks) != 0 {
		t.Fatalf("%d pins left (%d before), %d full blocks", HostPins(), before, len(fullBlocks))
	}
	// Larger allocations still get blocks of their own.
	big := cabiRealloc(nil, 0, 8, maxSmallHostAlloc+1)
	if smallBlock.holds(big) || HostPins() != before+1 {
		t.Fatal("a large allocation came from the shared block")
	}
	Unpin(big)
}
