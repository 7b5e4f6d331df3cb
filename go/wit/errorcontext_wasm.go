//go:build wasip1

package wit

import (
	"runtime"

	"witgo/abi"
)

//go:wasmimport $root [error-context-new-utf8]
func errorContextNewRaw(ptr, n uint32) int32

//go:wasmimport $root [error-context-debug-message-utf8]
func errorContextDebugMessageRaw(handle int32, ret uint32)

//go:wasmimport $root [error-context-drop]
func errorContextDropRaw(handle int32)

func errorContextNew(msg string) int32 {
	h := errorContextNewRaw(abi.Addr(abi.StringData(msg)), uint32(len(msg)))
	// The host copied the message during the call.
	runtime.KeepAlive(msg)
	return h
}

func errorContextDebugMessage(handle int32) string {
	ret := abi.Alloc(8, 4)
	gcOff := abi.HostMayAllocate()
	errorContextDebugMessageRaw(handle, abi.Addr(ret))
	p := abi.LoadPtr(ret, 0)
	abi.Unpin(p)
	msg := abi.LiftString(p, abi.LoadU32(ret, 4))
	if gcOff {
		abi.GoRuns()
	}
	runtime.KeepAlive(ret)
	return msg
}

func errorContextDrop(handle int32) { errorContextDropRaw(handle) }
