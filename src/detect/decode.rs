//! Decoded views: personal data behind escapes.
//!
//! Addresses and emails hide behind the escapes of the formats a log line embeds: percent-encoding
//! (`jane%40example.com`, repeated: `%252540`), JSON string escapes (`jane\u0040example.com`,
//! `\n` glued to an address), HTML character references (`&#64;`, `&#x40;`, `&commat;`) and
//! Apache's `\xHH`. Around each valid escape, the stretch of text it stands in (a *region*:
//! bytes up to a space, quote or other separator, at most [`REGION_MAX`] bytes) is decoded into a
//! view, repeatedly while decoding brings new escapes (three levels and more), with a map from
//! every view byte back to the raw bytes it came from. The detectors run on the view; each span
//! found there is replaced as the whole raw span it came from (`2001%3Adb8%3A%3A1`, the `%40` and
//! all). An escape decodes to its character, so an escape that is no part of an address is a
//! boundary (`from%20198.51.100.23`). Text without a valid escape is never copied.

use super::{push_merged, Detector, Span};

/// The longest region decoded around an escape; longer stretches are decoded in pieces of it.
pub const REGION_MAX: usize = 4096;

/// How many times a region is decoded at most (`%25252540` needs four).
const LEVELS: usize = 4;

/// Scratch space of the decoded views of one text; keep one per worker.
#[derive(Debug, Default, Clone)]
pub struct Views {
    detector: Detector,
    /// The view being searched, and per view byte the raw offsets of the escape (or byte) it
    /// came from.
    view: Vec<u8>,
    starts: Vec<usize>,
    ends: Vec<usize>,
    /// The next level's view and map while decoding again.
    next: Vec<u8>,
    next_starts: Vec<usize>,
    next_ends: Vec<usize>,
    found: Vec<Span>,
    extra: Vec<Span>,
    merged: Vec<Span>,
}

impl Views {
    /// Adds to `spans` (sorted, non-overlapping spans of `text`) what the decoded views around
    /// the escapes of `text` hold, merged with what overlaps it. Regions that overlap one of
    /// `skip` (long token runs, searched piece by piece) are not decoded.
    pub fn apply(&mut self, text: &[u8], spans: &mut Vec<Span>, skip: &[(usize, usize)]) {
        self.extra.clear();
        let mut done = 0; // end of the last region decoded
        for p in memchr::memchr3_iter(b'%', b'\\', b'&', text) {
            if p < done || escape_at(text, p).is_none() {
                continue;
            }
            let (a, b) = region(text, p, done);
            done = b;
            if skip.iter().any(|&(s, e)| s < b && a < e) || !may_hold(&text[a..b]) {
                continue;
            }
            self.search(text, a, b, spans);
        }
        if self.extra.is_empty() {
            return;
        }
        // A raw span that starts on the digits of an escape (`%29::ffff:…` read as `29::ffff:…`)
        // gives way to the view's reading of the same place, which starts after the escape; one
        // inside a view span (`33.0.113.77` of `%32%30%33.0.113.77`) to that span, whose
        // address is read through the escapes.
        let extra = &self.extra;
        // Both lists are sorted: the view spans that may overlap a raw one start at `first`.
        let mut first = 0;
        spans.retain(|r| {
            while first < extra.len() && extra[first].end <= r.start {
                first += 1;
            }
            let escape_end = (1..=2).find_map(|k| {
                let at = r.start.checked_sub(k).filter(|&at| text[at] == b'%')?;
                escape_at(text, at).map(|(len, _, _)| at + len)
            });
            for v in extra[first..].iter().take_while(|v| v.start < r.end) {
                // A view span that covers a raw one reads it through its escapes, and one that
                // starts right after the escape a raw one starts inside of reads that place
                // without the escape's digits: the raw one gives way.
                if (v.start <= r.start && r.end <= v.end) || escape_end == Some(v.start) {
                    return false;
                }
            }
            true
        });
        // Merge the two sorted lists.
        self.merged.clear();
        let (mut i, mut j) = (0, 0);
        while i < spans.len() || j < self.extra.len() {
            let take_old =
                j == self.extra.len() || (i < spans.len() && spans[i].start <= self.extra[j].start);
            let s = if take_old {
                i += 1;
                spans[i - 1]
            } else {
                j += 1;
                self.extra[j - 1]
            };
            push_merged(&mut self.merged, s);
        }
        std::mem::swap(spans, &mut self.merged);
    }

    /// Decodes `text[a..b]` and collects the spans its view holds, in raw offsets, but for those
    /// of `known`.
    fn search(&mut self, text: &[u8], a: usize, b: usize, known: &[Span]) {
        self.view.clear();
        self.starts.clear();
        self.ends.clear();
        let mut changed = decode_into(
            &text[a..b],
            |i| a + i,
            |i| a + i + 1,
            &mut self.view,
            &mut self.starts,
            &mut self.ends,
        );
        for _ in 1..LEVELS {
            if !changed || !self.view.iter().any(|&c| matches!(c, b'%' | b'\\' | b'&')) {
                break;
            }
            self.next.clear();
            self.next_starts.clear();
            self.next_ends.clear();
            let (starts, ends) = (&self.starts, &self.ends);
            changed = decode_into(
                &self.view,
                |i| starts[i],
                |i| ends[i],
                &mut self.next,
                &mut self.next_starts,
                &mut self.next_ends,
            );
            std::mem::swap(&mut self.view, &mut self.next);
            std::mem::swap(&mut self.starts, &mut self.next_starts);
            std::mem::swap(&mut self.ends, &mut self.next_ends);
        }
        if !worth_searching(&self.view) {
            return;
        }
        self.detector.find(&self.view, &mut self.found);
        for s in &self.found {
            let (start, end) = (self.starts[s.start], self.ends[s.end - 1]);
            // Spans the raw text holds as they stand are found there already.
            // An address whose only escapes are its dots is written back in its own encoding
            // (`203%2E0%2E113%2E0`): the action reads it from its text.
            let dots_only = s.kind == super::Kind::Ipv4
                && super::ipv4::parse_encoded(&text[start..end]).is_some();
            let raw = Span {
                start,
                end,
                kind: s.kind,
                addr: s.addr.filter(|_| !dots_only),
            };
            // What the raw text holds as it stands (`jane%40example.com`) is found already.
            let i = known.partition_point(|k| k.start < start);
            let same = known
                .get(i)
                .is_some_and(|k| (k.start, k.end, k.kind) == (start, end, raw.kind));
            match self.extra.last() {
                Some(last) if last.end > start => {}
                _ if same => {}
                _ => self.extra.push(raw),
            }
        }
    }
}

/// Whether a raw region can hold an address or an email once decoded: it has an `@`, a dot or a
/// colon, or an escape that may stand for one (`%40`, `%2E`, `%3A`, `%25…`, `\u…`, `&…;`).
/// Most escapes of a log (`%20` and `%2F` in a path) stand in regions that hold none: they are
/// not decoded at all.
fn may_hold(region: &[u8]) -> bool {
    if memchr::memchr3(b'@', b'.', b':', region).is_some() {
        return true;
    }
    memchr::memchr3_iter(b'%', b'\\', b'&', region).any(|i| {
        matches!(
            &region[i..],
            [b'%', b'4', b'0', ..]
                | [b'%', b'2', b'5' | b'e' | b'E', ..]
                | [b'%', b'3', b'a' | b'A', ..]
                | [b'\\', b'u' | b'x' | b'X', ..]
                | [b'&', ..]
        )
    })
}

/// Whether a view can hold an address or an email at all.
fn worth_searching(view: &[u8]) -> bool {
    let mut dots = 0;
    let mut colons = 0;
    for &c in view {
        match c {
            b'@' => return true,
            b'.' => dots += 1,
            b':' => colons += 1,
            _ => {}
        }
    }
    dots >= 3 || colons >= 2
}

/// A byte that ends a region: white space and controls and the separators of URLs and lists
/// (`/ = ? , ( ) < >`). Quotes, escape bytes and bytes beyond ASCII do not (`"jane.doe"&#64;…`,
/// `ren\xc3\xa9e%40…`). The reader cuts a long line after such a byte when it can (see
/// `framing`), so a region is never cut.
pub fn ends_region(b: u8) -> bool {
    b <= b' ' || b == 0x7f || matches!(b, b'/' | b'=' | b'?' | b',' | b'(' | b')' | b'<' | b'>')
}

/// The region around the escape at `p`, not starting before `lo`.
fn region(text: &[u8], p: usize, lo: usize) -> (usize, usize) {
    let floor = lo.max(p.saturating_sub(REGION_MAX / 2));
    let mut a = p;
    while a > floor && !ends_region(text[a - 1]) {
        a -= 1;
    }
    let cap = (a + REGION_MAX).min(text.len());
    let mut b = p;
    while b < cap {
        match escape_at(text, b) {
            Some((len, _, _)) => b += len,
            None if ends_region(text[b]) => break,
            None => b += 1,
        }
    }
    (a, b.min(cap))
}

/// Decodes `src` once into `out`, each output byte mapped to the raw offsets `start(i)`..`end(i)`
/// (`end` exclusive) of the source byte(s) it came from. Returns whether any escape was decoded.
fn decode_into(
    src: &[u8],
    start: impl Fn(usize) -> usize,
    end: impl Fn(usize) -> usize,
    out: &mut Vec<u8>,
    starts: &mut Vec<usize>,
    ends: &mut Vec<usize>,
) -> bool {
    let mut i = 0;
    let mut changed = false;
    while i < src.len() {
        match escape_at(src, i) {
            Some((len, bytes, n)) => {
                let (s, e) = (start(i), end(i + len - 1));
                for &c in &bytes[..n] {
                    out.push(c);
                    starts.push(s);
                    ends.push(e);
                }
                i += len;
                changed = true;
            }
            None => {
                out.push(src[i]);
                starts.push(start(i));
                ends.push(end(i));
                i += 1;
            }
        }
    }
    changed
}

/// The escape at `s[i..]`, if there is a valid one: its length and the bytes it stands for.
pub fn escape_at(s: &[u8], i: usize) -> Option<(usize, [u8; 4], usize)> {
    let hex = |j: usize| s.get(j).and_then(|&b| crate::text::hex_value(b));
    let one = |len: usize, b: u8| Some((len, [b, 0, 0, 0], 1));
    match s.get(i)? {
        b'%' => one(3, (hex(i + 1)? << 4) | hex(i + 2)?),
        b'\\' => match s.get(i + 1)? {
            b'x' | b'X' => one(4, (hex(i + 2)? << 4) | hex(i + 3)?),
            b'u' => {
                let mut cp = 0u32;
                for k in 2..6 {
                    cp = (cp << 4) | u32::from(hex(i + k)?);
                }
                let c = char::from_u32(cp).unwrap_or('\u{fffd}');
                let mut buf = [0u8; 4];
                let n = c.encode_utf8(&mut buf).len();
                Some((6, buf, n))
            }
            b'n' => one(2, b'\n'),
            b't' => one(2, b'\t'),
            b'r' => one(2, b'\r'),
            b'b' => one(2, 0x08),
            b'f' => one(2, 0x0c),
            b'/' => one(2, b'/'),
            b'"' => one(2, b'"'),
            b'\'' => one(2, b'\''),
            b'\\' => one(2, b'\\'),
            _ => None,
        },
        b'&' => html_reference(s, i),
        _ => None,
    }
}

/// Named character references that can stand in an address or email, or next to one.
const NAMED: &[(&[u8], char)] = &[
    (b"commat", '@'),
    (b"period", '.'),
    (b"colon", ':'),
    (b"amp", '&'),
    (b"lt", '<'),
    (b"gt", '>'),
    (b"quot", '"'),
    (b"apos", '\''),
    (b"sol", '/'),
    (b"percnt", '%'),
    (b"num", '#'),
    (b"plus", '+'),
    (b"equals", '='),
    (b"lowbar", '_'),
    (b"hyphen", '-'),
    (b"dash", '-'),
    (b"lsqb", '['),
    (b"lbrack", '['),
    (b"rsqb", ']'),
    (b"rbrack", ']'),
    (b"nbsp", ' '),
    (b"excl", '!'),
    (b"quest", '?'),
    (b"comma", ','),
    (b"semi", ';'),
    (b"eacute", 'é'),
    (b"egrave", 'è'),
    (b"agrave", 'à'),
    (b"aacute", 'á'),
    (b"iacute", 'í'),
    (b"oacute", 'ó'),
    (b"uacute", 'ú'),
    (b"ccedil", 'ç'),
    (b"ntilde", 'ñ'),
    (b"auml", 'ä'),
    (b"ouml", 'ö'),
    (b"uuml", 'ü'),
    (b"szlig", 'ß'),
];

/// `&#64;`, `&#x40;` or `&commat;` at `s[i..]`. A numeric reference may end without its `;`, as
/// browsers read it (`&#64example.com`): at the first byte that is no digit of it.
fn html_reference(s: &[u8], i: usize) -> Option<(usize, [u8; 4], usize)> {
    let rest = &s[i + 1..s.len().min(i + 12)];
    // `consumed`: the bytes of `rest` that belong to the reference.
    let (c, consumed) = match rest {
        [b'#', b'x' | b'X', tail @ ..] => {
            let n = tail
                .iter()
                .take(6)
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            let v = u32::from_str_radix(std::str::from_utf8(&tail[..n]).ok()?, 16).ok()?;
            (v, 2 + n + usize::from(tail.get(n) == Some(&b';')))
        }
        [b'#', tail @ ..] => {
            let n = tail
                .iter()
                .take(7)
                .take_while(|b| b.is_ascii_digit())
                .count();
            let v = std::str::from_utf8(&tail[..n]).ok()?.parse().ok()?;
            (v, 1 + n + usize::from(tail.get(n) == Some(&b';')))
        }
        _ => {
            let semi = rest.iter().position(|&b| b == b';')?;
            let body = &rest[..semi];
            let (_, c) = NAMED
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(body))?;
            (u32::from(*c), semi + 1)
        }
    };
    let c = char::from_u32(c)?;
    let mut buf = [0u8; 4];
    let n = c.encode_utf8(&mut buf).len();
    Some((1 + consumed, buf, n))
}

/// `text` with every escape decoded, repeatedly (as the views are), into `out`.
pub fn decode_all(text: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(text);
    let mut next = Vec::new();
    for _ in 0..LEVELS {
        let (mut s, mut e) = (Vec::new(), Vec::new());
        next.clear();
        if !decode_into(out, |i| i, |i| i, &mut next, &mut s, &mut e) {
            break;
        }
        std::mem::swap(out, &mut next);
    }
}

#[cfg(test)]
mod tests;
