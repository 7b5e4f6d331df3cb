package main

import "testing"

// `witgo test` runs this inside a component, on the same WASI host as the
// program.
func TestGreeting(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "Hello, world!"},
		{[]string{"Gopher"}, "Hello, Gopher!"},
		{[]string{"dear", "Gopher"}, "Hello, dear Gopher!"},
	} {
		if got := greeting(c.args); got != c.want {
			t.Errorf("greeting(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}
