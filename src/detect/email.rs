//! Email addresses in text: `local@domain.tld`, also URL-encoded (`bob%40example.com`,
//! `a%2Bb%40example.com`, and doubly encoded `bob%2540example.com` as in redirect parameters),
//! after `mailto:`, in any case, and `local@[ip-literal]`.
//!
//! In text, the local part is a run of RFC 5322 atext characters, except those that delimit URLs and
//! quoted text (`/ = ? & '`): `?to=bob@example.com` masks `bob@example.com`, not the parameter name.
//! A `%XX` escape is part of it only when it encodes an atext character (`%2B`, `%2E`); otherwise the
//! local part starts after it (`boot.ini%20Hacker@hax0r.com` → `Hacker@hax0r.com`). Dots are not
//! judged in text (privacy first: `first..last@example.com` is still someone's address). The domain
//! has at least two labels (letters, digits, inner hyphens; joined by dots, which may be URL-encoded:
//! `jane%40example%2Eorg`) and an alphabetic top-level label of two or more letters that is not a
//! file extension (`icon@2x.png` is an image, `test@docker` a router).
//!
//! [`is_email`] judges a whole string strictly: a dot-atom local part of any atext characters
//! (no leading, trailing or doubled dot), and the same domain rules.

use super::is_alnum;
use crate::text::hex_value;

const FILE_EXTENSIONS: &[&[u8]] = &[
    b"png", b"jpg", b"jpeg", b"gif", b"svg", b"webp", b"avif", b"ico", b"bmp", b"css", b"js",
    b"mjs", b"map", b"woff", b"woff2", b"ttf", b"eot", b"html", b"htm", b"php", b"json",
];

/// RFC 5322 atext, the characters of a dot-atom besides the dot.
fn is_atext(b: u8) -> bool {
    is_alnum(b) || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

/// Characters of a local part found in text: atext and dots, less URL and quote delimiters (and
/// letters and digits of any script, see [`letter_at`]).
pub(crate) fn is_local(b: u8) -> bool {
    b == b'.' || (is_atext(b) && !matches!(b, b'/' | b'=' | b'?' | b'&' | b'\''))
}

/// Whether `s` as a whole is an email address in the sense above.
pub fn is_email(s: &[u8]) -> bool {
    let Some(at) = s.iter().position(|&b| b == b'@') else {
        return false;
    };
    let local = &s[..at];
    let dot_atom = !local.is_empty()
        && local
            .split(|&b| b == b'.')
            .all(|atom| !atom.is_empty() && atom.iter().all(|&b| is_atext(b)));
    dot_atom && domain_end(s, at + 1, false) == Some(s.len())
}

/// Looks for an address around the `@` (or the `%40`, `at_len` 3, or `%2540`, 5) at `at`, whose
/// local part does not start before `lo`. `follows` says that `lo` is the end of an address just
/// found: when this one's local part is empty and nothing but local-part bytes stand between the
/// two, they belong to this one (`a@b.org.cc@d.org`: the first domain took `cc`, so `@d.org` is
/// found with an empty local part rather than left). Returns the span and where scanning may
/// resume.
pub(crate) fn find_at(
    text: &[u8],
    at: usize,
    at_len: usize,
    lo: usize,
    follows: bool,
) -> (Option<(usize, usize)>, usize) {
    let resume = at + at_len;
    let start = match quoted_start(text, at, lo).or_else(|| local_start(text, at, lo)) {
        Some(start) => start,
        None if follows && text[lo..at].iter().all(|&b| is_local(b)) => lo,
        None => return (None, resume),
    };
    let d = at + at_len;
    match domain_end(text, d, true) {
        Some(end) => (Some((start, end)), end),
        None => (None, resume),
    }
}

/// The start of a quoted local part ending at `at` (`"jane.doe"@example.com`, RFC 5322): a
/// quote before the `@` and its opening quote at most 64 bytes before it.
fn quoted_start(text: &[u8], at: usize, lo: usize) -> Option<usize> {
    if at < lo + 3 || text[at - 1] != b'"' {
        return None;
    }
    // In a JSON string the quotes are escaped (`\"jane doe\"@example.com`): the local part is
    // between the two `\"`, both backslashes included.
    let escaped = at >= lo + 4 && text[at - 2] == b'\\';
    let close = if escaped { at - 2 } else { at - 1 };
    let from = close.saturating_sub(65).max(lo);
    let mut open = from + text[from..close].iter().rposition(|&b| b == b'"')?;
    if escaped {
        if open == 0 || text[open - 1] != b'\\' {
            return None;
        }
        open -= 1;
    }
    let inner_start = if escaped { open + 2 } else { open + 1 };
    // Inside: printable text without quote or backslash (qtext). Privacy first, the opening quote
    // may follow anything: `foo"bar"@x.org`, `id"jane.doe"@x.org` and `","jane.doe"@x.org` hold
    // a quoted address.
    let mut i = inner_start;
    while i < close {
        i += match text[i] {
            b'\\' => return None,
            b' '..=b'~' => 1,
            _ => match letter_at(text, i) {
                0 => return None,
                n => n,
            },
        };
    }
    (i == close && close > inner_start).then_some(open)
}

/// The start of the local part ending at `at`, if it is not empty.
fn local_start(text: &[u8], at: usize, lo: usize) -> Option<usize> {
    let mut start = at;
    loop {
        if start > lo && is_local(text[start - 1]) {
            start -= 1;
        } else if start > lo + 1
            && start < at
            && text[start - 1] == b'\''
            && is_alnum(text[start - 2])
            && is_alnum(text[start])
        {
            // An apostrophe inside a name (`o'brien@`); one that opens a quote is no part of it.
            start -= 1;
        } else {
            match letter_before(text, start, lo) {
                0 => break,
                n => start -= n,
            }
        }
    }
    // Escapes that do not encode a local-part character end what came before them.
    let mut i = start;
    while i < at {
        if text[i] == b'%' {
            let decoded = match (
                text.get(i + 1).and_then(|&b| hex_value(b)),
                text.get(i + 2).and_then(|&b| hex_value(b)),
            ) {
                (Some(h), Some(l)) if i + 2 < at => Some((h << 4) | l),
                _ => None,
            };
            match decoded {
                Some(c) if c != b'%' && is_local(c) => i += 3,
                Some(_) => {
                    i += 3;
                    start = i;
                }
                None => {
                    i += 1;
                    start = i;
                }
            }
        } else {
            i += 1;
        }
    }
    while start < at && text[start] == b'.' {
        start += 1;
    }
    (start < at).then_some(start)
}

/// The end of a valid domain starting at `d`: the longest run of labels ending in a real top-level
/// label, or a bracketed IP literal. With `in_text`, the dots between labels may be URL-encoded.
fn domain_end(text: &[u8], d: usize, in_text: bool) -> Option<usize> {
    if text.get(d) == Some(&b'[') {
        let close = d + 1 + text[d + 1..].iter().take(64).position(|&b| b == b']')?;
        let inner = &text[d + 1..close];
        let inner = inner.strip_prefix(b"IPv6:").unwrap_or(inner);
        let ok = super::ipv4::parse(inner).is_some() || super::ipv6::parse(inner).is_some();
        return ok.then_some(close + 1);
    }
    let mut i = d;
    let mut labels = 0;
    let mut best = None;
    loop {
        // Letters and digits of any script (`例え.jp`), in text; hyphens.
        let mut len = 0;
        while let Some(&b) = text.get(i + len) {
            len += match b {
                b'-' => 1,
                b if is_alnum(b) => 1,
                _ if in_text => match letter_at(text, i + len) {
                    0 => break,
                    n => n,
                },
                _ => break,
            };
        }
        // A top-level label may also end where a digit or hyphen is glued to it
        // (`bob@example.com-x`, `a@b.com0.0.0.1`): the address ends before them. Privacy first:
        // the address before the glue is still someone's.
        if labels >= 1 {
            let run = &text[i..i + len];
            let alpha = run.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            if alpha < len && is_tld(&run[..alpha]) {
                best = Some(i + alpha);
            }
        }
        if len == 0 || len > 63 || text[i] == b'-' || text[i + len - 1] == b'-' {
            break;
        }
        labels += 1;
        let label = &text[i..i + len];
        if labels >= 2 && is_tld(label) {
            best = Some(i + len);
        }
        i += len;
        // Labels are joined by dots, in URLs also encoded ones (`jane%40example%2Eorg`).
        let dot = match super::ipv4::dot_len(text, i) {
            n if in_text || n == 1 => n,
            _ => 0,
        };
        let next = i + dot;
        let label_follows =
            text.get(next).is_some_and(|&b| is_alnum(b)) || (in_text && letter_at(text, next) > 0);
        if dot > 0 && label_follows {
            i += dot;
        } else {
            break;
        }
    }
    best
}

/// A top-level label: two or more ASCII letters that are not a file extension, two or more
/// letters of another script (`рф`, `中国`), or an IDN in ASCII form (`xn--p1ai`).
fn is_tld(label: &[u8]) -> bool {
    let ascii = label.len() >= 2
        && label.iter().all(u8::is_ascii_alphabetic)
        && !FILE_EXTENSIONS
            .iter()
            .any(|ext| label.eq_ignore_ascii_case(ext));
    let idn = label.len() > 4
        && label[..4].eq_ignore_ascii_case(b"xn--")
        && label[4..].iter().all(|&b| is_alnum(b) || b == b'-');
    let wide = !label.is_ascii()
        && std::str::from_utf8(label)
            .is_ok_and(|l| l.chars().all(char::is_alphabetic) && l.chars().nth(1).is_some());
    ascii || idn || wide
}

/// The length of the letter or digit beyond ASCII at `text[i..]`, or 0: a UTF-8 encoded one
/// (`é`, `例`), else a Latin-1 letter byte (`\xe9` for `é`, as old clients send and Apache
/// writes). Other bytes of 0x80 and up (C1 controls, binary junk) are no part of an address.
fn letter_at(text: &[u8], i: usize) -> usize {
    let len = match text.get(i) {
        Some(0xc2..=0xdf) => 2,
        Some(0xe0..=0xef) => 3,
        Some(0xf0..=0xf4) => 4,
        _ => 0,
    };
    let letter = len > 0
        && text
            .get(i..i + len)
            .and_then(|c| std::str::from_utf8(c).ok())
            .and_then(|c| c.chars().next())
            .is_some_and(char::is_alphanumeric);
    match text.get(i) {
        _ if letter => len,
        Some(&b) if is_latin1_letter(b) => 1,
        _ => 0,
    }
}

/// A Latin-1 letter byte: `À`–`ÿ` without `×` and `÷`.
fn is_latin1_letter(b: u8) -> bool {
    b >= 0xc0 && b != 0xd7 && b != 0xf7
}

/// The length of such a letter or digit ending at `end`, starting at `lo` or later, or 0.
fn letter_before(text: &[u8], end: usize, lo: usize) -> usize {
    (2..=4)
        .find(|&n| end >= lo + n && letter_at(text, end - n) == n)
        .or_else(|| (end > lo && is_latin1_letter(text[end - 1])).then_some(1))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let t = text.as_bytes();
        let mut out = vec![];
        let (mut lo, mut follows) = (0, false);
        let mut p = 0;
        while p < t.len() {
            let at_len = if t[p] == b'@' {
                1
            } else if t[p..].starts_with(b"%40") {
                3
            } else if t[p..].starts_with(b"%2540") {
                5
            } else {
                p += 1;
                continue;
            };
            let (span, resume) = find_at(t, p, at_len, lo, follows);
            if let Some((s, e)) = span {
                out.push(&text[s..e]);
            }
            (lo, follows) = (resume, span.is_some());
            p = resume;
        }
        out
    }

    #[test]
    fn whole_addresses() {
        for s in [
            "{_test_}@iana.org",
            "customer/department=shipping@iana.org",
            "a@b-c.com",
            "a@b.co",
            "first.last@iana.org",
            "Foo+Bar@Example.COM",
            "x@[192.0.2.1]",
            "x@[IPv6:2001:db8::1]",
            "a_b-c@sub.example.co.uk",
        ] {
            assert!(is_email(s.as_bytes()), "{s}");
        }
        for s in [
            "",
            "@",
            "a@",
            "@b.com",
            "a@b",
            "a@b.c",
            "a@b.123",
            "a@@b.com",
            "test@docker",
            "icon@2x.png",
            "a@b.com.",
            "a b@c.com",
            "a.@b.com",
            ".a@b.com",
            "a..b@c.com",
            "a@-b.com",
            "a@b-.com",
        ] {
            assert!(!is_email(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn finds_in_text() {
        assert_eq!(found("GET /?u=bob@example.com&x=1"), ["bob@example.com"]);
        assert_eq!(
            found("/avatars/url/noreply%40test.fr HTTP"),
            ["noreply%40test.fr"]
        );
        assert_eq!(found("q=a%2Bb%40example.com"), ["a%2Bb%40example.com"]);
        assert_eq!(found("boot.ini%20Hacker@hax0r.com"), ["Hacker@hax0r.com"]);
        assert_eq!(found("<mailto:Help@Moz.com>"), ["Help@Moz.com"]);
        assert_eq!(
            found("\"email\":\"realuser@example.com\""),
            ["realuser@example.com"]
        );
        assert_eq!(
            found("dimka511@[301:fd1:86e3:521c::13]:80"),
            ["dimka511@[301:fd1:86e3:521c::13]"]
        );
        assert_eq!(found("bob@example.com."), ["bob@example.com"]);
        assert_eq!(found("{_test_}@iana.org"), ["{_test_}@iana.org"]);
        assert_eq!(
            found("/x?to=first..last@example.com&y"),
            ["first..last@example.com"]
        );
        // An apostrophe inside a name is part of it; one that opens a quote is not.
        assert_eq!(found("'o'brien@example.com'"), ["o'brien@example.com"]);
        assert_eq!(found("to='bob@example.com'"), ["bob@example.com"]);
        assert_eq!(
            found("from \"jane.doe\"@example.com x"),
            ["\"jane.doe\"@example.com"]
        );
        assert_eq!(
            found(r#"{"from":"\"jane doe\"@example.com"}"#),
            [r#"\"jane doe\"@example.com"#]
        );
    }

    /// Leak found by an audit: an address with letters beyond ASCII in its local part or domain
    /// (RFC 6531, internationalised domain names) was not found at all, or only in part
    /// (`éjane@x.org` kept `é`).
    #[test]
    fn addresses_in_any_script_are_found() {
        assert_eq!(found("to=josé@example.com&x"), ["josé@example.com"]);
        assert_eq!(found("\"jane@例え.jp\""), ["jane@例え.jp"]);
        assert_eq!(found("Ærø@bücher.example.de"), ["Ærø@bücher.example.de"]);
        assert_eq!(found("почта@пример.рф"), ["почта@пример.рф"]);
        assert_eq!(found("a@example.xn--p1ai"), ["a@example.xn--p1ai"]);
        // Binary junk and other symbols are not letters; a lone script letter is no top label.
        assert_eq!(find_at(b"\x90\x90@example.com", 2, 1, 0, false).0, None);
        assert_eq!(find_at(b"\xc3\xa9@ex\x90.com", 2, 1, 0, false).0, None);
        // Latin-1 letters, as raw bytes, are letters (`jos\xe9@`, `b\xfccher`).
        assert_eq!(
            find_at(b"jos\xe9@example.es", 4, 1, 0, false).0,
            Some((0, 15))
        );
        assert_eq!(
            find_at(b"jane.doe@b\xfccher.example.de", 8, 1, 0, false).0,
            Some((0, 26))
        );
        assert_eq!(found("«jane@example.com»"), ["jane@example.com"]);
        assert_eq!(found("jane@example.я"), Vec::<&str>::new());
        assert!(
            !is_email("josé@example.com".as_bytes()),
            "a whole address is judged strictly"
        );
    }

    /// Leak found by an audit: a domain with a URL-encoded dot (`jane%40example%2Eorg`) ended at
    /// the `%`, a single label, so the address was not found.
    #[test]
    fn a_domain_with_encoded_dots_is_found() {
        assert_eq!(found("?m=jane%40example%2Eorg&x"), ["jane%40example%2Eorg"]);
        assert_eq!(
            found("jane@mail%2eexample%2eco%2euk"),
            ["jane@mail%2eexample%2eco%2euk"]
        );
        assert_eq!(
            found("r=jane%2540example%252Eorg"),
            ["jane%2540example%252Eorg"]
        );
        assert_eq!(found("jane%40example%2E"), Vec::<&str>::new());
        assert_eq!(found("jane%40example%2Eorg%2E"), ["jane%40example%2Eorg"]);
        assert!(
            !is_email(b"jane@example%2Eorg"),
            "a whole address is judged strictly"
        );
    }

    /// Found with the glued-run property (tests/props.rs): when the first of two emails glued by
    /// a dot took the second one's local part as a label of its domain (`cc` is a top-level
    /// label), the second had an empty local part and its `@d.org` was left.
    #[test]
    fn an_email_glued_to_the_one_before_is_found_too() {
        assert_eq!(found("a@b.org.cc@d.org"), ["a@b.org.cc", "@d.org"]);
        assert_eq!(found("a@b.org%de@d.org"), ["a@b.org", "%de@d.org"]);
        assert_eq!(found("a@b.org.c@d.org"), ["a@b.org", "c@d.org"]);
        assert_eq!(found("a@b.org-c@d.org"), ["a@b.org", "-c@d.org"]);
        // Not after something that is not an email.
        assert!(found("x %de@d.org").is_empty());
    }

    #[test]
    fn leaves_non_addresses() {
        for s in [
            "/npm/@types/node",
            "\"test@docker\"",
            "root@docker -> leaf@docker",
            "img/icon@2x.png",
            "%28%40org.apache.commons.io.IOUtils%40toString",
            "@@@@@@",
            "user@localhost",
        ] {
            assert!(found(s).is_empty(), "{s}: {:?}", found(s));
        }
    }
}
