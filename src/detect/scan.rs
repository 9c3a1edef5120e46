//! The fast pass: mark the few bytes of a text worth a closer look.
//!
//! Most bytes of an access log cannot start personal data. One pass over the text reduces each
//! 64-byte block to three bit masks (AVX2 or SSE2 on x86_64, a portable loop elsewhere), each
//! byte judged with its two neighbours, and cheap bit arithmetic then keeps only:
//! - a dot between digits that starts a chain of three such dots spaced 2–4 bytes apart — the first
//!   dot of every dotted quad (`Chrome/120.0.6099.109` has no such chain);
//! - a colon between hex digits that starts a chain of six such colons spaced 2–5 bytes apart (every
//!   uncompressed IPv6 address has one), and every `::`;
//! - every `@`, and every `%4` and `%2` (a `%40` or a doubly encoded `%2540`, checked by the caller).
//!
//! The exact detectors then run only at those positions.

/// The masks of one 64-byte block, bit `i` for byte `i`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Block {
    /// Dots between two digits.
    dots: u64,
    /// Colons between two hex digits.
    colons: u64,
    /// Candidates whatever surrounds them: the first colon of `::`, `@`, and `%` before a `4` or a
    /// `2`.
    always: u64,
}

/// The bytes a block's masks depend on: the byte before it, its 64 bytes and the byte after it
/// (zeros before the text and beyond its end).
type Window = [u8; 66];

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
        // SAFETY: SSE2 is part of the x86_64 baseline.
        mark_with(text, marks, |w| unsafe { block_sse2(w) })
    }
    #[cfg(not(target_arch = "x86_64"))]
    mark_with(text, marks, block_scalar)
}

/// [`mark`] compiled for AVX2 as a whole, so the block function inlines into the loop and the bit
/// counts are single instructions: the CPU features are checked once per text, not per block.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt,bmi1")]
unsafe fn mark_avx2(text: &[u8], marks: &mut Vec<u64>) {
    // SAFETY: this function runs only where AVX2 is available.
    mark_with(text, marks, |w| unsafe { block_avx2(w) })
}

#[inline(always)]
fn mark_with(text: &[u8], marks: &mut Vec<u64>, block: impl Fn(&Window) -> Block) {
    let blocks = text.len().div_ceil(64);
    marks.clear();
    marks.reserve(blocks);
    let mut cur = block_at(text, 0, &block);
    for k in 0..blocks {
        // Chains may reach into the next block.
        let next = block_at(text, k + 1, &block);
        // A quad needs three marked dots, an uncompressed IPv6 six marked colons.
        let quads = if cur.dots == 0 {
            0
        } else {
            chain_starts(cur.dots, next.dots, 2, QUAD, 2)
        };
        let v6 = if cur.colons == 0 || cur.colons.count_ones() + next.colons.count_ones() < 6 {
            0
        } else {
            chain_starts(cur.colons, next.colons, 2, GROUP, 5)
        };
        marks.push(quads | v6 | cur.always);
        cur = next;
    }
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

/// The masks of block number `k` of `text` (zeros beyond its end). Inner blocks are read in place;
/// the first and the last are copied into a window padded with zeros.
#[inline(always)]
fn block_at(text: &[u8], k: usize, block: impl Fn(&Window) -> Block) -> Block {
    let start = k * 64;
    if start >= 1 && start + 65 <= text.len() {
        block(text[start - 1..start + 65].try_into().expect("66 bytes"))
    } else if start < text.len() {
        let mut window = [0u8; 66];
        let from = start.saturating_sub(1);
        let to = text.len().min(start + 65);
        let at = 1 - (start - from); // where `from` lands in the window
        window[at..at + (to - from)].copy_from_slice(&text[from..to]);
        block(&window)
    } else {
        Block::default()
    }
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn block_scalar(w: &Window) -> Block {
    let mut out = Block::default();
    for i in 0..64 {
        let (prev, b, next) = (w[i], w[i + 1], w[i + 2]);
        let bit = 1u64 << i;
        if b == b'.' && prev.is_ascii_digit() && next.is_ascii_digit() {
            out.dots |= bit;
        }
        if b == b':' && prev.is_ascii_hexdigit() && next.is_ascii_hexdigit() {
            out.colons |= bit;
        }
        if (b == b':' && next == b':') || b == b'@' || (b == b'%' && matches!(next, b'4' | b'2')) {
            out.always |= bit;
        }
    }
    out
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
unsafe fn block_sse2(w: &Window) -> Block {
    use std::arch::x86_64::*;
    let splat = |b: u8| _mm_set1_epi8(b as i8);
    let eq = |v: __m128i, b: u8| _mm_cmpeq_epi8(v, splat(b));
    // `v - lo <= span` as unsigned bytes: an ASCII range, bytes >= 0x80 outside it.
    let within = |v: __m128i, lo: u8, span: u8| {
        let t = _mm_sub_epi8(v, splat(lo));
        _mm_cmpeq_epi8(_mm_min_epu8(t, splat(span)), t)
    };
    let digit = |v: __m128i| within(v, b'0', 9);
    let hex = |v: __m128i| _mm_or_si128(digit(v), within(_mm_or_si128(v, splat(0x20)), b'a', 5));
    let mut out = Block::default();
    for k in 0..4 {
        // SAFETY: the window has a byte before and after the block, and loadu has no alignment
        // requirement.
        let p = w.as_ptr().add(1 + k * 16);
        let prev = _mm_loadu_si128(p.sub(1).cast());
        let v = _mm_loadu_si128(p.cast());
        let next = _mm_loadu_si128(p.add(1).cast());
        let mask = |m: __m128i| u64::from(_mm_movemask_epi8(m) as u16) << (k * 16);
        let colon = eq(v, b':');
        let dots = _mm_and_si128(eq(v, b'.'), _mm_and_si128(digit(prev), digit(next)));
        let colons = _mm_and_si128(colon, _mm_and_si128(hex(prev), hex(next)));
        let pct = _mm_and_si128(eq(v, b'%'), _mm_or_si128(eq(next, b'4'), eq(next, b'2')));
        let always = _mm_or_si128(
            _mm_or_si128(_mm_and_si128(colon, eq(next, b':')), eq(v, b'@')),
            pct,
        );
        out.dots |= mask(dots);
        out.colons |= mask(colons);
        out.always |= mask(always);
    }
    out
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn block_avx2(w: &Window) -> Block {
    use std::arch::x86_64::*;
    let splat = |b: u8| _mm256_set1_epi8(b as i8);
    let eq = |v: __m256i, b: u8| _mm256_cmpeq_epi8(v, splat(b));
    // `v - lo <= span` as unsigned bytes: an ASCII range, bytes >= 0x80 outside it.
    let within = |v: __m256i, lo: u8, span: u8| {
        let t = _mm256_sub_epi8(v, splat(lo));
        _mm256_cmpeq_epi8(_mm256_min_epu8(t, splat(span)), t)
    };
    let digit = |v: __m256i| within(v, b'0', 9);
    let hex =
        |v: __m256i| _mm256_or_si256(digit(v), within(_mm256_or_si256(v, splat(0x20)), b'a', 5));
    let mut out = Block::default();
    for k in 0..2 {
        // SAFETY: the window has a byte before and after the block, and loadu has no alignment
        // requirement.
        let p = w.as_ptr().add(1 + k * 32);
        let prev = _mm256_loadu_si256(p.sub(1).cast());
        let v = _mm256_loadu_si256(p.cast());
        let next = _mm256_loadu_si256(p.add(1).cast());
        let mask = |m: __m256i| u64::from(_mm256_movemask_epi8(m) as u32) << (k * 32);
        let colon = eq(v, b':');
        let dots = _mm256_and_si256(eq(v, b'.'), _mm256_and_si256(digit(prev), digit(next)));
        let colons = _mm256_and_si256(colon, _mm256_and_si256(hex(prev), hex(next)));
        let pct = _mm256_and_si256(eq(v, b'%'), _mm256_or_si256(eq(next, b'4'), eq(next, b'2')));
        let always = _mm256_or_si256(
            _mm256_or_si256(_mm256_and_si256(colon, eq(next, b':')), eq(v, b'@')),
            pct,
        );
        out.dots |= mask(dots);
        out.colons |= mask(colons);
        out.always |= mask(always);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simd_and_scalar_blocks_agree() {
        let alphabet = b"0123456789abcdefABCDEFgG.:@%42\xff\x80\xc1 /`";
        let mut window = [0u8; 66];
        for seed in 0u32..4000 {
            for (i, b) in window.iter_mut().enumerate() {
                let x = seed
                    .wrapping_mul(2_654_435_761)
                    .wrapping_add(i as u32 * 40_503);
                *b = alphabet[(x >> 7) as usize % alphabet.len()];
            }
            let s = block_scalar(&window);
            #[cfg(target_arch = "x86_64")]
            {
                assert_eq!(s, unsafe { block_sse2(&window) }, "seed {seed}");
                if std::is_x86_feature_detected!("avx2") {
                    assert_eq!(s, unsafe { block_avx2(&window) }, "seed {seed}");
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
            mark_with(&text, &mut scalar, block_scalar);
            let mut chosen = vec![];
            mark(&text, &mut chosen);
            assert_eq!(scalar, chosen, "seed {seed}");
            #[cfg(target_arch = "x86_64")]
            {
                let mut sse2 = vec![];
                mark_with(&text, &mut sse2, |w| unsafe { block_sse2(w) });
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
