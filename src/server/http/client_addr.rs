//! Who is on the other end of a request. Behind a reverse proxy the socket's peer is the
//! proxy, so the proxy's `X-Forwarded-For` (or `Forwarded`) names the client — but only a
//! proxy the operator listed in `PAYTRACK_TRUSTED_PROXIES` may say so: anyone else could write
//! any address there and dodge every per-address limit. Each proxy appends the address it saw,
//! so the list is read from the right, past the trusted hops; the first address not trusted
//! is the client. What a client wrote at the left of the list itself is never believed.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

use crate::server::state::AppState;

/// The client's address, resolved once per request and kept in its extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Puts the request's [`ClientAddr`] in its extensions for rate limits and session records.
pub async fn resolve_layer(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let client = resolve(peer, request.headers(), &state.config.trusted_proxies);
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

/// The client behind `peer`: `peer` itself unless it is a trusted proxy, then the right-most
/// untrusted hop of the forwarding headers (`X-Forwarded-For` first, else `Forwarded`).
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return canonical(peer);
    }
    let hops = forwarded_for(headers);
    let mut client = canonical(peer);
    for hop in hops.iter().rev() {
        match hop {
            // A hop that is not an address (garbage, `unknown`, an obfuscated name) was written
            // by whoever stood before the last trusted proxy: stop at that proxy.
            None => break,
            Some(ip) => {
                client = canonical(*ip);
                if !is_trusted(ip) {
                    break;
                }
            }
        }
    }
    client
}

/// IPv4 clients seen through an IPv6 socket (`::ffff:a.b.c.d`) are IPv4 clients.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// Every hop the forwarding headers list, left (first) to right (nearest); `None` for an
/// entry that is not an address. All header lines count, in order (proxies may add a line).
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let xff: Vec<Option<IpAddr>> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|line| line.to_str().unwrap_or(",").split(','))
        .map(|entry| parse_hop(entry.trim()))
        .collect();
    if !xff.is_empty() {
        return xff;
    }
    headers
        .get_all("forwarded")
        .iter()
        .flat_map(|line| line.to_str().unwrap_or(",").split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_hop(value.trim().trim_matches('"')))
            })
        })
        .collect()
}

/// One hop: `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = entry.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    entry
        .strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(ip, _)| ip.parse().ok())
}

/// The network an address belongs to for limits a single holder could dodge by changing
/// address: its /24 (IPv4) or /64 (IPv6), the block one subscriber or host usually has.
pub fn network_of(ip: IpAddr) -> IpNet {
    let prefix = if ip.is_ipv4() { 24 } else { 64 };
    IpNet::new(ip, prefix).map_or_else(|_| IpNet::from(ip), |net| net.trunc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    fn headers(name: &'static str, values: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(name, HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let h = headers("x-forwarded-for", &["1.2.3.4"]);
        assert_eq!(resolve(ip("198.51.100.9"), &h, &[]), ip("198.51.100.9"));
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            resolve(ip("198.51.100.9"), &h, &trusted),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8", "192.168.1.1/32"]);
        // The client wrote a fake first hop; the edge proxy appended what it saw; the inner
        // proxy appended the edge.
        let h = headers("x-forwarded-for", &["6.6.6.6, 203.0.113.7, 10.1.2.3"]);
        assert_eq!(resolve(ip("192.168.1.1"), &h, &trusted), ip("203.0.113.7"));
        // Several header lines read as one list.
        let h = headers("x-forwarded-for", &["6.6.6.6", "203.0.113.7"]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted), ip("203.0.113.7"));
    }

    #[test]
    fn garbage_stops_the_walk_at_the_last_trusted_hop() {
        let trusted = nets(&["10.0.0.0/8"]);
        let h = headers("x-forwarded-for", &["nonsense, 10.0.0.5"]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted), ip("10.0.0.5"));
        let h = headers("x-forwarded-for", &[""]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted), ip("10.0.0.1"));
    }

    #[test]
    fn without_headers_a_trusted_peer_is_itself() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            resolve(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn forwarded_is_read_when_there_is_no_x_forwarded_for() {
        let trusted = nets(&["10.0.0.0/8"]);
        let h = headers(
            "forwarded",
            &["for=6.6.6.6, for=\"[2001:db8::7]:4711\";proto=https, for=10.0.0.9"],
        );
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted), ip("2001:db8::7"));
        let h = headers("forwarded", &["for=203.0.113.7:80;by=10.0.0.1"]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted), ip("203.0.113.7"));
    }

    #[test]
    fn mapped_ipv4_is_ipv4() {
        let trusted = nets(&["10.0.0.0/8"]);
        let h = headers("x-forwarded-for", &["::ffff:203.0.113.7"]);
        assert_eq!(
            resolve(ip("::ffff:10.0.0.1"), &h, &trusted),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn networks_are_a_slash_24_or_a_slash_64() {
        assert_eq!(network_of(ip("203.0.113.77")).to_string(), "203.0.113.0/24");
        assert_eq!(
            network_of(ip("2001:db8:1:2:3:4:5:6")).to_string(),
            "2001:db8:1:2::/64"
        );
    }
}
