#!/usr/bin/env python3
"""Project rows for the maintainers' compare.py: each row its own function, so rows from
different engineers merge easily. It imports pair() and run_timed() from compare.py.

Usage:
  python3 benches/compare_more.py [--compare /work/shared/bench/compare.py] [--logscrub PATH]
                                  [--runs N] [--mb SIZE] [--input FILE.gz] [--only NAME,...]

Without --input it uses compare.py's cached generated log ($TMPDIR/logscrub-bench/access-SIZEmb.log.gz,
made with gen_access_log.py beside compare.py if missing). Run under `umask 077`.

Rows (names for --only):
  check    logscrub check IN.gz > /dev/null      vs  zcat IN.gz > /dev/null   (target >= 1.5x)
"""
import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile


def load_compare(path):
    spec = importlib.util.spec_from_file_location("compare", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec.loader.exec_module(module)
    return module


def row_check(cmp, logscrub, gz, runs, mbytes):
    """`logscrub check` on the generated gzip log against zcat of the same file. The log is raw
    (full of addresses), so check exits 1: `|| true` keeps the timing of a run that found."""
    return cmp.pair("check", f"{{ {logscrub} check {gz} > /dev/null 2>&1 || test $? -eq 1; }}",
                    f"zcat {gz} > /dev/null", runs, mbytes, "logscrub check gz", "zcat")


ROWS = {"check": row_check}


def main():
    ap = argparse.ArgumentParser(description="project rows beside compare.py")
    ap.add_argument("--compare", default="/work/shared/bench/compare.py")
    ap.add_argument("--logscrub", default="target/release/logscrub")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mb", type=int, default=300)
    ap.add_argument("--input")
    ap.add_argument("--only", default=",".join(ROWS))
    args = ap.parse_args()
    cmp = load_compare(args.compare)
    logscrub = os.path.abspath(args.logscrub)
    if not os.access(logscrub, os.X_OK):
        sys.exit(f"no logscrub binary at {logscrub}: build with cargo build --release")
    work = os.path.join(tempfile.gettempdir(), "logscrub-bench")
    os.makedirs(work, exist_ok=True)
    if args.input:
        gz = os.path.abspath(args.input)
    else:
        gz = os.path.join(work, f"access-{args.mb}mb.log.gz")
        if not os.path.exists(gz):
            lines = args.mb * 1_000_000 // 238
            gen = os.path.join(os.path.dirname(os.path.abspath(args.compare)), "gen_access_log.py")
            print(f"generating {gz} ({lines} lines)...", flush=True)
            subprocess.run(f"python3 {gen} --lines {lines} | gzip -6 > {gz}.tmp && mv {gz}.tmp {gz}",
                           shell=True, check=True)
    size = int(subprocess.run(f"zcat {gz} | wc -c", shell=True, check=True, capture_output=True,
                              text=True).stdout)
    mbytes = size / 1e6
    print(f"input: {gz} ({os.path.getsize(gz) / 1e6:.1f} MB gzip, {mbytes:.1f} MB plain); "
          f"{os.cpu_count()} CPUs; {args.runs} runs each after a warm-up")
    results = [ROWS[name](cmp, logscrub, gz, args.runs, mbytes) for name in args.only.split(",")]
    print()
    for name, ratio, rss in results:
        print(f"RATIO {name} {ratio:.2f} (logscrub peak RSS {rss / 1024:.1f} MiB)")


if __name__ == "__main__":
    main()
