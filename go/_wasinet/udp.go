package wasinet

import (
	"context"
	"net"
	"net/netip"
	"sync"

	"witgo/bindings/wasi/sockets/types"
	"witgo/wit"
)

// UDPConn is a UDP socket over wasi:sockets 0.3, a net.Conn (when dialled:
// Read and Write exchange datagrams with one peer) and a net.PacketConn
// (from ListenPacket: ReadFrom and WriteTo any peer). Each Read takes one
// datagram; a datagram longer than the buffer is cut to fit, as on native
// sockets.
type UDPConn struct {
	sock    *types.UDPSocket
	network string
	laddr   *net.UDPAddr
	raddr   *net.UDPAddr // nil unless dialled

	life      context.Context
	kill      context.CancelCauseFunc
	closeOnce sync.Once
	deadlines
	r, w struct{ mu sync.Mutex } // one read, one write at a time
}

func newUDPConn(sock *types.UDPSocket, network string, raddr *net.UDPAddr) *UDPConn {
	c := &UDPConn{sock: sock, network: network, raddr: raddr}
	c.life, c.kill = context.WithCancelCause(context.Background())
	if a, err := sock.GetLocalAddress(); err == nil {
		c.laddr = udpAddr(addrPort(a))
	}
	return c
}

func dialUDP(network string, ap netip.AddrPort) (*UDPConn, error) {
	fail := func(call string, err error) (*UDPConn, error) {
		return nil, opError("dial", network, nil, udpAddr(ap), socketError(call, err))
	}
	sock, err := types.UDPSocketCreate(family(ap.Addr()))
	if err != nil {
		return fail("socket", err)
	}
	if err := sock.Connect(socketAddress(ap)); err != nil {
		sock.Close()
		return fail("connect", err)
	}
	return newUDPConn(sock, network, udpAddr(ap)), nil
}

// ListenPacket binds a UDP socket to the local address: network "udp",
// "udp4" or "udp6" (a *UDPConn). Address rules are Listen's.
func ListenPacket(network, address string) (net.PacketConn, error) {
	ap, err := localAddr(network, address, "udp")
	if err != nil {
		return nil, opError("listen", network, nil, nil, err)
	}
	sock, err := types.UDPSocketCreate(family(ap.Addr()))
	if err != nil {
		return nil, opError("listen", network, nil, udpAddr(ap), socketError("socket", err))
	}
	if err := sock.Bind(socketAddress(ap)); err != nil {
		sock.Close()
		return nil, opError("listen", network, nil, udpAddr(ap), socketError("bind", err))
	}
	return newUDPConn(sock, network, nil), nil
}

func (c *UDPConn) opError(op string, addr *net.UDPAddr, err error) error {
	return opError(op, c.network, udpNetAddr(c.laddr), udpNetAddr(addr), err)
}

// udpNetAddr is a as a net.Addr, nil if a is.
func udpNetAddr(a *net.UDPAddr) net.Addr {
	if a == nil {
		return nil
	}
	return a
}

// ReadFrom implements net.PacketConn: one datagram and its sender.
func (c *UDPConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, ap, err := c.readFrom(b)
	if err != nil {
		return n, nil, err
	}
	return n, udpAddr(ap), nil
}

// ReadFromUDPAddrPort is ReadFrom with the sender as a netip.AddrPort.
func (c *UDPConn) ReadFromUDPAddrPort(b []byte) (int, netip.AddrPort, error) {
	return c.readFrom(b)
}

func (c *UDPConn) readFrom(b []byte) (int, netip.AddrPort, error) {
	c.r.mu.Lock()
	defer c.r.mu.Unlock()
	if c.life.Err() != nil {
		return 0, netip.AddrPort{}, c.opError("read", c.raddr, net.ErrClosed)
	}
	ctx, end, err := c.rd.begin(c.life)
	if err != nil {
		return 0, netip.AddrPort{}, c.opError("read", c.raddr, err)
	}
	got, err := c.sock.Receive(ctx)
	if cause := end(); cause != nil {
		err = cause
	}
	if err != nil {
		return 0, netip.AddrPort{}, c.opError("read", c.raddr, socketError("recvfrom", err))
	}
	return copy(b, got.F0), addrPort(got.F1), nil
}

// Read implements net.Conn: one datagram.
func (c *UDPConn) Read(b []byte) (int, error) {
	n, _, err := c.readFrom(b)
	return n, err
}

// WriteTo implements net.PacketConn: b as one datagram to addr (a
// *net.UDPAddr).
func (c *UDPConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	ua, ok := addr.(*net.UDPAddr)
	if !ok {
		return 0, opError("write", c.network, udpNetAddr(c.laddr), addr,
			&net.AddrError{Err: "not a *net.UDPAddr", Addr: addr.String()})
	}
	return c.write(b, ua)
}

// WriteToUDPAddrPort is WriteTo with a netip.AddrPort.
func (c *UDPConn) WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error) {
	return c.write(b, udpAddr(addr))
}

// Write implements net.Conn: b as one datagram to the dialled peer.
func (c *UDPConn) Write(b []byte) (int, error) { return c.write(b, nil) }

func (c *UDPConn) write(b []byte, to *net.UDPAddr) (int, error) {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	shown := to
	if shown == nil {
		shown = c.raddr
	}
	if c.life.Err() != nil {
		return 0, c.opError("write", shown, net.ErrClosed)
	}
	ctx, end, err := c.wd.begin(c.life)
	if err != nil {
		return 0, c.opError("write", shown, err)
	}
	var dest wit.Option[types.IPSocketAddress]
	if to != nil {
		dest = wit.Some(socketAddress(to.AddrPort()))
	}
	err = c.sock.Send(ctx, b, dest)
	if cause := end(); cause != nil {
		err = cause
	}
	if err != nil {
		return 0, c.opError("write", shown, socketError("sendto", err))
	}
	return len(b), nil
}

// Close closes the socket; calls waiting return net.ErrClosed.
func (c *UDPConn) Close() error {
	first := false
	c.closeOnce.Do(func() { first = true })
	if !first {
		return c.opError("close", c.raddr, net.ErrClosed)
	}
	c.kill(net.ErrClosed)
	c.r.mu.Lock()
	c.w.mu.Lock()
	defer c.r.mu.Unlock()
	defer c.w.mu.Unlock()
	return c.sock.Close()
}

// LocalAddr implements net.Conn (a *net.UDPAddr).
func (c *UDPConn) LocalAddr() net.Addr { return udpNetAddr(c.laddr) }

// RemoteAddr implements net.Conn: the dialled peer, or nil.
func (c *UDPConn) RemoteAddr() net.Addr { return udpNetAddr(c.raddr) }
