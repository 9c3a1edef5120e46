//! Erasure and access on request: the forget list, and finding the lines that hold one of its
//! entries.
//!
//! A list ([`list`]) names people by their email, IP address, user name or pseudonym, one entry a
//! line with the day the request was made. [`Forget`] is the list compiled for matching: hash sets
//! of the entries' canonical forms, so that every text form of an address (`::ffff:203.0.113.7`,
//! `[2001:DB8::7]:443`, zero-padded octets) and of an email (`%40`, `%2540`, upper case) finds
//! its entry with one look-up. Lines are not searched with patterns of their own: the scrubber's
//! detectors already found every address and email of a chunk ([`crate::detect`]), and
//! [`Forget::scan`] looks each of those spans up; user fields ([`fields`]) and pseudonym tokens
//! are the only other things read.
//!
//! With the key, an entry's pseudonym for a line's own period (`--rotate`) is matched too, computed
//! only through [`crate::action::hash`]'s public functions, so a change in how pseudonyms are made
//! is followed here; with a cipher ([`Forget::encrypted`]), the entry's encrypted address is
//! matched instead of the address itself. Per-period sets are made on first use and shared.
//!
//! The scrub drops a line holding an entry whole (`Fate::DropForgotten`) and counts, per file,
//! the lines each entry took; [`Forget::check_valve`] fails a file on which one entry took more
//! than a share of the lines (a shared gateway address, a version number that reads as an IPv4
//! address), before its output is renamed into place.

pub mod export;
pub mod fields;
pub mod list;
mod matcher;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::action::hash::PeriodKey;
use crate::action::hash::DIGEST_HEX_DIGITS;
use crate::action::{PrefixCipher, Pseudonyms};
use crate::error::Error;

pub use list::{Entry, List, Marker, Problem, Subject};
pub use matcher::{By, ForgetScratch, Hit};

/// Default of `--forget-max-share`: an entry may take at most this percentage of a file's lines.
pub const DEFAULT_MAX_SHARE: f64 = 1.0;

/// An entry may always take this many lines of a file, whatever its share.
pub const VALVE_MIN_LINES: u64 = 10;

/// Why a list cannot be used. Messages name the file and the line, never an entry.
#[derive(Debug, thiserror::Error)]
pub enum ForgetError {
    /// The list cannot be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The list.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An entry is not one this tool understands.
    #[error("{}:{line}: {problem}", path.display())]
    List {
        /// The list.
        path: PathBuf,
        /// The 1-based line of the entry.
        line: usize,
        /// What is wrong with it.
        problem: Problem,
    },
}

/// A fast hasher for the sets (keys are addresses and short texts, not attacker-chosen in a way
/// that matters: a collision only costs a comparison).
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let mut last = [0u8; 8];
        last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.add(u64::from_le_bytes(last) ^ bytes.len() as u64);
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type Build = BuildHasherDefault<FxHasher>;
type Set<K> = HashMap<K, u32, Build>;

/// A set of keys (addresses as 128 bits, pseudonyms as 64) to entry indices, with a
/// one-bit-per-key filter in front that fits in L2: most keys a log holds are nobody's on the
/// list, and are turned away without touching the table.
#[derive(Clone, Debug)]
struct Table<K> {
    map: HashMap<K, u32, Build>,
    bits: Vec<u64>,
    shift: u32,
}

impl<K: std::hash::Hash + Eq + Copy> Table<K> {
    /// A table for about `n` keys: 16 filter bits per key (a false pass about one in 16), from
    /// 4 Ki to 8 Mi bits.
    fn with_capacity(n: usize) -> Table<K> {
        let bits = (n * 16).next_power_of_two().clamp(1 << 12, 1 << 23);
        Table {
            map: HashMap::with_capacity_and_hasher(n, Build::default()),
            bits: vec![0; bits / 64],
            shift: 64 - bits.trailing_zeros(),
        }
    }

    #[inline]
    fn slot(&self, key: K) -> (usize, u64) {
        let mut h = FxHasher::default();
        key.hash(&mut h);
        let bit = (h.finish() >> self.shift) as usize;
        (bit / 64, 1 << (bit % 64))
    }

    fn insert(&mut self, key: K, entry: u32) {
        let (word, bit) = self.slot(key);
        self.bits[word] |= bit;
        self.map.entry(key).or_insert(entry);
    }

    #[inline]
    fn get(&self, key: K) -> Option<u32> {
        if self.map.is_empty() {
            return None;
        }
        let (word, bit) = self.slot(key);
        if self.bits[word] & bit == 0 {
            return None;
        }
        self.map.get(&key).copied()
    }

    fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// A pseudonym as a key: the value of its hex digits, the marker in its top two bits (64 bits of
/// HMAC are kept either way, so two entries' pseudonyms meet only by a chance of 2^-62 a pair).
fn pseudonym_key(marker: Marker, hex: &[u8; DIGEST_HEX_DIGITS]) -> u64 {
    let value = hex.iter().fold(0u64, |v, &d| {
        v << 4 | u64::from(crate::text::hex_value(d).unwrap_or(0))
    });
    value ^ (marker as u64) << 62
}

/// The pseudonyms of every address and email entry for one period, to their entries.
type PeriodSet = Table<u64>;

/// The key of an address in the sets: its IPv6 form, IPv4 as IPv4-mapped, so that an IPv4
/// address and its mapped form are one key.
#[inline]
fn ip_key(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(a) => u128::from(a.to_ipv6_mapped()),
        IpAddr::V6(a) => u128::from(a),
    }
}

/// The compiled list: what a line is matched against. Shared by every worker; immutable but for
/// the per-period pseudonym sets it makes on first use.
pub struct Forget {
    path: PathBuf,
    /// Entry index → its line in the list.
    lines: Vec<u32>,
    /// Addresses to find in a line (raw, or encrypted under [`Forget::encrypted`]).
    ips: Table<u128>,
    emails: Set<Box<[u8]>>,
    users: Set<Box<[u8]>>,
    /// `pseudonym:` entries.
    pseudonyms: Table<u64>,
    /// Address and email entries, raw, to make their pseudonyms from.
    ip_entries: Vec<(IpAddr, u32)>,
    keyed: Option<Arc<Pseudonyms>>,
    periods: Mutex<Vec<(i64, Arc<PeriodSet>)>>,
    max_share: f64,
}

impl fmt::Debug for Forget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the entries: the list is a secret.
        f.debug_struct("Forget")
            .field("path", &self.path)
            .field("entries", &self.lines.len())
            .field("keyed", &self.keyed.is_some())
            .finish_non_exhaustive()
    }
}

/// Lines taken by each entry in one file: entry index → lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hits(BTreeMap<u32, u64>);

impl Hits {
    /// Counts one line for each of `entries` (indices; an entry once per line, as
    /// [`ForgetScratch::take_hits`] gives them).
    pub fn add(&mut self, entries: &[u32]) {
        for &e in entries {
            *self.0.entry(e).or_default() += 1;
        }
    }

    /// Adds the counts of `other` (of the same file).
    pub fn add_all(&mut self, other: Hits) {
        for (e, n) in other.0 {
            *self.0.entry(e).or_default() += n;
        }
    }

    /// Whether no entry took a line.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Lines taken by one entry of a file, as the report shows them: `forget.txt:3`, 12.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct EntryHits {
    /// The entry: the list's path and the entry's line, `PATH:LINE`.
    pub entry: String,
    /// Lines of the file dropped because they hold it.
    pub lines: u64,
}

impl Forget {
    /// The list compiled for matching raw addresses and emails, users and pseudonym entries.
    pub fn new(list: List) -> Forget {
        let count = |f: fn(&Subject) -> bool| list.entries.iter().filter(|e| f(&e.subject)).count();
        let ips = count(|s| matches!(s, Subject::Ip(_)));
        let pseudonyms = count(|s| matches!(s, Subject::Pseudonym(..)));
        let emails = count(|s| matches!(s, Subject::Email(_)));
        let users = count(|s| matches!(s, Subject::User(_)));
        let mut f = Forget {
            path: list.path,
            lines: Vec::with_capacity(list.entries.len()),
            ips: Table::with_capacity(ips),
            emails: Set::with_capacity_and_hasher(emails, Build::default()),
            users: Set::with_capacity_and_hasher(users, Build::default()),
            pseudonyms: Table::with_capacity(pseudonyms),
            ip_entries: Vec::with_capacity(ips),
            keyed: None,
            periods: Mutex::default(),
            max_share: DEFAULT_MAX_SHARE,
        };
        for (i, entry) in list.entries.into_iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            f.lines.push(entry.line);
            match entry.subject {
                Subject::Ip(a) => {
                    f.ips.insert(ip_key(a), i);
                    f.ip_entries.push((a, i));
                }
                Subject::Email(e) => {
                    f.emails.entry(e).or_insert(i);
                }
                Subject::User(u) => {
                    f.users.entry(u).or_insert(i);
                }
                Subject::Pseudonym(m, hex) => {
                    f.pseudonyms.insert(pseudonym_key(m, &hex), i);
                }
            }
        }
        f
    }

    /// Also matches each address and email entry's pseudonym for a line's own period, made with
    /// `pseudonyms` (the key and rotation the logs were hashed with).
    pub fn with_pseudonyms(mut self, pseudonyms: Arc<Pseudonyms>) -> Forget {
        self.keyed = Some(pseudonyms);
        self
    }

    /// Matches each address entry in its encrypted form under `cipher` (for logs written with
    /// `--ip encrypt`) instead of as it is: an encrypted log holds no real address, and a real
    /// address that happens to equal another's encryption must not match.
    pub fn encrypted(mut self, cipher: &PrefixCipher) -> Forget {
        self.ips = Table::with_capacity(self.ip_entries.len() * 2);
        for &(a, i) in &self.ip_entries {
            self.ips.insert(ip_key(cipher.encrypt(a)), i);
            if let IpAddr::V4(v4) = a {
                let mapped = IpAddr::V6(v4.to_ipv6_mapped());
                self.ips.insert(ip_key(cipher.encrypt(mapped)), i);
            }
        }
        self
    }

    /// Sets the safety valve: an entry may take at most `percent` % of a file's lines (and always
    /// [`VALVE_MIN_LINES`]).
    pub fn with_max_share(mut self, percent: f64) -> Forget {
        self.max_share = percent;
        self
    }

    /// The list's path.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// How many entries the list has.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The line in the list of entry `index`.
    pub fn line_of(&self, index: u32) -> u32 {
        self.lines.get(index as usize).copied().unwrap_or(0)
    }

    /// `hits` as the report shows them, in list order.
    pub fn entry_hits(&self, hits: &Hits) -> Vec<EntryHits> {
        let mut out: Vec<(u32, u64)> = hits.0.iter().map(|(&i, &n)| (self.line_of(i), n)).collect();
        out.sort_unstable();
        out.into_iter()
            .map(|(line, lines)| EntryHits {
                entry: format!("{}:{line}", self.path.display()),
                lines,
            })
            .collect()
    }

    /// The safety valve: fails `input` when one entry took more than the allowed share of its
    /// `lines` and more than [`VALVE_MIN_LINES`]; the entry with the most lines is named.
    pub fn check_valve(&self, input: &str, hits: &Hits, lines: u64) -> Result<(), Error> {
        let worst = hits
            .0
            .iter()
            .map(|(&i, &n)| (n, std::cmp::Reverse(self.line_of(i))))
            .max();
        match worst {
            Some((n, std::cmp::Reverse(line)))
                if n > VALVE_MIN_LINES && n as f64 > self.max_share / 100.0 * lines as f64 =>
            {
                Err(Error::ForgetValve {
                    input: input.to_string(),
                    entry: format!("{}:{line}", self.path.display()),
                    hits: n,
                    lines,
                    share: self.max_share,
                })
            }
            _ => Ok(()),
        }
    }

    /// The pseudonyms of every address and email entry for `period`, made once and shared.
    fn period_set(&self, pseudonyms: &Pseudonyms, period: i64) -> Arc<PeriodSet> {
        let mut periods = self.periods.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, set)) = periods.iter().find(|(p, _)| *p == period) {
            return Arc::clone(set);
        }
        let key = pseudonyms.period_key(period);
        // Every entry's pseudonyms, made on a few threads (the workers wait for them anyway).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let emails: Vec<(&[u8], u32)> = self.emails.iter().map(|(e, &i)| (&e[..], i)).collect();
        let (ips, emails) = (&self.ip_entries[..], &emails[..]);
        let part = |len: usize, t: usize| len * t / threads..len * (t + 1) / threads;
        let parts: Vec<Vec<(u64, u32)>> = std::thread::scope(|s| {
            let key = &key;
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (ips, emails) = (&ips[part(ips.len(), t)], &emails[part(emails.len(), t)]);
                    s.spawn(move || {
                        let mut keys = ip_pseudonyms(key, ips);
                        keys.extend(email_pseudonyms(key, emails));
                        keys
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        let mut set = PeriodSet::with_capacity(parts.iter().map(Vec::len).sum());
        for (k, i) in parts.into_iter().flatten() {
            set.insert(k, i);
        }
        let set = Arc::new(set);
        if periods.len() >= 3 {
            periods.remove(0);
        }
        periods.push((period, Arc::clone(&set)));
        set
    }
}

/// The pseudonyms of address entries under `key`.
fn ip_pseudonyms(key: &PeriodKey, entries: &[(IpAddr, u32)]) -> Vec<(u64, u32)> {
    let mut out = Vec::with_capacity(64);
    let mut keys = Vec::with_capacity(entries.len());
    for &(a, i) in entries {
        match a {
            IpAddr::V4(a) => key.ipv4(a, &mut out),
            IpAddr::V6(a) => key.ipv6(a, &mut out),
        }
        if let Some((m, hex)) = list::parse_pseudonym(&out) {
            keys.push((pseudonym_key(m, &hex), i));
        }
        out.clear();
    }
    keys
}

/// The pseudonyms of email entries under `key`: of the address, and of it doubly encoded
/// (`jane%2540example.org`) as the pseudonyms' one-pass canonical form leaves that (whatever
/// that form is: both go through the pseudonyms' own functions).
fn email_pseudonyms(key: &PeriodKey, entries: &[(&[u8], u32)]) -> Vec<(u64, u32)> {
    let mut out = Vec::with_capacity(64);
    let mut encoded = Vec::with_capacity(64);
    let mut keys = Vec::with_capacity(entries.len() * 2);
    for (e, i) in entries {
        encoded.clear();
        for &b in e.iter() {
            match b {
                b'@' => encoded.extend_from_slice(b"%2540"),
                b => encoded.push(b),
            }
        }
        for text in [e, &encoded[..]] {
            key.email(text, &mut out);
            if let Some((m, hex)) = list::parse_pseudonym(&out) {
                keys.push((pseudonym_key(m, &hex), *i));
            }
            out.clear();
        }
    }
    keys
}

#[cfg(test)]
mod tests;
