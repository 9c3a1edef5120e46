//! Hot-path counters: one [`Stats`] per chunk, merged with `+=` (in input order) into per-file and
//! total figures.

use std::ops::AddAssign;

use crate::detect::Kind;
use crate::retention::Fate;

/// What a chunk, a file or a whole run did. Always `lines_in = lines_out + too_old +
/// dropped_undated + forgotten + failed`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Bytes of text scrubbed (after decompression), dropped lines included.
    pub bytes_in: u64,
    /// Bytes of scrubbed text written (before compression).
    pub bytes_out: u64,
    /// Lines read. A last line without a newline counts once the stream ends
    /// ([`Stats::count_tail`]).
    pub lines_in: u64,
    /// Lines written.
    pub lines_out: u64,
    /// Lines dropped because they are older than the retention window.
    pub too_old: u64,
    /// Lines dropped because they have no readable time (`--undated drop`).
    pub dropped_undated: u64,
    /// Lines read from a file that then failed, so that its output file was never written.
    pub failed: u64,
    /// Lines dropped because they hold an entry of the forget list (`--forget`).
    pub forgotten: u64,
    /// Lines without a readable time while a window is set, kept or dropped.
    pub undated: u64,
    /// The line number of the first of them. Within a chunk it counts from the chunk's first line;
    /// merging in input order (`+=`) makes it count from the start of the stream.
    pub first_undated: Option<u64>,
    /// IPv4 spans in written lines, each written through the IP action (also under
    /// `--ip keep`, which leaves them as found).
    pub ipv4: u64,
    /// IPv6 spans in written lines, counted as [`Stats::ipv4`] is.
    pub ipv6: u64,
    /// Email spans in written lines, counted as [`Stats::ipv4`] is.
    pub email: u64,
    /// Zero bytes of padding after a gzip input's last member, ignored as `gzip -d` ignores them.
    pub gzip_padding: u64,
}

impl Stats {
    /// Counts one whole line, the `line`-th of its chunk (1-based), with its fate.
    pub fn count_line(&mut self, fate: Fate, line: u64) {
        self.lines_in += 1;
        match fate {
            Fate::Keep | Fate::KeepUndated => self.lines_out += 1,
            Fate::DropTooOld => self.too_old += 1,
            Fate::DropUndated => self.dropped_undated += 1,
            Fate::DropForgotten => self.forgotten += 1,
        }
        if matches!(fate, Fate::KeepUndated | Fate::DropUndated) {
            self.undated += 1;
            self.first_undated.get_or_insert(line);
        }
    }

    /// Lines dropped for any reason.
    pub fn dropped(&self) -> u64 {
        self.too_old + self.dropped_undated + self.forgotten + self.failed
    }

    /// Marks everything this file wrote as lost: its output was discarded after a failure. What
    /// was written counts nothing: its lines become `failed`, and its bytes and replacements go.
    pub fn discard_output(&mut self) {
        self.failed += self.lines_out;
        self.lines_out = 0;
        self.bytes_out = 0;
        self.ipv4 = 0;
        self.ipv6 = 0;
        self.email = 0;
    }

    /// Counts one span of `kind` written through its action.
    pub fn count(&mut self, kind: Kind) {
        match kind {
            Kind::Ipv4 => self.ipv4 += 1,
            Kind::Ipv6 => self.ipv6 += 1,
            Kind::Email => self.email += 1,
        }
    }

    /// Spans written through their actions, all kinds together: `ipv4 + ipv6 + email`.
    pub fn replacements(&self) -> u64 {
        self.ipv4 + self.ipv6 + self.email
    }
}

impl AddAssign for Stats {
    fn add_assign(&mut self, o: Stats) {
        if self.first_undated.is_none() {
            self.first_undated = o.first_undated.map(|l| self.lines_in + l);
        }
        self.too_old += o.too_old;
        self.dropped_undated += o.dropped_undated;
        self.failed += o.failed;
        self.forgotten += o.forgotten;
        self.undated += o.undated;
        self.bytes_in += o.bytes_in;
        self.bytes_out += o.bytes_out;
        self.lines_in += o.lines_in;
        self.lines_out += o.lines_out;
        self.ipv4 += o.ipv4;
        self.ipv6 += o.ipv6;
        self.email += o.email;
        self.gzip_padding += o.gzip_padding;
    }
}

/// What a chunk left open: the fate of its last line when that line has no newline (yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tail(pub Option<Fate>);

impl Stats {
    /// Counts the last line of a stream when it had no newline: `self` covers the whole stream,
    /// so the line's number is in the stream.
    pub fn count_tail(&mut self, tail: Tail) {
        if let Tail(Some(fate)) = tail {
            self.count_line(fate, self.lines_in + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_field_by_field() {
        let mut a = Stats {
            bytes_in: 1,
            lines_in: 2,
            ipv4: 3,
            ..Stats::default()
        };
        a += Stats {
            bytes_in: 10,
            lines_out: 5,
            email: 1,
            ..Stats::default()
        };
        assert_eq!(
            a,
            Stats {
                bytes_in: 11,
                lines_in: 2,
                lines_out: 5,
                ipv4: 3,
                email: 1,
                ..Stats::default()
            }
        );
        assert_eq!(a.replacements(), 4);
    }

    #[test]
    fn first_undated_line_counts_from_the_stream_start_when_merged_in_order() {
        let mut total = Stats::default();
        let mut chunk = Stats::default();
        chunk.count_line(Fate::Keep, 1);
        chunk.count_line(Fate::Keep, 2);
        total += chunk;
        let mut chunk = Stats::default();
        chunk.count_line(Fate::DropTooOld, 1);
        chunk.count_line(Fate::DropUndated, 2);
        chunk.count_line(Fate::KeepUndated, 3);
        total += chunk;
        assert_eq!(total.first_undated, Some(4));
        assert_eq!(
            (
                total.lines_in,
                total.lines_out,
                total.too_old,
                total.dropped_undated,
                total.undated
            ),
            (5, 3, 1, 1, 2)
        );
        assert_eq!(total.lines_in, total.lines_out + total.dropped());
    }
}
