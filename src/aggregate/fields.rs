//! The fields an aggregate needs from one access-log line: the client as written, the request
//! method and target, the status and the user agent. CLF/combined (`%h %l %u [%t] "%r" %>s %b
//! "%{Referer}i" "%{User-Agent}i"`) and JSON lines (top-level keys only, see [`JSON_KEYS`]).
//!
//! [`Fields::read`] copies the fields into one reused buffer (JSON strings unescaped), so reading a
//! line allocates nothing once the buffer has grown. A line that lacks a field says which
//! ([`Unparsable`]); it is counted and skipped, never guessed into a table.

use std::ops::Range;

use std::sync::LazyLock;

use memchr::memmem::Finder;

/// Where a CLF request starts: after the time field.
static REQUEST_START: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"] \""));

/// Why a line gave nothing to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unparsable {
    /// No readable time (CLF `[..]` field, or a JSON time key).
    NoTime,
    /// No request line (`"GET /path HTTP/1.1"`), or no method and path in JSON.
    NoRequest,
    /// No three-digit status after the request.
    NoStatus,
    /// No client field.
    NoClient,
    /// A JSON line that is not a JSON object.
    NotJson,
    /// Longer than [`super::MAX_LINE`] bytes.
    TooLong,
}

impl Unparsable {
    /// Every reason, in report order.
    pub const ALL: [Unparsable; 6] = [
        Unparsable::NoTime,
        Unparsable::NoRequest,
        Unparsable::NoStatus,
        Unparsable::NoClient,
        Unparsable::NotJson,
        Unparsable::TooLong,
    ];

    /// The reason's name in reports (`no_time`).
    pub fn name(self) -> &'static str {
        match self {
            Unparsable::NoTime => "no_time",
            Unparsable::NoRequest => "no_request",
            Unparsable::NoStatus => "no_status",
            Unparsable::NoClient => "no_client",
            Unparsable::NotJson => "not_json",
            Unparsable::TooLong => "too_long",
        }
    }

    /// The reason's index in [`Unparsable::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The JSON keys read, per field, first found wins: client, request line, method, path, status,
/// user agent.
pub const JSON_KEYS: [(&str, &[&str]); 6] = [
    (
        "client",
        &[
            "remote_addr",
            "remote_ip",
            "client_ip",
            "clientip",
            "client",
            "ip",
        ],
    ),
    ("request", &["request"]),
    (
        "method",
        &["method", "request_method", "http_method", "verb"],
    ),
    (
        "path",
        &["request_uri", "uri", "path", "url", "request_path"],
    ),
    (
        "status",
        &["status", "status_code", "response", "response_code"],
    ),
    (
        "user agent",
        &["http_user_agent", "user_agent", "useragent", "agent", "ua"],
    ),
];

/// One line's fields, copied into a reused buffer.
#[derive(Debug, Default)]
pub struct Fields {
    buf: Vec<u8>,
    client: Range<usize>,
    method: Range<usize>,
    target: Range<usize>,
    ua: Range<usize>,
    /// The HTTP status.
    pub status: u16,
}

impl Fields {
    /// The client field as written (an address, a mask, a pseudonym, an encrypted address).
    pub fn client(&self) -> &[u8] {
        &self.buf[self.client.clone()]
    }
    /// The request method (`GET`).
    pub fn method(&self) -> &[u8] {
        &self.buf[self.method.clone()]
    }
    /// The request target as written (`/a/b?c`).
    pub fn target(&self) -> &[u8] {
        &self.buf[self.target.clone()]
    }
    /// The user agent as written; empty when the line has none (common format).
    pub fn user_agent(&self) -> &[u8] {
        &self.buf[self.ua.clone()]
    }

    /// Reads `line` (without its newline) as JSON when it starts with `{` (after blanks) and
    /// `json` allows it, as CLF otherwise.
    pub fn read(&mut self, line: &[u8], json: bool) -> Result<(), Unparsable> {
        self.buf.clear();
        let trimmed = trim_start(line);
        if json && trimmed.first() == Some(&b'{') {
            self.read_json(trimmed)
        } else {
            self.read_clf(line)
        }
    }

    fn push(&mut self, bytes: &[u8]) -> Range<usize> {
        let start = self.buf.len();
        self.buf.extend_from_slice(bytes);
        start..self.buf.len()
    }

    fn read_clf(&mut self, line: &[u8]) -> Result<(), Unparsable> {
        let end = memchr::memchr(b' ', line).ok_or(Unparsable::NoClient)?;
        if end == 0 {
            return Err(Unparsable::NoClient);
        }
        self.client = self.push(&line[..end]);
        // The request follows the time field: `] "`.
        let at = REQUEST_START.find(line).ok_or(Unparsable::NoRequest)? + 3;
        let (request, after) = quoted(&line[at..]).ok_or(Unparsable::NoRequest)?;
        let request = self.push(request);
        self.split_request(request)?;
        let rest = &line[at + after..];
        let rest = rest.strip_prefix(b" ").ok_or(Unparsable::NoStatus)?;
        self.status = status(rest).ok_or(Unparsable::NoStatus)?;
        // Bytes, then the quoted referer and user agent, when present (combined format).
        let mut rest = &rest[3..];
        self.ua = 0..0;
        let mut quoted_fields = 0;
        while let Some(q) = memchr::memchr(b'"', rest) {
            let Some((text, after)) = quoted(&rest[q + 1..]) else {
                break;
            };
            quoted_fields += 1;
            if quoted_fields == 2 {
                self.ua = self.push(text);
                break;
            }
            rest = &rest[q + 1 + after..];
        }
        Ok(())
    }

    /// Splits the request line held at `request` in the buffer (`GET /path HTTP/1.1`, or HTTP/0.9
    /// `GET /path`) into method and target.
    fn split_request(&mut self, request: Range<usize>) -> Result<(), Unparsable> {
        let text = &self.buf[request.clone()];
        let sp = memchr::memchr(b' ', text).ok_or(Unparsable::NoRequest)?;
        let rest = &text[sp + 1..];
        let target_len = memchr::memchr(b' ', rest).unwrap_or(rest.len());
        let method = &text[..sp];
        if method.is_empty() || target_len == 0 || !method.iter().all(u8::is_ascii_uppercase) {
            return Err(Unparsable::NoRequest);
        }
        self.method = request.start..request.start + sp;
        self.target = request.start + sp + 1..request.start + sp + 1 + target_len;
        Ok(())
    }

    fn read_json(&mut self, line: &[u8]) -> Result<(), Unparsable> {
        // Value ranges in `line` (raw, still escaped), per field of JSON_KEYS, with their rank.
        let mut found: [Option<(usize, Range<usize>, bool)>; 6] = Default::default();
        let mut p = 1;
        loop {
            p = skip_ws(line, p);
            match line.get(p) {
                Some(b'}') => break,
                Some(b',') => {
                    p += 1;
                    continue;
                }
                Some(b'"') => {}
                _ => return Err(Unparsable::NotJson),
            }
            let key_end = string_end(line, p + 1).ok_or(Unparsable::NotJson)?;
            let key = &line[p + 1..key_end];
            p = skip_ws(line, key_end + 1);
            if line.get(p) != Some(&b':') {
                return Err(Unparsable::NotJson);
            }
            p = skip_ws(line, p + 1);
            let (value, is_string, next) = json_value(line, p).ok_or(Unparsable::NotJson)?;
            p = next;
            for (slot, (_, names)) in found.iter_mut().zip(JSON_KEYS) {
                if let Some(rank) = names.iter().position(|n| n.as_bytes() == key) {
                    if slot.as_ref().map_or(true, |(r, _, _)| rank < *r) {
                        *slot = Some((rank, value.clone(), is_string));
                    }
                }
            }
        }
        let text = |fields: &mut Fields, i: usize| -> Option<Range<usize>> {
            let (_, r, is_string) = found[i].clone()?;
            let start = fields.buf.len();
            if is_string {
                unescape(&line[r], &mut fields.buf);
            } else {
                fields.buf.extend_from_slice(&line[r]);
            }
            Some(start..fields.buf.len())
        };
        self.client = text(self, 0)
            .filter(|r| !r.is_empty())
            .ok_or(Unparsable::NoClient)?;
        if let Some(request) = text(self, 1) {
            self.split_request(request)?;
        } else {
            self.method = text(self, 2).ok_or(Unparsable::NoRequest)?;
            self.target = text(self, 3).ok_or(Unparsable::NoRequest)?;
            if self.method.is_empty() || self.target.is_empty() {
                return Err(Unparsable::NoRequest);
            }
        }
        let s = text(self, 4).ok_or(Unparsable::NoStatus)?;
        self.status = status(&self.buf[s.clone()])
            .filter(|_| s.len() == 3)
            .ok_or(Unparsable::NoStatus)?;
        self.ua = text(self, 5).unwrap_or(0..0);
        Ok(())
    }
}

/// The text of a quoted field starting just after its `"`, and the offset just past its closing
/// `"`. Backslash escapes (`\"`, as Apache and nginx write them) are kept as written.
fn quoted(s: &[u8]) -> Option<(&[u8], usize)> {
    let end = string_end(s, 0)?;
    Some((&s[..end], end + 1))
}

/// The offset of the `"` closing a string whose text starts at `from`.
fn string_end(s: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(q) = memchr::memchr2(b'"', b'\\', &s[i..]) {
        let at = i + q;
        if s[at] == b'\\' {
            i = at + 2;
            if i > s.len() {
                return None;
            }
        } else {
            return Some(at);
        }
    }
    None
}

/// A three-digit status at the start of `s`, followed by a non-digit or the end.
fn status(s: &[u8]) -> Option<u16> {
    match s {
        [a @ b'1'..=b'5', b @ b'0'..=b'9', c @ b'0'..=b'9', rest @ ..]
            if !rest.first().is_some_and(u8::is_ascii_digit) =>
        {
            Some(u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'))
        }
        _ => None,
    }
}

fn trim_start(s: &[u8]) -> &[u8] {
    let s = s.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(s);
    let n = s.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    &s[n..]
}

fn skip_ws(s: &[u8], mut p: usize) -> usize {
    while s
        .get(p)
        .is_some_and(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
    {
        p += 1;
    }
    p
}

/// A JSON value at `p`: its range (a string's text without the quotes), whether it is a string,
/// and the offset after it. Objects and arrays are skipped whole (their range is not used).
fn json_value(s: &[u8], p: usize) -> Option<(Range<usize>, bool, usize)> {
    match *s.get(p)? {
        b'"' => {
            let end = string_end(s, p + 1)?;
            Some((p + 1..end, true, end + 1))
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = p;
            while i < s.len() {
                match s[i] {
                    b'"' => i = string_end(s, i + 1)?,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some((p..p, false, i + 1));
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            let end = s[p..]
                .iter()
                .position(|&b| matches!(b, b',' | b'}' | b' ' | b'\t' | b'\r' | b'\n'))
                .map_or(s.len(), |e| p + e);
            (end > p).then_some((p..end, false, end))
        }
    }
}

/// Appends the JSON string text `s` unescaped; an escape it cannot read is kept as written.
fn unescape(s: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if b != b'\\' || i + 1 >= s.len() {
            out.push(b);
            i += 1;
            continue;
        }
        let e = s[i + 1];
        let simple = match e {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'b' => Some(8),
            b'f' => Some(12),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            i += 2;
            continue;
        }
        let code = (e == b'u')
            .then(|| s.get(i + 2..i + 6))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                let mut tmp = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                i += 6;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &[u8]) -> Result<Fields, Unparsable> {
        let mut f = Fields::default();
        f.read(line, true).map(|()| f)
    }

    #[test]
    fn combined_line() {
        let f = read(br#"203.0.113.7 - alice [24/Nov/2026:13:55:36 -0700] "GET /a/b?c=1 HTTP/1.1" 200 512 "https://ref/" "Mozilla/5.0 (X11) \"q\"""#).unwrap();
        assert_eq!(f.client(), b"203.0.113.7");
        assert_eq!(f.method(), b"GET");
        assert_eq!(f.target(), b"/a/b?c=1");
        assert_eq!(f.status, 200);
        assert_eq!(f.user_agent(), br#"Mozilla/5.0 (X11) \"q\""#);
    }

    #[test]
    fn common_line_has_no_user_agent() {
        let f = read(
            b"ip4-0123456789abcdef - - [24/Nov/2026:13:55:36 +0000] \"HEAD / HTTP/1.0\" 304 -",
        )
        .unwrap();
        assert_eq!(
            (f.client(), f.method(), f.status),
            (&b"ip4-0123456789abcdef"[..], &b"HEAD"[..], 304)
        );
        assert_eq!(f.user_agent(), b"");
    }

    #[test]
    fn broken_lines_say_why() {
        for (line, why) in [
            (&b""[..], Unparsable::NoClient),
            (b" - - [x] \"GET / HTTP/1.1\" 200 1", Unparsable::NoClient),
            (
                b"1.2.3.4 - - [24/Nov/2026:13:55:36 +0000] 200",
                Unparsable::NoRequest,
            ),
            (
                b"1.2.3.4 - - [24/Nov/2026:13:55:36 +0000] \"\\x16\\x03\" 400 0",
                Unparsable::NoRequest,
            ),
            (
                b"1.2.3.4 - - [24/Nov/2026:13:55:36 +0000] \"GET / HTTP/1.1\" abc",
                Unparsable::NoStatus,
            ),
            (
                b"1.2.3.4 - - [24/Nov/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 2000 1",
                Unparsable::NoStatus,
            ),
            (
                b"1.2.3.4 - - [24/Nov/2026:13:55:36 +0000] \"GET / HTTP/1.1",
                Unparsable::NoRequest,
            ),
            (b"{\"remote_addr\": 1", Unparsable::NotJson),
            (
                b"{\"path\":\"/\",\"method\":\"GET\",\"status\":200}",
                Unparsable::NoClient,
            ),
            (
                b"{\"ip\":\"1.2.3.4\",\"method\":\"GET\",\"status\":200}",
                Unparsable::NoRequest,
            ),
            (
                b"{\"ip\":\"1.2.3.4\",\"method\":\"GET\",\"path\":\"/\"}",
                Unparsable::NoStatus,
            ),
        ] {
            assert_eq!(
                read(line).err(),
                Some(why),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn json_line_with_escapes_nesting_and_priorities() {
        let f = read(br#"{"time":"2026-11-24T10:00:00Z","ip":"9.9.9.9","remote_addr":"2001:db8::1","x":{"path":"/no","a":[1,{"b":"}"}]},"path":"\/shop\/item","method":"GET","status":"404","user_agent":"A \"B\" \u00e9"}"#).unwrap();
        assert_eq!(f.client(), b"2001:db8::1");
        assert_eq!(f.target(), b"/shop/item");
        assert_eq!(f.status, 404);
        assert_eq!(f.user_agent(), "A \"B\" é".as_bytes());
        let f =
            read(br#"{"request":"POST /login HTTP/2.0","client":"[ipv4]","status":302}"#).unwrap();
        assert_eq!(
            (f.method(), f.target(), f.client(), f.status),
            (&b"POST"[..], &b"/login"[..], &b"[ipv4]"[..], 302)
        );
    }

    #[test]
    fn invalid_utf8_is_kept_as_bytes() {
        let f = read(b"\xff\xfe - - [24/Nov/2026:13:55:36 +0000] \"GET /\xc3\x28 HTTP/1.1\" 200 1 \"-\" \"\x80\"").unwrap();
        assert_eq!(
            (f.client(), f.target(), f.user_agent()),
            (&b"\xff\xfe"[..], &b"/\xc3\x28"[..], &b"\x80"[..])
        );
    }
}
