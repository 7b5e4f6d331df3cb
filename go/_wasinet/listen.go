package wasinet

import (
	"context"
	"io"
	"net"
	"net/netip"
	"sync"
	"time"

	"witgo/async"
	"witgo/bindings/wasi/sockets/types"
)

// Listen announces on the local address: network "tcp", "tcp4" or
// "tcp6" (a *TCPListener). An empty host listens on every IPv4 address
// ("tcp6": IPv6), port 0 on a port the host picks (Addr tells which).
func Listen(network, address string) (net.Listener, error) {
	ap, err := localAddr(network, address, "tcp")
	if err != nil {
		return nil, opError("listen", network, nil, nil, err)
	}
	fail := func(call string, err error) (net.Listener, error) {
		return nil, opError("listen", network, nil, tcpAddr(ap), socketError(call, err))
	}
	sock, err := types.TCPSocketCreate(family(ap.Addr()))
	if err != nil {
		return fail("socket", err)
	}
	if err := sock.Bind(socketAddress(ap)); err != nil {
		sock.Close()
		return fail("bind", err)
	}
	accepts, err := sock.Listen()
	if err != nil {
		sock.Close()
		return fail("listen", err)
	}
	l := &TCPListener{sock: sock, accepts: accepts, network: network, addr: tcpAddr(ap)}
	if a, err := sock.GetLocalAddress(); err == nil {
		l.addr = tcpAddr(addrPort(a))
	}
	l.life, l.kill = context.WithCancelCause(context.Background())
	return l, nil
}

// localAddr is the address to bind for address on network, which must be
// proto ("tcp" or "udp") with or without a 4 or 6.
func localAddr(network, address, proto string) (netip.AddrPort, error) {
	switch network {
	case proto, proto + "4", proto + "6":
	default:
		return netip.AddrPort{}, net.UnknownNetworkError(network)
	}
	addrs, err := DefaultResolver.addrPorts(context.Background(), network, address, true)
	if err != nil {
		return netip.AddrPort{}, err
	}
	return addrs[0], nil
}

// TCPListener is a TCP listener over wasi:sockets 0.3, a net.Listener:
// Accept blocks only the calling goroutine, and Close unblocks it with
// net.ErrClosed.
type TCPListener struct {
	sock    *types.TCPSocket
	accepts *async.StreamReader[*types.TCPSocket]
	network string
	addr    *net.TCPAddr

	life      context.Context
	kill      context.CancelCauseFunc
	closeOnce sync.Once
	mu        sync.Mutex // one Accept at a time; held while accepts is in use
	dl        deadline
}

// Accept implements net.Listener: the next connection, a *TCPConn.
func (l *TCPListener) Accept() (net.Conn, error) { return l.AcceptTCP() }

// AcceptTCP waits for the next connection.
func (l *TCPListener) AcceptTCP() (*TCPConn, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.life.Err() != nil {
		return nil, opError("accept", l.network, nil, l.addr, net.ErrClosed)
	}
	ctx, end, err := l.dl.begin(l.life)
	if err != nil {
		return nil, opError("accept", l.network, nil, l.addr, err)
	}
	var buf [1]*types.TCPSocket
	n, err := l.accepts.Read(ctx, buf[:])
	cause := end()
	switch {
	case n == 1:
		return newTCPConn(buf[0], l.network), nil
	case err == io.EOF: // the host ended the listener
		err = socketError("accept", types.ErrorCodeInvalidState())
	case cause != nil:
		err = cause
	}
	return nil, opError("accept", l.network, nil, l.addr, err)
}

// Close stops listening; an Accept waiting returns net.ErrClosed.
// Connections accepted before stay open.
func (l *TCPListener) Close() error {
	first := false
	l.closeOnce.Do(func() { first = true })
	if !first {
		return opError("close", l.network, nil, l.addr, net.ErrClosed)
	}
	l.kill(net.ErrClosed)
	l.mu.Lock()
	l.accepts.Close()
	l.mu.Unlock()
	return l.sock.Close()
}

// Addr implements net.Listener (a *net.TCPAddr, with the port the host
// picked for port 0).
func (l *TCPListener) Addr() net.Addr { return l.addr }

// SetDeadline sets when a waiting (or later) Accept gives up with
// os.ErrDeadlineExceeded; zero means never.
func (l *TCPListener) SetDeadline(t time.Time) error { l.dl.set(t); return nil }
