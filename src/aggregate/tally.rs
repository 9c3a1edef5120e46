//! Counting: per day, requests by kind and status, and per normalised path its page views and
//! distinct visitors. Visitors are 128-bit keyed digests ([`super::Aggregator`] makes them),
//! counted exactly in a set up to a bound, and by a HyperLogLog sketch (precision 14, about
//! 0.8 % standard error) above it. Tallies merge with [`Tally::merge`]: sets unite and sketches
//! take the larger register, so the result does not depend on how lines were split into chunks or
//! spread over workers.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use hyperloglogplus::{HyperLogLog, HyperLogLogPF};

use super::fields::Unparsable;

/// A visitor of a day: a keyed digest of client and user agent, uniformly distributed.
pub type VisitorId = u128;

/// Precision of the sketches: 2^14 registers.
pub const SKETCH_PRECISION: u8 = 14;

/// Visitor ids are uniform already: their low 64 bits are their hash.
#[derive(Default, Clone, Copy)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

type Build = BuildHasherDefault<PassThrough>;
type Sketch = HyperLogLogPF<u64, Build>;

/// The distinct visitors of one cell (a day, or a path on a day).
#[derive(Clone, Debug, Default)]
pub struct Visitors {
    exact: HashSet<VisitorId, Build>,
    /// Set once more than the bound were seen; `exact` is empty from then on.
    sketch: Option<Box<Sketch>>,
}

/// How many visitors a cell has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    /// The count: exact, or an estimate (never below the bound it passed).
    pub value: u64,
    /// Whether `value` is an estimate.
    pub estimated: bool,
}

impl Count {
    /// Whether the cell has at least `k` visitors, which an exact count or the passed bound tells
    /// for certain (`k` never exceeds the bound).
    pub fn at_least(self, k: u64) -> bool {
        self.value >= k
    }
}

impl Visitors {
    fn new_sketch() -> Box<Sketch> {
        Box::new(Sketch::new(SKETCH_PRECISION, Build::default()).expect("precision 14 is valid"))
    }

    /// Adds a visitor; beyond `bound` distinct ones the cell becomes a sketch.
    #[inline]
    pub fn insert(&mut self, id: VisitorId, bound: usize) {
        if let Some(s) = &mut self.sketch {
            s.insert(&(id as u64));
            return;
        }
        if self.exact.insert(id) && self.exact.len() > bound {
            self.become_sketch();
        }
    }

    fn become_sketch(&mut self) {
        let mut sketch = Self::new_sketch();
        for id in self.exact.drain() {
            sketch.insert(&(id as u64));
        }
        self.exact = HashSet::default();
        self.sketch = Some(sketch);
    }

    /// Adds every visitor of `other`.
    pub fn merge(&mut self, other: &Visitors, bound: usize) {
        match (&mut self.sketch, &other.sketch) {
            (Some(mine), Some(theirs)) => {
                mine.merge(theirs).expect("sketches share their precision");
            }
            (None, Some(theirs)) => {
                let mut sketch = theirs.clone();
                for id in self.exact.drain() {
                    sketch.insert(&(id as u64));
                }
                self.exact = HashSet::default();
                self.sketch = Some(sketch);
            }
            (_, None) => {
                for &id in &other.exact {
                    self.insert(id, bound);
                }
            }
        }
    }

    /// The count: exact up to the bound, an estimate (at least `bound + 1`) above it.
    pub fn count(&mut self, bound: usize) -> Count {
        match &mut self.sketch {
            None => Count {
                value: self.exact.len() as u64,
                estimated: false,
            },
            Some(s) => Count {
                value: (s.count().round() as u64).max(bound as u64 + 1),
                estimated: true,
            },
        }
    }
}

/// A path on a day.
#[derive(Clone, Debug, Default)]
pub struct PageTally {
    /// Page views.
    pub page_views: u64,
    /// Their distinct visitors.
    pub visitors: Visitors,
}

/// One day.
#[derive(Clone, Debug, Default)]
pub struct DayTally {
    /// Lines read whole with every field.
    pub requests: u64,
    /// Of them, from bots.
    pub bot_requests: u64,
    /// Of them, for static assets.
    pub static_requests: u64,
    /// Of them, with status 2xx, 3xx, 4xx, 5xx.
    pub status: [u64; 4],
    /// Distinct visitors among the requests `--bots` counts.
    pub visitors: Visitors,
    /// Normalised path → its page views and visitors.
    pub pages: HashMap<Box<[u8]>, PageTally>,
}

/// Lines read and why some gave nothing to count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineCounts {
    /// Lines read.
    pub lines: u64,
    /// Lines counted into a day.
    pub counted: u64,
    /// Lines skipped, per [`Unparsable`] reason (indexed by [`Unparsable::index`]).
    pub unparsable: [u64; Unparsable::ALL.len()],
}

impl std::ops::AddAssign for LineCounts {
    fn add_assign(&mut self, o: LineCounts) {
        self.lines += o.lines;
        self.counted += o.counted;
        for (a, b) in self.unparsable.iter_mut().zip(o.unparsable) {
            *a += b;
        }
    }
}

impl LineCounts {
    /// Lines skipped for any reason.
    pub fn skipped(&self) -> u64 {
        self.unparsable.iter().sum()
    }
}

/// Everything counted so far, by day (days since 1970-01-01 in the run's zone).
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Day → its counts.
    pub days: HashMap<i64, DayTally>,
    /// Lines read and skipped.
    pub lines: LineCounts,
}

impl Tally {
    /// Adds `other` into `self`; `bound` as in [`Visitors::insert`].
    pub fn merge(&mut self, other: Tally, bound: usize) {
        self.lines += other.lines;
        for (day, theirs) in other.days {
            let mine = self.days.entry(day).or_default();
            mine.requests += theirs.requests;
            mine.bot_requests += theirs.bot_requests;
            mine.static_requests += theirs.static_requests;
            for (a, b) in mine.status.iter_mut().zip(theirs.status) {
                *a += b;
            }
            mine.visitors.merge(&theirs.visitors, bound);
            for (path, page) in theirs.pages {
                match mine.pages.get_mut(&path) {
                    Some(p) => {
                        p.page_views += page.page_views;
                        p.visitors.merge(&page.visitors, bound);
                    }
                    None => {
                        mine.pages.insert(path, page);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic pseudo-random ids (splitmix64).
    fn ids(seed: u64, n: usize) -> Vec<VisitorId> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = x;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                u128::from(z ^ (z >> 31)) << 64 | u128::from(z.rotate_left(17))
            })
            .collect()
    }

    #[test]
    fn exact_up_to_the_bound_then_within_five_percent() {
        let mut v = Visitors::default();
        for id in ids(1, 1024).iter().chain(&ids(1, 1024)) {
            v.insert(*id, 1024);
        }
        assert_eq!(
            v.count(1024),
            Count {
                value: 1024,
                estimated: false
            }
        );
        for n in [1025usize, 5000, 50_000] {
            let mut v = Visitors::default();
            for id in ids(7, n) {
                v.insert(id, 1024);
            }
            let c = v.count(1024);
            assert!(c.estimated && c.value > 1024, "{n}: {c:?}");
            let err = (c.value as f64 - n as f64).abs() / n as f64;
            assert!(err < 0.05, "{n}: {c:?} is {err:.3} off");
        }
    }

    #[test]
    fn merging_in_any_split_gives_the_same_count() {
        let all = ids(3, 3000);
        let whole = {
            let mut v = Visitors::default();
            for id in &all {
                v.insert(*id, 1024);
            }
            v.count(1024)
        };
        for parts in [2usize, 3, 7, 100] {
            let mut merged = Visitors::default();
            for chunk in all.chunks(all.len().div_ceil(parts)).rev() {
                let mut v = Visitors::default();
                for id in chunk {
                    v.insert(*id, 1024);
                }
                merged.merge(&v, 1024);
            }
            assert_eq!(merged.count(1024), whole, "{parts} parts");
        }
        // Small sets stay exact through merges.
        let mut a = Visitors::default();
        let mut b = Visitors::default();
        for id in &all[..10] {
            a.insert(*id, 1024);
        }
        for id in &all[5..20] {
            b.insert(*id, 1024);
        }
        a.merge(&b, 1024);
        assert_eq!(
            a.count(1024),
            Count {
                value: 20,
                estimated: false
            }
        );
    }
}
