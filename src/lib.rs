#![warn(missing_docs)]
//! logscrub: scrub personal data from web-server access logs.
//!
//! # Data flow
//! Flags become a validated [`config::Plan`] ([`cli`]); the plan names one [`config::FileJob`] per
//! input. For each, [`input`] opens the file or stdin (gzip sniffed by magic bytes), [`framing`]
//! cuts the stream into newline-aligned chunks, and [`pipeline`] hands chunks to workers in order.
//! A worker ([`scrub`]) finds spans of personal data ([`detect`]) and writes each replaced by its
//! [`action`]; the writer emits chunks in input order into an [`output`] sink (stdout, or a
//! temporary file renamed into place) and merges [`report::Stats`].
//!
//! # Modules
//! - [`detect`]: IPv4, IPv6 and email detectors over bytes, with a fast candidate pass.
//! - [`action`]: mask, redact or keep.
//! - [`scrub`]: one chunk of lines in, the scrubbed chunk out.
//! - [`framing`], [`input`], [`output`], [`pipeline`]: streaming I/O, sequential and parallel.
//! - [`cli`], [`config`], [`error`], [`report`]: flags, the plan, typed errors, counters.

pub mod action;
pub mod audit;
pub mod detect;
pub mod error;
pub mod format;
pub mod framing;
pub mod input;
pub mod key;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod retention;
pub mod scrub;
pub mod stats;
pub mod text;
pub mod time;
