//! Key files for the keyed actions (`--ip hash`, `--ip encrypt`, `--email hash`) and for
//! `logscrub reveal`: a test key, a key file holding it, and a run of the binary with one.

use std::path::Path;

use super::{logscrub, tempdir};

pub const KEY_A: &str = "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// A key file `name` in `dir` holding `hex` and a newline, readable by its owner only (mode 0600,
/// as `logscrub keygen` writes it; logscrub refuses a key file open to group or others).
pub fn key_file(dir: &Path, name: &str, hex: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("{hex}\n")).unwrap();
    owner_only(&p);
    p
}

/// Sets `path` to mode 0600.
pub fn owner_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// Runs the binary on `input` with a key file holding `hex` and the given flags.
pub fn keyed(hex: &str, flags: &[&str], input: &str) -> String {
    let dir = tempdir();
    let key = key_file(dir.path(), "key", hex);
    // A subcommand (`reveal`) comes first, then its flags.
    let (sub, flags) = match flags {
        ["reveal", rest @ ..] => (&["reveal"][..], rest),
        _ => (&[][..], flags),
    };
    let run = logscrub()
        .args(sub)
        .arg("--key-file")
        .arg(&key)
        .args(flags)
        .stdin(input)
        .run();
    String::from_utf8(run.ok().to_vec()).unwrap()
}
