#!/bin/sh
# Builds the Debian package: the release binary, its man pages and completions (rendered by the
# binary itself), then `cargo deb` with the [package.metadata.deb] of Cargo.toml.
# Usage: contrib/deb/build.sh   (from anywhere; needs `cargo install cargo-deb`)
# Prints the path of the .deb it made.
set -eu
cd "$(dirname "$0")/../.."

cargo build --release --locked
bin=target/release/logscrub
out=target/deb-assets
rm -rf "$out"
mkdir -p "$out/man" "$out/completions"
"$bin" man | gzip -9n > "$out/man/logscrub.1.gz"
for command in keygen reveal check completions man; do
    "$bin" man "$command" | gzip -9n > "$out/man/logscrub-$command.1.gz"
done
"$bin" completions bash > "$out/completions/logscrub"
"$bin" completions zsh > "$out/completions/_logscrub"
"$bin" completions fish > "$out/completions/logscrub.fish"
# The copyright file: both licences the crate may be used under, in Debian's machine-readable form.
{
    cat <<'HEAD'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: logscrub
Source: https://github.com/logscrub/logscrub

Files: *
Copyright: 2026 The logscrub authors
License: MIT or Apache-2.0

License: MIT
HEAD
    sed -e 's/^$/./' -e 's/^/ /' LICENSE-MIT
    printf '\nLicense: Apache-2.0\n'
    sed -e 's/^$/./' -e 's/^/ /' LICENSE-APACHE
} > "$out/copyright"
cargo deb --no-build --locked --output target/debian/ >/dev/null
ls target/debian/logscrub_*.deb
