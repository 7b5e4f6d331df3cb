// The Go peer's version of examples/hello (wit-bindgen's Go generator has
// the program implement wasi:cli/run's Run rather than main): the same
// body, for the build and size rows. witgo-bench copies it over the
// generated stub.
package export_wasi_cli_0_2_12_run

import (
	"fmt"
	"os"
	"strings"

	witTypes "go.bytecodealliance.org/pkg/wit/types"
)

func Run() witTypes.Result[witTypes.Unit, witTypes.Unit] {
	name := "world"
	if len(os.Args) > 1 {
		name = strings.Join(os.Args[1:], " ")
	}
	fmt.Printf("Hello, %s, from Go in a WebAssembly component!\n", name)
	if name == "exit" {
		fmt.Fprintln(os.Stderr, "exiting with status 3")
		os.Exit(3)
	}
	return witTypes.Ok[witTypes.Unit, witTypes.Unit](witTypes.Unit{})
}
