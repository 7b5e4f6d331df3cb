// Command {{name}} is a Go program built into a WebAssembly component.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Println(greeting(os.Args[1:]))
}

// greeting greets the names in args, or the world.
func greeting(args []string) string {
	name := "world"
	if len(args) > 0 {
		name = strings.Join(args, " ")
	}
	return "Hello, " + name + "!"
}
