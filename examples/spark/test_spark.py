#!/usr/bin/env python3
"""End-to-end tests of scrub_spark.py against the single-machine run of the same logscrub binary.

    python3 examples/spark/test_spark.py --logscrub target/debug/logscrub

Needs pyspark (>= 3.5) and Java. Every test prints PASS or FAIL with what differed; the last line
is "N passed, N failed", and the exit status is 1 when anything failed. Nothing is skipped.
"""

import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(HERE, "scrub_spark.py")
TESTDATA = os.path.join(ROOT, "testdata")
HONEYNET = "honeynet_redhat71_httpd_2004.log.gz"
# Lines of the honeynet log that are not UTF-8 (raw shellcode in requests).
HONEYNET_NON_UTF8 = 1052
NOW = "2026-11-25T00:00:00Z"
# A 32-byte key whose halves differ (ipcrypt-pfx refuses equal halves).
KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
HASHED = ["--ip", "hash", "--email", "hash", "--rotate", "daily", "--max-age", "400d",
          "--undated", "keep"]

results = []


def test(fn):
    """Runs one test, recording PASS or FAIL (with the reason) under its name."""
    name = fn.__name__
    try:
        fn()
    except AssertionError as e:
        results.append(False)
        print(f"FAIL {name}: {e}", flush=True)
    except Exception:  # a broken test is a failure too, never a skip
        results.append(False)
        print(f"FAIL {name}: error\n{traceback.format_exc()}", flush=True)
    else:
        results.append(True)
        print(f"PASS {name}", flush=True)


def generated_lines(n, seed):
    """A plain log with what the JVM would mangle or logscrub must find: bytes that are not
    UTF-8, IPv6 and IPv4 clients, emails in queries, and times around NOW (some older than the
    hashed run's --max-age, some without a readable time)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        day = rng.randrange(1, 28)
        month = rng.choice(["Oct", "Nov"])
        year = rng.choice([2024, 2025, 2026, 2026, 2026])
        client = rng.choice([f"203.0.113.{rng.randrange(1, 255)}",
                             f"2001:db8:{rng.randrange(65536):x}::{rng.randrange(1, 65536):x}",
                             f"::ffff:198.51.100.{rng.randrange(1, 255)}"])
        query = rng.choice(["", f"?email=user{i}%40example.org", f"?to=jane.doe{i}@example.com",
                            "?q=caf\xe9".encode("latin-1").decode("latin-1")])
        line = (f'{client} - - [{day:02d}/{month}/{year}:12:{i % 60:02d}:00 +0000] '
                f'"GET /p/{i}{query} HTTP/1.1" 200 {rng.randrange(99999)} "-" "agent/{i % 7}"')
        raw = line.encode("latin-1")
        if i % 9 == 0:
            raw += b" \xff\xfe\xc3(" + bytes([0x80 + i % 64])
        if i % 50 == 0:
            raw = b"no time here " + raw[raw.index(b"]") + 1:]
        out.append(raw)
    return b"\n".join(out) + b"\n"


def build_inputs(root, truncated=False):
    """The archive: both gzip logs of testdata, a re-gzipped part of honeynet, a generated log
    plain and gzipped, two empty files, in a nested directory; with `truncated`, also a damaged
    gzip."""
    os.makedirs(os.path.join(root, "web1"))
    os.makedirs(os.path.join(root, "web2", "old"))
    for name in ("elastic_apache_logs_2015.log.gz", HONEYNET):
        shutil.copy(os.path.join(TESTDATA, "access", name), os.path.join(root, "web1", name))
    with gzip.open(os.path.join(TESTDATA, "access", HONEYNET)) as f:
        part = b"".join(f.readlines()[5000:9000])
    with open(os.path.join(root, "web2", "old", "honeynet_part.log.1.gz"), "wb") as f:
        f.write(gzip.compress(part, 9))
    text = generated_lines(3000, 7)
    with open(os.path.join(root, "web2", "generated.log"), "wb") as f:
        f.write(text)
    with open(os.path.join(root, "web2", "generated.log.2.gz"), "wb") as f:
        f.write(gzip.compress(text, 6))
    # Spark plans no task for an empty file; logscrub writes an empty output (gzip: one empty
    # member) all the same.
    for name in ("empty.log", "empty.log.4.gz"):
        open(os.path.join(root, "web2", name), "wb").close()
    if truncated:
        whole = gzip.compress(generated_lines(4000, 11), 6)
        with open(os.path.join(root, "web2", "crashed.log.3.gz"), "wb") as f:
            f.write(whole[: len(whole) // 2])


def files_under(root):
    """Relative paths of every file below `root`, sorted."""
    found = []
    for d, _, names in os.walk(root):
        for n in names:
            found.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(found)


def single_machine(logscrub, inputs, out, flags, now, key):
    """logscrub itself on every input, one run per directory of the archive (so that outputs
    keep their relative paths), with the report of each. Returns (exit statuses, totals)."""
    env = {"PATH": os.environ["PATH"], "LANG": "C"}
    if key:
        env["LOGSCRUB_KEY_FILE"] = key
    statuses, totals = [], {}
    by_dir = {}
    for rel in files_under(inputs):
        by_dir.setdefault(os.path.dirname(rel), []).append(rel)
    for d, rels in sorted(by_dir.items()):
        target = os.path.join(out, d) + "/"
        report = f"{out.rstrip('/')}.report-{len(statuses)}.json"
        cmd = [logscrub, "-q", "--now", now, "--report", report, *flags, "-o", target,
               *[os.path.join(inputs, r) for r in rels]]
        proc = subprocess.run(cmd, env=env, stderr=subprocess.PIPE)
        statuses.append(proc.returncode)
        with open(report) as f:
            add_totals(totals, json.load(f)["total"])
        os.unlink(report)
    return statuses, totals


def add_totals(into, total):
    """Sums the counters of a report's `total` into `into`."""
    for k, v in total.items():
        if isinstance(v, dict):
            add_totals(into.setdefault(k, {}), v)
        else:
            into[k] = into.get(k, 0) + v


def spark_run(logscrub, inputs, out, flags, now=None, key=None, master="local[2]", conf=(),
              config=None):
    """scrub_spark.py on the archive. Returns (exit status, merged report, stderr)."""
    report = out.rstrip("/") + ".report.json"
    cmd = [sys.executable, SCRIPT, "--input", inputs, "--output", out, "--logscrub", logscrub,
           "--report", report, "--master", master]
    if now:
        cmd += ["--now", now]
    if key:
        cmd += ["--key-file", key]
    if config:
        cmd += ["--config", config]
    for c in conf:
        cmd += ["--conf", c]
    cmd += ["--", *flags]
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stderr = proc.stderr.decode("utf-8", "replace")
    try:
        with open(report) as f:
            merged = json.load(f)
    except OSError:
        raise AssertionError(f"no merged report; exit {proc.returncode}; stderr:\n{stderr[-3000:]}")
    return proc.returncode, merged, stderr


def assert_same_outputs(a, b):
    """Same files, byte for byte (cmp)."""
    fa, fb = files_under(a), files_under(b)
    assert fa == fb, f"different files:\n spark:  {fa}\n single: {fb}"
    for rel in fa:
        same = subprocess.run(["cmp", "-s", os.path.join(a, rel), os.path.join(b, rel)])
        assert same.returncode == 0, f"{rel}: spark output differs from the single run"


def non_utf8_lines(path):
    """Lines of a (gzip) file that do not decode as UTF-8."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    bad = 0
    for line in data.split(b"\n"):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
    return bad


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--logscrub", required=True, help="the logscrub binary under test")
    args = p.parse_args()
    logscrub = os.path.abspath(args.logscrub)
    import pyspark

    major, minor = (int(x) for x in pyspark.__version__.split(".")[:2])
    assert (major, minor) >= (3, 5), f"pyspark {pyspark.__version__}: 3.5 or later is needed"
    work = tempfile.mkdtemp(prefix="logscrub-spark-test.")
    inputs = os.path.join(work, "archive")
    build_inputs(inputs)
    key = os.path.join(work, "key")
    with open(key, "w") as f:
        f.write(KEY)
    os.chmod(key, 0o600)
    print(f"pyspark {pyspark.__version__}, logscrub {logscrub}, work in {work}", flush=True)

    def default_flags_match_the_single_machine_run_byte_for_byte():
        out = os.path.join(work, "spark-default")
        code, merged, stderr = spark_run(logscrub, inputs, out, [])
        assert code == 0, f"exit {code}:\n{stderr[-3000:]}"
        # The driver read "now" once and recorded it: the single run uses the same.
        now = merged["now"]
        assert now.startswith("@"), f"now {now!r} is not the driver's clock"
        single = os.path.join(work, "single-default")
        statuses, totals = single_machine(logscrub, inputs, single, [], now, None)
        assert statuses == [0] * len(statuses), f"single run exits {statuses}"
        assert_same_outputs(out, single)
        assert merged["total"] == totals, f"totals differ:\n {merged['total']}\n {totals}"
        assert merged["files_ok"] == len(files_under(inputs)) and merged["files_failed"] == 0
        paths = [f["path"] for f in merged["files"]]
        assert paths == sorted(paths), "files are not listed by path"
        bad = non_utf8_lines(os.path.join(out, "web1", HONEYNET))
        assert bad == HONEYNET_NON_UTF8, f"{bad} non-UTF-8 lines, not {HONEYNET_NON_UTF8}"

    def hashed_rotated_retained_run_matches_with_the_key_shipped_as_a_file():
        out = os.path.join(work, "spark-hashed")
        code, merged, stderr = spark_run(logscrub, inputs, out, HASHED, now=NOW, key=key)
        assert code == 0, f"exit {code}:\n{stderr[-3000:]}"
        assert merged["now"] == NOW
        single = os.path.join(work, "single-hashed")
        statuses, totals = single_machine(logscrub, inputs, single, HASHED, NOW, key)
        assert statuses == [0] * len(statuses), f"single run exits {statuses}"
        assert_same_outputs(out, single)
        assert merged["total"] == totals, f"totals differ:\n {merged['total']}\n {totals}"
        dropped = merged["total"]["dropped"]["too_old"]
        kept = merged["total"]["lines_out"]
        assert dropped > 0 and kept > 0, f"retention kept {kept}, dropped {dropped}: a weak test"
        assert merged["total"]["replacements"]["email"] > 0
        with open(os.path.join(out, "web2", "generated.log"), "rb") as f:
            text = f.read()
        assert b"ip6-" in text and b"email-" in text, "no pseudonyms in the hashed output"

    def hashed_run_across_processes_with_authentication_and_encryption():
        out = os.path.join(work, "spark-cluster")
        conf = ["spark.authenticate=true", "spark.authenticate.secret=logscrub-ci-secret",
                "spark.network.crypto.enabled=true", "spark.io.encryption.enabled=true"]
        code, merged, stderr = spark_run(logscrub, inputs, out, HASHED, now=NOW, key=key,
                                         master="local-cluster[2,1,1024]", conf=conf)
        assert code == 0, f"exit {code}:\n{stderr[-3000:]}"
        assert_same_outputs(out, os.path.join(work, "single-hashed"))

    def a_config_file_is_shipped_and_the_flags_override_it():
        config = os.path.join(work, "logscrub.toml")
        with open(config, "w") as f:
            f.write('ip = "redact"\nemail = "keep"\nipv4-prefix = 16\nquiet = false\n')
        out = os.path.join(work, "spark-config")
        code, merged, stderr = spark_run(logscrub, inputs, out, ["--email", "redact"], now=NOW,
                                         config=config)
        assert code == 0, f"exit {code}:\n{stderr[-3000:]}"
        single = os.path.join(work, "single-config")
        flags = ["--config", config, "--email", "redact"]
        statuses, totals = single_machine(logscrub, inputs, single, flags, NOW, None)
        assert statuses == [0] * len(statuses), f"single run exits {statuses}"
        assert_same_outputs(out, single)
        with open(os.path.join(out, "web2", "generated.log"), "rb") as f:
            text = f.read()
        assert b"[ipv4]" in text and b"[email]" in text and b"@example" not in text

    def a_truncated_gzip_fails_both_runs_alike_and_the_good_outputs_are_written():
        damaged = os.path.join(work, "damaged")
        build_inputs(damaged, truncated=True)
        out = os.path.join(work, "spark-damaged")
        code, merged, stderr = spark_run(logscrub, damaged, out, [], now=NOW)
        single = os.path.join(work, "single-damaged")
        statuses, totals = single_machine(logscrub, damaged, single, [], NOW, None)
        assert code == 2, f"spark run exits {code}, not 2:\n{stderr[-3000:]}"
        assert 2 in statuses, f"single run exits {statuses}"
        assert merged["files_failed"] == 1 and merged["status"] == "failed", merged
        failed = [f for f in merged["files"] if f["status"] == "failed"]
        assert failed[0]["path"].endswith("crashed.log.3.gz"), failed
        assert "crashed.log.3.gz" in failed[0]["error"], failed[0]["error"]
        assert "crashed.log.3.gz" in stderr, "the failure is not named on stderr"
        assert_same_outputs(out, single)
        assert "web2/crashed.log.3.gz" not in files_under(out)
        assert merged["total"] == totals, f"totals differ:\n {merged['total']}\n {totals}"

    def a_task_whose_logscrub_dies_without_a_report_is_retried():
        # A logscrub that is killed on its first attempt at one file (no report), then works.
        fake = os.path.join(work, "flaky-logscrub")
        marker = os.path.join(work, "flaky-marker")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\n"
                    f"if [ ! -e {marker} ] && [ \"$1\" != --version ]; then\n"
                    f"  : > {marker}; kill -9 $$\nfi\n"
                    f"exec {logscrub} \"$@\"\n")
        os.chmod(fake, 0o755)
        small = os.path.join(work, "small")
        os.makedirs(small)
        shutil.copy(os.path.join(inputs, "web2", "generated.log"), small)
        out = os.path.join(work, "spark-flaky")
        code, merged, stderr = spark_run(fake, small, out, [], now=NOW, master="local[1,3]")
        assert os.path.exists(marker), "the flaky attempt never ran"
        assert code == 0, f"exit {code}: the task was not retried:\n{stderr[-3000:]}"
        single = os.path.join(work, "single-flaky")
        single_machine(logscrub, small, single, [], NOW, None)
        assert_same_outputs(out, single)

    def own_flags_after_the_separator_are_refused():
        proc = subprocess.run([sys.executable, SCRIPT, "--input", inputs, "--output",
                               os.path.join(work, "never"), "--", "--report", "x.json"],
                              stderr=subprocess.PIPE)
        assert proc.returncode == 2, proc.returncode
        assert b"--report is set by scrub_spark.py" in proc.stderr, proc.stderr
        assert not os.path.exists(os.path.join(work, "never"))

    for t in (own_flags_after_the_separator_are_refused,
              default_flags_match_the_single_machine_run_byte_for_byte,
              hashed_rotated_retained_run_matches_with_the_key_shipped_as_a_file,
              hashed_run_across_processes_with_authentication_and_encryption,
              a_config_file_is_shipped_and_the_flags_override_it,
              a_truncated_gzip_fails_both_runs_alike_and_the_good_outputs_are_written,
              a_task_whose_logscrub_dies_without_a_report_is_retried):
        test(t)
    passed = sum(results)
    failed = len(results) - passed
    if failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
