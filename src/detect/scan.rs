//! The fast pass: mark the few bytes of a text worth a closer look.
//!
//! Most bytes of an access log cannot start personal data. One pass over the text classifies each
//! 64-byte block into bit masks (SSE2 on x86_64, a portable loop elsewhere), and cheap bit arithmetic
//! keeps only:
//! - a dot between digits that starts a chain of three such dots spaced 2–4 bytes apart — the first
//!   dot of every dotted quad (`Chrome/120.0.6099.109` has no such chain);
//! - a colon between hex digits that starts a chain of six such colons spaced 2–5 bytes apart (every
//!   uncompressed IPv6 address has one), and every `::`;
//! - every `@`, and every `%4` and `%2` (a `%40` or a doubly encoded `%2540`, checked by the caller).
//!
//! The exact detectors then run only at those positions.

/// Bit masks of one 64-byte block, bit `i` for byte `i`.
#[derive(Clone, Copy, Default)]
struct Classes {
    dot: u64,
    colon: u64,
    at: u64,
    pct4: u64, // '%' followed by '4' or '2' (a `%40`, or a doubly encoded `%2540`)
    digit: u64,
    hex: u64,
}

const QUAD: u32 = 4; // bytes between two dots of a quad: 2..=4
const GROUP: u32 = 5; // bytes between two colons of an IPv6 address: 2..=5

/// Fills `marks` with one word per 64-byte block of `text`: bit `i` of word `k` is set when byte
/// `64k + i` is a candidate.
pub(crate) fn mark(text: &[u8], marks: &mut Vec<u64>) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("popcnt")
            && std::is_x86_feature_detected!("bmi1")
        {
            // SAFETY: the CPU has these features, checked just above.
            return unsafe { mark_avx2(text, marks) };
        }
        // SSE2 is part of the x86_64 baseline.
        // SAFETY: as above.
        mark_with(text, marks, |b| unsafe { classify_sse2(b) })
    }
    #[cfg(not(target_arch = "x86_64"))]
    mark_with(text, marks, classify_scalar)
}

/// [`mark`] compiled for AVX2 as a whole, so the classifier inlines into the loop and the bit
/// counts are single instructions: the CPU features are checked once per text, not per block.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt,bmi1")]
unsafe fn mark_avx2(text: &[u8], marks: &mut Vec<u64>) {
    // SAFETY: this function runs only where AVX2 is available.
    mark_with(text, marks, |b| unsafe { classify_avx2(b) })
}

#[inline(always)]
fn mark_with(text: &[u8], marks: &mut Vec<u64>, classify: impl Fn(&[u8; 64]) -> Classes) {
    let classify_block = |block| classify_block(text, block, &classify);
    let blocks = text.len().div_ceil(64);
    marks.clear();
    marks.reserve(blocks);
    let mut cur = classify_block(0);
    let mut next = classify_block(1);
    // Block 0 has nothing before it.
    let mut a_cur = stage_a(&Classes::default(), &cur, &next);
    for k in 0..blocks {
        let next2 = classify_block(k + 2);
        let a_next = stage_a(&cur, &next, &next2);
        let (d0, g0, e0) = a_cur;
        let (d1, g1, _) = a_next;
        // A quad needs three marked dots, an uncompressed IPv6 six marked colons.
        let quads = if d0 == 0 {
            0
        } else {
            chain_starts(d0, d1, 2, QUAD, 2)
        };
        let v6 = if g0 == 0 || g0.count_ones() + g1.count_ones() < 6 {
            0
        } else {
            chain_starts(g0, g1, 2, GROUP, 5)
        };
        marks.push(quads | v6 | e0);
        cur = next;
        next = next2;
        a_cur = a_next;
    }
}

/// Dots between digits, colons between hex digits, and the always-interesting bytes, of `cur`.
#[inline(always)]
fn stage_a(prev: &Classes, cur: &Classes, next: &Classes) -> (u64, u64, u64) {
    let before = |m: u64, p: u64| (m << 1) | (p >> 63);
    let after = |m: u64, n: u64| (m >> 1) | (n << 63);
    let digit_around = before(cur.digit, prev.digit) & after(cur.digit, next.digit);
    let hex_around = before(cur.hex, prev.hex) & after(cur.hex, next.hex);
    let dots = cur.dot & digit_around;
    let colons = cur.colon & hex_around;
    let double_colons = cur.colon & after(cur.colon, next.colon);
    (dots, colons, double_colons | cur.at | cur.pct4)
}

/// Bits of `m0` that start a chain of `links` further bits, each `min..=max` bytes after the one
/// before. `m1` is the next block's mask (chains may cross one block boundary).
#[inline(always)]
fn chain_starts(m0: u64, m1: u64, min: u32, max: u32, links: u32) -> u64 {
    let m = u128::from(m0) | (u128::from(m1) << 64);
    let mut reach = m; // bits that start a chain of k links so far
    for _ in 0..links {
        let mut near = 0u128;
        for s in min..=max {
            near |= reach >> s;
        }
        reach = m & near;
    }
    reach as u64
}

/// Classes of the 64-byte block number `block` of `text` (zeros beyond its end).
#[inline(always)]
fn classify_block(text: &[u8], block: usize, classify: impl Fn(&[u8; 64]) -> Classes) -> Classes {
    let start = block * 64;
    if start + 64 <= text.len() {
        classify(text[start..start + 64].try_into().expect("64 bytes"))
    } else if start < text.len() {
        let mut buf = [0u8; 64];
        buf[..text.len() - start].copy_from_slice(&text[start..]);
        classify(&buf)
    } else {
        Classes::default()
    }
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn classify_scalar(block: &[u8; 64]) -> Classes {
    let mut c = Classes::default();
    for (i, &b) in block.iter().enumerate() {
        let bit = 1u64 << i;
        let next = block.get(i + 1).copied().unwrap_or(0);
        if b == b'.' {
            c.dot |= bit;
        }
        if b == b':' {
            c.colon |= bit;
        }
        if b == b'@' {
            c.at |= bit;
        }
        // A '%' ending the block is followed by the next block: accept it, the caller checks.
        if b == b'%' && (i == 63 || next == b'4' || next == b'2') {
            c.pct4 |= bit;
        }
        if b.is_ascii_digit() {
            c.digit |= bit;
        }
        if b.is_ascii_hexdigit() {
            c.hex |= bit;
        }
    }
    c
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
unsafe fn classify_sse2(block: &[u8; 64]) -> Classes {
    use std::arch::x86_64::*;
    let splat = |b: u8| _mm_set1_epi8(b as i8);
    let (dot, colon, at, pct, four) = (
        splat(b'.'),
        splat(b':'),
        splat(b'@'),
        splat(b'%'),
        splat(b'4'),
    );
    let two = splat(b'2');
    let (d_lo, d_hi) = (splat(b'0' - 1), splat(b'9' + 1));
    let (a_lo, a_hi) = (splat(b'a' - 1), splat(b'f' + 1));
    let lower = splat(0x20);
    let mut c = Classes::default();
    let mut fours = 0u64;
    let mut pcts = 0u64;
    for k in 0..4 {
        // SAFETY: k * 16 + 16 <= 64, and loadu has no alignment requirement.
        let v = _mm_loadu_si128(block.as_ptr().add(k * 16).cast());
        let mask = |m: __m128i| u64::from(_mm_movemask_epi8(m) as u16) << (k * 16);
        // Signed compares are right for ASCII ranges: bytes >= 0x80 are negative and fall outside.
        let digit = _mm_and_si128(_mm_cmpgt_epi8(v, d_lo), _mm_cmplt_epi8(v, d_hi));
        let vl = _mm_or_si128(v, lower);
        let alpha = _mm_and_si128(_mm_cmpgt_epi8(vl, a_lo), _mm_cmplt_epi8(vl, a_hi));
        c.dot |= mask(_mm_cmpeq_epi8(v, dot));
        c.colon |= mask(_mm_cmpeq_epi8(v, colon));
        c.at |= mask(_mm_cmpeq_epi8(v, at));
        pcts |= mask(_mm_cmpeq_epi8(v, pct));
        fours |= mask(_mm_or_si128(
            _mm_cmpeq_epi8(v, four),
            _mm_cmpeq_epi8(v, two),
        ));
        c.digit |= mask(digit);
        c.hex |= mask(_mm_or_si128(digit, alpha));
    }
    // A '%' in the block's last byte is followed by the next block: accept it, the caller checks.
    c.pct4 = pcts & ((fours >> 1) | (1 << 63));
    c
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn classify_avx2(block: &[u8; 64]) -> Classes {
    use std::arch::x86_64::*;
    let splat = |b: u8| _mm256_set1_epi8(b as i8);
    let (dot, colon, at, pct, four) = (
        splat(b'.'),
        splat(b':'),
        splat(b'@'),
        splat(b'%'),
        splat(b'4'),
    );
    let two = splat(b'2');
    let (d_lo, d_hi) = (splat(b'0' - 1), splat(b'9' + 1));
    let (a_lo, a_hi) = (splat(b'a' - 1), splat(b'f' + 1));
    let lower = splat(0x20);
    let mut c = Classes::default();
    let mut fours = 0u64;
    let mut pcts = 0u64;
    for k in 0..2 {
        // SAFETY: k * 32 + 32 <= 64, and loadu has no alignment requirement.
        let v = _mm256_loadu_si256(block.as_ptr().add(k * 32).cast());
        let mask = |m: __m256i| u64::from(_mm256_movemask_epi8(m) as u32) << (k * 32);
        // Signed compares are right for ASCII ranges: bytes >= 0x80 are negative and fall outside.
        let digit = _mm256_and_si256(_mm256_cmpgt_epi8(v, d_lo), _mm256_cmpgt_epi8(d_hi, v));
        let vl = _mm256_or_si256(v, lower);
        let alpha = _mm256_and_si256(_mm256_cmpgt_epi8(vl, a_lo), _mm256_cmpgt_epi8(a_hi, vl));
        c.dot |= mask(_mm256_cmpeq_epi8(v, dot));
        c.colon |= mask(_mm256_cmpeq_epi8(v, colon));
        c.at |= mask(_mm256_cmpeq_epi8(v, at));
        pcts |= mask(_mm256_cmpeq_epi8(v, pct));
        fours |= mask(_mm256_or_si256(
            _mm256_cmpeq_epi8(v, four),
            _mm256_cmpeq_epi8(v, two),
        ));
        c.digit |= mask(digit);
        c.hex |= mask(_mm256_or_si256(digit, alpha));
    }
    c.pct4 = pcts & ((fours >> 1) | (1 << 63));
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simd_and_scalar_classes_agree() {
        let mut block = [0u8; 64];
        for seed in 0u32..2000 {
            for (i, b) in block.iter_mut().enumerate() {
                let x = seed
                    .wrapping_mul(2_654_435_761)
                    .wrapping_add(i as u32 * 40_503);
                *b = b"0123456789abcdefABCDEFgG.:@%4\xff\x80 /"[(x >> 7) as usize % 31];
            }
            let s = classify_scalar(&block);
            #[cfg(target_arch = "x86_64")]
            {
                let mut fast = vec![unsafe { classify_sse2(&block) }];
                if std::is_x86_feature_detected!("avx2") {
                    fast.push(unsafe { classify_avx2(&block) });
                }
                for f in fast {
                    assert_eq!(
                        (s.dot, s.colon, s.at, s.digit, s.hex),
                        (f.dot, f.colon, f.at, f.digit, f.hex)
                    );
                    assert_eq!(s.pct4, f.pct4);
                }
            }
        }
    }

    #[test]
    fn every_marking_path_agrees() {
        // Texts of address-like bytes, some shorter than a block, most with a partial last block.
        let alphabet = b"0123456789abcdefABCDEF.:@%42 /\xff\n";
        for seed in 0u32..300 {
            let len = (seed as usize * 37) % 700;
            let text: Vec<u8> = (0..len)
                .map(|i| {
                    let x = seed.wrapping_mul(2_654_435_761) ^ (i as u32).wrapping_mul(40_503);
                    alphabet[(x >> 5) as usize % alphabet.len()]
                })
                .collect();
            let mut scalar = vec![];
            mark_with(&text, &mut scalar, classify_scalar);
            let mut chosen = vec![];
            mark(&text, &mut chosen);
            assert_eq!(scalar, chosen, "seed {seed}");
            #[cfg(target_arch = "x86_64")]
            {
                let mut sse2 = vec![];
                mark_with(&text, &mut sse2, |b| unsafe { classify_sse2(b) });
                assert_eq!(scalar, sse2, "seed {seed}");
            }
        }
    }

    fn marked(text: &str) -> Vec<usize> {
        let mut marks = vec![];
        mark(text.as_bytes(), &mut marks);
        let mut out = vec![];
        for (k, &w) in marks.iter().enumerate() {
            for i in 0..64 {
                if w & (1 << i) != 0 {
                    out.push(k * 64 + i);
                }
            }
        }
        out
    }

    #[test]
    fn marks_first_dot_of_quads_only() {
        assert_eq!(marked("x 1.2.3.4 y"), [3]);
        assert_eq!(
            marked("Chrome/120.0.6099.109 2026.11.25"),
            Vec::<usize>::new()
        );
        // across a block boundary
        let text = format!("{}10.20.30.40", " ".repeat(60));
        assert_eq!(marked(&text), [62]);
    }

    #[test]
    fn marks_colon_chains_and_double_colons() {
        assert_eq!(marked("1:2:3:4:5:6:7:8"), [1, 3]);
        assert_eq!(marked("13:55:36 ab:ab:ab:ab:ab:ab"), Vec::<usize>::new());
        assert_eq!(marked("a::b"), [1]);
        // `%2` is marked for a doubly encoded `%2540`; the caller rejects `%20`.
        assert_eq!(marked("x@y %40 %20 %3A"), [1, 4, 8]);
    }
}
