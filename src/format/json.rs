//! The timestamp of a JSON line: the value of a time key at any nesting depth.
//!
//! No JSON parser: a key is a `"name"` whose opening quote is not escaped (not preceded by an odd
//! run of backslashes), followed by optional whitespace and `:`. In valid JSON such a quoted run
//! can only be a key, whatever its depth; inside a string value its quotes would be escaped. One
//! pass marks the quotes followed by the first byte of a wanted name (32 bytes at a time with AVX2,
//! 16 with SSE2, a byte loop elsewhere), and only those are compared with the names. The value is read
//! as:
//! - a string: RFC 3339 / ISO 8601, CLF text (`24/Nov/2026:13:55:36 -0700`) or an epoch number;
//! - a number: an epoch number (see `time.rs` for how seconds, milliseconds, microseconds and
//!   nanoseconds are told apart).
//!
//! Top-level keys win over nested ones: a readable value of any wanted name directly in the outer
//! object beats every nested one (GCP's top-level `timestamp` beats a `time` inside `jsonPayload`).
//! Within one level names are in priority order: the line's time is the first readable value of
//! the first name that has one (so `time` beats `ts` wherever each stands in that level). A wanted key whose value is unreadable
//! (`"time": 0.25`, `"date": null`) is passed over. Key names are compared with the raw bytes
//! between the quotes, so a key written with escapes (`"ti\u006de"`) is not recognised.

use memchr::memchr2;

use crate::time::{clf_layout, clf_value, epoch, epoch_prefix, rfc3339, DayCache, Zone};

/// How many distinct first bytes of names the vector pass filters on; with more, it marks every
/// quote and the first-byte table does the filtering.
const VECTOR_FIRSTS: usize = 6;

/// The wanted key names, with the set of their first bytes.
#[derive(Clone, Debug)]
pub(crate) struct Keys {
    names: Vec<Box<[u8]>>,
    /// `first[b]`: some non-empty name starts with byte `b`.
    first: [bool; 256],
    /// The distinct first bytes, padded by repeating one, when `filter`.
    firsts: [u8; VECTOR_FIRSTS],
    /// The vector pass filters on `firsts`: there are at most [`VECTOR_FIRSTS`] distinct first
    /// bytes and no empty name. Otherwise it marks every quote.
    filter: bool,
    /// Some name is empty (`""` is a legal key): every quote is a candidate.
    empty: bool,
    /// The CPU has AVX2 (checked once, here).
    avx2: bool,
}

impl Keys {
    pub(crate) fn new<'a>(names: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let names: Vec<Box<[u8]>> = names.into_iter().map(Box::from).collect();
        let mut first = [false; 256];
        let mut distinct = vec![];
        for n in &names {
            if let Some(&b) = n.first() {
                if !first[usize::from(b)] {
                    first[usize::from(b)] = true;
                    distinct.push(b);
                }
            }
        }
        let empty = names.iter().any(|n| n.is_empty());
        let filter = !empty && !distinct.is_empty() && distinct.len() <= VECTOR_FIRSTS;
        let mut firsts = [b'"'; VECTOR_FIRSTS];
        for (k, slot) in firsts.iter_mut().enumerate() {
            *slot = *distinct.get(k).or(distinct.first()).unwrap_or(&b'"');
        }
        #[cfg(target_arch = "x86_64")]
        let avx2 = std::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let avx2 = false;
        Keys {
            names,
            first,
            firsts,
            filter,
            empty,
            avx2,
        }
    }

    /// Whether the quote at `line[p]` may open a wanted name.
    #[inline]
    fn may_open(&self, line: &[u8], p: usize) -> bool {
        self.empty || line.get(p + 1).is_some_and(|&b| self.first[usize::from(b)])
    }

    /// The priority (0 is highest) and length of the wanted name quoted at `line[p..]`, if any.
    #[inline]
    fn rank_at(&self, line: &[u8], p: usize) -> Option<(usize, usize)> {
        let rest = &line[p + 1..];
        self.names.iter().enumerate().find_map(|(rank, n)| {
            (rest.get(n.len()) == Some(&b'"') && rest.starts_with(n)).then_some((rank, n.len()))
        })
    }
}

/// The caches of the date parts of both textual forms.
#[derive(Clone, Debug, Default)]
pub(crate) struct Days {
    pub(crate) clf: DayCache<16>,
    pub(crate) iso: DayCache<10>,
}

/// The line's time as Unix seconds UTC.
pub(crate) fn find(line: &[u8], keys: &Keys, days: &mut Days) -> Option<i64> {
    let mut best: Option<((bool, usize), i64)> = None;
    let mut depth = Depth::default();
    for_each_candidate(line, keys, |p| {
        let Some((rank, len)) = keys.rank_at(line, p) else {
            return false;
        };
        if best.is_some_and(|((nested, r), _)| !nested && r <= rank) || escaped(line, p) {
            return false;
        }
        let rank = (depth.at(line, p) > 1, rank);
        if best.is_some_and(|(r, _)| r <= rank) {
            return false;
        }
        let mut i = p + len + 2;
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = line.get(i) {
            i += 1;
        }
        if line.get(i) != Some(&b':') {
            return false;
        }
        match value(&line[i + 1..], days) {
            Some(t) => {
                best = Some((rank, t));
                rank == (false, 0)
            }
            None => false,
        }
    });
    best.map(|(_, t)| t)
}

/// The nesting depth at a position, scanned forward from the last position asked about (so a
/// line costs one pass however many keys are looked at): 1 inside the outer object.
#[derive(Default)]
struct Depth {
    pos: usize,
    depth: i32,
    in_string: bool,
}

impl Depth {
    /// The depth at `line[p]`; `p` must not be before the last position asked about.
    #[inline]
    fn at(&mut self, line: &[u8], p: usize) -> i32 {
        let mut i = self.pos;
        while i < p {
            match (self.in_string, line[i]) {
                (true, b'\\') => i += 1,
                (true, b'"') => self.in_string = false,
                (false, b'"') => self.in_string = true,
                (false, b'{' | b'[') => self.depth += 1,
                (false, b'}' | b']') => self.depth -= 1,
                _ => {}
            }
            i += 1;
        }
        self.pos = i.max(p);
        self.depth
    }
}

/// Whether the byte at `line[p]` is escaped: preceded by an odd number of backslashes.
#[inline]
fn escaped(line: &[u8], p: usize) -> bool {
    line[..p].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// Calls `f` with each position of a quote that [`Keys::may_open`] a name, in order, until `f`
/// returns `true`.
#[inline]
fn for_each_candidate(line: &[u8], keys: &Keys, mut f: impl FnMut(usize) -> bool) {
    #[cfg(target_arch = "x86_64")]
    let from = {
        let wide = if keys.avx2 {
            // SAFETY: the CPU has AVX2, checked when `keys` was built.
            unsafe { candidates_avx2(line, keys, &mut f) }
        } else {
            Err(0)
        };
        // SAFETY: SSE2 is part of the x86_64 baseline.
        match wide.or_else(|from| unsafe { candidates_sse2(line, from, keys, &mut f) }) {
            Ok(()) => return,
            Err(rest) => rest,
        }
    };
    #[cfg(not(target_arch = "x86_64"))]
    let from = 0;
    for p in from..line.len() {
        if line[p] == b'"' && keys.may_open(line, p) && f(p) {
            return;
        }
    }
}

/// Calls `f` for the candidates among the quotes marked in `bits` (bit `k` for `line[at + k]`).
/// `true` when `f` stopped the search.
#[inline(always)]
fn each_bit(
    mut bits: u32,
    at: usize,
    line: &[u8],
    keys: &Keys,
    f: &mut impl FnMut(usize) -> bool,
) -> bool {
    while bits != 0 {
        let p = at + bits.trailing_zeros() as usize;
        bits &= bits - 1;
        if keys.may_open(line, p) && f(p) {
            return true;
        }
    }
    false
}

/// The 32-byte part of [`for_each_candidate`], while 33 bytes remain (the byte after each quote is
/// looked at too). `Ok` when `f` stopped the search, `Err(i)` with where the narrower pass takes over.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn candidates_avx2(
    line: &[u8],
    keys: &Keys,
    f: &mut impl FnMut(usize) -> bool,
) -> Result<(), usize> {
    use std::arch::x86_64::*;
    let quote = _mm256_set1_epi8(b'"' as i8);
    let [a, b, c, d, e, g] = keys.firsts.map(|x| _mm256_set1_epi8(x as i8));
    let mut i = 0;
    while i + 33 <= line.len() {
        // SAFETY: i + 33 <= line.len(), so both 32-byte loads are in bounds; loadu needs no alignment.
        let v = _mm256_loadu_si256(line.as_ptr().add(i).cast());
        let mut bits = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, quote)) as u32;
        if bits != 0 && keys.filter {
            let next = _mm256_loadu_si256(line.as_ptr().add(i + 1).cast());
            let m = _mm256_or_si256(
                _mm256_or_si256(
                    _mm256_or_si256(_mm256_cmpeq_epi8(next, a), _mm256_cmpeq_epi8(next, b)),
                    _mm256_or_si256(_mm256_cmpeq_epi8(next, c), _mm256_cmpeq_epi8(next, d)),
                ),
                _mm256_or_si256(_mm256_cmpeq_epi8(next, e), _mm256_cmpeq_epi8(next, g)),
            );
            bits &= _mm256_movemask_epi8(m) as u32;
        }
        if each_bit(bits, i, line, keys, f) {
            return Ok(());
        }
        i += 32;
    }
    Err(i)
}

/// The 16-byte part of [`for_each_candidate`], from `line[i..]` while 17 bytes remain. `Ok` when
/// `f` stopped the search, `Err(i)` with where the byte loop takes over.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
unsafe fn candidates_sse2(
    line: &[u8],
    mut i: usize,
    keys: &Keys,
    f: &mut impl FnMut(usize) -> bool,
) -> Result<(), usize> {
    use std::arch::x86_64::*;
    let quote = _mm_set1_epi8(b'"' as i8);
    let [a, b, c, d, e, g] = keys.firsts.map(|x| _mm_set1_epi8(x as i8));
    while i + 17 <= line.len() {
        // SAFETY: i + 17 <= line.len(), so both 16-byte loads are in bounds; loadu needs no alignment.
        let v = _mm_loadu_si128(line.as_ptr().add(i).cast());
        let mut bits = _mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) as u32;
        if bits != 0 && keys.filter {
            let next = _mm_loadu_si128(line.as_ptr().add(i + 1).cast());
            let m = _mm_or_si128(
                _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(next, a), _mm_cmpeq_epi8(next, b)),
                    _mm_or_si128(_mm_cmpeq_epi8(next, c), _mm_cmpeq_epi8(next, d)),
                ),
                _mm_or_si128(_mm_cmpeq_epi8(next, e), _mm_cmpeq_epi8(next, g)),
            );
            bits &= _mm_movemask_epi8(m) as u32;
        }
        if each_bit(bits, i, line, keys, f) {
            return Ok(());
        }
        i += 16;
    }
    Err(i)
}

/// The time held by the JSON value at the start of `v` (after the key's colon).
#[inline]
fn value(v: &[u8], days: &mut Days) -> Option<i64> {
    let start = v
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))?;
    let v = &v[start..];
    if v[0] == b'"' {
        let end = 1 + memchr2(b'"', b'\\', &v[1..])?;
        if v[end] != b'"' {
            return None; // an escape: no timestamp needs one
        }
        text(&v[1..end], days)
    } else {
        // The number must end where JSON allows: `1795553736abc` or `17955.5.3` is not a time.
        let (t, len) = epoch_prefix(v)?;
        matches!(
            v.get(len),
            None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')
        )
        .then_some(t)
    }
}

/// A time written as text: RFC 3339, CLF or an epoch number.
#[inline]
fn text(s: &[u8], days: &mut Days) -> Option<i64> {
    if s.get(4) == Some(&b'-') {
        return rfc3339(s, Zone::DefaultUtc, &mut days.iso);
    }
    if s.get(2) == Some(&b'/') {
        let layout = clf_layout(s)?;
        return if layout.end == s.len() {
            clf_value(s, layout, &mut days.clf)
        } else {
            None
        };
    }
    epoch(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::DEFAULT_TIME_FIELDS;

    fn keys(names: &[&str]) -> Keys {
        Keys::new(names.iter().map(|n| n.as_bytes()))
    }

    fn t(line: &str) -> Option<i64> {
        tb(line.as_bytes())
    }

    fn tb(line: &[u8]) -> Option<i64> {
        find(line, &keys(&DEFAULT_TIME_FIELDS), &mut Days::default())
    }

    const T: Option<i64> = Some(1_795_553_736); // 2026-11-24T20:55:36Z

    #[test]
    fn every_default_name() {
        for name in DEFAULT_TIME_FIELDS {
            assert_eq!(
                t(&format!(r#"{{"a":1,"{name}":"2026-11-24T20:55:36Z"}}"#)),
                T,
                "{name}"
            );
        }
        assert_eq!(t(r#"{"Time":"2026-11-24T20:55:36Z"}"#), None);
        assert_eq!(t(r#"{"t":"2026-11-24T20:55:36Z"}"#), None);
    }

    #[test]
    fn value_forms() {
        for v in [
            r#""2026-11-24T20:55:36Z""#,
            r#""2026-11-24T13:55:36.123-07:00""#,
            r#""2026-11-25 02:25:36+0530""#,
            r#""24/Nov/2026:13:55:36 -0700""#,
            r#""1795553736""#,
            r#""1795553736123""#,
            "1795553736",
            "1795553736.999",
            "1795553736123",
            "1795553736123.7",
            "1795553736123456789",
            "1.795553736e9",
            " \t 1795553736 ",
        ] {
            assert_eq!(t(&format!(r#"{{"ts":{v},"x":"y"}}"#)), T, "{v}");
            assert_eq!(t(&format!(r#"{{"ts":{v}}}"#)), T, "{v} at the end");
        }
        for v in [
            "null",
            "true",
            "{}",
            "[1795553736]",
            r#""""#,
            r#""soon""#,
            r#""2026-02-29T00:00:00Z""#,
            r#""24/Foo/2026:13:55:36 -0700""#,
            r#""[24/Nov/2026:13:55:36 -0700]""#,
            r#""24/Nov/2026:13:55:36 -0700 ""#,
            r#""2026-11-24T20:55:36Z\n""#,
            "-1795553736",
            "0.25",
            "1795553736abc",
            "1795553736.5.5",
            "1795553736-5",
            "1795553736e",
            "1795553736.",
            "1795553736\"",
        ] {
            assert_eq!(t(&format!(r#"{{"ts":{v}}}"#)), None, "{v}");
        }
    }

    #[test]
    fn nested_keys() {
        assert_eq!(
            t(
                r#"{"level":"info","request":{"remote_ip":"192.0.2.1","meta":{"time":"2026-11-24T20:55:36Z"}}}"#
            ),
            T
        );
        assert_eq!(
            t(r#"{"events":[{"x":1},{"@timestamp":"2026-11-24T20:55:36Z"}]}"#),
            T
        );
    }

    #[test]
    fn priority_then_position() {
        // `time` outranks `ts` even when it comes later.
        assert_eq!(t(r#"{"ts":1000000000,"time":"2026-11-24T20:55:36Z"}"#), T);
        // Of two equal names the first readable one wins.
        assert_eq!(
            t(r#"{"time":"2026-11-24T20:55:36Z","x":{"time":"2030-01-01T00:00:00Z"}}"#),
            T
        );
        assert_eq!(t(r#"{"time":0.25,"x":{"time":"2026-11-24T20:55:36Z"}}"#), T);
        // An unreadable higher-ranked key falls through to a lower one.
        assert_eq!(t(r#"{"time":"slow","ts":1795553736}"#), T);
    }

    /// Issue 16: a nested `time` no longer beats a top-level one of lower rank, and a top-level key
    /// is found however deep a nested one of higher rank stands before it.
    #[test]
    fn top_level_keys_win_over_nested_ones() {
        assert_eq!(
            t(
                r#"{"jsonPayload":{"time":"2030-01-01T00:00:00Z"},"timestamp":"2026-11-24T20:55:36Z"}"#
            ),
            T
        );
        assert_eq!(
            t(r#"{"a":[{"b":{"time":1}},"}{\"time\":5"],"ts":1795553736,"c":{"time":1000000000}}"#),
            T
        );
        // Braces inside strings do not change the depth.
        assert_eq!(
            t(r#"{"msg":"{{{[","ts":1795553736,"x":{"time":1000000000}}"#),
            T
        );
        // Nested only: still found, by rank.
        assert_eq!(
            t(r#"{"x":{"ts":1000000000},"y":{"time":"2026-11-24T20:55:36Z"}}"#),
            T
        );
    }

    #[test]
    fn custom_field_names() {
        let k = keys(&["when", "t"]);
        let f = |line: &str| find(line.as_bytes(), &k, &mut Days::default());
        assert_eq!(
            f(r#"{"time":"2030-01-01T00:00:00Z","t":"2026-11-24T22:55:36+02:00"}"#),
            T
        );
        assert_eq!(f(r#"{"t":1,"when":1795553736}"#), T);
        assert_eq!(f(r#"{"time":"2026-11-24T20:55:36Z"}"#), None);
        let long = "x".repeat(100);
        let k = keys(&[&long]);
        assert_eq!(
            find(
                format!(r#"{{"{long}":1795553736}}"#).as_bytes(),
                &k,
                &mut Days::default()
            ),
            T
        );
        assert_eq!(
            find(
                format!(r#"{{"{long}y":1795553736}}"#).as_bytes(),
                &k,
                &mut Days::default()
            ),
            None
        );
    }

    /// The key at every position relative to the 16-byte blocks and the byte-loop tail, with the
    /// vector first-byte filter (the defaults) and without (more distinct first bytes, an empty name).
    #[test]
    fn key_at_every_offset() {
        let many = keys(&["a", "b", "c", "d", "e", "time"]);
        let empty = keys(&["", "time"]);
        for pad in 0..50 {
            let x = "x".repeat(pad);
            for line in [
                format!(r#"{{"p":"{x}","time":1795553736}}"#),
                format!(r#"{x}"time":1795553736"#),
            ] {
                assert_eq!(t(&line), T, "{line}");
                assert_eq!(
                    find(line.as_bytes(), &many, &mut Days::default()),
                    T,
                    "{line}"
                );
                assert_eq!(
                    find(line.as_bytes(), &empty, &mut Days::default()),
                    T,
                    "{line}"
                );
                let escaped = line.replace(r#""time""#, r#"\"time""#);
                assert_eq!(t(&escaped), None, "{escaped}");
                let not_escaped = line.replace(r#""time""#, r#"\\"time""#);
                assert_eq!(t(&not_escaped), T, "{not_escaped}");
            }
        }
        assert_eq!(find(br#"{"":1795553736}"#, &empty, &mut Days::default()), T);
    }

    #[test]
    fn names_inside_strings_are_not_keys() {
        assert_eq!(
            t(r#"{"msg":"the \"time\": 1795553736 is wrong","ts":"2026-11-24T20:55:36Z"}"#),
            T
        );
        assert_eq!(t(r#"{"msg":"say \"time\":1000000000","x":"time"}"#), None);
        assert_eq!(t(r#"{"msg":"a\\","time":"2026-11-24T20:55:36Z"}"#), T);
        assert_eq!(t(r#"{"msg":"a\\\"time\":1795553736"}"#), None);
        assert_eq!(t(r#"{"msg":"a\\\\","time":1795553736}"#), T);
        assert_eq!(t(r#"{"time" : "2026-11-24T20:55:36Z"}"#), T);
        assert_eq!(t(r#"{"time" "2026-11-24T20:55:36Z"}"#), None);
        assert_eq!(t(r#"{"a":"time","b":1795553736}"#), None);
    }

    #[test]
    fn broken_json_is_no_panic() {
        for line in [
            &b""[..],
            b"{",
            b"{\"",
            b"{\"time",
            b"{\"time\"",
            b"{\"time\":",
            b"{\"time\": ",
            b"{\"time\":\"",
            b"{\"time\":\"2026-11-24T20:55:36Z",
            b"{\"time\":\"\\",
            b"{\"a\\",
            b"{\"a\\\"",
        ] {
            assert_eq!(tb(line), None, "{line:?}");
        }
        assert_eq!(tb(b"{\"time\":1795553736"), T);
    }

    #[test]
    fn non_utf8_bytes_around() {
        assert_eq!(
            tb(b"{\"m\xff\":\"\xc3\x28\x80\",\"time\":\"2026-11-24T20:55:36Z\",\"\xfe\":\"\xff\"}"),
            T
        );
        assert_eq!(tb(b"{\"time\":\"2026-11-24T20:55:36\xff\"}"), None);
    }
}
