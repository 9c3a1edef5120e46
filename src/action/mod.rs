//! Actions: what replaces a span of personal data.
//!
//! The detectors say *what* is where; an action says what to write instead. Each kind of data has
//! its own action enum, resolved once from the flags into [`Actions`]; an action is one more
//! variant and one more match arm in [`Actions::write`]. As in VRL's `redact`, a keyed variant
//! carries its key material ([`IpAction::Hash`] its [`Pseudonyms`], [`IpAction::Encrypt`] its
//! [`PrefixCipher`]), so an action that needs a key cannot be built without one; each worker keeps
//! the caches of the keyed actions in an [`ActionCache`] made for the run (in its
//! [`crate::scrub::Scratch`]).
//!
//! - [`mask`]: zero the host bits beyond a prefix.
//! - [`hash`]: keyed pseudonyms (HMAC-SHA256), with key rotation.
//! - [`encrypt`]: prefix-preserving encryption (ipcrypt-pfx, Crypto-PAn) and its inverse.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use crate::detect::{ipv4, ipv6, Kind, Span};
use crate::text::{ipv4_text, write_ip, write_ipv4, write_ipv6};

pub mod encrypt;
pub mod hash;
pub mod mask;

pub use encrypt::{CachedCipher, Cipher, PrefixCipher};
pub use hash::{PseudonymCache, Pseudonyms, Rotation};
pub use mask::Prefix;

/// The text written for an email under `--email redact`.
pub const EMAIL_MARKER: &[u8] = b"[email]";
/// The text written for an IPv4 address under `--ip redact`.
pub const IPV4_MARKER: &[u8] = b"[ipv4]";
/// The text written for an IPv6 address under `--ip redact`.
pub const IPV6_MARKER: &[u8] = b"[ipv6]";

/// What to do with IP addresses.
#[derive(Clone, Debug, Default)]
pub enum IpAction {
    /// Zero the host bits beyond the configured prefix lengths.
    #[default]
    Mask,
    /// Replace with a marker.
    Redact,
    /// Leave as found.
    Keep,
    /// Replace with a keyed pseudonym (HMAC-SHA256).
    Hash(Arc<Pseudonyms>),
    /// Prefix-preserving encryption (IPv4 stays IPv4, IPv6 stays IPv6).
    Encrypt(Arc<PrefixCipher>),
    /// The inverse of `Encrypt` (`logscrub reveal`).
    Decrypt(Arc<PrefixCipher>),
}

/// What to do with email addresses.
#[derive(Clone, Debug, Default)]
pub enum EmailAction {
    /// Replace with a marker.
    #[default]
    Redact,
    /// Leave as found.
    Keep,
    /// Replace with a keyed pseudonym (HMAC-SHA256).
    Hash(Arc<Pseudonyms>),
}

/// Per-worker caches of the keyed actions (recent pseudonyms and encryptions). Each cache is made
/// on first use for the key material of the action that uses it, and made again should it be
/// handed an action with other key material, so any cache gives the right replacement.
#[derive(Debug, Default)]
pub struct ActionCache {
    /// Pseudonyms of `--ip hash`, and of `--email hash` when both use the same [`Pseudonyms`].
    hash: Option<PseudonymCache>,
    /// Pseudonyms of `--email hash` when its [`Pseudonyms`] are not those of the addresses.
    email_hash: Option<PseudonymCache>,
    crypt: Option<CachedCipher>,
}

impl ActionCache {
    /// The pseudonym cache of `--ip hash` with `p`.
    fn ip_hash(&mut self, p: &Arc<Pseudonyms>) -> &mut PseudonymCache {
        cache_of(
            &mut self.hash,
            |h| h.serves(p),
            || PseudonymCache::new(Arc::clone(p)),
        )
    }

    /// The pseudonym cache of `--email hash` with `p`: the addresses' when they use `p` too.
    fn email_hash(&mut self, p: &Arc<Pseudonyms>) -> &mut PseudonymCache {
        if let Some(h) = self.hash.as_mut().filter(|h| h.serves(p)) {
            return h;
        }
        cache_of(
            &mut self.email_hash,
            |h| h.serves(p),
            || PseudonymCache::new(Arc::clone(p)),
        )
    }

    /// The encryption cache of `c`.
    fn cipher(&mut self, c: &Arc<PrefixCipher>) -> &mut CachedCipher {
        cache_of(
            &mut self.crypt,
            |cached| cached.serves(c),
            || CachedCipher::new(Arc::clone(c)),
        )
    }
}

/// The cache in `slot`, made (again) by `make` unless it `serves` the key material at hand.
fn cache_of<C>(
    slot: &mut Option<C>,
    serves: impl FnOnce(&C) -> bool,
    make: impl FnOnce() -> C,
) -> &mut C {
    if !slot.as_ref().is_some_and(serves) {
        *slot = None;
    }
    slot.get_or_insert_with(make)
}

/// The resolved actions of a run.
#[derive(Clone, Debug)]
pub struct Actions {
    /// What replaces IPv4 and IPv6 addresses.
    pub ip: IpAction,
    /// What replaces email addresses.
    pub email: EmailAction,
    /// Leading bits of an IPv4 address kept by [`IpAction::Mask`].
    pub ipv4_prefix: Prefix<32>,
    /// Leading bits of an IPv6 address kept by [`IpAction::Mask`].
    pub ipv6_prefix: Prefix<128>,
}

impl Default for Actions {
    fn default() -> Self {
        Actions {
            ip: IpAction::Mask,
            email: EmailAction::Redact,
            ipv4_prefix: mask::DEFAULT_IPV4_PREFIX,
            ipv6_prefix: mask::DEFAULT_IPV6_PREFIX,
        }
    }
}

impl Actions {
    /// Whether the replacement depends on each line's time (pseudonyms with rotation).
    pub fn needs_time(&self) -> bool {
        let rotates = |p: &Pseudonyms| p.rotation() != Rotation::Never;
        matches!(&self.ip, IpAction::Hash(p) if rotates(p))
            || matches!(&self.email, EmailAction::Hash(p) if rotates(p))
    }

    /// Writes the replacement for `text`, a span of `kind` on a line of time `t` (Unix seconds UTC;
    /// only pseudonyms with rotation look at it), to `out`, with `cache` (one per worker).
    pub fn write(
        &self,
        cache: &mut ActionCache,
        t: i64,
        kind: Kind,
        text: &[u8],
        out: &mut Vec<u8>,
    ) {
        self.write_read(cache, t, kind, text, None, out)
    }

    /// [`Actions::write`] for a span the detector found, whose text is `text`: an address it
    /// already read ([`Span::addr`]) is not parsed again.
    pub fn write_span(
        &self,
        cache: &mut ActionCache,
        t: i64,
        span: &Span,
        text: &[u8],
        out: &mut Vec<u8>,
    ) {
        self.write_read(cache, t, span.kind, text, span.addr, out)
    }

    /// [`Actions::write`] with the address in `text`, if it has been read already.
    fn write_read(
        &self,
        cache: &mut ActionCache,
        t: i64,
        kind: Kind,
        text: &[u8],
        read: Option<IpAddr>,
        out: &mut Vec<u8>,
    ) {
        let keep = matches!(self.ip, IpAction::Keep);
        if kind == Kind::Ipv4 && read.is_none() && !keep && text.contains(&b'%') {
            return self.write_encoded_ipv4(cache, t, text, out);
        }
        let addr = || match (kind, read) {
            (_, Some(a)) => Some(a),
            (Kind::Ipv4, None) => ipv4::parse(text).map(IpAddr::V4),
            (_, None) => ipv6::parse(text).map(IpAddr::V6),
        };
        let redacted = |kind| match kind {
            Kind::Ipv4 => IPV4_MARKER,
            _ => IPV6_MARKER,
        };
        if kind == Kind::Email {
            return match &self.email {
                EmailAction::Keep => out.extend_from_slice(text),
                EmailAction::Redact => out.extend_from_slice(EMAIL_MARKER),
                EmailAction::Hash(p) => cache.email_hash(p).email(t, text, out),
            };
        }
        // An address whose host bits beyond the prefix are zero tells no more than the mask
        // keeps (`Chrome/121.0.0.0`): every action writes it as it stands.
        if !keep && addr().is_some_and(|a| self.is_masked(a)) {
            return out.extend_from_slice(text);
        }
        match (&self.ip, kind) {
            (IpAction::Keep, _) => out.extend_from_slice(text),
            (IpAction::Redact, _) => out.extend_from_slice(redacted(kind)),
            (IpAction::Mask, Kind::Ipv4) => match addr() {
                Some(IpAddr::V4(a)) => write_ipv4(self.mask_v4(a), out),
                _ => out.extend_from_slice(IPV4_MARKER),
            },
            (IpAction::Mask, _) => match addr() {
                Some(IpAddr::V6(a)) => write_ipv6(self.mask_v6(a), out),
                _ => out.extend_from_slice(IPV6_MARKER),
            },
            // A span that does not read as its kind (a merged span) is redacted: it never passes
            // through.
            // One pseudonym per address whatever its text: a mapped IPv6 one is its IPv4.
            (IpAction::Hash(p), _) => match addr() {
                Some(IpAddr::V4(a)) => cache.ip_hash(p).ipv4(t, a, out),
                Some(IpAddr::V6(a)) if a.to_ipv4_mapped().is_some() => {
                    let v4 = a.to_ipv4_mapped().expect("checked");
                    cache.ip_hash(p).ipv4(t, v4, out)
                }
                Some(IpAddr::V6(a)) => cache.ip_hash(p).ipv6(t, a, out),
                None => out.extend_from_slice(redacted(kind)),
            },
            // Zero-host addresses pass as they are, so a ciphertext must never be one: the
            // cipher is applied again until it is not (cycle walking; about one address in 256
            // under a /24 needs a second round). The inverse walks back the same way.
            (IpAction::Encrypt(c), _) => match addr() {
                Some(a) => match self.walk(a, |a| cache.cipher(c).encrypt(a)) {
                    Some(e) => write_ip(e, out),
                    None => out.extend_from_slice(redacted(kind)),
                },
                None => out.extend_from_slice(redacted(kind)),
            },
            (IpAction::Decrypt(c), _) => match addr() {
                Some(a) => match self.walk(a, |a| cache.cipher(c).decrypt(a)) {
                    Some(d) => write_ip(d, out),
                    None => out.extend_from_slice(redacted(kind)),
                },
                None => out.extend_from_slice(redacted(kind)),
            },
        }
    }

    /// Writes the replacement of an IPv4 address whose dots are URL-encoded (`203%2E0%2E113%2E77`):
    /// the action gets the plain address, so it masks, hashes or encrypts it as any other, and a
    /// dotted result gets the span's own dots back (`203%2E0%2E113%2E0`), so the URL stays encoded
    /// as it was. A span that does not read as such an address is redacted.
    fn write_encoded_ipv4(&self, cache: &mut ActionCache, t: i64, text: &[u8], out: &mut Vec<u8>) {
        const QUAD: usize = "255.255.255.255".len();
        let Some((addr, dots)) = ipv4::parse_encoded(text) else {
            return out.extend_from_slice(IPV4_MARKER);
        };
        let (plain, len) = ipv4_text(addr);
        let at = out.len();
        let addr = Some(IpAddr::V4(addr));
        self.write_read(cache, t, Kind::Ipv4, &plain[..len], addr, out);
        let n = out.len() - at;
        if n <= QUAD && out[at..].iter().filter(|&&b| b == b'.').count() == 3 {
            let mut written = [0u8; QUAD];
            written[..n].copy_from_slice(&out[at..]);
            out.truncate(at);
            let mut dots = dots.iter();
            for &b in &written[..n] {
                match (b, dots.len()) {
                    (b'.', 1..) => out.extend_from_slice(dots.next().expect("a dot is left")),
                    (b, _) => out.push(b),
                }
            }
        }
    }

    /// Whether `a` has host bits beyond its prefix and they are all zero: what `--ip mask` leaves
    /// (`203.0.113.0`, `Chrome/121.0.0.0`). A prefix that keeps every bit has no host bits, so
    /// then no address is.
    pub fn is_masked(&self, a: IpAddr) -> bool {
        match a {
            IpAddr::V4(v4) => self.ipv4_prefix.len() < 32 && self.mask_v4(v4) == v4,
            IpAddr::V6(v6) => {
                let bits = match v6.to_ipv4_mapped() {
                    Some(_) => self.ipv4_prefix.len() < 32,
                    None => self.ipv6_prefix.len() < 128,
                };
                bits && self.mask_v6(v6) == v6
            }
        }
    }

    /// Applies the bijection `f` to `a` until the result is not [`Actions::is_masked`] (cycle
    /// walking). `None` in the (astronomically unlikely) case of 64 masked results in a row.
    fn walk(&self, a: IpAddr, mut f: impl FnMut(IpAddr) -> IpAddr) -> Option<IpAddr> {
        let mut x = a;
        for _ in 0..64 {
            x = f(x);
            if !self.is_masked(x) {
                return Some(x);
            }
        }
        None
    }

    /// `a` with the host bits beyond [`Actions::ipv4_prefix`] zeroed.
    pub fn mask_v4(&self, a: Ipv4Addr) -> Ipv4Addr {
        mask::ipv4(a, self.ipv4_prefix)
    }

    /// `a` masked to [`Actions::ipv6_prefix`]; see [`mask::ipv6`].
    pub fn mask_v6(&self, a: Ipv6Addr) -> Ipv6Addr {
        mask::ipv6(a, self.ipv4_prefix, self.ipv6_prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(actions: &Actions, kind: Kind, text: &str) -> String {
        let mut out = Vec::new();
        actions.write(
            &mut ActionCache::default(),
            0,
            kind,
            text.as_bytes(),
            &mut out,
        );
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn default_masks() {
        let a = Actions::default();
        assert_eq!(apply(&a, Kind::Ipv4, "203.0.113.77"), "203.0.113.0");
        assert_eq!(apply(&a, Kind::Ipv4, "010.001.002.003"), "10.1.2.0");
        assert_eq!(
            apply(&a, Kind::Ipv6, "2001:db8:85a3:8d3:1319:8a2e:370:7348"),
            "2001:db8:85a3::"
        );
        assert_eq!(apply(&a, Kind::Ipv6, "2001:DB8::1"), "2001:db8::");
        assert_eq!(
            apply(&a, Kind::Ipv6, "::ffff:192.0.2.77"),
            "::ffff:192.0.2.0"
        );
        assert_eq!(apply(&a, Kind::Email, "bob@example.com"), "[email]");
    }

    #[test]
    fn prefixes_at_the_edges() {
        let mut a = Actions {
            ipv4_prefix: Prefix::new(0).unwrap(),
            ipv6_prefix: Prefix::new(128).unwrap(),
            ..Actions::default()
        };
        assert_eq!(apply(&a, Kind::Ipv4, "203.0.113.77"), "0.0.0.0");
        assert_eq!(apply(&a, Kind::Ipv6, "2001:db8::1"), "2001:db8::1");
        a.ipv4_prefix = Prefix::new(32).unwrap();
        a.ipv6_prefix = Prefix::new(0).unwrap();
        assert_eq!(apply(&a, Kind::Ipv4, "203.0.113.77"), "203.0.113.77");
        assert_eq!(apply(&a, Kind::Ipv6, "2001:db8::1"), "::");
        a.ipv4_prefix = Prefix::new(20).unwrap();
        assert_eq!(apply(&a, Kind::Ipv4, "203.0.127.77"), "203.0.112.0");
        assert!(Prefix::<32>::new(33).is_none());
        assert!(Prefix::<128>::new(129).is_none());
    }

    #[test]
    fn redact_and_keep() {
        let mut a = Actions {
            ip: IpAction::Redact,
            ..Actions::default()
        };
        assert_eq!(apply(&a, Kind::Ipv4, "1.2.3.4"), "[ipv4]");
        assert_eq!(apply(&a, Kind::Ipv6, "::1"), "[ipv6]");
        a.ip = IpAction::Keep;
        a.email = EmailAction::Keep;
        assert_eq!(apply(&a, Kind::Ipv4, "1.2.3.4"), "1.2.3.4");
        assert_eq!(apply(&a, Kind::Email, "a@b.co"), "a@b.co");
    }

    /// Leak found by an audit: a 6to4 address kept its embedded IPv4 whole at the default /48.
    #[test]
    fn a_6to4_address_has_its_embedded_ipv4_masked_too() {
        let actions = Actions::default();
        let a: Ipv6Addr = "2002:c000:24d::1".parse().unwrap();
        assert_eq!(
            actions.mask_v6(a),
            "2002:c000:200::".parse::<Ipv6Addr>().unwrap()
        );
        // Other addresses keep their /48; a narrower IPv6 prefix still wins for 6to4.
        let other: Ipv6Addr = "2001:db8:85a3:8d3::7".parse().unwrap();
        assert_eq!(
            actions.mask_v6(other),
            "2001:db8:85a3::".parse::<Ipv6Addr>().unwrap()
        );
        let narrow = Actions {
            ipv6_prefix: Prefix::new(32).unwrap(),
            ..Actions::default()
        };
        assert_eq!(
            narrow.mask_v6(a),
            "2002:c000::".parse::<Ipv6Addr>().unwrap()
        );
    }

    #[test]
    fn merged_spans_that_do_not_parse_are_redacted() {
        let a = Actions::default();
        assert_eq!(apply(&a, Kind::Ipv6, "nonsense"), "[ipv6]");
    }
}
