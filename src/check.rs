//! `logscrub check`: a leak audit of scrubbed output.
//!
//! Every line is searched with the scrubber's own detectors. A finding is every email, and every IP
//! address whose host bits beyond the configured prefixes are not zero (what `--ip mask` leaves is
//! zero there, so masked output passes; hashed and redacted output holds no address at all). A
//! span that does not parse as an address is a finding too: the audit errs towards reporting.

use std::io::Read;

use crate::action::Actions;
use crate::detect::{ipv4, ipv6, Detector, Kind, Span};
use crate::error::{Error, Result};
use crate::framing::Framer;
use crate::input::{self, InputSpec};

/// One piece of personal data found by the audit.
#[derive(Debug, PartialEq, Eq)]
pub struct Finding<'a> {
    /// 1-based line number in the input.
    pub line: u64,
    pub kind: Kind,
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
        Kind::Ipv4 => !matches!(ipv4::parse(text), Some(a) if actions.mask_v4(a) == a),
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
    let mut detector = Detector::new();
    let mut spans: Vec<Span> = Vec::new();
    let mut buf = Vec::new();
    let mut line_no: u64 = 1;
    let mut count = 0;
    while framer
        .next_chunk(&mut buf)
        .map_err(Failure::Read)?
        .is_some()
    {
        for line in buf.split_inclusive(|&b| b == b'\n') {
            detector.find(line, &mut spans);
            for span in &spans {
                let text = &line[span.start..span.end];
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
            if line.ends_with(b"\n") {
                line_no += 1;
            }
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Prefix;

    fn audit(text: &[u8], actions: &Actions) -> Vec<(u64, Kind, String)> {
        let mut framer = Framer::new(text, 64);
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
