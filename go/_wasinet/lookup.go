package wasinet

import (
	"context"
	"net"
	"net/netip"

	ipnamelookup "witgo/bindings/wasi/sockets/ip-name-lookup"
)

// Resolver looks up host names through wasi:sockets/ip-name-lookup: the
// host resolves them (a host grants lookups explicitly: witgo's
// --allow-ip-name-lookup, Wasmtime's -S allow-ip-name-lookup). Its
// methods are net.Resolver's. The zero value is ready to use.
type Resolver struct{}

// DefaultResolver is the Resolver the package-level functions and a
// Dialer without one use.
var DefaultResolver = &Resolver{}

// LookupHost looks up host with DefaultResolver.
func LookupHost(host string) ([]string, error) {
	return DefaultResolver.LookupHost(context.Background(), host)
}

// LookupIP looks up host with DefaultResolver.
func LookupIP(host string) ([]net.IP, error) {
	return DefaultResolver.LookupIP(context.Background(), "ip", host)
}

// LookupNetIP returns host's addresses of network ("ip", "ip4" or "ip6").
// An IP address is returned as it is, without asking the host. Errors are
// *net.DNSError (IsNotFound for an unknown name), whose Unwrap gives the
// WASI error code.
func (r *Resolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		addrs, err := ipnamelookup.ResolveAddresses(ctx, host)
		if err != nil {
			return nil, lookupError(host, err)
		}
		for _, a := range addrs {
			ips = append(ips, ipAddr(a))
		}
	}
	out := ips[:0]
	for _, ip := range ips {
		switch {
		case network == "ip4" && !ip.Unmap().Is4(), network == "ip6" && !ip.Is6():
			continue
		}
		out = append(out, ip)
	}
	if len(out) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return out, nil
}

// LookupIPAddr returns host's addresses.
func (r *Resolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	out := make([]net.IPAddr, len(ips))
	for i, ip := range ips {
		out[i] = net.IPAddr{IP: ip.AsSlice(), Zone: ip.Zone()}
	}
	return out, nil
}

// LookupIP returns host's addresses of network ("ip", "ip4" or "ip6").
func (r *Resolver) LookupIP(ctx context.Context, network, host string) ([]net.IP, error) {
	ips, err := r.LookupNetIP(ctx, network, host)
	if err != nil {
		return nil, err
	}
	out := make([]net.IP, len(ips))
	for i, ip := range ips {
		out[i] = ip.AsSlice()
	}
	return out, nil
}

// LookupHost returns host's addresses as strings; it has the shape of
// pgx's LookupFunc.
func (r *Resolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = ip.String()
	}
	return out, nil
}
