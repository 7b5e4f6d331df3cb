package abi

import (
	"testing"
	"unsafe"
)

func resetSpares(t *testing.T) {
	t.Helper()
	spares = [maxSpares]spareBlock{}
	t.Cleanup(func() { spares = [maxSpares]spareBlock{} })
}

// A recycled block is the host's next allocation of a similar size, once.
func TestRecycledBlockIsReused(t *testing.T) {
	resetSpares(t)
	p, fresh := allocForHost(64<<10, 1)
	if !fresh {
		t.Fatal("first allocation not fresh")
	}
	Recycle(p, 64<<10)
	q, fresh := allocForHost(40<<10, 1)
	if fresh || q != p {
		t.Fatalf("got %p (fresh %v), want the recycled %p", q, fresh, p)
	}
	if r, fresh := allocForHost(40<<10, 1); !fresh || r == p {
		t.Fatal("a recycled block was handed out twice")
	}
}

// Small blocks are left to the allocator; a block more than twice the size
// asked for is not handed out (a short string must not pin a large block).
func TestRecyclingIsForSimilarLargeBlocks(t *testing.T) {
	resetSpares(t)
	small, _ := allocForHost(minRecycle-8, 1)
	Recycle(small, minRecycle-8)
	if _, fresh := allocForHost(minRecycle-8, 1); !fresh {
		t.Fatal("a small block was recycled")
	}
	big, _ := allocForHost(1<<20, 1)
	Recycle(big, 1<<20)
	if p, fresh := allocForHost(4<<10, 1); !fresh || p == big {
		t.Fatal("a 1 MiB block was handed out for 4 KiB")
	}
	if p, fresh := allocForHost(1<<20+1, 1); !fresh || p == big {
		t.Fatal("a block was handed out for more than it holds")
	}
	if p, _ := allocForHost(600<<10, 1); p != big {
		t.Fatal("the 1 MiB block was not reused for 600 KiB")
	}
}

// At most maxSpares blocks are kept; a larger one replaces the smallest.
func TestSparesAreBounded(t *testing.T) {
	resetSpares(t)
	blocks := make([]unsafe.Pointer, maxSpares+1)
	for i := range blocks {
		blocks[i], _ = allocForHost(uintptr(8+i)<<10, 1)
		Recycle(blocks[i], uintptr(8+i)<<10)
	}
	kept := map[unsafe.Pointer]bool{}
	for _, s := range spares {
		kept[s.p] = true
	}
	if len(kept) != maxSpares || kept[blocks[0]] || !kept[blocks[maxSpares]] {
		t.Fatalf("kept %v of %v: want all but the smallest", kept, blocks)
	}
	// Exact-size requests get their own block back.
	for i := maxSpares; i >= 1; i-- {
		if p, _ := allocForHost(uintptr(8+i)<<10, 1); p != blocks[i] {
			t.Fatalf("block %d not reused for its own size", i)
		}
	}
}
