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
