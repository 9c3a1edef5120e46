//! Where a line's user name is, and a CLF line's fields (for `logscrub subject`'s export).
//!
//! - CLF (`%h %l %u [%t] …`): the third field, when the fourth is the bracketed time, so that a
//!   line of another shape never has a word taken for its user.
//! - JSON lines: the string value of a user key ([`USER_KEYS`]) at any depth.
//!
//! `-` and empty values are no user.

use std::ops::Range;

use memchr::memmem;

/// The JSON keys that hold a user name.
pub const USER_KEYS: [&str; 6] = [
    "user",
    "remote_user",
    "username",
    "user_name",
    "userName",
    "user_id",
];

/// Calls `f` with the range of each user name of `line` (one for CLF, any number for JSON).
pub fn each_user(line: &[u8], mut f: impl FnMut(Range<usize>)) {
    let body = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let skip = line.len() - body.len();
    match body.iter().position(|&b| b != b' ' && b != b'\t') {
        Some(p) if body[p] == b'{' => json_users(line, skip + p, &mut f),
        Some(_) => {
            if let Some(r) = clf_user(line) {
                f(r);
            }
        }
        None => {}
    }
}

/// The CLF user field's range, if the line has the CLF shape up to its time.
pub fn clf_user(line: &[u8]) -> Option<Range<usize>> {
    // The client and ident fields hold no space; runs of spaces separate fields.
    let field_after = |from: usize| -> Option<Range<usize>> {
        let mut start = from;
        while line.get(start) == Some(&b' ') {
            start += 1;
        }
        let end = start + memchr::memchr(b' ', line.get(start..)?)?;
        Some(start..end)
    };
    let client = field_after(0)?;
    // Most lines have no user: `client - - [time]`.
    if line[client.end..].starts_with(b" - - [") {
        return None;
    }
    let ident = field_after(client.end)?;
    let user = field_after(ident.end)?;
    let mut t = user.end;
    while line.get(t) == Some(&b' ') {
        t += 1;
    }
    let name = &line[user.clone()];
    (line.get(t) == Some(&b'[') && user_name(name) && !name.contains(&b'\n')).then_some(user)
}

fn user_name(v: &[u8]) -> bool {
    !v.is_empty() && v != b"-"
}

/// The first `N` space-separated fields of a line (a bracketed or quoted field counts as one).
fn clf_fields<const N: usize>(line: &[u8]) -> Option<[Range<usize>; N]> {
    let mut out: [Range<usize>; N] = std::array::from_fn(|_| 0..0);
    let mut i = 0;
    for slot in &mut out {
        while line.get(i) == Some(&b' ') {
            i += 1;
        }
        let start = i;
        let close = match line.get(i)? {
            b'[' => Some(b']'),
            b'"' => Some(b'"'),
            b'\n' | b'\r' => return None,
            _ => None,
        };
        if let Some(c) = close {
            let mut j = i + 1;
            while j < line.len() && line[j] != c {
                if c == b'"' && line[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            i = (j + 1).min(line.len());
        }
        // To the next space: `[2001:db8::7]:443` is one field.
        while i < line.len() && !matches!(line[i], b' ' | b'\n' | b'\r') {
            i += 1;
        }
        *slot = start..i;
    }
    Some(out)
}

/// The names of a combined-format line's fields, in order.
pub const CLF_NAMES: [&str; 9] = [
    "client",
    "ident",
    "user",
    "time_local",
    "request",
    "status",
    "bytes",
    "referer",
    "user_agent",
];

/// The fields of a common or combined line, named as [`CLF_NAMES`] (quotes and brackets taken
/// off); `None` when the line does not have the shape up to its bracketed time. A common-format
/// line has the first seven.
pub fn clf(line: &[u8]) -> Option<Vec<(&'static str, &[u8])>> {
    let trimmed = line.strip_suffix(b"\n").unwrap_or(line);
    let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
    let [_, _, _, time] = clf_fields::<4>(trimmed)?;
    if trimmed.get(time.start) != Some(&b'[') {
        return None;
    }
    let mut out = Vec::with_capacity(CLF_NAMES.len());
    let mut i = 0;
    for name in CLF_NAMES {
        let Some([r]) = clf_fields::<1>(&trimmed[i..]) else {
            break;
        };
        if r.is_empty() {
            break;
        }
        let mut v = &trimmed[i + r.start..i + r.end];
        if let (Some(&a), Some(&b)) = (v.first(), v.last()) {
            let time = name == "time_local" && (a, b) == (b'[', b']');
            if v.len() >= 2 && (time || (a, b) == (b'"', b'"')) {
                v = &v[1..v.len() - 1];
            }
        }
        out.push((name, v));
        i += r.end;
    }
    Some(out)
}

fn json_users(line: &[u8], from: usize, f: &mut impl FnMut(Range<usize>)) {
    let mut key = [0u8; 16];
    for name in USER_KEYS {
        let n = name.len() + 2;
        key[0] = b'"';
        key[1..n - 1].copy_from_slice(name.as_bytes());
        key[n - 1] = b'"';
        for p in memmem::find_iter(&line[from..], &key[..n]) {
            let mut i = from + p + n;
            while matches!(line.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
            if line.get(i) != Some(&b':') {
                continue;
            }
            i += 1;
            while matches!(line.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
            if line.get(i) != Some(&b'"') {
                continue;
            }
            let start = i + 1;
            let mut j = start;
            while j < line.len() && line[j] != b'"' {
                if line[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            if j < line.len() && user_name(&line[start..j]) {
                f(start..j);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        each_user(line.as_bytes(), |r| out.push(line[r].to_string()));
        out
    }

    #[test]
    fn clf_user_field() {
        assert_eq!(
            users("203.0.113.7 - jdoe [24/Nov/2026:13:55:36 -0700] \"GET / HTTP/1.1\" 200 5\n"),
            ["jdoe"]
        );
        assert!(users("203.0.113.7 - - [24/Nov/2026:13:55:36 -0700] \"GET /\" 200 5").is_empty());
        // Not the CLF shape: no word is taken for a user.
        assert!(users("error: jdoe said hello [x]").is_empty());
        assert!(users("a b jdoe c [t]").is_empty());
    }

    #[test]
    fn json_user_fields() {
        assert_eq!(
            users(r#"{"ts":1,"remote_user":"jdoe","req":{"user": "jane"},"x":"user"}"#),
            ["jane", "jdoe"]
        );
        assert!(users(r#"{"user":"-","username":""}"#).is_empty());
        assert!(users(r#"{"note":"user","user":5}"#).is_empty());
    }

    #[test]
    fn combined_fields() {
        let line = b"203.0.113.7 - jdoe [24/Nov/2026:13:55:36 -0700] \"GET /a b HTTP/1.1\" 200 5 \"-\" \"curl/8 (x)\"\n";
        let f = clf(line).unwrap();
        let names: Vec<_> = f.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, CLF_NAMES);
        assert_eq!(f[3].1, b"24/Nov/2026:13:55:36 -0700");
        assert_eq!(f[4].1, b"GET /a b HTTP/1.1");
        assert_eq!(f[8].1, b"curl/8 (x)");
        let common = clf(b"1.2.3.4 - - [24/Nov/2026:13:55:36 +0000] \"GET /\" 200 5").unwrap();
        assert_eq!(common.len(), 7);
        assert!(clf(b"no time here").is_none());
        let v6 =
            clf(b"[2001:db8::7]:443 - - [24/Nov/2026:13:55:36 +0000] \"GET /\" 200 5").unwrap();
        assert_eq!(v6[0].1, b"[2001:db8::7]:443");
    }
}
