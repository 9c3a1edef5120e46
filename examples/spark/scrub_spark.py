#!/usr/bin/env python3
"""Scrub a log archive on Spark, byte for byte as `logscrub` does on one machine.

One Spark task per input file. Each task hands the file's raw bytes, still compressed, to
`logscrub` on stdin and lets logscrub write the scrubbed file itself, atomically, into the output
directory (which every executor must see: a shared filesystem). The JVM never decodes a line, so
bytes that are not UTF-8 come out exactly as logscrub writes them, and a retried or speculative
attempt writes the same file again. The driver merges the per-file reports into one, in logscrub's
schema, and exits 2 if any input failed, as logscrub does.

    spark-submit scrub_spark.py --input /archive/2026 --output /srv/clean/2026 \\
        --key-file /etc/logscrub/key --report run.json -- --ip hash --rotate daily

Run `scrub_spark.py --help` for the options; everything after `--` goes to logscrub unchanged.
"""

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from urllib.parse import unquote, urlparse

# Options that this script sets on every task itself, so they may not come after `--`.
OWN_FLAGS = ("-o", "--output", "--report", "--now", "-j", "--threads", "--key-file", "--config",
             "--print-config", "-q", "--quiet", "--progress")
# logscrub's own commands, which scrub nothing.
COMMANDS = ("keygen", "reveal", "check", "completions", "man", "help")

# The exit status of logscrub when an input failed (the others are still written).
EXIT_FAILED = 2


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Scrub every file of an archive on Spark, one task per file, byte for byte "
                    "as logscrub does on one machine.",
        epilog="Everything after -- goes to logscrub (actions, retention, formats: any option "
               "that makes sense per file). The key file is shipped to the executors as a file "
               "(SparkContext.addFile) and named to logscrub by LOGSCRUB_KEY_FILE: never a value "
               "on a command line.")
    p.add_argument("--input", required=True, help="directory of logs (read recursively)")
    p.add_argument("--output", required=True,
                   help="directory for the scrubbed files, on a filesystem every executor sees; "
                        "each keeps its input's path relative to --input")
    p.add_argument("--logscrub", default=shutil.which("logscrub") or "logscrub",
                   help="the logscrub binary, shipped to every executor (default: logscrub on PATH)")
    p.add_argument("--key-file", help="key of --ip hash|encrypt and --email hash")
    p.add_argument("--config", help="logscrub's TOML settings, shipped to the executors; the "
                                    "flags after -- override it, and --key-file its key-file")
    p.add_argument("--now", help="'now' for --max-age and rotation, RFC 3339 or @SECONDS "
                                 "(default: the driver's clock, read once for every task)")
    p.add_argument("--report", help="write the merged JSON report here ('-': stdout)")
    p.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    p.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                   help="a Spark setting (repeatable)")
    p.add_argument("flags", nargs=argparse.REMAINDER,
                   help="-- then the flags of logscrub")
    args = p.parse_args(argv)
    flags = args.flags[1:] if args.flags[:1] == ["--"] else args.flags
    for f in flags:
        name = f.split("=", 1)[0]
        if name in OWN_FLAGS:
            p.error(f"{name} is set by scrub_spark.py itself; use its own option instead")
    if flags[:1] and flags[0] in COMMANDS:
        p.error(f"{flags[0]}: only scrubbing runs on Spark; give logscrub's scrub flags after --")
    if not os.path.isdir(args.input):
        p.error(f"--input {args.input}: not a directory")
    for name, path in (("--key-file", args.key_file), ("--config", args.config)):
        if path and not os.path.isfile(path):
            p.error(f"{name} {path}: no such file")
    inside = os.path.commonpath([os.path.abspath(args.input), os.path.abspath(args.output)])
    if inside == os.path.abspath(args.input):
        p.error(f"--output {args.output} is inside --input: a second run would scrub its outputs")
    args.flags = flags
    return args


def run_file(logscrub, key_name, config_name, now, flags, input_root, output_root, threads, row):
    """The task for one file: logscrub on its raw bytes. Returns logscrub's report of the file,
    with the input's path. Raises (so Spark retries the task) only when logscrub produced no
    report: a crash, a kill, an executor lost. A file logscrub failed on (a truncated gzip) is a
    result, not a reason to retry: a retry would fail the same way."""
    from pyspark import SparkFiles

    binary = SparkFiles.get(os.path.basename(logscrub))
    mode = os.stat(binary).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(binary, mode | stat.S_IXUSR)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C"}
    if key_name:
        key = SparkFiles.get(key_name)
        os.chmod(key, 0o600)  # keep the copy to its owner, as keygen does
        env["LOGSCRUB_KEY_FILE"] = key
    elif os.environ.get("LOGSCRUB_KEY_FILE"):
        # A key mounted on every node (spark.executorEnv.LOGSCRUB_KEY_FILE=/etc/logscrub/key).
        env["LOGSCRUB_KEY_FILE"] = os.environ["LOGSCRUB_KEY_FILE"]
    own = []
    if config_name:
        own = ["--config", SparkFiles.get(config_name)]
    path = unquote(urlparse(row.path).path)
    rel = os.path.relpath(path, input_root)
    target = os.path.join(output_root, rel)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    fd, report_path = tempfile.mkstemp(prefix=".logscrub-task.", suffix=".json")
    os.close(fd)
    os.unlink(report_path)  # logscrub creates it; its absence means no report
    try:
        cmd = [binary, *own, "-q", "-j", str(threads), "--now", now, "--report", report_path,
               *flags, "-o", target, "-"]
        proc = subprocess.run(cmd, input=bytes(row.content), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stderr = proc.stderr.decode("utf-8", "replace")
        try:
            with open(report_path, encoding="utf-8") as f:
                report = json.load(f)
        except (OSError, ValueError) as e:
            raise RuntimeError(f"{rel}: logscrub exited {proc.returncode} without a report "
                               f"({e}): {stderr.strip()}") from None
    finally:
        if os.path.exists(report_path):
            os.unlink(report_path)
    files = report.get("files") or [{}]
    entry = files[0]
    entry["path"] = path
    if entry.get("error"):
        # logscrub names stdin "<stdin>"; name the file.
        entry["error"] = entry["error"].replace("<stdin>", path)
    return {
        "rel": rel,
        "exit": proc.returncode,
        "stderr": stderr.replace("<stdin>", path),
        "file": entry,
        "run_error": report.get("error"),
    }


def hidden_files(root):
    """Files below `root` whose name (or a directory's) starts with `.` or `_`."""
    found = []
    for d, dirs, names in os.walk(root):
        for n in names + [x + "/" for x in dirs]:
            if n.startswith((".", "_")):
                found.append(os.path.relpath(os.path.join(d, n), root))
        dirs[:] = [x for x in dirs if not x.startswith((".", "_"))]
    return sorted(found)


COUNTERS = ("bytes_in", "bytes_out", "lines_in", "lines_out", "undated_lines", "read_bytes")


def merge(results, now, started, duration, version):
    """One report in logscrub's schema: files listed by path, totals summed."""
    files = sorted((r["file"] for r in results), key=lambda f: f.get("path", ""))
    total = {k: 0 for k in COUNTERS}
    dropped, replacements = {}, {}
    for f in files:
        for k in COUNTERS:
            total[k] += f.get(k, 0)
        for k, v in (f.get("dropped") or {}).items():
            dropped[k] = dropped.get(k, 0) + v
        for k, v in (f.get("replacements") or {}).items():
            replacements[k] = replacements.get(k, 0) + v
    total["dropped"] = dropped
    total["replacements"] = replacements
    failed = sum(1 for f in files if f.get("status") == "failed")
    errors = [r["run_error"] for r in results if r.get("run_error")]
    return {
        "logscrub": version,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "duration_secs": duration,
        "now": now,
        "status": "failed" if failed or errors else "ok",
        "error": "; ".join(errors) or None,
        "note": None,
        "files_ok": sum(1 for f in files if f.get("status") == "ok"),
        "files_failed": failed,
        "files_skipped": sum(1 for f in files if f.get("status") == "skipped"),
        "files": files,
        "total": total,
    }


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from pyspark.sql import Row, SparkSession

    started = time.time()
    # Read once, here: tasks that read the clock themselves could keep different lines.
    now = args.now or f"@{int(started)}"
    version = subprocess.run([args.logscrub, "--version"], stdout=subprocess.PIPE,
                             check=True).stdout.decode().split()[-1]
    builder = SparkSession.builder.appName("logscrub")
    if args.master:
        builder = builder.master(args.master)
    # One file per task: no packing of small files into one partition. binaryFile never splits a
    # file, and Spark schedules the largest partitions first.
    builder = builder.config("spark.sql.files.maxPartitionBytes", "1") \
                     .config("spark.sql.files.openCostInBytes", "1")
    for kv in args.conf:
        key, _, value = kv.partition("=")
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.addFile(os.path.abspath(args.logscrub))
    key_name = None
    if args.key_file:
        sc.addFile(os.path.abspath(args.key_file))
        key_name = os.path.basename(args.key_file)
    config_name = None
    if args.config:
        sc.addFile(os.path.abspath(args.config))
        config_name = os.path.basename(args.config)
    threads = int(sc.getConf().get("spark.task.cpus", "1"))
    input_root = os.path.abspath(args.input)
    output_root = os.path.abspath(args.output)
    os.makedirs(output_root, exist_ok=True)
    frame = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(input_root)
    logscrub, flags = args.logscrub, list(args.flags)

    def task(rows):
        for row in rows:
            yield run_file(logscrub, key_name, config_name, now, flags, input_root, output_root,
                           threads, row)

    results = frame.select("path", "content").rdd.mapPartitions(task).collect()
    # Spark plans no task for an empty file, but logscrub writes an (empty) output for one: those
    # run here, on the driver.
    done = {r["file"]["path"] for r in results}
    for uri in frame.inputFiles():
        if unquote(urlparse(uri).path) not in done:
            empty = Row(path=uri, content=b"")
            results.append(run_file(logscrub, key_name, config_name, now, flags, input_root,
                                    output_root, threads, empty))
    spark.stop()
    hidden = hidden_files(input_root)
    if hidden:
        print(f"scrub_spark.py: {len(hidden)} file(s) not read, as Spark's file listing skips "
              f"names that start with . or _: {', '.join(hidden[:5])}", file=sys.stderr)
    for r in sorted(results, key=lambda r: r["rel"]):
        for line in r["stderr"].splitlines():
            print(line, file=sys.stderr)
    report = merge(results, now, started, time.time() - started, version)
    if args.report:
        text = json.dumps(report, indent=2) + "\n"
        if args.report == "-":
            sys.stdout.write(text)
        else:
            tmp = args.report + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, args.report)
    failed = report["files_failed"] or any(r["exit"] != 0 for r in results)
    return EXIT_FAILED if failed else 0


if __name__ == "__main__":
    sys.exit(main())
