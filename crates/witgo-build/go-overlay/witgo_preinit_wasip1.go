// Copyright: added by witgo to the Go runtime through `go build -overlay`.
// This file is not part of Go; see witgo's crates/witgo-build/src/preinit.rs.

//go:build wasip1 && witgo_preinit

package runtime

import _ "unsafe" // for go:linkname

// A component built with `witgo build --preinit` starts from a snapshot of
// its memory taken at build time, after the runtime's start-up and every
// package's init ran. What must differ per instance is refreshed here, when
// the instance starts (the snapshot's `_initialize` export calls
// witgoPreinitResume through witgo/abi): the monotonic clock's base, the
// random state, the arguments and environment (and what the runtime reads
// from them), then the hooks other packages registered (syscall: the
// environment copy and the preopened directories; os: os.Args).

var witgoResumeHooks []func()

// witgoOnResume registers f to run when a pre-initialised instance starts,
// after the runtime's own refresh. Packages register from init, so hooks run
// in init order.
//
//go:linkname witgoOnResume
func witgoOnResume(f func()) {
	witgoResumeHooks = append(witgoResumeHooks, f)
}

//go:linkname witgoPreinitResume
func witgoPreinitResume() {
	// The clock goes on from the snapshot's last reading: timers, the
	// scheduler's and the collector's timestamps and time's monotonic base
	// were all taken on the build machine's clock.
	witgoClockOffset = 0
	witgoClockOffset = witgoLastNanotime + 1 - witgoReadNanotime()

	// Fresh random state: the snapshot's would be the same in every instance
	// (map seeds, math/rand, hash/maphash, select order).
	var seed [32]byte
	if readRandom(seed[:]) != len(seed) || allZero(seed[:]) {
		readTimeRandom(seed[:])
	}
	lock(&globalRand.lock)
	globalRand.state.Init(seed)
	unlock(&globalRand.lock)
	clear(seed[:])
	for mp := allm; mp != nil; mp = mp.alllink {
		mrandinit(mp)
	}

	// This instance's arguments and environment, and the settings the
	// runtime reads from the environment at start-up.
	goenvs()
	if v := gogetenv("GODEBUG"); v != "" {
		p := new(string)
		*p = v
		godebugEnv.Store(p)
		godebugNotify(true)
	}
	if gogetenv("GOGC") != "" {
		setGCPercent(readGOGC())
	}
	if gogetenv("GOMEMLIMIT") != "" {
		setMemoryLimit(readGOMEMLIMIT())
	}

	for _, f := range witgoResumeHooks {
		f()
	}
}
