#!/bin/sh
# logscrub-nightly: scrub every rotated access log that has no scrubbed copy yet, then audit the
# copies with `logscrub check`. Run it from cron, a systemd timer or logrotate's lastaction.
#
# Settings (environment): LOG_DIR (default /var/log/nginx), PATTERN (rotated files, default
# 'access.log-*.gz': logrotate with dateext and compress), OUT_DIR (default /srv/analytics/incoming), REPORT_DIR
# (default /var/lib/logscrub), LOGSCRUB_CONFIG (default /etc/logscrub/logscrub.toml), LOGSCRUB
# (the binary, default logscrub).
#
# Exit status: 0 when every file was scrubbed and passed the audit; otherwise non-zero (cron mails
# the message). A file that failed gets no output, so the next run tries it again.
set -eu
# cron's and logrotate's PATH is /usr/bin:/bin; a hand-installed logscrub is in /usr/local/bin.
PATH="$PATH:/usr/local/bin:/usr/bin:/bin"
export PATH

LOG_DIR=${LOG_DIR:-/var/log/nginx}
PATTERN=${PATTERN:-access.log-*.gz}
OUT_DIR=${OUT_DIR:-/srv/analytics/incoming}
REPORT_DIR=${REPORT_DIR:-/var/lib/logscrub}
LOGSCRUB=${LOGSCRUB:-logscrub}
export LOGSCRUB_CONFIG="${LOGSCRUB_CONFIG:-/etc/logscrub/logscrub.toml}"

mkdir -p "$OUT_DIR" "$REPORT_DIR"
report="$REPORT_DIR/report-$(date -u +%Y%m%dT%H%M%SZ).json"

# The rotated files without a scrubbed copy (oldest name first; names hold the date).
set --
for f in "$LOG_DIR"/$PATTERN; do
    [ -f "$f" ] || continue
    [ -e "$OUT_DIR/$(basename "$f")" ] && continue
    set -- "$@" "$f"
done
if [ $# -eq 0 ]; then
    exit 0
fi

status=0
"$LOGSCRUB" --quiet --report "$report" --output "$OUT_DIR/" "$@" || status=$?

# The guard: audit every copy this run wrote with `logscrub check`, an auditor independent of the
# scrubber. Exit 1 means personal data got through. check reads the same LOGSCRUB_CONFIG: under
# ip = "encrypt" the encrypted addresses are expected (counted, not reported) and everything else,
# emails included, is audited in full. These copies must hold no plain address or email, so a
# config that keeps them (ip = "keep", email = "keep") is audited as if it masked and redacted.
audit=""
settings=$("$LOGSCRUB" --print-config)
if printf '%s\n' "$settings" | grep -q '^ip = "keep"$'; then
    audit="$audit --ip mask"
fi
if printf '%s\n' "$settings" | grep -q '^email = "keep"$'; then
    audit="$audit --email redact"
fi
for f in "$@"; do
    out="$OUT_DIR/$(basename "$f")"
    [ -e "$out" ] || continue
    # shellcheck disable=SC2086 # $audit is a few flags or nothing
    if ! "$LOGSCRUB" check $audit --count "$out" >/dev/null; then
        echo "logscrub-nightly: $out failed the audit; moved aside to $out.quarantine" >&2
        mv "$out" "$out.quarantine"
        status=1
    fi
done
exit "$status"
