// Package wasinet gives a component Go's networking over wasi:sockets
// 0.3: TCP connections and listeners, UDP sockets and name lookups with
// the net package's types and contracts, for the libraries that take a
// dial function.
//
//	conn, err := wasinet.Dial("tcp", "127.0.0.1:5432")
//
//	cfg, _ := pgx.ParseConfig(url)
//	cfg.DialFunc = wasinet.DialContext          // pgx
//	cfg.LookupFunc = wasinet.DefaultResolver.LookupHost
//
//	&http.Transport{DialContext: wasinet.DialContext}
//	redis.NewClient(&redis.Options{Dialer: wasinet.DialContext})
//	grpc.WithContextDialer(wasinet.DialContext)
//
// witgo vendors this package with the bindings of a world that imports
// wasi:sockets/types@0.3.0 and wasi:sockets/ip-name-lookup@0.3.0 (for
// example through wasi:cli/command@0.3.0 or wasi:sockets/imports@0.3.0).
//
// A connection is a *TCPConn (or *UDPConn), a net.Conn as net's own:
// Read, Write and Accept block only the calling goroutine while other
// goroutines run; SetDeadline and friends cancel a call in progress, and
// the error is a *net.OpError whose Timeout() is true and which is
// os.ErrDeadlineExceeded; Close unblocks calls in progress with
// net.ErrClosed; errors are *net.OpError wrapping the errno a native
// socket gives (errors.Is(err, syscall.ECONNREFUSED)), and errors.As
// still finds the WASI error code. Name lookups fail with *net.DNSError.
//
// Hosts grant network access explicitly and give none by default: a
// refused address fails with syscall.EACCES. witgo run takes
// --allow-connect ADDR, --allow-listen ADDR, --allow-ip-name-lookup and
// --inherit-network; the Wasmtime CLI takes -S inherit-network and -S
// allow-ip-name-lookup (with -S p3 -W component-model-async for WASI 0.3).
//
// wasi:sockets 0.3 has no TCP_NODELAY, linger or socket-level timeouts:
// SetNoDelay fails with ENOPROTOOPT, and Nagle's algorithm is as the
// host's sockets have it.
//
// Unmodified net.Dial (and libraries that call it themselves) do not
// reach the host: on wasip1 Go's net package dials an in-process fake
// network, which reaches only listeners in the same program. Pass this
// package's dial function where the library takes one.
package wasinet
