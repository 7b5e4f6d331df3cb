package main

import (
	"fmt"
	"testing"
	"time"
)

// `witgo test` runs this inside a WASI 0.3 component: the workers sleep on
// the host's clock, as they do in the program.
func TestWork(t *testing.T) {
	start := time.Now()
	got := work(3)
	took := time.Since(start)
	for i, r := range got {
		if want := fmt.Sprintf("worker %d done", i); r != want {
			t.Errorf("report %d = %q, want %q", i, r, want)
		}
	}
	// The longest sleep is 60 ms: no worker can report sooner.
	if took < 60*time.Millisecond {
		t.Errorf("work(3) returned after %v, before its longest sleep", took)
	}
}
