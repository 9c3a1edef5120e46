//! `logscrub aggregate`: the figures a partner may see — per day, page views and distinct
//! visitors per normalised path, and the day's totals — with a k-anonymity floor, so that no
//! published number is about fewer than k people.
//!
//! Data flow: [`run`] reads inputs through [`crate::input`] and [`crate::framing`] and hands
//! chunks of whole lines to workers; a worker ([`Aggregator::add_lines`]) reads each line's time
//! ([`crate::format::TimeFinder`]) and fields ([`fields`]), classifies it (page view, bot, static
//! asset), normalises its path ([`path`]) and counts it into a [`tally::Tally`] under a visitor id
//! (a keyed digest of client and user agent, with a key per day derived from the run's key, held
//! only in memory). Tallies merge in any order ([`tally`]); [`tables`] applies the privacy
//! contract and writes CSV or JSON; [`ledger`] refuses to publish a day twice with different
//! figures; [`plot`] draws the published figures.
//!
//! Nothing per person leaves this module: tables hold dates, normalised paths and counts.

pub mod fields;
pub mod ledger;
pub mod path;
pub mod plot;
pub mod run;
pub mod tables;
pub mod tally;

use hmac::{Hmac, Mac};
use regex::bytes::{Regex, RegexBuilder};
use sha2::Sha256;

use crate::format::{Format, TimeFinder};
use crate::key::Key;
use crate::time::civil_from_days;
use fields::{Fields, Unparsable};
use path::{Normaliser, PathRule};
use tally::{DayTally, Tally, VisitorId};

/// Lines longer than this are skipped as [`Unparsable::TooLong`], whatever the chunk size.
pub const MAX_LINE: usize = 64 * 1024;

/// The smallest `--min-visitors` accepted.
pub const MIN_K: u64 = 5;

/// Static-asset extensions by default (lowercase, without the dot).
pub const DEFAULT_STATIC: &[&str] = &[
    "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "svg", "ico", "webp", "avif", "bmp",
    "tif", "tiff", "woff", "woff2", "ttf", "otf", "eot", "mp4", "webm", "mp3", "ogg", "wav",
    "flac", "zip", "gz", "tgz", "rar", "7z", "swf",
];

/// User-agent tokens of bots by default (matched case-insensitively anywhere in the agent).
pub const DEFAULT_BOTS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "curl",
    "wget",
    "python-requests",
    "python-urllib",
    "go-http-client",
    "java/",
    "libwww",
    "httpclient",
    "okhttp",
    "scrapy",
    "headless",
    "phantomjs",
    "facebookexternalhit",
    "preview",
    "monitor",
    "uptime",
    "lighthouse",
    "ahrefs",
    "semrush",
    "zgrab",
    "masscan",
    "nmap",
    "nikto",
    "sqlmap",
    "feedfetcher",
];

/// Which requests `--bots` counts as page views and visitors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Bots {
    /// Only requests whose agent is not a bot's.
    #[default]
    Exclude,
    /// Every request.
    Include,
    /// Only bots' requests.
    Only,
}

/// The validated settings of an aggregate.
#[derive(Clone, Debug)]
pub struct Config {
    /// k: rows with fewer exact visitors are not published (at least [`MIN_K`]).
    pub min_visitors: u64,
    /// Visitors counted exactly per cell; a HyperLogLog estimate above (at least `min_visitors`).
    pub exact_limit: usize,
    /// Paths published per day at most; the rest go to `(other)`.
    pub max_paths: usize,
    /// Which requests count.
    pub bots: Bots,
    /// Static-asset extensions, lowercase.
    pub static_ext: Vec<String>,
    /// Bot tokens of the user agent.
    pub bot_tokens: Vec<String>,
    /// Extra path templates.
    pub path_rules: Vec<PathRule>,
    /// The zone of days, in seconds east of UTC.
    pub tz_offset: i64,
    /// How lines are laid out.
    pub format: Format,
    /// JSON keys of the time.
    pub time_fields: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            min_visitors: 10,
            exact_limit: 1024,
            max_paths: 1000,
            bots: Bots::Exclude,
            static_ext: DEFAULT_STATIC.iter().map(|s| s.to_string()).collect(),
            bot_tokens: DEFAULT_BOTS.iter().map(|s| s.to_string()).collect(),
            path_rules: Vec::new(),
            tz_offset: 0,
            format: Format::Auto,
            time_fields: Vec::new(),
        }
    }
}

/// Why settings are refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// `--min-visitors` below [`MIN_K`].
    #[error("--min-visitors {0} is too small: below {MIN_K}, published counts single people out; use {MIN_K} or more (default 10)")]
    KTooSmall(u64),
    /// `--exact-limit` below k: suppression must rest on exact counts.
    #[error("--exact-limit {limit} is below --min-visitors {k}: suppression must rest on exact counts; raise --exact-limit")]
    LimitBelowK {
        /// The limit.
        limit: usize,
        /// k.
        k: u64,
    },
    /// `--format text`: no fields to read.
    #[error("--log-format text has no fields to count; use auto, clf or json")]
    TextFormat,
    /// A bot token list that compiles to nothing usable.
    #[error("--bot-tokens: {0}")]
    BotTokens(String),
}

/// The keyed, per-day digest of a visitor: client field as written and user agent.
#[derive(Clone)]
struct DayKey {
    day: i64,
    mac: Hmac<Sha256>,
}

/// Counts lines into tallies; shared by all workers of a run.
pub struct Aggregator {
    config: Config,
    master: Key,
    bots: Option<Regex>,
    json: bool,
}

impl std::fmt::Debug for Aggregator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aggregator")
            .field("config", &self.config)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Visitor ids remembered per worker (a returning visitor's next request costs no HMAC).
const VISITOR_SLOTS: usize = 4096;

/// A worker's scratch space: reused across lines and chunks.
#[derive(Debug, Default)]
pub struct Scratch {
    time: Option<TimeFinder>,
    fields: Fields,
    normaliser: Normaliser,
    path: Vec<u8>,
    agent: Vec<u8>,
    key: Option<DayKeyCache>,
    /// Recent visitors, by a SipHash of day, client and agent under this worker's random key. A
    /// wrong hit needs two visitors with equal 64-bit keyed hashes in one slot at once.
    recent: Vec<Recent>,
    hasher: std::collections::hash_map::RandomState,
}

#[derive(Clone)]
struct DayKeyCache(DayKey);

/// A visitor judged recently.
#[derive(Clone, Copy, Debug)]
struct Recent {
    hash: u64,
    day: i64,
    id: VisitorId,
    bot: bool,
    counted: bool,
}

impl Default for Recent {
    fn default() -> Self {
        Recent {
            hash: 0,
            day: i64::MIN,
            id: 0,
            bot: false,
            counted: false,
        }
    }
}

impl std::fmt::Debug for DayKeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DayKey({}, <redacted>)", self.0.day)
    }
}

impl Aggregator {
    /// Checks `config` and compiles what lines are judged by. `key`: the master key of the
    /// visitor digests (from the key file, or a random one per run).
    pub fn new(config: Config, key: Key) -> Result<Aggregator, ConfigError> {
        if config.min_visitors < MIN_K {
            return Err(ConfigError::KTooSmall(config.min_visitors));
        }
        if (config.exact_limit as u64) < config.min_visitors {
            return Err(ConfigError::LimitBelowK {
                limit: config.exact_limit,
                k: config.min_visitors,
            });
        }
        if config.format == Format::Text {
            return Err(ConfigError::TextFormat);
        }
        let tokens: Vec<String> = config
            .bot_tokens
            .iter()
            .filter(|t| !t.is_empty())
            .map(|t| regex::escape(&t.to_ascii_lowercase()))
            .collect();
        let bots = if tokens.is_empty() {
            None
        } else {
            Some(
                // Matched against the lowercased agent: a set of plain literals, which the regex
                // crate searches with its SIMD prefilter (case-insensitive literals would not be).
                RegexBuilder::new(&tokens.join("|"))
                    .unicode(false)
                    .build()
                    .map_err(|e| ConfigError::BotTokens(e.to_string()))?,
            )
        };
        let json = config.format != Format::Clf;
        Ok(Aggregator {
            config,
            master: key,
            bots,
            json,
        })
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Counts the lines of `text` (whole lines; the last may lack its newline) into `tally`.
    pub fn add_lines(&self, text: &[u8], scratch: &mut Scratch, tally: &mut Tally) {
        let mut rest = text;
        while !rest.is_empty() {
            let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
            let line = &rest[..end];
            rest = &rest[end..];
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            self.add_line(line, scratch, tally);
        }
    }

    /// Counts one line (without its newline), or counts why it was skipped.
    pub fn add_line(&self, line: &[u8], scratch: &mut Scratch, tally: &mut Tally) {
        tally.lines.lines += 1;
        match self.count(line, scratch, tally) {
            Ok(()) => tally.lines.counted += 1,
            Err(why) => tally.lines.unparsable[why.index()] += 1,
        }
    }

    fn count(&self, line: &[u8], s: &mut Scratch, tally: &mut Tally) -> Result<(), Unparsable> {
        if line.len() > MAX_LINE {
            return Err(Unparsable::TooLong);
        }
        let finder = s
            .time
            .get_or_insert_with(|| TimeFinder::new(self.config.format, &self.config.time_fields));
        let t = finder.find(line).ok_or(Unparsable::NoTime)?;
        s.fields.read(line, self.json)?;
        let f = &s.fields;
        let day = (t + self.config.tz_offset).div_euclid(86_400);
        // A returning visitor (same day, client and agent) was judged before: whether it is a
        // bot, and its id if it counts.
        let h = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = s.hasher.build_hasher();
            h.write_i64(day);
            h.write(f.client());
            h.write_u8(0);
            h.write(f.user_agent());
            h.finish()
        };
        if s.recent.is_empty() {
            s.recent.resize(VISITOR_SLOTS, Recent::default());
        }
        let slot = h as usize % VISITOR_SLOTS;
        let known = s.recent[slot];
        let (bot, visitor) = if known.hash == h && known.day == day {
            (known.bot, known.counted.then_some(known.id))
        } else {
            let bot = self.bots.as_ref().is_some_and(|r| {
                s.agent.clear();
                s.agent
                    .extend(f.user_agent().iter().map(u8::to_ascii_lowercase));
                r.is_match(&s.agent)
            });
            let counted = match self.config.bots {
                Bots::Exclude => !bot,
                Bots::Include => true,
                Bots::Only => bot,
            };
            let id = counted.then(|| {
                let key = match &s.key {
                    Some(DayKeyCache(k)) if k.day == day => &k.mac,
                    _ => &s.key.insert(DayKeyCache(self.day_key(day))).0.mac,
                };
                visitor_id(key, f.client(), f.user_agent())
            });
            s.recent[slot] = Recent {
                hash: h,
                day,
                id: id.unwrap_or(0),
                bot,
                counted,
            };
            (bot, id)
        };
        let mut ext = [0u8; 8];
        let is_static = path::extension(f.target(), &mut ext).is_some_and(|n| {
            self.config
                .static_ext
                .iter()
                .any(|e| e.as_bytes() == &ext[..n])
        });
        let page_view = visitor.is_some()
            && !is_static
            && matches!(f.method(), b"GET" | b"HEAD")
            && ((200..300).contains(&f.status) || f.status == 304)
            && s.normaliser
                .normalise(f.target(), &self.config.path_rules, &mut s.path);
        let bound = self.config.exact_limit;
        let d: &mut DayTally = tally.days.entry(day).or_default();
        d.requests += 1;
        d.bot_requests += u64::from(bot);
        d.static_requests += u64::from(is_static);
        if let 2..=5 = f.status / 100 {
            d.status[usize::from(f.status / 100 - 2)] += 1;
        }
        if let Some(v) = visitor {
            d.visitors.insert(v, bound);
            if page_view {
                let page = match d.pages.get_mut(&s.path[..]) {
                    Some(p) => p,
                    None => d
                        .pages
                        .entry(s.path.clone().into_boxed_slice())
                        .or_default(),
                };
                page.page_views += 1;
                page.visitors.insert(v, bound);
            }
        }
        Ok(())
    }

    /// HMAC-SHA256(master, "logscrub aggregate visitors YYYY-MM-DD"), ready to digest visitors.
    fn day_key(&self, day: i64) -> DayKey {
        let (y, m, d) = civil_from_days(day);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.master.bytes())
            .expect("HMAC takes keys of any length");
        mac.update(format!("logscrub aggregate visitors {y:04}-{m:02}-{d:02}").as_bytes());
        let mut derived: [u8; 32] = mac.finalize().into_bytes().into();
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(&derived).expect("any length");
        derived.fill(0);
        std::hint::black_box(&derived);
        DayKey { day, mac }
    }
}

/// The digest of one visitor under a day's key: client, a zero byte, user agent.
fn visitor_id(key: &Hmac<Sha256>, client: &[u8], ua: &[u8]) -> VisitorId {
    let mut mac = key.clone();
    mac.update(client);
    mac.update(&[0]);
    mac.update(ua);
    let d = mac.finalize().into_bytes();
    u128::from_le_bytes(d[..16].try_into().expect("32 bytes"))
}

/// `YYYY-MM-DD` of a day number.
pub fn date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses `--tz`: `UTC`, `Z`, or an offset `+HH:MM` / `-HH:MM` / `+HHMM`; seconds east of UTC.
pub fn parse_tz(s: &str) -> Result<i64, String> {
    if s.eq_ignore_ascii_case("utc") || s == "Z" {
        return Ok(0);
    }
    let bad = || format!("expected UTC or an offset like +01:00 or -0530, got {s:?}");
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return Err(bad()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) || rest.len() > 5 {
        return Err(bad());
    }
    let (h, m): (i64, i64) = (
        digits[..2].parse().map_err(|_| bad())?,
        digits[2..].parse().map_err(|_| bad())?,
    );
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests;
