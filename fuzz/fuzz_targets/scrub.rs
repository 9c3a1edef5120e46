//! Scrubbing arbitrary bytes with fuzzer-chosen actions and prefix lengths.
//!
//! Input: byte 0 picks the IP action (mask, redact, keep) and the email action (redact, keep),
//! bytes 1 and 2 the IPv4 and IPv6 prefix lengths; the rest is the text.
//!
//! - One line out per line in: the output has as many newlines as the input, and the counters say
//!   so (`lines_in == lines_out`, `bytes_in`, `bytes_out`).
//! - Outside token runs longer than a piece (scanned piece by piece, see `scrub.rs`), the output is
//!   exactly the text with each span of [`find_spans`] replaced by [`Actions::write`].
//! - Idempotent: scrubbing the output again changes nothing, except the documented limit of an
//!   address glued to a span the first pass replaced (`a@b.com::1`: `::1` glued to a word is a
//!   name like `std::vector` until the email before it becomes `[email]`). A second-pass change
//!   anywhere else is an address the first pass left in clear.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logscrub::action::{ActionCache, Actions, EmailAction, IpAction, Prefix};
use logscrub::detect::{find_spans, Span};
use logscrub::framing::PIECE;
use logscrub::scrub::Scrubber;

fuzz_target!(|data: &[u8]| {
    let Some((&[mode, p4, p6], text)) = data.split_first_chunk::<3>() else {
        return;
    };
    let actions = Actions {
        ip: [IpAction::Mask, IpAction::Redact, IpAction::Keep][usize::from(mode % 3)],
        email: [EmailAction::Redact, EmailAction::Keep][usize::from(mode / 3 % 2)],
        ipv4_prefix: Prefix::new(p4 % 33).unwrap(),
        ipv6_prefix: Prefix::new(p6 % 129).unwrap(),
        ..Actions::default()
    };
    let scrubber = Scrubber::new(actions.clone());
    let (once, stats) = scrubber.scrub_to_vec(text);

    let newlines = count_newlines(text);
    assert_eq!(count_newlines(&once), newlines, "line count changed");
    let lines = newlines + u64::from(!text.is_empty() && !text.ends_with(b"\n"));
    assert_eq!((stats.lines_in, stats.lines_out), (lines, lines));
    assert_eq!(stats.bytes_in, text.len() as u64);
    assert_eq!(stats.bytes_out, once.len() as u64);

    if longest_token_run(text) > PIECE || longest_token_run(&once) > PIECE {
        return; // scanned piece by piece: may over-mask there, by design
    }
    let (reference, replaced) = compose(&actions, text);
    assert!(
        once == reference,
        "scrub differs from the spans replaced: {} -> {} vs {}",
        show(text),
        show(&once),
        show(&reference)
    );

    let (twice, _) = scrubber.scrub_to_vec(&once);
    if twice != once {
        let mut cache = ActionCache::default();
        for s in find_spans(&once) {
            let old = &once[s.start..s.end];
            let mut new = Vec::new();
            actions.write(&mut cache, 0, s.kind, old, &mut new);
            if new != old {
                let glued = replaced.iter().any(|r| s.start <= r.1 && r.0 <= s.end);
                assert!(
                    glued,
                    "not idempotent: {} -> {} -> {}: {:?} {} changes again",
                    show(text),
                    show(&once),
                    show(&twice),
                    s.kind,
                    show(old)
                );
            }
        }
    }
});

/// `text` with every span replaced, and where the changed replacements stand in the output.
fn compose(actions: &Actions, text: &[u8]) -> (Vec<u8>, Vec<(usize, usize)>) {
    let mut out = Vec::new();
    let mut replaced = Vec::new();
    let mut cache = ActionCache::default();
    let mut pos = 0;
    for Span { start, end, kind } in find_spans(text) {
        out.extend_from_slice(&text[pos..start]);
        let at = out.len();
        actions.write(&mut cache, 0, kind, &text[start..end], &mut out);
        if out[at..] != text[start..end] {
            replaced.push((at, out.len()));
        }
        pos = end;
    }
    out.extend_from_slice(&text[pos..]);
    (out, replaced)
}

fn count_newlines(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| c == b'\n').count() as u64
}

/// Bytes that an address or email can be made of or glued to (the framer's token bytes).
fn in_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b".:%@[]!#$*+^_~-`{|}".contains(&b)
}

fn longest_token_run(b: &[u8]) -> usize {
    b.split(|&c| !in_token(c))
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}

fn show(b: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(b))
}
