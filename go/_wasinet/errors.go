package wasinet

import (
	"context"
	"errors"
	"net"
	"os"
	"syscall"

	ipnamelookup "witgo/bindings/wasi/sockets/ip-name-lookup"
	"witgo/bindings/wasi/sockets/types"
)

// sysError is a WASI error code as the errno that Go programs test for
// (errors.Is(err, syscall.ECONNREFUSED)), with the code itself still
// reachable with errors.As.
type sysError struct {
	errno syscall.Errno
	code  error
}

func (e *sysError) Error() string   { return e.errno.Error() }
func (e *sysError) Unwrap() []error { return []error{e.errno, e.code} }
func (e *sysError) Timeout() bool   { return e.errno.Timeout() }
func (e *sysError) Temporary() bool { return e.errno.Temporary() }

// errnos maps wasi:sockets error codes to the errno a native socket gives.
var errnos = [...]syscall.Errno{
	types.ErrorCodeTagAccessDenied:       syscall.EACCES,
	types.ErrorCodeTagNotSupported:       syscall.ENOTSUP,
	types.ErrorCodeTagInvalidArgument:    syscall.EINVAL,
	types.ErrorCodeTagOutOfMemory:        syscall.ENOMEM,
	types.ErrorCodeTagTimeout:            syscall.ETIMEDOUT,
	types.ErrorCodeTagInvalidState:       syscall.EINVAL,
	types.ErrorCodeTagAddressNotBindable: syscall.EADDRNOTAVAIL,
	types.ErrorCodeTagAddressInUse:       syscall.EADDRINUSE,
	types.ErrorCodeTagRemoteUnreachable:  syscall.EHOSTUNREACH,
	types.ErrorCodeTagConnectionRefused:  syscall.ECONNREFUSED,
	types.ErrorCodeTagConnectionBroken:   syscall.EPIPE,
	types.ErrorCodeTagConnectionReset:    syscall.ECONNRESET,
	types.ErrorCodeTagConnectionAborted:  syscall.ECONNABORTED,
	types.ErrorCodeTagDatagramTooLarge:   syscall.EMSGSIZE,
	types.ErrorCodeTagOther:              syscall.EIO,
}

// socketError is err, from a wasi:sockets call, as a syscall error named
// call ("connect", "read", ...): `connect: connection refused`. Context
// errors and errors of this package pass through.
func socketError(call string, err error) error {
	var code types.ErrorCode
	if !errors.As(err, &code) {
		return err
	}
	errno := syscall.EIO
	if int(code.Tag()) < len(errnos) {
		errno = errnos[code.Tag()]
	}
	return os.NewSyscallError(call, &sysError{errno: errno, code: code})
}

// opError is err as the *net.OpError net's own connections return.
func opError(op, network string, source, addr net.Addr, err error) error {
	if err == nil {
		return nil
	}
	return &net.OpError{Op: op, Net: network, Source: source, Addr: addr, Err: err}
}

// lookupError is a failed name lookup as net's *net.DNSError, with the
// WASI code reachable through errors.As.
func lookupError(host string, err error) error {
	var code ipnamelookup.ErrorCode
	if !errors.As(err, &code) {
		return &net.DNSError{Err: err.Error(), Name: host, UnwrapErr: err,
			IsTimeout: errors.Is(err, context.DeadlineExceeded)}
	}
	e := &net.DNSError{Err: code.String(), Name: host, UnwrapErr: code}
	switch code.Tag() {
	case ipnamelookup.ErrorCodeTagNameUnresolvable:
		e.Err, e.IsNotFound = "no such host", true
	case ipnamelookup.ErrorCodeTagTemporaryResolverFailure:
		e.Err, e.IsTemporary = "temporary failure in name resolution", true
	case ipnamelookup.ErrorCodeTagPermanentResolverFailure:
		// Wasmtime's answer when lookups are not granted, too.
		e.Err = "permanent failure in name resolution (a host that grants no name lookups answers so: " +
			"witgo run --allow-ip-name-lookup, wasmtime -S allow-ip-name-lookup)"
	case ipnamelookup.ErrorCodeTagAccessDenied:
		e.Err = "permission denied (the host grants no name lookups)"
		e.UnwrapErr = &sysError{errno: syscall.EACCES, code: code}
	}
	return e
}
