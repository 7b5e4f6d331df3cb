package wasinet

import (
	"net"
	"net/netip"

	"witgo/bindings/wasi/sockets/types"
)

// socketAddress is ap as wasi:sockets takes it (an IPv6 zone is dropped:
// WASI scope IDs are numeric, and hosts resolve no zone names).
func socketAddress(ap netip.AddrPort) types.IPSocketAddress {
	ip := ap.Addr()
	if ip.Is4() || ip.Is4In6() {
		b := ip.Unmap().As4()
		return types.IPSocketAddressIpv4(types.Ipv4SocketAddress{
			Port:    ap.Port(),
			Address: types.Ipv4Address{F0: b[0], F1: b[1], F2: b[2], F3: b[3]},
		})
	}
	b := ip.As16()
	w := func(i int) uint16 { return uint16(b[2*i])<<8 | uint16(b[2*i+1]) }
	return types.IPSocketAddressIpv6(types.Ipv6SocketAddress{
		Port: ap.Port(),
		Address: types.Ipv6Address{F0: w(0), F1: w(1), F2: w(2), F3: w(3),
			F4: w(4), F5: w(5), F6: w(6), F7: w(7)},
	})
}

// addrPort is a wasi:sockets address as Go's.
func addrPort(a types.IPSocketAddress) netip.AddrPort {
	if v4, ok := a.Ipv4(); ok {
		x := v4.Address
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{x.F0, x.F1, x.F2, x.F3}), v4.Port)
	}
	v6, _ := a.Ipv6()
	x := v6.Address
	var b [16]byte
	for i, w := range [8]uint16{x.F0, x.F1, x.F2, x.F3, x.F4, x.F5, x.F6, x.F7} {
		b[2*i], b[2*i+1] = byte(w>>8), byte(w)
	}
	return netip.AddrPortFrom(netip.AddrFrom16(b), v6.Port)
}

// ipAddr is a wasi:sockets IP address as Go's.
func ipAddr(a types.IPAddress) netip.Addr {
	if x, ok := a.Ipv4(); ok {
		return netip.AddrFrom4([4]byte{x.F0, x.F1, x.F2, x.F3})
	}
	x, _ := a.Ipv6()
	var b [16]byte
	for i, w := range [8]uint16{x.F0, x.F1, x.F2, x.F3, x.F4, x.F5, x.F6, x.F7} {
		b[2*i], b[2*i+1] = byte(w>>8), byte(w)
	}
	return netip.AddrFrom16(b)
}

// family is the address family a socket for ip needs.
func family(ip netip.Addr) types.IPAddressFamily {
	if ip.Is4() || ip.Is4In6() {
		return types.IPAddressFamilyIpv4
	}
	return types.IPAddressFamilyIpv6
}

func tcpAddr(ap netip.AddrPort) *net.TCPAddr { return net.TCPAddrFromAddrPort(ap) }
func udpAddr(ap netip.AddrPort) *net.UDPAddr { return net.UDPAddrFromAddrPort(ap) }
