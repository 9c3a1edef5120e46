//! The privacy contract, applied to a finished tally, and the tables it lets out.
//!
//! Per day, in the day's zone:
//! 1. A day with fewer than k distinct visitors publishes nothing (no `days` row, no pages).
//! 2. Paths are ranked by exact visitors (capped at the exact bound, so the ranking never
//!    depends on the key), then page views, then path. The first `max_paths` with at least k
//!    exact visitors are published; every other path is pooled into one `(other)` row.
//! 3. `(other)` is published only if its visitors (the union of the pooled paths') are at least
//!    k; otherwise it is dropped and the day is `partial`.
//! 4. The day's `page_views` is the sum of its published rows, `(other)` included, so no
//!    difference of published numbers isolates the pooled visitors; on a day that is not
//!    partial it is every page view of the day.
//!
//! Estimates (cells above the exact bound) are published as estimates (marked in JSON), never
//! below the bound they passed; they never decide suppression, as k is at most the bound.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::tally::{Count, Tally, Visitors};
use super::{date, Config};

/// The name of the pooled row.
pub const OTHER: &str = "(other)";

/// A published row of `pages`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PageRow {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The normalised path, or [`OTHER`].
    pub path: String,
    /// Page views.
    pub page_views: u64,
    /// Distinct visitors.
    pub visitors: u64,
    /// Whether `visitors` is an estimate.
    pub visitors_estimated: bool,
}

/// A published row of `days`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DayRow {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Requests read whole.
    pub requests: u64,
    /// Page views in the published rows.
    pub page_views: u64,
    /// Distinct visitors of the day.
    pub visitors: u64,
    /// Whether `visitors` is an estimate.
    pub visitors_estimated: bool,
    /// Requests from bots.
    pub bot_requests: u64,
    /// Requests for static assets.
    pub static_requests: u64,
    /// Requests with status 2xx.
    pub status_2xx: u64,
    /// 3xx.
    pub status_3xx: u64,
    /// 4xx.
    pub status_4xx: u64,
    /// 5xx.
    pub status_5xx: u64,
    /// Whether a pooled `(other)` row had fewer than k visitors and was dropped.
    pub partial: bool,
}

/// What was held back, for the report (counts only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Withheld {
    /// Days with fewer than k visitors: nothing of them published.
    pub days: u64,
    /// Path rows pooled into `(other)` (below k, or beyond `max_paths`).
    pub pooled_rows: u64,
    /// `(other)` rows dropped (fewer than k visitors).
    pub dropped_other_rows: u64,
}

/// The published tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tables {
    /// One row per published day, by date.
    pub days: Vec<DayRow>,
    /// Published path rows, by date, then visitors and page views (most first), then path;
    /// `(other)` last in its day.
    pub pages: Vec<PageRow>,
    /// What was held back.
    #[serde(skip)]
    pub withheld: Withheld,
}

/// Applies the contract (see the module docs) to `tally`.
pub fn build(mut tally: Tally, config: &Config) -> Tables {
    let (k, bound) = (config.min_visitors, config.exact_limit);
    let mut days: Vec<i64> = tally.days.keys().copied().collect();
    days.sort_unstable();
    let mut out = Tables::default();
    for day in days {
        let Some(mut d) = tally.days.remove(&day) else {
            continue;
        };
        let visitors = d.visitors.count(bound);
        if !visitors.at_least(k) {
            out.withheld.days += 1;
            continue;
        }
        let date = date(day);
        let mut pages: Vec<(Vec<u8>, u64, Visitors, Count)> = d
            .pages
            .drain()
            .map(|(path, mut p)| {
                let c = p.visitors.count(bound);
                (path.into_vec(), p.page_views, p.visitors, c)
            })
            .collect();
        let rank = |c: &Count| {
            if c.estimated {
                bound as u64 + 1
            } else {
                c.value
            }
        };
        pages.sort_by(|a, b| {
            rank(&b.3)
                .cmp(&rank(&a.3))
                .then(b.1.cmp(&a.1))
                .then_with(|| a.0.cmp(&b.0))
        });
        let mut other = Visitors::default();
        let (mut other_views, mut pooled, mut published_views) = (0u64, 0u64, 0u64);
        let mut rows = Vec::new();
        for (path, views, v, c) in pages {
            if rows.len() < config.max_paths && c.at_least(k) {
                published_views += views;
                rows.push(PageRow {
                    date: date.clone(),
                    path: String::from_utf8_lossy(&path).into_owned(),
                    page_views: views,
                    visitors: c.value,
                    visitors_estimated: c.estimated,
                });
            } else {
                pooled += 1;
                other_views += views;
                other.merge(&v, bound);
            }
        }
        let mut partial = false;
        if pooled > 0 {
            let c = other.count(bound);
            if c.at_least(k) {
                published_views += other_views;
                rows.push(PageRow {
                    date: date.clone(),
                    path: OTHER.to_string(),
                    page_views: other_views,
                    visitors: c.value,
                    visitors_estimated: c.estimated,
                });
            } else {
                partial = true;
                out.withheld.dropped_other_rows += 1;
            }
        }
        out.withheld.pooled_rows += pooled;
        out.pages.extend(rows);
        out.days.push(DayRow {
            date,
            requests: d.requests,
            page_views: published_views,
            visitors: visitors.value,
            visitors_estimated: visitors.estimated,
            bot_requests: d.bot_requests,
            static_requests: d.static_requests,
            status_2xx: d.status[0],
            status_3xx: d.status[1],
            status_4xx: d.status[2],
            status_5xx: d.status[3],
            partial,
        });
    }
    out
}

/// The header of `pages.csv`.
pub const PAGES_HEADER: &str = "date,path,page_views,visitors";
/// The header of `days.csv`.
pub const DAYS_HEADER: &str = "date,requests,page_views,visitors,bot_requests,static_requests,status_2xx,status_3xx,status_4xx,status_5xx,partial";

impl Tables {
    /// `pages` as CSV, with its header. Paths are ASCII without `,` `"` `\` (see
    /// [`super::path`]), `(other)` included, so no field needs quoting.
    pub fn pages_csv(&self) -> String {
        let mut s = format!("{PAGES_HEADER}\n");
        for r in &self.pages {
            let _ = writeln!(s, "{},{},{},{}", r.date, r.path, r.page_views, r.visitors);
        }
        s
    }

    /// `days` as CSV, with its header.
    pub fn days_csv(&self) -> String {
        let mut s = format!("{DAYS_HEADER}\n");
        for r in &self.days {
            let _ = writeln!(s, "{}", day_line(r));
        }
        s
    }

    /// Both tables as one JSON object `{"days": […], "pages": […]}`, estimates marked.
    pub fn json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("tables serialize");
        s.push('\n');
        s
    }

    /// The dates published.
    pub fn dates(&self) -> impl Iterator<Item = &str> {
        self.days.iter().map(|d| d.date.as_str())
    }

    /// A digest of everything published for `date`: its `days` row and its `pages` rows, with
    /// estimates written as `>BOUND` (an estimate may move by a visitor or two with the key;
    /// that isolates nobody). What [`super::ledger`] compares.
    pub fn digest(&self, date: &str, bound: usize) -> String {
        let mut text = String::new();
        let n = |v: u64, est: bool| {
            if est {
                format!(">{bound}")
            } else {
                v.to_string()
            }
        };
        for d in self.days.iter().filter(|d| d.date == date) {
            let _ = writeln!(
                text,
                "{},{},{},{},{},{},{},{},{},{},{}",
                d.date,
                d.requests,
                d.page_views,
                n(d.visitors, d.visitors_estimated),
                d.bot_requests,
                d.static_requests,
                d.status_2xx,
                d.status_3xx,
                d.status_4xx,
                d.status_5xx,
                d.partial
            );
        }
        for r in self.pages.iter().filter(|r| r.date == date) {
            let _ = writeln!(
                text,
                "{},{},{}",
                r.path,
                r.page_views,
                n(r.visitors, r.visitors_estimated)
            );
        }
        let d = Sha256::digest(text.as_bytes());
        d.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }
}

fn day_line(d: &DayRow) -> String {
    format!(
        "{},{},{},{},{},{},{},{},{},{},{}",
        d.date,
        d.requests,
        d.page_views,
        d.visitors,
        d.bot_requests,
        d.static_requests,
        d.status_2xx,
        d.status_3xx,
        d.status_4xx,
        d.status_5xx,
        d.partial
    )
}
