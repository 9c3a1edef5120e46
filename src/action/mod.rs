//! Actions: what replaces a span of personal data.
//!
//! The detectors say *what* is where; an action says what to write instead. Each kind of data has
//! its own action enum, resolved once from the flags into [`Actions`]; an action is one more
//! variant and one more match arm in [`Actions::write`]. Keyed actions (hash, encrypt, decrypt)
//! share their key material through [`Keyed`] and keep per-worker caches in an [`ActionCache`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::crypt::{CachedCipher, PrefixCipher};
use crate::detect::{ipv4, ipv6, Kind, Span};
use crate::pseudo::{PseudonymCache, Pseudonyms, Rotation};
use crate::text::{ipv4_text, write_ip, write_ipv4, write_ipv6};

/// The text written for an email under `--email redact`.
pub const EMAIL_MARKER: &[u8] = b"[email]";
/// The text written for an IPv4 address under `--ip redact`.
pub const IPV4_MARKER: &[u8] = b"[ipv4]";
/// The text written for an IPv6 address under `--ip redact`.
pub const IPV6_MARKER: &[u8] = b"[ipv6]";

/// What to do with IP addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum IpAction {
    /// Zero the host bits beyond the configured prefix lengths.
    #[default]
    Mask,
    /// Replace with a marker.
    Redact,
    /// Leave as found.
    Keep,
    /// Replace with a keyed pseudonym (HMAC-SHA256).
    Hash,
    /// Prefix-preserving encryption (IPv4 stays IPv4, IPv6 stays IPv6).
    Encrypt,
    /// The inverse of `Encrypt` (`logscrub reveal`).
    Decrypt,
}

/// What to do with email addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum EmailAction {
    /// Replace with a marker.
    #[default]
    Redact,
    /// Leave as found.
    Keep,
    /// Replace with a keyed pseudonym (HMAC-SHA256).
    Hash,
}

/// A prefix length, checked against its address family when it is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefix<const BITS: u8>(u8);

impl<const BITS: u8> Prefix<BITS> {
    /// `None` when `len` exceeds the family's bits.
    pub fn new(len: u8) -> Option<Self> {
        (len <= BITS).then_some(Self(len))
    }

    /// The number of leading bits kept. (A prefix length, not a container: it has no
    /// `is_empty`.)
    #[allow(clippy::len_without_is_empty)]
    pub fn len(self) -> u8 {
        self.0
    }

    fn mask32(self) -> u32 {
        u32::MAX.checked_shl(32 - u32::from(self.0)).unwrap_or(0)
    }

    fn mask128(self) -> u128 {
        u128::MAX.checked_shl(128 - u32::from(self.0)).unwrap_or(0)
    }
}

/// Key material of the keyed actions, derived once and shared by every worker.
pub struct Keyed {
    /// Tells apart the `Keyed` of different runs (caches are per `Keyed`).
    id: u64,
    pseudonyms: Option<Arc<Pseudonyms>>,
    cipher: Option<Arc<PrefixCipher>>,
}

impl Keyed {
    pub fn new(pseudonyms: Option<Pseudonyms>, cipher: Option<PrefixCipher>) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Keyed {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            pseudonyms: pseudonyms.map(Arc::new),
            cipher: cipher.map(Arc::new),
        }
    }
}

impl std::fmt::Debug for Keyed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyed")
            .field("hash", &self.pseudonyms.is_some())
            .field("cipher", &self.cipher.is_some())
            .finish()
    }
}

/// Per-worker caches of the keyed actions (recent pseudonyms and encryptions).
#[derive(Default)]
pub struct ActionCache {
    id: u64,
    hash: Option<PseudonymCache>,
    crypt: Option<CachedCipher>,
}

impl ActionCache {
    /// Makes the caches belong to `keyed` (rebuilt only when the run changes).
    fn prepare(&mut self, keyed: &Keyed) {
        if self.id != keyed.id {
            self.id = keyed.id;
            self.hash = keyed.pseudonyms.clone().map(PseudonymCache::new);
            self.crypt = keyed.cipher.clone().map(CachedCipher::new);
        }
    }
}

/// The resolved actions of a run.
#[derive(Clone, Debug)]
pub struct Actions {
    pub ip: IpAction,
    pub email: EmailAction,
    pub ipv4_prefix: Prefix<32>,
    pub ipv6_prefix: Prefix<128>,
    /// Keys for hash, encrypt and decrypt; `None` when no keyed action is used.
    pub keyed: Option<Arc<Keyed>>,
    /// Pseudonym keys rotate with each line's date.
    pub rotation: Rotation,
}

impl Default for Actions {
    fn default() -> Self {
        Actions {
            ip: IpAction::Mask,
            email: EmailAction::Redact,
            ipv4_prefix: Prefix(24),
            ipv6_prefix: Prefix(48),
            keyed: None,
            rotation: Rotation::Never,
        }
    }
}

impl Actions {
    /// Whether the replacement depends on each line's time (pseudonyms with rotation).
    pub fn needs_time(&self) -> bool {
        self.rotation != Rotation::Never
            && (self.ip == IpAction::Hash || self.email == EmailAction::Hash)
    }

    /// Whether any action needs a key.
    pub fn needs_key(&self) -> bool {
        matches!(
            self.ip,
            IpAction::Hash | IpAction::Encrypt | IpAction::Decrypt
        ) || self.email == EmailAction::Hash
    }

    /// Writes the replacement for `text`, a span of `kind` on a line of time `t` (Unix seconds UTC;
    /// only pseudonyms with rotation look at it), to `out`.
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
        if kind == Kind::Ipv4 && read.is_none() && self.ip != IpAction::Keep && text.contains(&b'%')
        {
            return self.write_encoded_ipv4(cache, t, text, out);
        }
        let addr = || match (kind, read) {
            (_, Some(a)) => Some(a),
            (Kind::Ipv4, None) => ipv4::parse(text).map(IpAddr::V4),
            (_, None) => ipv6::parse(text).map(IpAddr::V6),
        };
        match (kind, self.ip, self.email) {
            (Kind::Email, _, EmailAction::Keep) | (Kind::Ipv4 | Kind::Ipv6, IpAction::Keep, _) => {
                out.extend_from_slice(text)
            }
            (Kind::Email, _, EmailAction::Hash) => match self.keyed_cache(cache).hash.as_mut() {
                Some(h) => h.email(t, text, out),
                None => out.extend_from_slice(EMAIL_MARKER),
            },
            (
                Kind::Ipv4 | Kind::Ipv6,
                IpAction::Hash | IpAction::Encrypt | IpAction::Decrypt,
                _,
            ) => self.write_keyed_ip(cache, t, kind, addr(), out),
            (Kind::Email, _, EmailAction::Redact) => out.extend_from_slice(EMAIL_MARKER),
            (Kind::Ipv4, IpAction::Redact, _) => out.extend_from_slice(IPV4_MARKER),
            (Kind::Ipv6, IpAction::Redact, _) => out.extend_from_slice(IPV6_MARKER),
            (Kind::Ipv4, IpAction::Mask, _) => match addr() {
                Some(IpAddr::V4(a)) => write_ipv4(self.mask_v4(a), out),
                _ => out.extend_from_slice(IPV4_MARKER),
            },
            (Kind::Ipv6, IpAction::Mask, _) => match addr() {
                Some(IpAddr::V6(a)) => write_ipv6(self.mask_v6(a), out),
                _ => out.extend_from_slice(IPV6_MARKER),
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

    fn keyed_cache<'c>(&self, cache: &'c mut ActionCache) -> &'c mut ActionCache {
        if let Some(keyed) = &self.keyed {
            cache.prepare(keyed);
        }
        cache
    }

    /// Hash, encrypt or decrypt `addr`, the address of a span of `kind`. A span that does not parse
    /// as its kind (a merged span) is redacted: it never passes through.
    fn write_keyed_ip(
        &self,
        cache: &mut ActionCache,
        t: i64,
        kind: Kind,
        addr: Option<IpAddr>,
        out: &mut Vec<u8>,
    ) {
        let ActionCache { hash, crypt, .. } = self.keyed_cache(cache);
        match (addr, self.ip, hash.as_mut(), crypt.as_mut()) {
            (Some(IpAddr::V4(a)), IpAction::Hash, Some(h), _) => h.ipv4(t, a, out),
            (Some(IpAddr::V6(a)), IpAction::Hash, Some(h), _) => h.ipv6(t, a, out),
            (Some(a), IpAction::Encrypt, _, Some(c)) => write_ip(c.encrypt(a), out),
            (Some(a), IpAction::Decrypt, _, Some(c)) => write_ip(c.decrypt(a), out),
            _ => out.extend_from_slice(if kind == Kind::Ipv4 {
                IPV4_MARKER
            } else {
                IPV6_MARKER
            }),
        }
    }

    pub fn mask_v4(&self, a: Ipv4Addr) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(a) & self.ipv4_prefix.mask32())
    }

    /// Masks an IPv6 address; an IPv4-mapped one (`::ffff:a.b.c.d`) is masked with the IPv4 prefix.
    /// A 6to4 address (RFC 3056, `2002::/16`) carries an IPv4 address in bits 16-47, inside the
    /// default /48: it keeps no more than 16 + the IPv4 prefix bits, so that IPv4 is masked too
    /// (`2002:c000:24d::1` → `2002:c000:200::`).
    pub fn mask_v6(&self, a: Ipv6Addr) -> Ipv6Addr {
        if let Some(v4) = a.to_ipv4_mapped() {
            return self.mask_v4(v4).to_ipv6_mapped();
        }
        let mut mask = self.ipv6_prefix.mask128();
        if a.segments()[0] == 0x2002 {
            let v4_bits = Prefix::<128>(16 + self.ipv4_prefix.len());
            mask &= v4_bits.mask128();
        }
        Ipv6Addr::from(u128::from(a) & mask)
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
