// Guest for tests/toplevel.rs: a world with only world-level types,
// imports and exports.
package main

import (
	"errors"
	"fmt"
	"strings"

	w "e2e/toplevel/gen/e2e/toplevel/toplevel"
	"e2e/toplevel/gen/witgo/wit"
)

type Toplevel struct{}

var pings uint32

func (Toplevel) Ping()                    { pings++ }
func (Toplevel) Pings() uint32            { return pings }
func (Toplevel) Add(a, b uint32) uint32   { return a + b }
func (Toplevel) Neg(x int64) int64        { return -x }
func (Toplevel) Upper(s string) string    { return strings.ToUpper(s) }
func (Toplevel) Swap(p w.Pair) w.Pair     { return w.Pair{A: uint32(len(p.B)), B: fmt.Sprint(p.A)} }
func (Toplevel) Toggle(p w.Perms) w.Perms { return p ^ (w.PermsRead | w.PermsWrite | w.PermsExec) }
func (Toplevel) SumIds(xs w.Ids) (s uint64) {
	for _, x := range xs {
		s += x
	}
	return
}

func (Toplevel) FlipMode(m w.Mode) w.Mode {
	if m == w.ModeFast {
		return w.ModeSlow
	}
	return w.ModeFast
}

func (Toplevel) Describe(xs []w.Item) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.String()
	}
	return out
}

func (Toplevel) MaybeDouble(x wit.Option[uint32]) (uint32, bool) {
	v, ok := x.Get()
	return 2 * v, ok
}

func (Toplevel) TryDiv(a, b uint32) (uint32, error) {
	if b == 0 {
		return 0, errors.New("division by zero")
	}
	return a / b, nil
}

func (Toplevel) Split(s string, at uint32) (string, string) { return s[:at], s[at:] }

func (Toplevel) UseImports() []string {
	var out []string
	add := func(f string, a ...any) { out = append(out, fmt.Sprintf(f, a...)) }
	w.Log("hello from Go 🌍")
	add("host-add %d", w.HostAdd(40, 2))
	add("host-pair %+v", w.HostPair(w.Pair{A: 7, B: "seven"}))
	add("host-items %v", w.HostItems(3))
	m, err := w.HostMode(false)
	add("host-mode ok %v %v", m, err)
	_, err = w.HostMode(true)
	var e wit.Error[string]
	add("host-mode err %v %q", errors.As(err, &e), e.Value)
	s, ok := w.HostMaybe(1)
	add("host-maybe %q %v", s, ok)
	s, ok = w.HostMaybe(0)
	add("host-maybe %q %v", s, ok)
	return out
}

func main() {}
