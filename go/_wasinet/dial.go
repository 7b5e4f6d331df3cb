package wasinet

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"time"

	"witgo/bindings/wasi/sockets/types"
)

// Dialer holds options for connecting, as net.Dialer's fields of the same
// names do. The zero value dials with no timeout, keep-alive probes every
// 15 s, and DefaultResolver.
type Dialer struct {
	// Timeout bounds the whole dial, name lookup included.
	Timeout time.Duration
	// Deadline is an absolute time for the same.
	Deadline time.Time
	// KeepAlive is the keep-alive period of TCP connections: 0 means
	// 15 s, a negative value turns probes off.
	KeepAlive time.Duration
	// Resolver looks up host names (nil: DefaultResolver).
	Resolver *Resolver
}

// Dial connects to address on network (see Dialer.DialContext).
func Dial(network, address string) (net.Conn, error) {
	var d Dialer
	return d.DialContext(context.Background(), network, address)
}

// DialTimeout is Dial with a timeout.
func DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	d := Dialer{Timeout: timeout}
	return d.DialContext(context.Background(), network, address)
}

// DialContext connects to address on network until ctx is done. It has
// the shape libraries take for a dial function: http.Transport's
// DialContext, pgx's DialFunc, go-redis's Dialer, gRPC's
// WithContextDialer.
func DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var d Dialer
	return d.DialContext(ctx, network, address)
}

// Dial connects to address on network.
func (d *Dialer) Dial(network, address string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, address)
}

// DialContext connects to address ("host:port") on network: "tcp",
// "tcp4", "tcp6", "udp", "udp4" or "udp6". A host name is looked up and
// its addresses tried in turn; an empty host is the local system. A TCP
// connection is a *TCPConn, a UDP one a *UDPConn.
func (d *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if d.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.Timeout)
		defer cancel()
	}
	if !d.Deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Deadline)
		defer cancel()
	}
	tcp := false
	switch network {
	case "tcp", "tcp4", "tcp6":
		tcp = true
	case "udp", "udp4", "udp6":
	default:
		return nil, opError("dial", network, nil, nil, net.UnknownNetworkError(network))
	}
	addrs, err := d.resolver().addrPorts(ctx, network, address, false)
	if err != nil {
		return nil, opError("dial", network, nil, nil, err)
	}
	var first error
	for _, ap := range addrs {
		var c net.Conn
		if tcp {
			c, err = dialTCP(ctx, network, ap, d.KeepAlive)
		} else {
			c, err = dialUDP(network, ap)
		}
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

func (d *Dialer) resolver() *Resolver {
	if d.Resolver != nil {
		return d.Resolver
	}
	return DefaultResolver
}

func dialTCP(ctx context.Context, network string, ap netip.AddrPort, keepAlive time.Duration) (*TCPConn, error) {
	fail := func(call string, err error) (*TCPConn, error) {
		return nil, opError("dial", network, nil, tcpAddr(ap), socketError(call, err))
	}
	sock, err := types.TCPSocketCreate(family(ap.Addr()))
	if err != nil {
		return fail("socket", err)
	}
	if err := sock.Connect(ctx, socketAddress(ap)); err != nil {
		sock.Close()
		return fail("connect", err)
	}
	c := newTCPConn(sock, network)
	if keepAlive >= 0 {
		if keepAlive == 0 {
			keepAlive = 15 * time.Second
		}
		// As net's dialer: a host that refuses the option still connects.
		if c.SetKeepAlive(true) == nil {
			c.SetKeepAlivePeriod(keepAlive)
		}
	}
	return c, nil
}

// addrPorts resolves address ("host:port") for network: an IP literal as
// it is, an empty host as the local system (listen: every address), a
// name through r, keeping the family tcp4/tcp6 (udp4/udp6) asks for.
func (r *Resolver) addrPorts(ctx context.Context, network, address string, listen bool) ([]netip.AddrPort, error) {
	host, service, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := lookupPort(network, service)
	if err != nil {
		return nil, err
	}
	want := network[len(network)-1]
	var ips []netip.Addr
	switch {
	case host == "":
		switch {
		case listen && want == '6':
			ips = []netip.Addr{netip.IPv6Unspecified()}
		case listen:
			ips = []netip.Addr{netip.IPv4Unspecified()}
		case want == '6':
			ips = []netip.Addr{netip.IPv6Loopback()}
		default:
			ips = []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1})}
		}
	default:
		ipNetwork := "ip"
		if want == '4' || want == '6' {
			ipNetwork += string(want)
		}
		ips, err = r.LookupNetIP(ctx, ipNetwork, host)
		if err != nil {
			return nil, err
		}
	}
	var out []netip.AddrPort
	for _, ip := range ips {
		ip = ip.WithZone("")
		if (want == '4' && !ip.Unmap().Is4()) || (want == '6' && ip.Is4()) {
			continue
		}
		out = append(out, netip.AddrPortFrom(ip.Unmap(), port))
	}
	if len(out) == 0 {
		return nil, &net.AddrError{Err: "no suitable address found", Addr: host}
	}
	return out, nil
}

// lookupPort is a port number, or a service name net knows.
func lookupPort(network, service string) (uint16, error) {
	if n, err := strconv.ParseUint(service, 10, 16); err == nil {
		return uint16(n), nil
	}
	n, err := net.LookupPort(network, service)
	if err != nil {
		return 0, err
	}
	return uint16(n), nil
}
