//! The audit's own decoder: a decoded view of one line, each of whose bytes knows the raw bytes it
//! came from, so a finding in the view is reported as the raw text it stands for.
//!
//! Decoded, pass after pass until nothing changes (at most [`PASSES`] times, so `%252540` becomes
//! `@` and `\\u0040` becomes `@` too): percent-encoding `%HH`; JSON string escapes `\uXXXX`
//! (surrogate pairs joined), `\n` `\t` `\r` `\b` `\f` `\/` `\"` `\\`; Apache's `\xHH`; HTML
//! character references, decimal `&#64;`, hex `&#x40;` and the named ones that matter for an
//! address or an email (`&commat;`, `&period;`, `&colon;`, …), with or without their `;`.
//! Anything else, invalid escapes included, is copied as it is. Nothing here is shared with the
//! scrubber.

/// How many decoding passes at most: three levels of percent-encoding and one more.
pub const PASSES: usize = 4;

/// A decoded line: `bytes[i]` came from the raw bytes `lo[i]..hi[i]` of the line.
#[derive(Debug, Default)]
pub struct View {
    /// The decoded bytes.
    pub bytes: Vec<u8>,
    /// Where each decoded byte starts in the raw line.
    pub lo: Vec<u32>,
    /// Where each decoded byte ends in the raw line.
    pub hi: Vec<u32>,
    next: Vec<u8>,
    next_lo: Vec<u32>,
    next_hi: Vec<u32>,
}

impl View {
    /// Decodes `raw` into this view (reusing its buffers); returns whether anything was decoded.
    /// When nothing was, the view is left as it was: search `raw` itself. `raw` must be shorter
    /// than 4 GiB (a chunk is).
    pub fn decode(&mut self, raw: &[u8]) -> bool {
        // Most escape bytes in logs decode nothing (`&` between parameters): copy nothing then.
        if !decodes(raw) {
            return false;
        }
        self.bytes.clear();
        self.lo.clear();
        self.hi.clear();
        self.bytes.extend_from_slice(raw);
        self.lo.extend(0..raw.len() as u32);
        self.hi.extend(1..=raw.len() as u32);
        let mut changed = false;
        for _ in 0..PASSES {
            if !self.pass() {
                break;
            }
            changed = true;
        }
        changed
    }

    /// The raw range a span `start..end` of the view stands for.
    pub fn raw_range(&self, start: usize, end: usize) -> (usize, usize) {
        if start >= end {
            let at = self.lo.get(start).map_or_else(
                || self.hi.last().map_or(0, |&h| h as usize),
                |&l| l as usize,
            );
            return (at, at);
        }
        (self.lo[start] as usize, self.hi[end - 1] as usize)
    }

    /// One decoding pass from `bytes` into `next`; swaps them. Returns whether anything changed.
    fn pass(&mut self) -> bool {
        let src = &self.bytes;
        if !decodes(src) {
            return false;
        }
        self.next.clear();
        self.next_lo.clear();
        self.next_hi.clear();
        let mut changed = false;
        let mut i = 0;
        let mut utf8 = [0u8; 4];
        while i < src.len() {
            let decoded = match src[i] {
                b'%' => percent(&src[i..]).map(|(b, n)| (Out::Byte(b), n)),
                b'\\' => backslash(&src[i..]),
                b'&' => reference(&src[i..]),
                _ => None,
            };
            match decoded {
                Some((out, n)) => {
                    let (lo, hi) = (self.lo[i], self.hi[i + n - 1]);
                    let bytes: &[u8] = match out {
                        Out::Byte(ref b) => std::slice::from_ref(b),
                        Out::Char(c) => c.encode_utf8(&mut utf8).as_bytes(),
                        Out::Surrogate(u) => {
                            // A lone surrogate: its three-byte (WTF-8) form, non-ASCII like it.
                            utf8[0] = 0xE0 | (u >> 12) as u8;
                            utf8[1] = 0x80 | ((u >> 6) & 0x3F) as u8;
                            utf8[2] = 0x80 | (u & 0x3F) as u8;
                            &utf8[..3]
                        }
                    };
                    for &b in bytes {
                        self.next.push(b);
                        self.next_lo.push(lo);
                        self.next_hi.push(hi);
                    }
                    changed = true;
                    i += n;
                }
                None => {
                    self.next.push(src[i]);
                    self.next_lo.push(self.lo[i]);
                    self.next_hi.push(self.hi[i]);
                    i += 1;
                }
            }
        }
        std::mem::swap(&mut self.bytes, &mut self.next);
        std::mem::swap(&mut self.lo, &mut self.next_lo);
        std::mem::swap(&mut self.hi, &mut self.next_hi);
        changed
    }
}

/// Whether an escape in `raw` decodes.
fn decodes(raw: &[u8]) -> bool {
    memchr::memchr3_iter(b'%', b'\\', b'&', raw).any(|i| {
        let s = &raw[i..];
        match s[0] {
            b'%' => percent(s).is_some(),
            b'\\' => backslash(s).is_some(),
            _ => reference(s).is_some(),
        }
    })
}

/// What an escape decodes to.
enum Out {
    Byte(u8),
    Char(char),
    Surrogate(u32),
}

fn hex(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

fn hex_n(s: &[u8], n: usize) -> Option<u32> {
    let digits = s.get(..n)?;
    digits.iter().try_fold(0u32, |v, &b| Some(v << 4 | hex(b)?))
}

/// `%HH` at the start of `s`: the byte and the length (3).
fn percent(s: &[u8]) -> Option<(u8, usize)> {
    hex_n(s.get(1..)?, 2).map(|v| (v as u8, 3))
}

/// A JSON or Apache backslash escape at the start of `s`.
fn backslash(s: &[u8]) -> Option<(Out, usize)> {
    let byte = |b: u8| Some((Out::Byte(b), 2));
    match *s.get(1)? {
        b'n' => byte(b'\n'),
        b't' => byte(b'\t'),
        b'r' => byte(b'\r'),
        b'b' => byte(0x08),
        b'f' => byte(0x0C),
        b'/' => byte(b'/'),
        b'"' => byte(b'"'),
        b'\\' => byte(b'\\'),
        b'x' | b'X' => hex_n(&s[2..], 2).map(|v| (Out::Byte(v as u8), 4)),
        b'u' | b'U' => {
            let u = hex_n(&s[2..], 4)?;
            if (0xD800..0xDC00).contains(&u) && s.get(6) == Some(&b'\\') && s.get(7) == Some(&b'u')
            {
                if let Some(low) = hex_n(&s[8..], 4).filter(|l| (0xDC00..0xE000).contains(l)) {
                    let c = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
                    return char::from_u32(c).map(|c| (Out::Char(c), 12));
                }
            }
            match char::from_u32(u) {
                Some(c) => Some((Out::Char(c), 6)),
                None => Some((Out::Surrogate(u), 6)),
            }
        }
        _ => None,
    }
}

/// Named references that can stand in an address, an email or between them.
const NAMED: &[(&[u8], char)] = &[
    (b"commat", '@'),
    (b"period", '.'),
    (b"colon", ':'),
    (b"amp", '&'),
    (b"lt", '<'),
    (b"gt", '>'),
    (b"quot", '"'),
    (b"QUOT", '"'),
    (b"apos", '\''),
    (b"nbsp", '\u{a0}'),
    (b"num", '#'),
    (b"percnt", '%'),
    (b"sol", '/'),
    (b"bsol", '\\'),
    (b"lowbar", '_'),
    (b"UnderBar", '_'),
    (b"hyphen", '\u{2010}'),
    (b"dash", '\u{2010}'),
    (b"minus", '\u{2212}'),
    (b"plus", '+'),
    (b"equals", '='),
    (b"quest", '?'),
    (b"excl", '!'),
    (b"comma", ','),
    (b"semi", ';'),
    (b"lsqb", '['),
    (b"rsqb", ']'),
    (b"lbrack", '['),
    (b"rbrack", ']'),
    (b"lpar", '('),
    (b"rpar", ')'),
    (b"Tab", '\t'),
    (b"NewLine", '\n'),
    (b"eacute", 'é'),
    (b"Eacute", 'É'),
    (b"egrave", 'è'),
    (b"uuml", 'ü'),
    (b"ouml", 'ö'),
    (b"auml", 'ä'),
    (b"szlig", 'ß'),
    (b"ccedil", 'ç'),
    (b"ntilde", 'ñ'),
];

/// An HTML character reference at the start of `s` (`;` optional).
fn reference(s: &[u8]) -> Option<(Out, usize)> {
    let semi = |n: usize| n + usize::from(s.get(n) == Some(&b';'));
    if s.get(1) == Some(&b'#') {
        let (radix, at) = match s.get(2) {
            Some(b'x' | b'X') => (16, 3),
            _ => (10, 2),
        };
        let digits = s[at..]
            .iter()
            .take(8)
            .take_while(|b| (**b as char).is_digit(radix))
            .count();
        if digits == 0 {
            return None;
        }
        let text = std::str::from_utf8(&s[at..at + digits]).ok()?;
        let v = u32::from_str_radix(text, radix).ok()?;
        let c = char::from_u32(v).unwrap_or('\u{fffd}');
        return Some((Out::Char(c), semi(at + digits)));
    }
    let name_len = s[1..]
        .iter()
        .take(10)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = &s[1..1 + name_len];
    // The longest known name the letters start with (`&amp;` in `&ampx`, as browsers read it).
    NAMED
        .iter()
        .filter(|(n, _)| name.starts_with(n))
        .max_by_key(|(n, _)| n.len())
        .map(|&(n, c)| (Out::Char(c), semi(1 + n.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(raw: &[u8]) -> Vec<u8> {
        let mut v = View::default();
        if v.decode(raw) {
            v.bytes.clone()
        } else {
            raw.to_vec()
        }
    }

    #[test]
    fn percent_encoding_is_decoded_up_to_three_levels_and_more() {
        assert_eq!(decoded(b"jane%40example.com"), b"jane@example.com");
        assert_eq!(decoded(b"jane%2540example.com"), b"jane@example.com");
        assert_eq!(decoded(b"jane%252540example.com"), b"jane@example.com");
        assert_eq!(decoded(b"jane%40%65xample.com"), b"jane@example.com");
        assert_eq!(decoded(b"2001%3adb8%3A%3A1"), b"2001:db8::1");
        assert_eq!(decoded(b"jos%E9"), b"jos\xe9");
        assert_eq!(decoded(b"ren%C3%A9e"), "renée".as_bytes());
        // Invalid escapes are copied.
        assert_eq!(decoded(b"100% %zz %4"), b"100% %zz %4");
    }

    #[test]
    fn json_escapes_are_decoded() {
        assert_eq!(decoded(br"jane\u0040example\u002ecom"), b"jane@example.com");
        assert_eq!(decoded(br"ren\u00e9e"), "renée".as_bytes());
        assert_eq!(decoded(br#"a\nb\tc\/d\"e\\z"#), b"a\nb\tc/d\"e\\z");
        // Decoded again in the next pass, as a doubly escaped text is.
        assert_eq!(decoded(br"C:\\new"), b"C:\new");
        assert_eq!(decoded(br"\ud83d\ude00"), "😀".as_bytes());
        assert_eq!(decoded(br"\ud83dx"), b"\xed\xa0\xbdx");
        // A doubly escaped one decodes in the second pass.
        assert_eq!(decoded(br"jane\\u0040x"), b"jane@x");
        assert_eq!(decoded(br"\q \u12"), br"\q \u12");
    }

    #[test]
    fn apache_and_html_escapes_are_decoded() {
        assert_eq!(decoded(br"ren\xc3\xa9e"), "renée".as_bytes());
        assert_eq!(decoded(br"jos\xE9"), b"jos\xe9");
        assert_eq!(
            decoded(b"a&#64;b&#x40;c&#X40;d&commat;e&period;f"),
            b"a@b@c@d@e.f"
        );
        assert_eq!(decoded(b"a&#64b &colon;"), b"a@b :");
        assert_eq!(decoded(b"&amp;commat;"), b"@");
        assert_eq!(decoded(b"&bogus; &# &#x;"), b"&bogus; &# &#x;");
    }

    #[test]
    fn every_decoded_byte_maps_back_to_its_raw_bytes() {
        let raw = b"x=jane%252540ex&#46;com y";
        let mut v = View::default();
        assert!(v.decode(raw));
        assert_eq!(v.bytes, b"x=jane@ex.com y");
        let at = v.bytes.iter().position(|&b| b == b'@').unwrap();
        let (lo, hi) = v.raw_range(at, at + 1);
        assert_eq!(&raw[lo..hi], b"%252540");
        let (lo, hi) = v.raw_range(2, v.bytes.len() - 2);
        assert_eq!(&raw[lo..hi], b"jane%252540ex&#46;com");
        let mut plain = View::default();
        assert!(!plain.decode(b"nothing to do"));
        assert!(!plain.decode(b"a=1&b=2 100% \\q"));
    }
}
