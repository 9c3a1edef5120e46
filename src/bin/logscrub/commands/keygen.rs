//! `logscrub keygen`: a fresh random key, to stdout or a new file of mode 0600.

use std::path::Path;

use logscrub::key;

use super::fail;
use crate::exit::Exit;

/// Writes a key to `output` (a new file), or to stdout.
pub fn run(output: Option<&Path>) -> Exit {
    match key::keygen(output) {
        Ok(()) => Exit::Ok,
        Err(e) => fail(&e),
    }
}
