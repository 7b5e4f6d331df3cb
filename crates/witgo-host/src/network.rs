//! The guest's network access over wasi:sockets: nothing unless granted.
//!
//! Wasmtime asks the host about every address a guest socket uses (see
//! [`SocketAddrUse`]); [`NetworkGrants::check`] answers from what the
//! command line granted. A refused operation fails in the guest with
//! `error-code.access-denied` (Go: `syscall.EACCES`), never a trap.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use anyhow::{Context, Result, bail};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::sockets::SocketAddrUse;

/// What a guest may reach over wasi:sockets. The default grants nothing.
#[derive(Clone, Debug, Default)]
pub struct NetworkGrants {
    /// Every address, as Wasmtime's `-S inherit-network`.
    pub inherit_network: bool,
    /// Remote addresses the guest may connect to (TCP) or send to (UDP).
    pub connect: Vec<AddrPattern>,
    /// Local addresses the guest may bind, listen and receive on.
    pub listen: Vec<AddrPattern>,
    /// Name lookups (`wasi:sockets/ip-name-lookup`), as Wasmtime's
    /// `-S allow-ip-name-lookup`.
    pub ip_name_lookup: bool,
}

impl NetworkGrants {
    /// Whether a guest socket may use `addr` for `what`.
    pub fn check(&self, addr: SocketAddr, what: SocketAddrUse) -> bool {
        if self.inherit_network {
            return true;
        }
        let any_match = |patterns: &[AddrPattern]| patterns.iter().any(|p| p.matches(addr));
        // A socket that connects (or sends) without an explicit bind is
        // bound by the OS to the wildcard address and an ephemeral port.
        let implicit_bind =
            addr.ip().is_unspecified() && addr.port() == 0 && !self.connect.is_empty();
        match what {
            SocketAddrUse::TcpConnect | SocketAddrUse::UdpSend => any_match(&self.connect),
            SocketAddrUse::TcpBind | SocketAddrUse::UdpBind => {
                any_match(&self.listen) || implicit_bind
            }
            SocketAddrUse::TcpListen => any_match(&self.listen),
            SocketAddrUse::TcpAccept => !self.listen.is_empty(),
            SocketAddrUse::UdpReceive => any_match(&self.connect) || !self.listen.is_empty(),
        }
    }

    /// Puts the grants into `builder`.
    pub(crate) fn apply(&self, builder: &mut WasiCtxBuilder) {
        let grants = self.clone();
        builder.socket_addr_check(move |addr, what| {
            let allowed = grants.check(addr, what);
            Box::pin(async move { allowed })
        });
        // As the Wasmtime CLI: sockets may be made, the addresses decide.
        builder.allow_tcp(true).allow_udp(true);
        builder.allow_ip_name_lookup(self.ip_name_lookup);
    }
}

/// Addresses a grant names: an IP address or `localhost` (127.0.0.1 and
/// ::1), with a port or, without one, every port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddrPattern {
    ips: Vec<IpAddr>,
    port: Option<u16>,
}

impl AddrPattern {
    /// Whether `addr` is one of these addresses.
    pub fn matches(&self, addr: SocketAddr) -> bool {
        let ip = match addr.ip() {
            // An IPv4 address seen through an IPv6 socket is still it.
            IpAddr::V6(v6) => v6
                .to_ipv4_mapped()
                .map(IpAddr::V4)
                .unwrap_or(IpAddr::V6(v6)),
            v4 => v4,
        };
        self.ips.contains(&ip) && self.port.is_none_or(|p| p == addr.port())
    }
}

impl FromStr for AddrPattern {
    type Err = anyhow::Error;

    /// `127.0.0.1:5432`, `127.0.0.1`, `[::1]:80`, `::1`, `localhost:8080`,
    /// `localhost`.
    fn from_str(s: &str) -> Result<Self> {
        let host_ips = |host: &str| -> Option<Vec<IpAddr>> {
            if host.eq_ignore_ascii_case("localhost") {
                return Some(vec![
                    IpAddr::V4(Ipv4Addr::LOCALHOST),
                    IpAddr::V6(Ipv6Addr::LOCALHOST),
                ]);
            }
            let host = host
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .unwrap_or(host);
            host.parse().ok().map(|ip| vec![ip])
        };
        if let Some(ips) = host_ips(s) {
            return Ok(AddrPattern { ips, port: None });
        }
        let Some((host, port)) = s.rsplit_once(':') else {
            bail!(
                "{s:?} is not an address: give an IP address or `localhost`, with `:PORT` or without"
            );
        };
        let port: u16 = port
            .parse()
            .with_context(|| format!("{s:?}: {port:?} is not a port number"))?;
        match host_ips(host) {
            Some(ips) => Ok(AddrPattern {
                ips,
                port: Some(port),
            }),
            None => bail!(
                "{s:?}: {host:?} is not an IP address or `localhost` (host names are not granted: \
                 they may resolve to anything)"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn patterns_parse_and_match() {
        let p: AddrPattern = "127.0.0.1:5432".parse().unwrap();
        assert!(p.matches(addr("127.0.0.1:5432")));
        assert!(!p.matches(addr("127.0.0.1:5433")));
        assert!(p.matches(addr("[::ffff:127.0.0.1]:5432")));
        let p: AddrPattern = "localhost".parse().unwrap();
        assert!(p.matches(addr("127.0.0.1:1")) && p.matches(addr("[::1]:2")));
        assert!(!p.matches(addr("10.0.0.1:1")));
        let p: AddrPattern = "[::1]:80".parse().unwrap();
        assert!(p.matches(addr("[::1]:80")) && !p.matches(addr("127.0.0.1:80")));
        assert!("::1".parse::<AddrPattern>().is_ok());
        let e = "db.example:5432".parse::<AddrPattern>().unwrap_err();
        assert!(e.to_string().contains("host names are not granted"), "{e}");
        assert!("127.0.0.1:x".parse::<AddrPattern>().is_err());
    }

    #[test]
    fn nothing_is_granted_by_default() {
        let g = NetworkGrants::default();
        for what in [
            SocketAddrUse::TcpConnect,
            SocketAddrUse::TcpBind,
            SocketAddrUse::TcpListen,
            SocketAddrUse::TcpAccept,
            SocketAddrUse::UdpBind,
            SocketAddrUse::UdpSend,
            SocketAddrUse::UdpReceive,
        ] {
            assert!(!g.check(addr("127.0.0.1:80"), what), "{what:?}");
            assert!(!g.check(addr("0.0.0.0:0"), what), "{what:?}");
        }
    }

    #[test]
    fn connect_grants_allow_the_implicit_bind_only() {
        let g = NetworkGrants {
            connect: vec!["127.0.0.1:5432".parse().unwrap()],
            ..Default::default()
        };
        assert!(g.check(addr("127.0.0.1:5432"), SocketAddrUse::TcpConnect));
        assert!(!g.check(addr("127.0.0.1:5433"), SocketAddrUse::TcpConnect));
        assert!(g.check(addr("0.0.0.0:0"), SocketAddrUse::TcpBind));
        assert!(!g.check(addr("0.0.0.0:8080"), SocketAddrUse::TcpBind));
        assert!(!g.check(addr("0.0.0.0:0"), SocketAddrUse::TcpListen));
    }

    #[test]
    fn listen_grants_allow_bind_listen_and_accept() {
        let g = NetworkGrants {
            listen: vec!["127.0.0.1".parse().unwrap()],
            ..Default::default()
        };
        assert!(g.check(addr("127.0.0.1:0"), SocketAddrUse::TcpBind));
        assert!(g.check(addr("127.0.0.1:40000"), SocketAddrUse::TcpListen));
        assert!(g.check(addr("10.1.2.3:5555"), SocketAddrUse::TcpAccept));
        assert!(!g.check(addr("0.0.0.0:0"), SocketAddrUse::TcpBind));
        assert!(!g.check(addr("127.0.0.1:80"), SocketAddrUse::TcpConnect));
    }
}
