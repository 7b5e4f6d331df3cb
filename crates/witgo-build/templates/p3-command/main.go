// Command {{name}} is a Go program built into a WASI 0.3 component: its
// goroutines sleep on the host's clock and run concurrently.
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

func main() {
	start := time.Now()
	var wg sync.WaitGroup
	results := make([]string, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i+1) * 20 * time.Millisecond)
			results[i] = fmt.Sprintf("worker %d done", i)
		}()
	}
	wg.Wait()
	for _, r := range results {
		fmt.Println(r)
	}
	// The three sleeps overlap: about 60 ms in all, not 120.
	fmt.Fprintf(os.Stderr, "took %v\n", time.Since(start).Round(10*time.Millisecond))
}
