#!/bin/sh
# The recipes of README and contrib/, run for real against the real programs: logrotate with the
# nightly script, nginx writing through a FIFO to the live reader (with `nginx -s reopen` and a
# rotation of the scrubbed log), Apache's piped CustomLog, and the recipe for nginx's error log.
# Needs root and nginx, apache2, logrotate and curl (.ci/run installs them). Servers listen on
# 127.0.0.1 only, on high ports. Ends with "N passed, N failed"; exit 1 if any failed.
# Usage: tests/recipes/run.sh path/to/logscrub
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/logscrub-recipes.XXXXXX)
chmod 755 "$work"
. "$root/tests/util/checks.sh"
# wait_for SECONDS COMMAND...: polls COMMAND until it succeeds (no timing is asserted).
wait_for() {
    limit=$1
    shift
    i=0
    while ! "$@" >/dev/null 2>&1; do
        i=$((i + 1))
        [ "$i" -gt $((limit * 10)) ] && return 1
        sleep 0.1
    done
}
lines() { cat "$@" 2>/dev/null | wc -l | tr -d ' '; }
# No raw client address or email in the files: 127.0.0.1 must be 127.0.0.0, emails [email].
clean() {
    for f in "$@"; do test -s "$f" || { echo "$f: missing or empty"; return 1; }; done
    ! grep -aE '127\.0\.0\.1|[A-Za-z0-9._%+-]+(@|%40)example\.(org|com)' "$@"
}
cleanup() {
    [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null
    [ -f "$work/apache/httpd.pid" ] && kill "$(cat "$work/apache/httpd.pid")" 2>/dev/null
    [ -n "${reader:-}" ] && kill "$reader" 2>/dev/null
    return 0
}
trap cleanup EXIT
mkdir -p "$work/bin"
ln -s "$bin" "$work/bin/logscrub"
cp "$root/contrib/logscrub-nightly.sh" "$work/bin/logscrub-nightly"
chmod 755 "$work/bin/logscrub-nightly"
PATH="$work/bin:$PATH"
export PATH

for tool in nginx apache2 logrotate curl; do
    check "$tool is installed" command -v "$tool"
done

# --- logrotate with the nightly script -----------------------------------------------------
# contrib/logrotate-nginx as written, with its paths moved into the test tree and nginx's own
# rotate command (there is no system nginx to signal) left out.
lr="$work/logrotate"
mkdir -p "$lr/log" "$lr/out" "$lr/reports"
now=$(LC_ALL=C date -u +%d/%b/%Y:%H:%M:%S)
for i in 1 2 3 4 5; do
    echo "203.0.113.$i - - [$now +0000] \"GET /?u=user$i%40example.org HTTP/1.1\" 200 $i"
done > "$lr/log/access.log"
sed -e "s#/var/log/nginx#$lr/log#g" \
    -e "s#invoke-rc.d nginx rotate.*#true#" \
    -e "s#PATH=/usr/local/bin:/usr/bin:/bin logscrub-nightly#LOG_DIR=$lr/log OUT_DIR=$lr/out REPORT_DIR=$lr/reports LOGSCRUB_CONFIG=$root/contrib/logscrub.toml PATH=$work/bin:/usr/local/bin:/usr/bin:/bin logscrub-nightly#" \
    -e "s#create 0640 www-data adm#create 0640 root adm#" \
    "$root/contrib/logrotate-nginx" > "$lr/logrotate.conf"
check "the stanza still names the nightly script" grep -q "logscrub-nightly" "$lr/logrotate.conf"
check "logrotate -f rotates and scrubs" logrotate -f -s "$lr/state" "$lr/logrotate.conf"
rotated=$(ls "$lr/log" | grep 'access.log-.*\.gz$' | head -1)
check "the rotated file is compressed with its date" test -n "$rotated"
check "its scrubbed copy has every line, masked" sh -c "
    test \$(zcat '$lr/out/$rotated' | wc -l) -eq 5 &&
    zcat '$lr/out/$rotated' | grep -q '^203.0.113.0 ' &&
    ! zcat '$lr/out/$rotated' | grep -qE '203\.0\.113\.[1-9]|%40example'"
check "and a report" sh -c "ls '$lr/reports'/report-*.json"
check "a fresh access.log was created" test -f "$lr/log/access.log"

# --- nginx through a FIFO, the live reader, reopen and rotation -------------------------------
ng="$work/nginx"
mkdir -p "$ng/logs" "$ng/html"
echo ok > "$ng/html/index.html"
mkfifo -m 0600 "$ng/access.fifo"
# The reader of README's recipe (and contrib/logscrub-live.service), started before nginx.
logscrub --quiet --append "$ng/access.scrubbed.log" <> "$ng/access.fifo" &
reader=$!
cat > "$ng/nginx.conf" <<EOF
daemon on;
pid $ng/nginx.pid;
error_log $ng/logs/error.log info;
events { worker_connections 64; }
http {
    access_log $ng/access.fifo combined;
    client_body_temp_path $ng/tmp;
    proxy_temp_path $ng/tmp;
    fastcgi_temp_path $ng/tmp;
    uwsgi_temp_path $ng/tmp;
    scgi_temp_path $ng/tmp;
    server {
        listen 127.0.0.1:18780;
        root $ng/html;
    }
}
EOF
mkdir -p "$ng/tmp"
# nginx blocks opening a FIFO nobody reads: a reader that died must fail the check, not hang it.
check "nginx starts, logging to the FIFO" timeout 20 nginx -p "$ng" -c "$ng/nginx.conf"
wait_for 10 test -s "$ng/nginx.pid"
get() { # get PORT N: N requests, each with an email in its query and a missing page among them
    for i in $(seq 1 "$2"); do
        curl -s -o /dev/null "http://127.0.0.1:$1/?email=visitor$i%40example.org&n=$i"
    done
    curl -s -o /dev/null "http://127.0.0.1:$1/missing?to=jane.doe@example.com"
}
get 18780 20
check "each line reaches the scrubbed log as it is written" \
    wait_for 20 sh -c "test \$(cat '$ng/access.scrubbed.log' | wc -l) -eq 21"
check "nginx -s reopen is no end of input for the reader" sh -c "
    timeout 20 nginx -p '$ng' -c '$ng/nginx.conf' -s reopen && sleep 0.5 && kill -0 $reader"
get 18780 9
check "lines logged after the reopen arrive too" \
    wait_for 20 sh -c "test \$(cat '$ng/access.scrubbed.log' | wc -l) -eq 31"
# Rotating the live scrubbed log: rename it, then SIGHUP (what logrotate's postrotate does).
mv "$ng/access.scrubbed.log" "$ng/access.scrubbed.log.1"
kill -HUP "$reader"
get 18780 4
check "after rename and SIGHUP the reader writes a new file" \
    wait_for 20 sh -c "test \$(cat '$ng/access.scrubbed.log' 2>/dev/null | wc -l) -eq 5"
check "and no line was lost or split" sh -c "
    test \$(cat '$ng/access.scrubbed.log.1' '$ng/access.scrubbed.log' | wc -l) -eq 36 &&
    test \$(cat '$ng/access.scrubbed.log.1' '$ng/access.scrubbed.log' | grep -c '^127.0.0.0 - - \[') -eq 36"
check "the live log holds no client address or email" clean "$ng/access.scrubbed.log.1" \
    "$ng/access.scrubbed.log"
check "the reader is still running" kill -0 "$reader"

# --- nginx's error log: its client: field -----------------------------------------------------
# The recipe: the error log rotated like the access log and scrubbed by the nightly script with
# PATTERN and a configuration without a time window (its lines carry no CLF time).
check "nginx logged an error with the client's address" grep -q 'client: 127.0.0.1' \
    "$ng/logs/error.log"
er="$work/errorlog"
mkdir -p "$er/log" "$er/out" "$er/reports"
gzip -c "$ng/logs/error.log" > "$er/log/error.log-20261124.gz"
sed -n '/^```toml error-log/,/^```$/p' "$root/README.md" | sed '1d;$d' > "$er/error-log.toml"
check "README has the error-log config" test -s "$er/error-log.toml"
check "the nightly script scrubs the error log" env LOG_DIR="$er/log" OUT_DIR="$er/out" \
    REPORT_DIR="$er/reports" PATTERN='error.log-*.gz' LOGSCRUB_CONFIG="$er/error-log.toml" \
    logscrub-nightly
check "every error line is kept, the client masked, the email gone" sh -c "
    test \$(zcat '$er/out/error.log-20261124.gz' | wc -l) -eq \$(zcat '$er/log/error.log-20261124.gz' | wc -l) &&
    zcat '$er/out/error.log-20261124.gz' | grep -q 'client: 127.0.0.0' &&
    ! zcat '$er/out/error.log-20261124.gz' | grep -qE 'client: 127.0.0.1|jane.doe@example.com'"
kill "$(cat "$ng/nginx.pid")" 2>/dev/null
rm -f "$ng/nginx.pid"

# --- Apache's piped CustomLog ------------------------------------------------------------------
ap="$work/apache"
mkdir -p "$ap/html" "$ap/logs"
echo ok > "$ap/html/index.html"
mods=/usr/lib/apache2/modules
piped=$(sed -n 's/^CustomLog "|\$exec \([^"]*\)" combined$/\1/p' "$root/README.md" | head -1)
check "README has the piped CustomLog" test -n "$piped"
cat > "$ap/httpd.conf" <<EOF
ServerRoot $ap
ServerName localhost
Listen 127.0.0.1:18781
PidFile $ap/httpd.pid
ErrorLog $ap/logs/error.log
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule dir_module $mods/mod_dir.so
LoadModule mime_module $mods/mod_mime.so
User www-data
Group www-data
DocumentRoot $ap/html
LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" combined
TypesConfig /etc/mime.types
CustomLog "|\$exec $(echo "$piped" | sed -e "s#/var/log/apache2#$ap/logs#g" -e "s#^/usr/bin/logscrub #$bin #")" combined
EOF
chown www-data "$ap/logs"
check "the piped log names the binary under test" grep -q "|\$exec $bin --quiet --append" "$ap/httpd.conf"
check "apache2 starts with the piped log" sh -c "timeout 20 apache2 -f '$ap/httpd.conf' -k start || { cat '$ap/logs/error.log'; exit 1; }"
wait_for 10 test -s "$ap/httpd.pid"
get 18781 12
check "Apache's lines reach the scrubbed log" \
    wait_for 20 sh -c "test \$(cat '$ap/logs/access.scrubbed.log' | wc -l) -eq 13"
check "with no client address or email" clean "$ap/logs/access.scrubbed.log"
apache2 -f "$ap/httpd.conf" -k stop >/dev/null 2>&1
rm -f "$ap/httpd.pid"

if [ "$failed" -eq 0 ]; then
    rm -rf "$work"
else
    echo "kept for inspection: $work"
fi
summary
