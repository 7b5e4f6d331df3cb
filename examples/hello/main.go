// Command hello is an ordinary Go program that witgo builds into a
// WebAssembly component: main runs as the component's wasi:cli/run export,
// with os.Args, stdout and os.Exit working as they do natively.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	name := "world"
	if len(os.Args) > 1 {
		name = strings.Join(os.Args[1:], " ")
	}
	fmt.Printf("Hello, %s, from Go in a WebAssembly component!\n", name)
	if name == "exit" {
		fmt.Fprintln(os.Stderr, "exiting with status 3")
		os.Exit(3)
	}
}
