// Command {{name}} is a Go program built into a WASI 0.3 component: its
// goroutines sleep on the host's clock and run concurrently.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	start := time.Now()
	for _, r := range work(3) {
		fmt.Println(r)
	}
	// The three sleeps overlap: about 60 ms in all, not 120.
	fmt.Fprintf(os.Stderr, "took %v\n", time.Since(start).Round(10*time.Millisecond))
}

// work runs n workers at once, worker i sleeping (i+1)*20 ms, and returns
// their reports in worker order.
func work(n int) []string {
	results := make([]string, n)
	done := make(chan struct{})
	for i := range results {
		go func() {
			time.Sleep(time.Duration(i+1) * 20 * time.Millisecond)
			results[i] = fmt.Sprintf("worker %d done", i)
			done <- struct{}{}
		}()
	}
	for range n {
		<-done
	}
	return results
}
