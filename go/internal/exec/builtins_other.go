//go:build !wasip1

package exec

import (
	"sync"
	"unsafe"
)

// execMutex is the executor's lock (see builtins_wasm.go).
type execMutex = sync.Mutex

// Stand-ins so that code using this package type-checks and vets on the
// developer's platform; they are never called outside wasip1.

func unsupported() { panic("witgo/async: the Component Model async ABI exists only on GOOS=wasip1") }

func waitableSetNew() uint32                                { unsupported(); return 0 }
func waitableSetDrop(uint32)                                { unsupported() }
func waitableJoin(uint32, uint32)                           { unsupported() }
func waitableSetWait(uint32, unsafe.Pointer) uint32         { unsupported(); return 0 }
func waitableSetPoll(uint32, unsafe.Pointer) uint32         { unsupported(); return 0 }
func contextGet() uint32                                    { unsupported(); return 0 }
func contextSet(uint32)                                     { unsupported() }
func subtaskDrop(uint32)                                    { unsupported() }
func subtaskCancel(uint32) uint32                           { unsupported(); return 0 }
func backpressureInc()                                      { unsupported() }
func backpressureDec()                                      { unsupported() }
func taskCancel()                                           { unsupported() }
func unitStreamNew() uint64                                 { unsupported(); return 0 }
func unitStreamRead(uint32, unsafe.Pointer, uint32) uint32  { unsupported(); return 0 }
func unitStreamWrite(uint32, unsafe.Pointer, uint32) uint32 { unsupported(); return 0 }
func unitStreamCancelRead(uint32) uint32                    { unsupported(); return 0 }
func unitStreamDropReadable(uint32)                         { unsupported() }
func unitStreamDropWritable(uint32)                         { unsupported() }
func clockWaitFor(int64) uint32                             { unsupported(); return 0 }
