#!/bin/sh
# Installs the Debian package on this machine (as root), uses it as the logscrub user the way cron
# and systemd would, and removes it again. Ends with "N passed, N failed"; exit 1 if any failed.
# Usage: tests/deb/install.sh target/debian/logscrub_VERSION_ARCH.deb
set -u
deb=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/util/checks.sh"
work=$(mktemp -d /tmp/logscrub-deb-test.XXXXXX)
chmod 755 "$work"

if [ "$(id -u)" -ne 0 ]; then
    check "the package test runs as root (dpkg -i)" false
    summary
    exit
fi
# A package left over from an earlier run would hide what this one installs.
dpkg -P logscrub >/dev/null 2>&1 || true

check "dpkg -i installs the package" dpkg -i "$deb"
check "the binary is on cron's PATH" env -i PATH=/usr/bin:/bin sh -c 'logscrub --version'
check "the nightly script is installed" test -x /usr/bin/logscrub-nightly
check "man pages of logscrub and its commands" sh -c \
    'for p in logscrub logscrub-check logscrub-keygen logscrub-reveal; do
         zcat /usr/share/man/man1/$p.1.gz | grep -q "^.TH" || exit 1; done'
check "completions for bash, zsh and fish" test -s /usr/share/bash-completion/completions/logscrub \
    -a -s /usr/share/zsh/vendor-completions/_logscrub \
    -a -s /usr/share/fish/vendor_completions.d/logscrub.fish
check "systemd units" test -f /lib/systemd/system/logscrub-nightly.service \
    -a -f /lib/systemd/system/logscrub-nightly.timer -a -f /lib/systemd/system/logscrub-live.service
check "the live log's logrotate stanza is installed and valid" sh -c \
    'test -f /etc/logrotate.d/logscrub && { ! command -v logrotate >/dev/null || logrotate -d /etc/logrotate.d/logscrub; }'
check "example config is a conffile" sh -c \
    'test -f /etc/logscrub/logscrub.toml && dpkg-query -W -f="\${Conffiles}" logscrub | grep -q /etc/logscrub/logscrub.toml'
check "the copyright file holds both licences" sh -c \
    "grep -q 'License: MIT' /usr/share/doc/logscrub/copyright && grep -q 'License: Apache-2.0' /usr/share/doc/logscrub/copyright && grep -q 'Permission is hereby granted' /usr/share/doc/logscrub/copyright && grep -q 'TERMS AND CONDITIONS FOR USE' /usr/share/doc/logscrub/copyright"
check "the logscrub system user is in group adm" sh -c \
    'getent passwd logscrub >/dev/null && [ "$(id -gn logscrub)" = adm ] && [ "$(id -u logscrub)" -lt 1000 ]'
check "its directories exist, owned by it" sh -c \
    'for d in /var/lib/logscrub /srv/analytics/incoming; do
         [ "$(stat -c %U:%G:%a "$d")" = logscrub:adm:750 ] || { stat -c "%n %U:%G:%a" "$d"; exit 1; }; done'
if command -v systemd-analyze >/dev/null 2>&1; then
    check "systemd-analyze verify accepts the units" systemd-analyze verify \
        /lib/systemd/system/logscrub-nightly.service /lib/systemd/system/logscrub-nightly.timer \
        /lib/systemd/system/logscrub-live.service
else
    check "systemd-analyze is on the machine (apt-get install systemd)" false
fi

# Use it as the service would: the logscrub user, cron's PATH, the installed config.
mkdir -p "$work/log"
# The shipped sample, dated today, so the installed config's max-age keeps it whatever the date.
LC_ALL=C sed "s#[0-9][0-9]/[A-Z][a-z][a-z]/20[0-9][0-9]#$(LC_ALL=C date -u +%d/%b/%Y)#g" \
    "$root/testdata/sample.log" > "$work/in.log"
chmod 644 "$work/in.log"
"$root/target/release/logscrub" --config "$root/contrib/logscrub.toml" "$work/in.log" \
    > "$work/expected.log" 2>/dev/null
check "the installed binary scrubs as the logscrub user" sh -c \
    "runuser -u logscrub -- env -i PATH=/usr/bin:/bin logscrub --config /etc/logscrub/logscrub.toml $work/in.log > $work/got.log && cmp $work/expected.log $work/got.log && test -s $work/got.log"
gzip -c "$work/in.log" > "$work/log/access.log-20261124.gz"
chown -R root:adm "$work/log"
chmod 750 "$work/log"
chmod 640 "$work/log/access.log-20261124.gz"
check "the nightly script runs as logscrub with cron's PATH" runuser -u logscrub -- env -i \
    PATH=/usr/bin:/bin LOG_DIR="$work/log" LOGSCRUB_CONFIG=/etc/logscrub/logscrub.toml \
    logscrub-nightly
check "and wrote the scrubbed copy and a report" sh -c \
    "zcmp /srv/analytics/incoming/access.log-20261124.gz $work/expected.log >/dev/null 2>&1 ||
     { zcat /srv/analytics/incoming/access.log-20261124.gz | cmp - $work/expected.log; } &&
     ls /var/lib/logscrub/report-*.json"
rm -f /srv/analytics/incoming/access.log-20261124.gz

check "dpkg -r removes the package" dpkg -r logscrub
check "the binary is gone" sh -c '! test -e /usr/bin/logscrub'
check "the user's data stays" sh -c 'test -d /var/lib/logscrub && ls /var/lib/logscrub/report-*.json >/dev/null && getent passwd logscrub >/dev/null'
check "dpkg -P purges the config, still not the data" sh -c \
    'dpkg -P logscrub >/dev/null && ! test -e /etc/logscrub/logscrub.toml && test -d /var/lib/logscrub && test -d /srv/analytics/incoming'

rm -rf "$work" /var/lib/logscrub/report-*.json
summary
