//! `logscrub check`: a leak audit of scrubbed output.
//!
//! The input goes through the scrubber's own framing and span finding ([`SpanFinder`]: long token
//! runs searched piece by piece, with the bytes across each chunk cut), so the audit looks at
//! exactly what the scrubber would replace, whatever the chunk size. A finding is every
//! email, and every IP
//! address whose host bits beyond the configured prefixes are not zero (what `--ip mask` leaves is
//! zero there, so masked output passes; hashed and redacted output holds no address at all). A
//! span that does not parse as an address is a finding too: the audit errs towards reporting.

use std::io::Read;

use crate::action::Actions;
use crate::detect::runs::SpanFinder;
use crate::detect::{ipv4, ipv6, Kind};
use crate::error::{Error, Result};
use crate::framing::Framer;
use crate::input::{self, InputSpec};

/// One piece of personal data found by the audit.
#[derive(Debug, PartialEq, Eq)]
pub struct Finding<'a> {
    /// 1-based line number in the input.
    pub line: u64,
    /// What the span holds.
    pub kind: Kind,
    /// The span's bytes as they stand in the input (the whole span, also when it crosses a chunk's
    /// end).
    pub text: &'a [u8],
}

/// The name of a kind in findings and reports.
pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Ipv4 => "ipv4",
        Kind::Ipv6 => "ipv6",
        Kind::Email => "email",
    }
}

/// Whether `text`, a span of `kind`, would leak: an email, or an address with host bits set
/// beyond the prefixes of `actions`.
pub fn leaks(actions: &Actions, kind: Kind, text: &[u8]) -> bool {
    match kind {
        Kind::Email => true,
        Kind::Ipv4 => !matches!(ipv4::parse_encoded(text), Some((a, _)) if actions.mask_v4(a) == a),
        Kind::Ipv6 => !matches!(ipv6::parse(text), Some(a) if actions.mask_v6(a) == a),
    }
}

/// Audits one input, calling `found` for each finding in order; returns how many there were.
/// `found` may stop the audit by returning an error (a closed stdout, say).
pub fn check_input(
    spec: &InputSpec,
    actions: &Actions,
    mut found: impl FnMut(&Finding) -> Result<()>,
) -> Result<u64> {
    let name = spec.display();
    let opened = input::open(spec)?;
    let gzip = opened.gzip;
    let consumed = std::sync::Arc::clone(&opened.consumed);
    let mut framer = Framer::new(opened.reader, 1 << 20);
    check_frames(&mut framer, actions, &mut found).map_err(|e| match e {
        Failure::Read(source) => Error::Read {
            path: name.clone(),
            offset: framer.offset(),
            compressed: gzip.then(|| consumed.load(std::sync::atomic::Ordering::Relaxed)),
            source,
        },
        Failure::Stop(e) => e,
    })
}

enum Failure {
    Read(std::io::Error),
    Stop(Error),
}

fn check_frames<R: Read>(
    framer: &mut Framer<R>,
    actions: &Actions,
    found: &mut impl FnMut(&Finding) -> Result<()>,
) -> std::result::Result<u64, Failure> {
    let mut finder = SpanFinder::default();
    let mut buf = Vec::new();
    let mut line_no: u64 = 1;
    let mut count = 0;
    while let Some(info) = framer.next_chunk(&mut buf).map_err(Failure::Read)? {
        let runs = info.continues.as_deref().map(|j| &j.runs);
        finder.find(&buf, runs.unwrap_or(&Default::default()));
        let (spans, spill) = (finder.spans(), finder.spill());
        let mut counted = 0; // newlines are counted up to here
        for span in spans {
            line_no += memchr::memchr_iter(b'\n', &buf[counted..span.start]).count() as u64;
            counted = span.start;
            // A span that crosses the chunk's end is judged whole.
            let text = if span.end <= buf.len() {
                &buf[span.start..span.end]
            } else {
                spill
            };
            if leaks(actions, span.kind, text) {
                count += 1;
                found(&Finding {
                    line: line_no,
                    kind: span.kind,
                    text,
                })
                .map_err(Failure::Stop)?;
            }
        }
        line_no += memchr::memchr_iter(b'\n', &buf[counted..]).count() as u64;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Prefix;
    use crate::detect::runs::{PIECE, REACH};
    use crate::scrub::Scratch;

    fn audit(text: &[u8], actions: &Actions) -> Vec<(u64, Kind, String)> {
        audit_sized(text, actions, 64)
    }

    fn audit_sized(text: &[u8], actions: &Actions, size: usize) -> Vec<(u64, Kind, String)> {
        let mut framer = Framer::new(text, size);
        let mut out = Vec::new();
        let n = check_frames(&mut framer, actions, &mut |f: &Finding| {
            out.push((f.line, f.kind, String::from_utf8_lossy(f.text).into_owned()));
            Ok(())
        })
        .unwrap_or_else(|_| panic!("audit failed"));
        assert_eq!(n as usize, out.len());
        out
    }

    #[test]
    fn masked_addresses_pass_and_raw_ones_are_found_with_their_line() {
        let a = Actions::default();
        let text = b"203.0.113.0 - - ok\n2001:db8:85a3:: x ::ffff:192.0.2.0\n\
                     203.0.113.7 - bob@example.com\n[2001:db8::1]:443 ::ffff:192.0.2.9\n[ipv4] email-0123456789abcdef\n";
        assert_eq!(
            audit(text, &a),
            [
                (3, Kind::Ipv4, "203.0.113.7".into()),
                (3, Kind::Email, "bob@example.com".into()),
                (4, Kind::Ipv6, "2001:db8::1".into()),
                (4, Kind::Ipv6, "::ffff:192.0.2.9".into()),
            ]
        );
    }

    #[test]
    fn prefixes_decide_what_counts_as_host_bits() {
        let wide = Actions {
            ipv4_prefix: Prefix::new(32).unwrap(),
            ipv6_prefix: Prefix::new(128).unwrap(),
            ..Actions::default()
        };
        assert!(audit(b"203.0.113.7 2001:db8::1\n", &wide).is_empty());
        let narrow = Actions {
            ipv4_prefix: Prefix::new(16).unwrap(),
            ..Actions::default()
        };
        assert_eq!(audit(b"203.0.113.0\n", &narrow).len(), 1);
        assert!(audit(b"203.0.0.0\n", &narrow).is_empty());
    }

    /// How many spans the scrubber replaces in `text` framed in chunks of `size`.
    fn replaced(text: &[u8], size: usize) -> u64 {
        let redact = Actions {
            ip: crate::action::IpAction::Redact,
            ..Actions::default()
        };
        let scrubber = crate::scrub::Scrubber::new(redact);
        let mut framer = Framer::new(text, size);
        let (mut buf, mut out) = (Vec::new(), Vec::new());
        let (mut scratch, mut stats) = (Scratch::default(), crate::stats::Stats::default());
        while let Some(info) = framer.next_chunk(&mut buf).unwrap() {
            let joins = info.continues.as_deref();
            scrubber.scrub_chunk(&buf, joins, &mut out, &mut scratch, &mut stats);
        }
        stats.ipv4 + stats.ipv6 + stats.email
    }

    /// Leak found by an audit: `check` ignored the bytes the framer passes across a cut inside a
    /// long token run and searched each chunk whole rather than in the scrubber's pieces, so an
    /// address straddling the cut was not found (`check --count` printed 0 for a line the
    /// scrubber masked an address in).
    #[test]
    fn an_address_across_a_cut_in_a_long_token_run_is_found_at_every_offset() {
        let addr = b"203.0.113.77";
        for size in [PIECE + REACH, PIECE + REACH + 4096, 2 * PIECE + 5000] {
            // A line of `-` (bytes a token may hold, so no free cut): where are its cuts?
            let plain = [&b"-".repeat(8 * PIECE)[..], b"\n"].concat();
            let mut framer = Framer::new(&plain[..], size);
            let (mut buf, mut cuts, mut at) = (Vec::new(), Vec::new(), 0);
            while framer.next_chunk(&mut buf).unwrap().is_some() {
                at += buf.len();
                cuts.push(at);
            }
            assert!(cuts.len() > 2, "{size}: {cuts:?}");
            for &cut in &cuts[..2] {
                for start in cut - addr.len() - 3..=cut + 3 {
                    let mut text = plain.clone();
                    text[start..start + addr.len()].copy_from_slice(addr);
                    let found = audit_sized(&text, &Actions::default(), size);
                    assert_eq!(
                        found,
                        [(1, Kind::Ipv4, "203.0.113.77".into())],
                        "chunks of {size}, address at {start}, cut at {cut}"
                    );
                    assert_eq!(replaced(&text, size), 1, "{size} {start}");
                }
            }
        }
    }

    /// Whatever the chunking, the audit of raw text finds exactly what the scrubber replaces.
    #[test]
    fn the_audit_finds_what_the_scrubber_replaces_whatever_the_chunk_size() {
        // One long token run (`]` may stand in a token but in no address or local part).
        let mut text = Vec::new();
        for i in 0..400u32 {
            let unit = match i % 4 {
                0 => format!(
                    "a.b.c.{}.{}.{}.{}]",
                    i % 256,
                    i * 7 % 256,
                    i * 13 % 256,
                    i % 250 + 1
                ),
                1 => format!("x{i}@example.org]"),
                2 => format!("2001:db8:{i:x}::{:x}]", i + 1),
                _ => "]]]".to_string(),
            };
            text.extend_from_slice(unit.as_bytes());
        }
        text.push(b'\n');
        let whole = audit_sized(&text, &Actions::default(), 1 << 20).len();
        assert_eq!(whole, 300);
        for size in [PIECE + REACH, 1500, 2048, 3001, 4096, 7777] {
            assert_eq!(
                audit_sized(&text, &Actions::default(), size).len(),
                whole,
                "{size}"
            );
            assert_eq!(replaced(&text, size), whole as u64, "{size}");
        }
    }

    #[test]
    fn line_numbers_hold_across_chunks_and_without_a_final_newline() {
        let mut text = b"x\n".repeat(100);
        text.extend_from_slice(b"last 198.51.100.23");
        assert_eq!(
            audit(&text, &Actions::default()),
            [(101, Kind::Ipv4, "198.51.100.23".into())]
        );
    }
}
