// Package main implements the example:{{name}}/api interface: a function
// returning a result and a resource the host creates and drives.
package main

import (
	"errors"
	"math"

	"{{module}}/gen/example/{{name}}/api"
)

// API implements the exported interface example:{{name}}/api.
type API struct{}

// Greet greets name; a WIT `result<string, string>` reads as (string, error),
// and the error's text becomes the WIT error string.
func (API) Greet(name string) (string, error) {
	if name == "" {
		return "", errors.New("empty name")
	}
	return "Hello, " + name + "!", nil
}

// NewCounter is the counter resource's constructor.
func (API) NewCounter(start uint32) api.Counter {
	return &counter{value: start}
}

// counter is the Go value behind each counter handle the host holds.
type counter struct {
	value uint32
}

func (c *counter) Add(n uint32) (uint32, error) {
	if n > math.MaxUint32-c.value {
		return 0, errors.New("overflow")
	}
	c.value += n
	return c.value, nil
}

func (c *counter) Value() uint32 { return c.value }

func main() {}
