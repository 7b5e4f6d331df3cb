//go:build !(wasip1 && (witgo_overlay || witgo_native_idle_hook))

package exec

import "time"

// Without the scheduler bridge async exports cannot work: `witgo build`
// always supplies it; plain `go build` does not.
func wasiOnIdle(func() bool) {
	panic("witgo/async: this program was built without witgo's runtime overlay (runtime.wasiOnIdle); build it with `witgo build`")
}

func idleDeadline() int64 { return 0 }

func nanotime() int64 { return time.Now().UnixNano() }
