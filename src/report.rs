//! Counters of a run: one [`Stats`] per chunk, merged with `+=` into per-file and total figures.

use std::ops::AddAssign;

use crate::detect::Kind;

/// What a chunk, a file or a whole run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub lines_in: u64,
    pub lines_out: u64,
    pub ipv4: u64,
    pub ipv6: u64,
    pub email: u64,
}

impl Stats {
    pub fn count(&mut self, kind: Kind) {
        match kind {
            Kind::Ipv4 => self.ipv4 += 1,
            Kind::Ipv6 => self.ipv6 += 1,
            Kind::Email => self.email += 1,
        }
    }

    pub fn replacements(&self) -> u64 {
        self.ipv4 + self.ipv6 + self.email
    }
}

impl AddAssign for Stats {
    fn add_assign(&mut self, o: Stats) {
        self.bytes_in += o.bytes_in;
        self.bytes_out += o.bytes_out;
        self.lines_in += o.lines_in;
        self.lines_out += o.lines_out;
        self.ipv4 += o.ipv4;
        self.ipv6 += o.ipv6;
        self.email += o.email;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_field_by_field() {
        let mut a = Stats { bytes_in: 1, lines_in: 2, ipv4: 3, ..Stats::default() };
        a += Stats { bytes_in: 10, lines_out: 5, email: 1, ..Stats::default() };
        assert_eq!(a, Stats { bytes_in: 11, lines_in: 2, lines_out: 5, ipv4: 3, email: 1, ..Stats::default() });
        assert_eq!(a.replacements(), 4);
    }
}
