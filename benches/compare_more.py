#!/usr/bin/env python3
"""Extra rows for /work/shared/bench/compare.py: the same input, the same A B A B timing (its `pair`),
one function per row so rows from different features merge without touching each other.

Usage (from the repository, after `cargo build --release`, under `umask 077`):
  benches/compare_more.py [--logscrub PATH] [--runs N] [--mb SIZE] [--only NAME,...]

Rows (names for --only):
  zcat           logscrub IN.gz > /dev/null                     vs  zcat IN.gz > /dev/null
                 (the reference every other row is quoted against)
  forget         logscrub --forget LIST IN.gz > /dev/null       vs  logscrub IN.gz > /dev/null
                 (LIST: 100 000 entries naming nobody in the log, so the same lines come out)
  forget_hashed  logscrub --forget LIST --ip hash --email hash HASHED.gz
                 vs the same without --forget (HASHED.gz: the input hashed once with the key)
  forget_hashed_daily   the same with --rotate daily: the entries' pseudonyms are made for
                 each of the input's 90 days
The last lines are "RATIO name value" lines, one per row.
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, "/work/shared/bench")
from compare import pair  # noqa: E402

SHARED = "/work/shared/bench"


def setup(args):
    """The generated input (as compare.py makes and caches it), its plain size, a key, a scratch dir."""
    work = os.path.join(tempfile.gettempdir(), "logscrub-bench")
    os.makedirs(work, exist_ok=True)
    gz = os.path.join(work, f"access-{args.mb}mb.log.gz")
    if not os.path.exists(gz):
        lines = args.mb * 1_000_000 // 238
        print(f"generating {gz} ({lines} lines)...", flush=True)
        subprocess.run(f"python3 {SHARED}/gen_access_log.py --lines {lines} | gzip -6 > {gz}.tmp "
                       f"&& mv {gz}.tmp {gz}", shell=True, check=True)
    size = int(subprocess.run(f"zcat {gz} | wc -c", shell=True, check=True, capture_output=True,
                              text=True).stdout)
    key = os.path.join(work, "bench.key")
    with open(key, "wb") as f:
        f.write(bytes(range(32)))
    os.chmod(key, 0o600)
    return {"work": work, "gz": gz, "mbytes": size / 1e6, "key": key}


def forget_list(ctx, n=100_000):
    """A list of n entries of every type, naming nobody in the generated log."""
    path = os.path.join(ctx["work"], f"forget-{n}.txt")
    if not os.path.exists(path):
        with open(path, "w") as f:
            for i in range(n):
                k = i % 10
                if k <= 3:
                    f.write(f"2026-11-25 ip:10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}\n")
                elif k <= 5:
                    f.write(f"2026-11-25 ip:2001:db8:ffff:{i >> 16:x}::{i & 0xffff:x}\n")
                elif k <= 8:
                    f.write(f"2026-11-25 email:someone.{i}@example.net\n")
                else:
                    f.write(f"2026-11-25 user:user{i}\n")
        os.chmod(path, 0o600)
    return path


def row_zcat(ctx, args):
    ls, gz = args.logscrub, ctx["gz"]
    return pair("zcat", f"{ls} {gz} > /dev/null", f"zcat {gz} > /dev/null", args.runs,
                ctx["mbytes"], "logscrub gz -> plain", "zcat")


def row_forget(ctx, args):
    ls, gz, lst = args.logscrub, ctx["gz"], forget_list(ctx)
    return pair("forget", f"{ls} --quiet --forget {lst} {gz} > /dev/null", f"{ls} --quiet {gz} > /dev/null",
                args.runs, ctx["mbytes"], "logscrub --forget (100 000 entries)", "logscrub")


def hashed_row(ctx, args, name, rotate):
    ls, gz, key, lst = args.logscrub, ctx["gz"], ctx["key"], forget_list(ctx)
    hashed = os.path.join(ctx["work"], f"hashed-{rotate}.log.gz")
    if not os.path.exists(hashed) or os.path.getmtime(hashed) < os.path.getmtime(gz):
        subprocess.run(f"{ls} --key-file {key} --ip hash --email hash --rotate {rotate} -o {hashed} {gz}",
                       shell=True, check=True)
    flags = f"--key-file {key} --ip hash --email hash --rotate {rotate}"
    return pair(name, f"{ls} --quiet --forget {lst} {flags} {hashed} > /dev/null",
                f"{ls} --quiet {flags} {hashed} > /dev/null", args.runs, ctx["mbytes"],
                f"logscrub --forget, hashed input ({rotate})", f"logscrub, hashed input ({rotate})")


def row_forget_hashed(ctx, args):
    """Hashed with one key for all time: one set of the entries' pseudonyms for the run."""
    return hashed_row(ctx, args, "forget_hashed", "never")


def row_forget_hashed_daily(ctx, args):
    """Hashed with a key per day: the entries' pseudonyms are made for each day of the input
    (the generated log spans 90 days, so 90 times 100 000 entries)."""
    return hashed_row(ctx, args, "forget_hashed_daily", "daily")


ROWS = {"zcat": row_zcat, "forget": row_forget, "forget_hashed": row_forget_hashed,
        "forget_hashed_daily": row_forget_hashed_daily}


def main():
    ap = argparse.ArgumentParser(description="extra compare.py rows")
    ap.add_argument("--logscrub", default="target/release/logscrub")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mb", type=int, default=300)
    ap.add_argument("--only", default=",".join(ROWS))
    args = ap.parse_args()
    args.logscrub = os.path.abspath(args.logscrub)
    if not os.access(args.logscrub, os.X_OK):
        sys.exit(f"no logscrub binary at {args.logscrub}: build with cargo build --release")
    ctx = setup(args)
    print(f"input: {ctx['gz']} ({ctx['mbytes']:.1f} MB plain); {os.cpu_count()} CPUs; "
          f"{args.runs} runs each after a warm-up")
    results = [ROWS[name](ctx, args) for name in args.only.split(",") if name in ROWS]
    print()
    for name, ratio, rss in results:
        print(f"RATIO {name} {ratio:.2f} (logscrub peak RSS {rss / 1024:.1f} MiB)")


if __name__ == "__main__":
    main()
