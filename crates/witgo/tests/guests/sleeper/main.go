// Command sleeper is a WASI 0.3 command: it sleeps on the host's clock and
// prints its arguments.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	start := time.Now()
	time.Sleep(50 * time.Millisecond)
	fmt.Println("slept", time.Since(start) >= 50*time.Millisecond, os.Args[1:])
}
