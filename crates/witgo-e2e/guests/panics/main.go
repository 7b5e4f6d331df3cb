// Guest for tests/panics.rs: Go panics inside exports.
package main

import (
	"errors"
	"fmt"
)

type API struct{}

var errBroken = errors.New("broken")

func (API) Fine() uint32    { return 42 }
func (API) Boom(msg string) { panic(msg) }

func (API) BoomError(code uint32) uint32 {
	panic(fmt.Errorf("code %d: %w", code, errBroken))
}

func (API) OutOfRange(i uint32) uint32 {
	xs := []uint32{1, 2, 3}
	return xs[i]
}

func (API) BoomInList(n uint32) []string {
	out := make([]string, 0, n)
	for i := uint32(0); i < n; i++ {
		if i == n/2 {
			panic(fmt.Sprintf("half way, %d strings", len(out)))
		}
		out = append(out, fmt.Sprint(i))
	}
	return out
}

func main() {}
