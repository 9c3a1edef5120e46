//! Keyed pseudonyms for `--ip hash` and `--email hash`.
//!
//! # Form
//! A pseudonym is a marker saying what was replaced, then the first 64 bits of
//! HMAC-SHA256(period key, canonical text) as 16 lowercase hex digits:
//!
//! | found                                  | canonical text                      | written as             |
//! |----------------------------------------|-------------------------------------|------------------------|
//! | IPv4 `203.0.113.7`                     | dotted decimal, no leading zeros    | `ip4-` + 16 hex digits |
//! | IPv6 `2001:DB8:0::1`                   | RFC 5952 (`2001:db8::1`)            | `ip6-` + 16 hex digits |
//! | IPv4-mapped `::ffff:203.0.113.7`       | its IPv4 (`203.0.113.7`)            | `ip4-` + 16 hex digits |
//! | email `Jane%40Example.ORG`             | `%XX` decoded, ASCII-lowercased     | `email-` + 16 hex digits |
//!
//! Letters, digits and one hyphen: JSON-string safe, and nothing a detector takes for an address
//! (no `.`, `:`, `@` or `%`), so scrubbing the output again leaves the pseudonyms as they are.
//! 64 bits keep lines short while making a collision unlikely at log scale: among n distinct values
//! of one period the chance of any two sharing a pseudonym is about n²/2⁶⁵ (3·10⁻⁸ for a million
//! addresses, 3·10⁻⁴ for a hundred million). Without the key a pseudonym cannot be reversed, not even
//! by trying all 2³² IPv4 addresses; anyone holding the key can.
//!
//! # Rotation
//! With [`Rotation::Never`] the period key is the master key itself. With `Daily` (`Monthly`) it is
//! HMAC-SHA256(master key, `logscrub period YYYY-MM-DD` (`logscrub period YYYY-MM`)), the UTC date
//! of the line's own time: a visitor is linkable within a day (month), not across, and a re-run gives
//! the same output. Both steps can be recomputed with `openssl dgst -sha256 -mac HMAC -macopt
//! hexkey:…`, which is how a subject's pseudonym is found to honour a deletion request. A label is
//! never the canonical text of an address or an email (it has a space and no `@`), so no pseudonym
//! made with the master key gives away a part of a period key.
//!
//! # Cost
//! A [`PeriodKey`] holds the HMAC state with the key already absorbed, so one pseudonym costs two
//! SHA-256 compressions (about 135 ns here) instead of four. Each worker keeps a
//! [`PseudonymCache`]: its last two period keys and small two-way set-associative tables of recent
//! pseudonyms, so a visitor's repeated requests cost a look-up (about 11 ns for an IP address).
//! Nothing is allocated per call.

use crate::time::{civil_from_days, days_from_civil};
use std::fmt;
use std::io::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::key::Key;
use crate::text::{write_hex, write_ipv4, write_ipv6};

/// Written before the pseudonym of an IPv4 address (and of an IPv4-mapped IPv6 address).
pub const IPV4_PSEUDONYM: &[u8] = b"ip4-";
/// Written before the pseudonym of an IPv6 address.
pub const IPV6_PSEUDONYM: &[u8] = b"ip6-";
/// Written before the pseudonym of an email address.
pub const EMAIL_PSEUDONYM: &[u8] = b"email-";
/// Hex digits of the HMAC kept in a pseudonym (64 bits).
pub const DIGEST_HEX_DIGITS: usize = 16;
/// Prefix of the message whose HMAC under the master key is a rotated period's key; the UTC date
/// (`2026-11-25`, or `2026-11` for monthly rotation) follows.
pub const PERIOD_LABEL: &str = "logscrub period ";

type HmacSha256 = Hmac<Sha256>;

const DAY: i64 = 86_400;

/// How often the key in force changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Rotation {
    /// The master key itself is in force for every line.
    #[default]
    Never,
    /// Each UTC day of a line's time has its own key.
    Daily,
    /// Each UTC calendar month of a line's time has its own key.
    Monthly,
}

/// The HMAC key in force for one period (a day, a month, or forever), ready to use.
#[derive(Clone)]
pub struct PeriodKey {
    mac: HmacSha256,
}

impl fmt::Debug for PeriodKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PeriodKey(<redacted>)")
    }
}

impl PeriodKey {
    fn new(key: &[u8; 32]) -> Self {
        PeriodKey {
            mac: HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length"),
        }
    }

    /// HMAC-SHA256 of `text` under this key.
    fn digest(&self, text: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(text);
        mac.finalize().into_bytes().into()
    }

    /// The hex digits of a pseudonym of `canonical`.
    fn hex(&self, canonical: &[u8]) -> [u8; DIGEST_HEX_DIGITS] {
        let d = self.digest(canonical);
        let mut out = [0u8; DIGEST_HEX_DIGITS];
        write_hex(&d[..DIGEST_HEX_DIGITS / 2], &mut out);
        out
    }

    /// Appends the pseudonym of `addr` to `out`, uncached.
    pub fn ipv4(&self, addr: Ipv4Addr, out: &mut Vec<u8>) {
        let hex = self.canonical_hex(out, |out| write_ipv4(addr, out));
        write_pseudonym(IPV4_PSEUDONYM, &hex, out);
    }

    /// Appends the pseudonym of `addr` to `out`, uncached; an IPv4-mapped address gets its IPv4's.
    pub fn ipv6(&self, addr: Ipv6Addr, out: &mut Vec<u8>) {
        if let Some(v4) = addr.to_ipv4_mapped() {
            return self.ipv4(v4, out);
        }
        let hex = self.canonical_hex(out, |out| write_ipv6(addr, out));
        write_pseudonym(IPV6_PSEUDONYM, &hex, out);
    }

    /// Appends the pseudonym of the email `text` (as found, possibly URL-encoded) to `out`, uncached.
    pub fn email(&self, text: &[u8], out: &mut Vec<u8>) {
        let hex = self.canonical_hex(out, |out| write_canonical_email(text, out));
        write_pseudonym(EMAIL_PSEUDONYM, &hex, out);
    }

    /// Writes a canonical text at the end of `out` (scratch space, so nothing is allocated),
    /// hashes it and takes it away again.
    fn canonical_hex(
        &self,
        out: &mut Vec<u8>,
        write: impl FnOnce(&mut Vec<u8>),
    ) -> [u8; DIGEST_HEX_DIGITS] {
        let start = out.len();
        write(out);
        let hex = self.hex(&out[start..]);
        out.truncate(start);
        hex
    }
}

fn write_pseudonym(marker: &[u8], hex: &[u8; DIGEST_HEX_DIGITS], out: &mut Vec<u8>) {
    out.extend_from_slice(marker);
    out.extend_from_slice(hex);
}

/// The canonical form of an email as found in a log, so one person has one pseudonym whatever
/// the encoding: every escape decoded, repeatedly (`%2540`, `\u0040`, `&#64;`, `\xe9`; see
/// [`crate::detect::decode`]), bytes that are not UTF-8 read as Latin-1 (`jos\xe9` is `josé`),
/// the quotes of a quoted dot-atom local part dropped, the local part lower-cased (Unicode case
/// folding, as providers treat it) and the domain in its IDNA ASCII form (`bücher.de` and
/// `xn--bcher-kva.de` are one). Plain ASCII text is only lower-cased, in place.
pub fn write_canonical_email(text: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    let plain = !text
        .iter()
        .any(|&b| matches!(b, b'%' | b'\\' | b'&' | b'"') || b >= 0x80);
    if plain {
        out.extend_from_slice(text);
        out[start..].make_ascii_lowercase();
        return;
    }
    let mut decoded = Vec::new();
    crate::detect::decode::decode_all(text, &mut decoded);
    let mut s = String::with_capacity(decoded.len());
    for chunk in decoded.utf8_chunks() {
        s.push_str(chunk.valid());
        s.extend(chunk.invalid().iter().map(|&b| char::from(b)));
    }
    let (local, domain) = match s.rfind('@') {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (&s[..], None),
    };
    let local = match local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        Some(inner) if !inner.is_empty() && !inner.contains(['"', ' ', '\\']) => inner,
        _ => local,
    };
    out.extend_from_slice(local.to_lowercase().as_bytes());
    if let Some(domain) = domain {
        out.push(b'@');
        match idna::domain_to_ascii(domain) {
            Ok(ascii) => out.extend_from_slice(ascii.as_bytes()),
            Err(_) => out.extend_from_slice(domain.to_lowercase().as_bytes()),
        }
    }
}

/// The master key and the rotation of a run: immutable, shared by all workers.
pub struct Pseudonyms {
    master: Key,
    rotation: Rotation,
    /// The master key made ready, the key of every line under `Never`.
    forever: PeriodKey,
}

impl fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pseudonyms")
            .field("rotation", &self.rotation)
            .field("key", &format_args!("<redacted>"))
            .finish()
    }
}

impl Pseudonyms {
    /// The pseudonyms made with (a copy of) `master`, rotating as `rotation` says.
    pub fn new(master: &Key, rotation: Rotation) -> Self {
        Pseudonyms {
            master: master.clone(),
            rotation,
            forever: PeriodKey::new(master.bytes()),
        }
    }

    /// How often the key in force changes.
    pub fn rotation(&self) -> Rotation {
        self.rotation
    }

    /// The period of Unix time `t` (UTC): days since 1970-01-01 for `Daily`, months since 1970-01
    /// for `Monthly`, 0 for `Never`.
    pub fn period(&self, t: i64) -> i64 {
        match self.rotation {
            Rotation::Never => 0,
            Rotation::Daily => t.div_euclid(DAY),
            Rotation::Monthly => {
                let (y, m, _) = civil_from_days(t.div_euclid(DAY));
                (y - 1970) * 12 + i64::from(m) - 1
            }
        }
    }

    /// The first and last second (inclusive) of a period.
    fn period_range(&self, period: i64) -> (i64, i64) {
        let (first_day, next_first_day) = match self.rotation {
            Rotation::Never => return (i64::MIN, i64::MAX),
            Rotation::Daily => (i128::from(period), i128::from(period) + 1),
            Rotation::Monthly => {
                let (y, m) = month_of_period(period);
                let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                (
                    i128::from(days_from_civil(y, m, 1)),
                    i128::from(days_from_civil(ny, nm, 1)),
                )
            }
        };
        let clamp = |s: i128| s.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
        (
            clamp(first_day * 86_400),
            clamp(next_first_day * 86_400 - 1),
        )
    }

    /// The key of a period: the master key for `Never`; otherwise HMAC-SHA256(master key,
    /// [`PERIOD_LABEL`] followed by the period's UTC date, `2026-11-25` daily or `2026-11` monthly).
    pub fn period_key(&self, period: i64) -> PeriodKey {
        let mut label = [0u8; 64];
        let len = match self.period_label(period, &mut label) {
            Some(len) => len,
            None => return self.forever.clone(),
        };
        let mut derived = PeriodKey::new(self.master.bytes()).digest(&label[..len]);
        let key = PeriodKey::new(&derived);
        derived.fill(0);
        std::hint::black_box(&derived);
        key
    }

    /// Writes the label of a rotated period into `buf`; `None` under `Never`.
    fn period_label(&self, period: i64, buf: &mut [u8; 64]) -> Option<usize> {
        let mut w = &mut buf[..];
        let written = match self.rotation {
            Rotation::Never => return None,
            Rotation::Daily => {
                let (y, m, d) = civil_from_days(period);
                write!(w, "{PERIOD_LABEL}{y:04}-{m:02}-{d:02}")
            }
            Rotation::Monthly => {
                let (y, m) = month_of_period(period);
                write!(w, "{PERIOD_LABEL}{y:04}-{m:02}")
            }
        };
        written.expect("a period label fits in 64 bytes");
        let left = w.len();
        Some(64 - left)
    }
}

/// Year and month (1..=12) of a monthly period.
fn month_of_period(period: i64) -> (i64, u32) {
    (
        1970 + period.div_euclid(12),
        period.rem_euclid(12) as u32 + 1,
    )
}

// The tables are two-way set associative: a value may sit in either slot of its set, the most
// recently used first. Measured on 64 recurring emails, a direct-mapped table of the same size
// missed 26% of look-ups to slot conflicts.

/// Sets of two IP pseudonyms remembered per worker (48 bytes a slot: 48 KiB).
const IP_SETS: usize = 512;
/// Sets of two email pseudonyms remembered per worker (80 bytes a slot: 20 KiB).
const EMAIL_SETS: usize = 128;
/// Longer canonical emails are not cached.
const EMAIL_CACHED_LEN: usize = 48;

#[derive(Clone, Copy)]
struct IpSlot {
    /// The IPv4 (as u32) or IPv6 address, as two halves to keep the slot 8-aligned.
    addr: [u64; 2],
    period: i64,
    /// 0: empty, 4: IPv4, 6: IPv6.
    family: u8,
    hex: [u8; DIGEST_HEX_DIGITS],
}

const EMPTY_IP: IpSlot = IpSlot {
    addr: [0; 2],
    period: 0,
    family: 0,
    hex: [0; DIGEST_HEX_DIGITS],
};

#[derive(Clone, Copy)]
struct EmailSlot {
    period: i64,
    /// 0: empty.
    len: u8,
    text: [u8; EMAIL_CACHED_LEN],
    hex: [u8; DIGEST_HEX_DIGITS],
}

const EMPTY_EMAIL: EmailSlot = EmailSlot {
    period: 0,
    len: 0,
    text: [0; EMAIL_CACHED_LEN],
    hex: [0; DIGEST_HEX_DIGITS],
};

/// A period key with the span of Unix times it covers (inclusive).
#[derive(Clone, Debug)]
struct KeyInForce {
    first: i64,
    last: i64,
    period: i64,
    key: PeriodKey,
}

impl KeyInForce {
    fn covers(&self, t: i64) -> bool {
        self.first <= t && t <= self.last
    }
}

/// One per worker: the period keys of the last two periods seen and recent pseudonyms. Gives
/// exactly what the uncached [`PeriodKey`] methods give; allocates only when made.
pub struct PseudonymCache {
    shared: Arc<Pseudonyms>,
    /// Most recently used first. Two, so lines around midnight that alternate between two days do
    /// not derive a key per line.
    keys: [KeyInForce; 2],
    ips: Box<[IpSlot]>,
    emails: Box<[EmailSlot]>,
}

impl fmt::Debug for PseudonymCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PseudonymCache")
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

impl PseudonymCache {
    /// Whether this cache holds the pseudonyms of `p` (and not of other key material).
    pub fn serves(&self, p: &Arc<Pseudonyms>) -> bool {
        Arc::ptr_eq(&self.shared, p)
    }

    /// An empty cache for `p`. Allocates its tables (68 KiB) and derives no key until first used.
    pub fn new(p: Arc<Pseudonyms>) -> Self {
        // Both slots start covering no time at all, so the first call derives its key.
        let unused = KeyInForce {
            first: 1,
            last: 0,
            period: 0,
            key: p.forever.clone(),
        };
        PseudonymCache {
            keys: [unused.clone(), unused],
            shared: p,
            ips: vec![EMPTY_IP; 2 * IP_SETS].into_boxed_slice(),
            emails: vec![EMPTY_EMAIL; 2 * EMAIL_SETS].into_boxed_slice(),
        }
    }

    /// Makes `self.keys[0]` the key in force at `t`.
    fn select(&mut self, t: i64) {
        if self.keys[0].covers(t) {
            return;
        }
        if !self.keys[1].covers(t) {
            let period = self.shared.period(t);
            let (first, last) = self.shared.period_range(period);
            self.keys[1] = KeyInForce {
                first,
                last,
                period,
                key: self.shared.period_key(period),
            };
        }
        self.keys.swap(0, 1);
    }

    /// Appends the pseudonym of `addr`, seen on a line of Unix time `t` (an undated line: the
    /// run's time), to `out`.
    pub fn ipv4(&mut self, t: i64, addr: Ipv4Addr, out: &mut Vec<u8>) {
        let a = u32::from(addr);
        let hex = self.ip(t, 4, [u64::from(a), 0], |out| write_ipv4(addr, out), out);
        write_pseudonym(IPV4_PSEUDONYM, &hex, out);
    }

    /// As [`Self::ipv4`]; an IPv4-mapped address gets its IPv4's pseudonym.
    pub fn ipv6(&mut self, t: i64, addr: Ipv6Addr, out: &mut Vec<u8>) {
        if let Some(v4) = addr.to_ipv4_mapped() {
            return self.ipv4(t, v4, out);
        }
        let a = u128::from(addr);
        let halves = [(a >> 64) as u64, a as u64];
        let hex = self.ip(t, 6, halves, |out| write_ipv6(addr, out), out);
        write_pseudonym(IPV6_PSEUDONYM, &hex, out);
    }

    /// The hex digits for an address, from the table or computed and remembered.
    fn ip(
        &mut self,
        t: i64,
        family: u8,
        addr: [u64; 2],
        canonical: impl FnOnce(&mut Vec<u8>),
        out: &mut Vec<u8>,
    ) -> [u8; DIGEST_HEX_DIGITS] {
        self.select(t);
        let now = &self.keys[0];
        let set = ip_set(addr);
        let hit = find_in_set(&mut self.ips, set, |s| {
            s.family == family && s.addr == addr && s.period == now.period
        });
        if let Some(slot) = hit {
            return slot.hex;
        }
        let hex = now.key.canonical_hex(out, canonical);
        let slot = IpSlot {
            addr,
            period: now.period,
            family,
            hex,
        };
        insert_in_set(&mut self.ips, set, slot);
        hex
    }

    /// Appends the pseudonym of an email seen on a line of time `t`. `text` is the address as found
    /// in the log, possibly URL-encoded (`jane%40Example.org`); see [`write_canonical_email`].
    pub fn email(&mut self, t: i64, text: &[u8], out: &mut Vec<u8>) {
        self.select(t);
        let now = &self.keys[0];
        // The canonical form goes at the end of `out` for a moment, then is taken away.
        let start = out.len();
        write_canonical_email(text, out);
        let canonical = &out[start..];
        let hex = if canonical.len() <= EMAIL_CACHED_LEN {
            let set = email_set(canonical);
            let len = canonical.len();
            let hit = find_in_set(&mut self.emails, set, |s| {
                usize::from(s.len) == len && s.period == now.period && s.text[..len] == *canonical
            });
            match hit {
                Some(slot) => slot.hex,
                None => {
                    let hex = now.key.hex(canonical);
                    let mut slot = EmailSlot {
                        period: now.period,
                        len: len as u8,
                        text: [0; EMAIL_CACHED_LEN],
                        hex,
                    };
                    slot.text[..len].copy_from_slice(canonical);
                    insert_in_set(&mut self.emails, set, slot);
                    hex
                }
            }
        } else {
            now.key.hex(canonical)
        };
        out.truncate(start);
        write_pseudonym(EMAIL_PSEUDONYM, &hex, out);
    }
}

/// The 128-bit product of `x` and `y`, its halves xored: a fast, well-spread mix.
fn fold(x: u64, y: u64) -> u64 {
    let p = u128::from(x) * u128::from(y);
    p as u64 ^ (p >> 64) as u64
}

const SEED_A: u64 = 0x243f_6a88_85a3_08d3;
const SEED_B: u64 = 0x1319_8a2e_0370_7344;

/// The table set of an address (an IPv4 as `[u32, 0]`, an IPv6 as its two halves).
fn ip_set(addr: [u64; 2]) -> usize {
    (fold(addr[0] ^ SEED_A, addr[1] ^ SEED_B) >> (64 - IP_SETS.trailing_zeros())) as usize
}

/// The table set of a canonical email, eight bytes at a time.
fn email_set(canonical: &[u8]) -> usize {
    let mut h = SEED_A ^ canonical.len() as u64;
    let mut chunks = canonical.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        h = fold(h ^ word, SEED_B);
    }
    let tail = chunks
        .remainder()
        .iter()
        .rev()
        .fold(0u64, |w, &b| w << 8 | u64::from(b));
    h = fold(h ^ tail, SEED_B);
    (h >> (64 - EMAIL_SETS.trailing_zeros())) as usize
}

/// The slot of `set` that `matches`, moved first in its set if it was second.
fn find_in_set<S>(table: &mut [S], set: usize, matches: impl Fn(&S) -> bool) -> Option<&S> {
    let ways = &mut table[2 * set..2 * set + 2];
    if matches(&ways[0]) {
        return Some(&ways[0]);
    }
    if matches(&ways[1]) {
        ways.swap(0, 1);
        return Some(&ways[0]);
    }
    None
}

/// Puts `slot` first in `set`; the first moves second, and the second is forgotten.
fn insert_in_set<S>(table: &mut [S], set: usize, slot: S) {
    let ways = &mut table[2 * set..2 * set + 2];
    ways.swap(0, 1);
    ways[0] = slot;
}

#[cfg(test)]
mod tests;
