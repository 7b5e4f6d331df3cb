package main

import (
	"math"
	"testing"
)

// `witgo test` runs these inside a component; they call the methods the
// exports' glue calls.
func TestGreet(t *testing.T) {
	got, err := API{}.Greet("Gopher")
	if err != nil || got != "Hello, Gopher!" {
		t.Errorf(`Greet("Gopher") = %q, %v`, got, err)
	}
	if _, err := (API{}).Greet(""); err == nil {
		t.Error(`Greet("") gave no error`)
	}
}

func TestCounter(t *testing.T) {
	c := API{}.NewCounter(40)
	if v, err := c.Add(2); v != 42 || err != nil {
		t.Errorf("Add(2) = %d, %v, want 42", v, err)
	}
	if _, err := c.Add(math.MaxUint32); err == nil {
		t.Error("Add past MaxUint32 gave no error")
	}
	if v := c.Value(); v != 42 {
		t.Errorf("Value() = %d after a failed Add, want 42", v)
	}
}
