//! The JSON run report (`--report`), read with serde_json, and the accounting every report must
//! satisfy: the lines in are the lines out plus every drop.

use std::path::Path;

pub fn read_report(path: &Path) -> serde_json::Value {
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("no report {}: {e}", path.display()));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("report is not JSON: {e}"))
}

/// Asserts lines_in = lines_out + every drop, in a counters object of the report.
#[track_caller]
pub fn assert_accounting(c: &serde_json::Value) {
    let n = |k: &str| c[k].as_u64().unwrap_or_else(|| panic!("no {k} in {c}"));
    let dropped: u64 = c["dropped"]
        .as_object()
        .expect("dropped is an object")
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(n("lines_in"), n("lines_out") + dropped, "accounting in {c}");
}
