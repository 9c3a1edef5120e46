//! `logscrub reveal`: decrypt what `--ip encrypt` wrote, for incident response. A scrub whose
//! settings decrypt addresses and keep everything else.

use super::scrub;
use crate::cli::args::RevealArgs;
use crate::cli::config_file::Origins;
use crate::cli::Settings;
use crate::exit::Exit;
use crate::progress;

/// Runs a reveal: `quiet` and `show` as for a scrub.
pub fn run(args: &RevealArgs, quiet: bool, show: progress::When) -> Exit {
    let plan = Settings::from(args).resolve();
    scrub::run(plan, None, quiet, show, &Origins::default())
}
