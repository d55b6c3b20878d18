//! The URL policy of every sync request, first request and redirect hop
//! alike, and the resolution of a redirect's `Location`.
//!
//! `https://` is always allowed. Plain `http://` is allowed only to a host
//! *written* as a loopback literal — `localhost`, a canonical dotted quad in
//! `127.0.0.0/8`, or `[::1]` — or when the caller explicitly allows plain
//! http ([`SyncConfig::allow_http`](super::SyncConfig::allow_http)). The
//! check is per URL, never per run: one loopback source does not open plain
//! http for the others (issue 13: a redirect to `http://0.0.0.0:…` or
//! `http://[::ffff:127.0.0.1]:…` was followed because a loopback source had
//! switched plain http on for the whole run).
//!
//! Hosts that merely *reach* a loopback or local interface are refused:
//! `0.0.0.0` (any interface on Linux), IPv4-mapped IPv6
//! (`[::ffff:127.0.0.1]`), decimal, octal and hex IPv4 spellings
//! (`2130706433`, `0177.0.0.1`, `0x7f.1`, which WHATWG URL parsers turn
//! into `127.0.0.1` but which no one writes for a real loopback test),
//! percent-encoded hosts, and userinfo (`http://127.0.0.1@evil.example/`).
//! URLs holding whitespace, control characters or backslashes are refused
//! outright, so that this check and the transport's URL parser cannot read
//! different hosts out of one string.
//!
//! A redirect from `https` to plain `http` is never followed, even where
//! plain http would be allowed as a first request.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::SyncError;

/// The scheme of `url`, lower-cased, when it is `http` or `https`.
fn scheme(url: &str) -> Option<&'static str> {
    let head = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if head.starts_with("https://") {
        Some("https")
    } else if head.starts_with("http://") {
        Some("http")
    } else {
        None
    }
}

/// The authority of an `http(s)://` URL (between `//` and the path).
fn authority(url: &str) -> &str {
    let rest = url.split_once("://").map_or("", |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or_default()
}

/// Whether an authority names a loopback host literally (no userinfo, no
/// alternative spellings).
fn literal_loopback(authority: &str) -> bool {
    if authority.contains('@') || authority.contains('%') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, port)) if port.is_empty() || port.starts_with(':') => {
                return addr.parse::<Ipv6Addr>().is_ok_and(|ip| ip == Ipv6Addr::LOCALHOST);
            }
            _ => return false,
        },
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    // `Ipv4Addr` parses exactly four decimal parts without leading zeros.
    host.eq_ignore_ascii_case("localhost") || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether `url` is plain `http://` to a host written as a loopback
/// literal (`localhost`, `127.0.0.0/8` as a dotted quad, `[::1]`): the only
/// plain-HTTP URLs allowed without [`SyncConfig::allow_http`](super::SyncConfig::allow_http).
pub fn is_loopback_http(url: &str) -> bool {
    scheme(url) == Some("http") && well_formed(url) && literal_loopback(authority(url))
}

fn well_formed(url: &str) -> bool {
    !url.bytes().any(|b| b <= b' ' || b == 0x7f || b == b'\\')
}

/// Checks one request URL against the policy: `https` always; plain `http`
/// to a literal loopback host, or anywhere when `allow_http`.
pub fn check_url(url: &str, allow_http: bool) -> Result<(), SyncError> {
    let refuse = || SyncError::InsecureUrl { url: url.to_owned() };
    if !well_formed(url) || authority(url).is_empty() {
        return Err(refuse());
    }
    match scheme(url) {
        Some("https") => Ok(()),
        Some(_) if allow_http || literal_loopback(authority(url)) => Ok(()),
        _ => Err(refuse()),
    }
}

/// The URL a redirect from `from` to `location` leads to, checked against
/// the policy: never from `https` down to `http`.
pub(super) fn redirect_target(from: &str, location: &str, allow_http: bool) -> Result<String, SyncError> {
    let location = location.trim();
    let target = if scheme(location).is_some() {
        location.to_owned()
    } else if location.contains("://") || location.is_empty() {
        // Another scheme (file:, ftp:, javascript:, …) or nothing at all.
        return Err(SyncError::InsecureUrl { url: location.to_owned() });
    } else if let Some(rest) = location.strip_prefix("//") {
        format!("{}://{rest}", scheme(from).unwrap_or("https"))
    } else {
        let origin_end = from.find("://").map_or(0, |i| i + 3) + authority(from).len();
        let origin = &from[..origin_end];
        if location.starts_with('/') {
            format!("{origin}{location}")
        } else {
            // Relative to the directory of the current path (query and
            // fragment dropped).
            let path = from[origin_end..].split(['?', '#']).next().unwrap_or_default();
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            format!("{origin}{dir}/{location}")
        }
    };
    if scheme(from) == Some("https") && scheme(&target) != Some("https") {
        return Err(SyncError::InsecureUrl { url: target });
    }
    check_url(&target, allow_http)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_a_literal_host() {
        for yes in [
            "http://127.0.0.1:8080/",
            "http://localhost/x",
            "http://LOCALHOST:9",
            "http://[::1]:9/",
            "http://[0:0:0:0:0:0:0:1]/",
            "HTTP://127.1.2.3",
        ] {
            assert!(is_loopback_http(yes), "{yes}");
            assert!(check_url(yes, false).is_ok(), "{yes}");
        }
        for no in [
            "https://127.0.0.1/",
            "http://example.org/",
            "http://127.0.0.1.example.org/",
            "http://[::2]/",
            "http://0.0.0.0:8080/",
            "http://[::ffff:127.0.0.1]:8080/",
            "http://[::ffff:7f00:1]/",
            "http://[::]/",
            "http://2130706433/",
            "http://0177.0.0.1/",
            "http://0x7f.0.0.1/",
            "http://0x7f000001/",
            "http://127.1/",
            "http://127.0.0.01/",
            "http://%31%32%37.0.0.1/",
            "http://127.0.0.1@evil.example/",
            "http://user:pw@127.0.0.1/",
            "http://evil.example#@127.0.0.1/",
            "http://127.0.0.1\\@evil.example/",
            "http://127.0.0.1\t.evil.example/",
            "http://localhost./",
            "http://[::1]evil/",
            "ftp://127.0.0.1/",
        ] {
            assert!(!is_loopback_http(no), "{no}");
            if !no.starts_with("https") {
                assert_eq!(check_url(no, false).unwrap_err().code(), "insecure_url", "{no}");
            }
        }
    }

    #[test]
    fn https_always_and_http_only_when_allowed() {
        assert!(check_url("https://example.org/x", false).is_ok());
        assert!(check_url("http://example.org/x", true).is_ok());
        assert!(check_url("http://0.0.0.0:9/", true).is_ok(), "the user allowed plain http everywhere");
        assert!(check_url("https://", false).is_err());
        assert!(check_url("https://ex ample.org/", true).is_err());
        assert!(check_url("file:///etc/passwd", true).is_err());
    }

    #[test]
    fn redirects_resolve_and_are_checked_per_hop() {
        let from = "http://127.0.0.1:9/api/rules?x=1";
        assert_eq!(redirect_target(from, "/v2/rules", false).unwrap(), "http://127.0.0.1:9/v2/rules");
        assert_eq!(redirect_target(from, "other", false).unwrap(), "http://127.0.0.1:9/api/other");
        assert_eq!(redirect_target(from, "//localhost:9/r", false).unwrap(), "http://localhost:9/r");
        assert_eq!(redirect_target(from, "http://[::1]:9/r", false).unwrap(), "http://[::1]:9/r");
        assert_eq!(redirect_target(from, "https://mirror.example/r", false).unwrap(), "https://mirror.example/r");
        for hostile in [
            "http://0.0.0.0:9/r",
            "http://[::ffff:127.0.0.1]:9/r",
            "http://example.org/r",
            "http://127.0.0.1@example.org/r",
            "file:///etc/passwd",
            "",
        ] {
            assert_eq!(redirect_target(from, hostile, false).unwrap_err().code(), "insecure_url", "{hostile:?}");
        }
        // https never goes down to http, even to loopback, even when allowed.
        for down in ["http://127.0.0.1:9/r", "http://example.org/r"] {
            assert!(redirect_target("https://trust.example/x", down, true).is_err(), "{down}");
        }
        assert_eq!(
            redirect_target("https://trust.example/a/b", "//cdn.example/c", false).unwrap(),
            "https://cdn.example/c"
        );
    }
}
