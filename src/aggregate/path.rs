//! Paths as they are counted: the request target with its query dropped and everything that could
//! name a person replaced by a placeholder, so that `/order/8812/` and `/order/9921/` are one row,
//! `/order/{id}/`, and no row's name identifies anyone.
//!
//! Per segment (between `/`), first match wins:
//! - personal data found by the scrubber's own detectors (an email, also `%40`-encoded; an IPv4 or
//!   IPv6 address), a pseudonym (`email-…`, `ip4-…`, `ip6-…` and 16 hex digits) or a marker
//!   (`[email]`, `[ipv4]`, `[ipv6]`, also `%5B…%5D`): `{email}` / `{ip}`, so raw, masked, hashed
//!   and redacted logs give the same paths;
//! - any other `@` or `%40`: `{email}`; a leading `~` or `@`: `{user}`;
//! - all digits: `{id}`; a UUID: `{uuid}`; 16 or more hex digits in a row: `{hex}`; three or more
//!   digits anywhere (`CANARY-8812`, `v123`): `{id}`;
//! - 20 or more bytes mixing letters and digits, or more than [`MAX_SEGMENT`] bytes: `{token}`.
//!
//! Then the first template that matches replaces its `{name}` segments: the built-in
//! [`DEFAULT_RULES`] (`/u/{user}`, …) and the user's `--path-rule`s. At most [`MAX_SEGMENTS`]
//! segments and [`MAX_PATH`] bytes are kept (the rest becomes `/...`); bytes that are not
//! printable ASCII, and `,` `"` `\`, are written `%XX`, so a path is plain ASCII in every table.

use std::ops::Range;

use crate::detect::{Detector, Kind, Span};

/// Segments kept; deeper paths end in `/...`.
pub const MAX_SEGMENTS: usize = 8;
/// Bytes kept of a normalised path (cut at a segment boundary, then `/...`).
pub const MAX_PATH: usize = 120;
/// A longer segment is a `{token}` whatever it holds.
pub const MAX_SEGMENT: usize = 48;

/// Templates that always apply: the segment after these names a user.
pub const DEFAULT_RULES: [&str; 8] = [
    "/u/{user}",
    "/user/{user}",
    "/users/{user}",
    "/profile/{user}",
    "/profiles/{user}",
    "/member/{user}",
    "/members/{user}",
    "/author/{user}",
];

/// A path template: `/order/{id}/items/{item}` matches paths whose first segments are `order`,
/// anything, `items`, anything, and replaces the `{…}` segments by their placeholders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathRule {
    segments: Vec<RuleSegment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum RuleSegment {
    Literal(Vec<u8>),
    Placeholder(String),
}

impl std::str::FromStr for PathRule {
    type Err = String;

    /// `/literal/{name}/…`: starts with `/`, has at least one `{name}` segment (name of
    /// letters, digits, `_` or `-`).
    fn from_str(s: &str) -> Result<PathRule, String> {
        let rest = s
            .strip_prefix('/')
            .ok_or_else(|| format!("path rule {s:?} must start with /, like /order/{{id}}"))?;
        let mut segments = Vec::new();
        for seg in rest.split('/') {
            if let Some(name) = seg.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
                if name.is_empty()
                    || !name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                {
                    return Err(format!(
                        "path rule {s:?}: {seg:?} is not a placeholder like {{id}}"
                    ));
                }
                segments.push(RuleSegment::Placeholder(format!("{{{name}}}")));
            } else if seg.is_empty() || seg.contains(['{', '}']) {
                return Err(format!("path rule {s:?}: empty or broken segment {seg:?}"));
            } else {
                segments.push(RuleSegment::Literal(seg.as_bytes().to_vec()));
            }
        }
        if !segments
            .iter()
            .any(|s| matches!(s, RuleSegment::Placeholder(_)))
        {
            return Err(format!(
                "path rule {s:?} has no placeholder: write the segment to hide as {{name}}"
            ));
        }
        Ok(PathRule { segments })
    }
}

/// What a segment becomes.
#[derive(Clone, Debug)]
enum Out {
    Literal(Range<usize>),
    Fixed(&'static str),
    Rule(usize, usize),
}

/// Normalises paths; keep one per worker (it holds scratch space).
#[derive(Debug, Default)]
pub struct Normaliser {
    detector: Detector,
    spans: Vec<Span>,
    segments: Vec<Out>,
}

impl Normaliser {
    /// Writes the normalised form of `target` into `out` (cleared first). `false`, with `out`
    /// empty, when the target is not a path (`*`, `-`, garbage).
    pub fn normalise(&mut self, target: &[u8], rules: &[PathRule], out: &mut Vec<u8>) -> bool {
        out.clear();
        let path = strip_authority(target);
        let path = &path[..memchr::memchr2(b'?', b'#', path).unwrap_or(path.len())];
        if path.first() != Some(&b'/') {
            return false;
        }
        self.detector.find(path, &mut self.spans);
        self.segments.clear();
        let mut start = 1;
        let mut spans = self.spans.iter().peekable();
        loop {
            let end = memchr::memchr(b'/', &path[start..]).map_or(path.len(), |e| start + e);
            // Personal data found by the detectors that touches this segment.
            let mut found = None;
            while let Some(s) = spans.peek() {
                if s.start >= end {
                    break;
                }
                if s.end > start {
                    found = Some(match s.kind {
                        Kind::Email => "{email}",
                        Kind::Ipv4 | Kind::Ipv6 => found.unwrap_or("{ip}"),
                    });
                }
                if s.end <= end {
                    spans.next();
                } else {
                    break;
                }
            }
            let seg = &path[start..end];
            self.segments.push(match found.or_else(|| classify(seg)) {
                Some(p) => Out::Fixed(p),
                None => Out::Literal(start..end),
            });
            if end == path.len() {
                break;
            }
            start = end + 1;
        }
        self.apply_rules(path, rules);
        self.write(path, rules, out);
        true
    }

    /// The first template matching the segments (built-in ones first) replaces its placeholders.
    fn apply_rules(&mut self, path: &[u8], rules: &[PathRule]) {
        let builtin = default_rules();
        let all = builtin.iter().chain(rules).enumerate();
        for (i, rule) in all {
            if rule.segments.len() > self.segments.len() {
                continue;
            }
            let matches = rule
                .segments
                .iter()
                .zip(&self.segments)
                .all(|(r, s)| match (r, s) {
                    (RuleSegment::Literal(lit), Out::Literal(range)) => {
                        path[range.clone()].eq_ignore_ascii_case(lit)
                    }
                    (RuleSegment::Literal(_), _) => false,
                    (RuleSegment::Placeholder(_), Out::Literal(range)) => !range.is_empty(),
                    (RuleSegment::Placeholder(_), _) => true,
                });
            if matches {
                for (j, r) in rule.segments.iter().enumerate() {
                    if matches!(r, RuleSegment::Placeholder(_)) {
                        self.segments[j] = Out::Rule(i, j);
                    }
                }
                return;
            }
        }
    }

    fn write(&self, path: &[u8], rules: &[PathRule], out: &mut Vec<u8>) {
        let builtin = default_rules();
        for (n, seg) in self.segments.iter().enumerate() {
            let before = out.len();
            if n == MAX_SEGMENTS {
                out.extend_from_slice(b"/...");
                return;
            }
            out.push(b'/');
            match seg {
                Out::Literal(r) => escape(&path[r.clone()], out),
                Out::Fixed(p) => out.extend_from_slice(p.as_bytes()),
                Out::Rule(i, j) => {
                    let rule = builtin
                        .get(*i)
                        .unwrap_or_else(|| &rules[*i - builtin.len()]);
                    if let RuleSegment::Placeholder(p) = &rule.segments[*j] {
                        out.extend_from_slice(p.as_bytes());
                    }
                }
            }
            if out.len() > MAX_PATH {
                out.truncate(before);
                out.extend_from_slice(b"/...");
                return;
            }
        }
    }
}

/// The built-in templates, parsed once.
fn default_rules() -> &'static [PathRule] {
    static RULES: std::sync::OnceLock<Vec<PathRule>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        DEFAULT_RULES
            .iter()
            .map(|r| r.parse().expect("built-in rules parse"))
            .collect()
    })
}

/// `http://host/path` (absolute-form, as sent to proxies) to `/path`.
fn strip_authority(target: &[u8]) -> &[u8] {
    for scheme in [&b"http://"[..], b"https://"] {
        if target.len() >= scheme.len() && target[..scheme.len()].eq_ignore_ascii_case(scheme) {
            let rest = &target[scheme.len()..];
            return match memchr::memchr(b'/', rest) {
                Some(i) => &rest[i..],
                None => b"/",
            };
        }
    }
    target
}

/// The placeholder of a segment that the detectors found nothing in, if it needs one.
fn classify(seg: &[u8]) -> Option<&'static str> {
    if seg.is_empty() {
        return None;
    }
    // Markers and pseudonyms hold `[`, `%` or `-`: most segments skip these searches.
    let lower_has = |needle: &[u8]| {
        seg.windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    let bracket = memchr::memchr2(b'[', b'%', seg).is_some();
    let dash = seg.len() >= 20 && memchr::memchr(b'-', seg).is_some();
    if (dash && has_pseudonym(seg, b"email-"))
        || (bracket && (lower_has(b"[email]") || lower_has(b"%5bemail%5d")))
    {
        return Some("{email}");
    }
    if (dash && (has_pseudonym(seg, b"ip4-") || has_pseudonym(seg, b"ip6-")))
        || (bracket
            && [&b"[ipv4]"[..], b"[ipv6]", b"%5bipv4%5d", b"%5bipv6%5d"]
                .iter()
                .any(|m| lower_has(m)))
    {
        return Some("{ip}");
    }
    if memchr::memchr(b'@', seg).is_some() || (bracket && lower_has(b"%40")) {
        return Some("{email}");
    }
    if seg[0] == b'~' {
        return Some("{user}");
    }
    let digits = seg.iter().filter(|b| b.is_ascii_digit()).count();
    if digits == seg.len() {
        return Some("{id}");
    }
    if is_uuid(seg) {
        return Some("{uuid}");
    }
    if longest_run(seg, u8::is_ascii_hexdigit) >= 16 {
        return Some("{hex}");
    }
    if digits >= 3 {
        return Some("{id}");
    }
    let letters = seg.iter().filter(|b| b.is_ascii_alphabetic()).count();
    if seg.len() > MAX_SEGMENT || (seg.len() >= 20 && digits > 0 && letters > 0) {
        return Some("{token}");
    }
    None
}

/// `prefix` followed by 16 hex digits, anywhere in `seg` (the scrubber's pseudonyms).
fn has_pseudonym(seg: &[u8], prefix: &[u8]) -> bool {
    let need = prefix.len() + 16;
    (0..=seg.len().saturating_sub(need)).any(|i| {
        seg.len() >= i + need
            && seg[i..i + prefix.len()] == *prefix
            && seg[i + prefix.len()..i + need]
                .iter()
                .all(u8::is_ascii_hexdigit)
    })
}

fn is_uuid(seg: &[u8]) -> bool {
    seg.len() == 36
        && seg.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn longest_run(seg: &[u8], f: impl Fn(&u8) -> bool) -> usize {
    let (mut best, mut run) = (0, 0);
    for b in seg {
        run = if f(b) { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Copies a literal segment, writing `%XX` for bytes that are not printable ASCII and for `,`
/// `"` `\`.
fn escape(seg: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in seg {
        if (0x21..0x7f).contains(&b) && !matches!(b, b',' | b'"' | b'\\') {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
    }
}

/// The lowercased extension of the last segment of `target`'s path (query dropped), if short.
pub fn extension(target: &[u8], out: &mut [u8; 8]) -> Option<usize> {
    let path = &target[..memchr::memchr2(b'?', b'#', target).unwrap_or(target.len())];
    let last = &path[memchr::memrchr(b'/', path).map_or(0, |i| i + 1)..];
    let dot = memchr::memrchr(b'.', last)?;
    let ext = &last[dot + 1..];
    if ext.is_empty() || ext.len() > out.len() {
        return None;
    }
    for (o, b) in out.iter_mut().zip(ext) {
        *o = b.to_ascii_lowercase();
    }
    Some(ext.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(target: &str) -> String {
        norm_with(target, &[])
    }

    fn norm_with(target: &str, rules: &[&str]) -> String {
        let rules: Vec<PathRule> = rules.iter().map(|r| r.parse().unwrap()).collect();
        let mut out = Vec::new();
        if !Normaliser::default().normalise(target.as_bytes(), &rules, &mut out) {
            return "<not a path>".into();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ids_and_queries() {
        assert_eq!(norm("/"), "/");
        assert_eq!(norm("/index.html?utm=1#x"), "/index.html");
        assert_eq!(norm("/order/8812/"), "/order/{id}/");
        assert_eq!(norm("/order/CANARY-8812/"), "/order/{id}/");
        assert_eq!(norm("/reset?token=CANARY-123"), "/reset");
        assert_eq!(norm("/f/123e4567-e89b-12d3-a456-426614174000"), "/f/{uuid}");
        assert_eq!(norm("/c/0123456789abcdef0123"), "/c/{hex}");
        assert_eq!(norm("/t/AbCdEfGhIjKlMnOpQrStU9"), "/t/{token}");
        assert_eq!(norm("/blog/how-to-scrub-logs"), "/blog/how-to-scrub-logs");
        assert_eq!(norm("/api/v2/items"), "/api/v2/items");
        assert_eq!(norm("http://example.org/a/1?x"), "/a/{id}");
        assert_eq!(norm("HTTPS://example.org"), "/");
    }

    #[test]
    fn raw_masked_hashed_and_redacted_forms_agree() {
        for p in [
            "/u2/jane.doe@example.org/x",
            "/u2/jane.doe%40example.org/x",
            "/u2/email-0123456789abcdef/x",
            "/u2/[email]/x",
            "/u2/%5Bemail%5D/x",
        ] {
            assert_eq!(norm(p), "/u2/{email}/x", "{p}");
        }
        for p in [
            "/whois/203.0.113.7",
            "/whois/203.0.113.0",
            "/whois/ip4-0123456789abcdef",
            "/whois/[ipv4]",
            "/whois/2001:db8::1",
            "/whois/ip6-0123456789abcdef",
        ] {
            assert_eq!(norm(p), "/whois/{ip}", "{p}");
        }
    }

    #[test]
    fn users_and_rules() {
        assert_eq!(norm("/u/canary-jane"), "/u/{user}");
        assert_eq!(norm("/U/canary-jane/settings"), "/U/{user}/settings");
        assert_eq!(norm("/~jane/"), "/{user}/");
        assert_eq!(norm("/u/"), "/u/");
        assert_eq!(
            norm_with("/shop/red-shoes/buy", &["/shop/{slug}"]),
            "/shop/{slug}/buy"
        );
        assert_eq!(norm_with("/shop", &["/shop/{slug}"]), "/shop");
        assert!("shop/{x}".parse::<PathRule>().is_err());
        assert!("/shop/x".parse::<PathRule>().is_err());
        assert!("/shop/{}".parse::<PathRule>().is_err());
        assert!("/shop//{x}".parse::<PathRule>().is_err());
    }

    #[test]
    fn truncated_and_escaped() {
        assert_eq!(norm("/a/b/c/d/e/f/g/h/i/j"), "/a/b/c/d/e/f/g/h/...");
        let long = format!(
            "/{}",
            ["abcdefghijklmnopqrstuvwxyz-abcdefghij"; 5].join("/")
        );
        let n = norm(&long);
        assert!(n.len() <= MAX_PATH + 4 && n.ends_with("/..."), "{n}");
        assert_eq!(norm("/caf\u{e9},\"x\""), "/caf%C3%A9%2C%22x%22");
        assert_eq!(norm("*"), "<not a path>");
        assert_eq!(norm("-"), "<not a path>");
    }

    #[test]
    fn extensions() {
        let mut buf = [0u8; 8];
        let ext = |t: &str, buf: &mut [u8; 8]| {
            extension(t.as_bytes(), buf).map(|n| String::from_utf8(buf[..n].to_vec()).unwrap())
        };
        assert_eq!(ext("/a/B.CSS?v=1.2", &mut buf).as_deref(), Some("css"));
        assert_eq!(ext("/a.b/c", &mut buf), None);
        assert_eq!(ext("/x.", &mut buf), None);
        assert_eq!(ext("/x.verylongextension", &mut buf), None);
    }
}
