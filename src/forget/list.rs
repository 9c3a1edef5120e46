//! The forget list (and a subject file, which has the same form): one entry a line,
//! `YYYY-MM-DD TYPE:VALUE`, `#` comments and blank lines ignored.
//!
//! Each entry is read into its canonical form here, once, so that matching a line is a hash
//! look-up: an address in any text form becomes one [`IpAddr`] (IPv4-mapped IPv6 becomes its
//! IPv4), an email its decoded, lowercased text. A bad entry is an error naming the file and the
//! line, never the entry: the list is as secret as the data it names.

use std::net::{IpAddr, Ipv6Addr};
use std::path::{Path, PathBuf};

use crate::action::hash::DIGEST_HEX_DIGITS;
use crate::action::hash::{write_canonical_email, EMAIL_PSEUDONYM, IPV4_PSEUDONYM, IPV6_PSEUDONYM};
use crate::detect::{email, ipv4, ipv6};
use crate::time::{days_from_civil, days_in_month};

use super::ForgetError;

/// What an entry names, in canonical form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// An email address: `%XX` decoded (repeatedly, so `%2540` is `@`), `mailto:` removed, ASCII
    /// lowercased.
    Email(Box<[u8]>),
    /// One address; an IPv4-mapped IPv6 address is its IPv4.
    Ip(IpAddr),
    /// A user name as the log's user field holds it (CLF `%u`, a JSON user field), byte for byte.
    User(Box<[u8]>),
    /// A pseudonym as `--ip hash` / `--email hash` wrote it.
    Pseudonym(Marker, [u8; DIGEST_HEX_DIGITS]),
}

/// The kind of a pseudonym: what its marker says was replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Marker {
    /// `ip4-`
    Ipv4,
    /// `ip6-`
    Ipv6,
    /// `email-`
    Email,
}

impl Marker {
    /// The text written before a pseudonym of this kind.
    pub fn text(self) -> &'static [u8] {
        match self {
            Marker::Ipv4 => IPV4_PSEUDONYM,
            Marker::Ipv6 => IPV6_PSEUDONYM,
            Marker::Email => EMAIL_PSEUDONYM,
        }
    }

    /// Every marker.
    pub const ALL: [Marker; 3] = [Marker::Ipv4, Marker::Ipv6, Marker::Email];
}

/// One entry of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its line in the list (1-based): how it is named in messages and reports.
    pub line: u32,
    /// The day the request was made, in days since 1970-01-01.
    pub day: i64,
    /// What it names.
    pub subject: Subject,
}

/// A parsed list: its path (for messages) and its entries in file order.
#[derive(Clone, Debug)]
pub struct List {
    /// The file it was read from, as given.
    pub path: PathBuf,
    /// The entries, in file order.
    pub entries: Vec<Entry>,
}

/// Why an entry is refused. The text never holds the entry itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The file is not UTF-8 text.
    NotUtf8,
    /// No `DATE TYPE:VALUE` shape.
    Shape,
    /// The date is not a real `YYYY-MM-DD`.
    Date,
    /// The type is none of `email:`, `ip:`, `user:`, `pseudonym:`.
    Type,
    /// `email:` whose value is not one address.
    Email,
    /// `ip:` whose value is not one address.
    Ip,
    /// `ip:` holding a network (`/24`).
    Network,
    /// `user:` with an empty name.
    User,
    /// `pseudonym:` not in the form logscrub writes.
    Pseudonym,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Problem::NotUtf8 => "not UTF-8 text: save the list as UTF-8",
            Problem::Shape => "expected `YYYY-MM-DD TYPE:VALUE` (the day of the request, then the entry)",
            Problem::Date => "the date is not a real day: write it as YYYY-MM-DD",
            Problem::Type => "unknown entry type: use email:, ip:, user: or pseudonym:",
            Problem::Email => "not one email address: write it as email:local@domain.tld",
            Problem::Ip => "not one IP address: write it as ip:203.0.113.7 or ip:2001:db8::7",
            Problem::Network => {
                "a network, not one address: list each address of the subject on its own line"
            }
            Problem::User => "an empty user name: write it as user:NAME",
            Problem::Pseudonym => {
                "not a pseudonym: write ip4-, ip6- or email- and 16 hex digits, as --ip hash and --email hash write them"
            }
        })
    }
}

/// Reads and parses the list at `path`.
pub fn load(path: &Path) -> Result<List, ForgetError> {
    let bytes = std::fs::read(path).map_err(|source| ForgetError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&bytes, path)
}

/// Parses the text of a list read from `path` (named in errors).
pub fn parse(bytes: &[u8], path: &Path) -> Result<List, ForgetError> {
    let err = |line: usize, problem| ForgetError::List {
        path: path.to_path_buf(),
        line,
        problem,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        err(line, Problem::NotUtf8)
    })?;
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(parsed) = parse_line(line).map_err(|p| err(i + 1, p))? {
            let (day, subject) = parsed;
            entries.push(Entry {
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                day,
                subject,
            });
        }
    }
    Ok(List {
        path: path.to_path_buf(),
        entries,
    })
}

/// One line: `None` for a blank line or a comment.
fn parse_line(line: &str) -> Result<Option<(i64, Subject)>, Problem> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (date, entry) = line.split_once(char::is_whitespace).ok_or(Problem::Shape)?;
    let day = parse_date(date).ok_or(Problem::Date)?;
    let (kind, value) = entry.trim_start().split_once(':').ok_or(Problem::Shape)?;
    let subject = match kind {
        "email" => Subject::Email(canonical_email_entry(value.as_bytes()).ok_or(Problem::Email)?),
        "ip" => Subject::Ip(parse_ip_entry(value)?),
        "user" if !value.is_empty() && !value.contains(char::is_whitespace) => {
            Subject::User(value.as_bytes().into())
        }
        "user" => return Err(Problem::User),
        "pseudonym" => {
            let (marker, hex) = parse_pseudonym(value.as_bytes()).ok_or(Problem::Pseudonym)?;
            Subject::Pseudonym(marker, hex)
        }
        _ => return Err(Problem::Type),
    };
    Ok(Some((day, subject)))
}

/// Days since 1970-01-01 of `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let y = i64::from(y);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// The canonical form of an email as found in a log or written in a list, into `out` (cleared
/// first): `%XX` decoded with the pseudonyms' own [`write_canonical_email`], again until nothing
/// changes (so `%2540` is `@` too), ASCII lowercased. `tmp` is scratch space. A list entry's
/// `mailto:` is removed before (by the list parser); in a log, `mailto:` is never part of
/// the span the detector finds.
pub fn write_canonical_email_fully(text: &[u8], out: &mut Vec<u8>, tmp: &mut Vec<u8>) {
    out.clear();
    write_canonical_email(text, out);
    // Each pass decodes one level; three more levels are more than any log holds.
    for _ in 0..3 {
        if !out.contains(&b'%') {
            break;
        }
        tmp.clear();
        write_canonical_email(out, tmp);
        if tmp == out {
            break;
        }
        std::mem::swap(out, tmp);
    }
}

/// An email entry's canonical form, if it is one address.
fn canonical_email_entry(value: &[u8]) -> Option<Box<[u8]>> {
    let value = match value.get(..7) {
        Some(p) if p.eq_ignore_ascii_case(b"mailto:") => &value[7..],
        _ => value,
    };
    let (mut out, mut tmp) = (Vec::new(), Vec::new());
    write_canonical_email_fully(value, &mut out, &mut tmp);
    email::is_email(&out).then(|| out.into_boxed_slice())
}

/// One address in any text form: dotted quad (zero-padded too), IPv6 in any case and form,
/// `[v6]:port`, `v4:port`, a zone (`%eth0`). A network (`/n`) is refused.
fn parse_ip_entry(value: &str) -> Result<IpAddr, Problem> {
    if value.contains('/') {
        return Err(Problem::Network);
    }
    let mut v = value;
    if let Some(rest) = v.strip_prefix('[') {
        let (inner, after) = rest.split_once(']').ok_or(Problem::Ip)?;
        let port_ok = after.is_empty()
            || after
                .strip_prefix(':')
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if !port_ok {
            return Err(Problem::Ip);
        }
        v = inner;
    }
    if let Some((addr, _zone)) = v.split_once('%') {
        v = addr;
    }
    if let Some(a) = ipv4::parse(v.as_bytes()) {
        return Ok(IpAddr::V4(a));
    }
    if let Some((a, port)) = v.split_once(':') {
        if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
            if let Some(a) = ipv4::parse(a.as_bytes()) {
                return Ok(IpAddr::V4(a));
            }
        }
    }
    ipv6::parse(v.as_bytes())
        .map(canonical_v6)
        .ok_or(Problem::Ip)
}

/// An IPv6 address as a list holds it: IPv4-mapped addresses are their IPv4.
pub fn canonical_v6(a: Ipv6Addr) -> IpAddr {
    match a.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(a),
    }
}

/// `ip4-`, `ip6-` or `email-` and 16 hex digits (either case; kept lowercase), as a whole.
pub fn parse_pseudonym(s: &[u8]) -> Option<(Marker, [u8; DIGEST_HEX_DIGITS])> {
    let marker = Marker::ALL.into_iter().find(|m| s.starts_with(m.text()))?;
    let hex = &s[marker.text().len()..];
    (hex.len() == DIGEST_HEX_DIGITS && hex.iter().all(u8::is_ascii_hexdigit)).then(|| {
        let mut out = [0u8; DIGEST_HEX_DIGITS];
        out.copy_from_slice(hex);
        out.make_ascii_lowercase();
        (marker, out)
    })
}

/// The text of a list without the entries requested before day `cutoff` (days since
/// 1970-01-01): comments and blank lines stay, and so does every other byte. Returns the new text
/// and the line numbers of the entries taken out. `text` must parse ([`parse`]).
pub fn prune(text: &str, cutoff: i64) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len());
    let mut pruned = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        match parse_line(line) {
            Ok(Some((day, _))) if day < cutoff => {
                pruned.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
            _ => out.push_str(line),
        }
    }
    (out, pruned)
}

#[cfg(test)]
mod tests;
