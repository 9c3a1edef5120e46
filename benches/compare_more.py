#!/usr/bin/env python3
"""Extra rows for the maintainers' compare.py (kept beside the repository, in shared/bench/).

It imports `pair` and `run_timed` from that compare.py (found with --compare, or in
../shared/bench/ beside this repository) and adds rows, each in a function of its own so rows from
different engineers merge easily. Run it under `umask 077` (keys must not be readable by others):

  umask 077; python3 benches/compare_more.py --logscrub target/release/logscrub --runs 5 --mb 200

Rows (names for --only):
  aggregate  logscrub aggregate -j 2 IN.gz -o DIR (tables)   vs  zcat IN.gz > /dev/null
  goaccess   logscrub aggregate -j 2 IN.gz -o DIR           vs  goaccess IN.gz (JSON report), where
             goaccess is installed (apt-get install goaccess); skipped with a note otherwise
  aggrss     peak RSS of logscrub aggregate -j 2 on a 1.5 M-line log (generated with the
             maintainers' generator, cached beside compare.py's inputs)
  check      logscrub check IN.gz > /dev/null                 vs  zcat IN.gz > /dev/null (issue 14:
             >= 1.5x); the generated log is raw, so check exits 1, which the row accepts
  zcat       logscrub IN.gz > /dev/null                      vs  zcat IN.gz > /dev/null
             (the reference the forget rows are quoted against, in the same run)
  forget     logscrub --forget LIST IN.gz > /dev/null        vs  logscrub IN.gz > /dev/null
             (LIST: 100 000 entries of every type naming nobody in the log)
  forget_hashed        the same on IN.gz hashed once (--ip hash --email hash, one key for all
             time), both runs hashing again with the key
  forget_hashed_daily  the same with --rotate daily: the entries' pseudonyms are made for each
             of the input's 90 days
  maxage     logscrub --max-age 100000d IN.gz > /dev/null (every line's time read by --format
             auto, every line kept)  vs  zcat IN.gz > /dev/null
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def load_compare(path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    import compare  # noqa: E402  (the maintainers' script)
    return compare


def generated(compare, work, mb=None, lines=None):
    """The maintainers' generated log of `mb` MB (or `lines` lines), gzip, cached in `work`."""
    lines = lines or mb * 1_000_000 // 238
    name = f"access-{mb}mb.log.gz" if mb else f"access-{lines}lines.log.gz"
    gz = os.path.join(work, name)
    if not os.path.exists(gz):
        gen = os.path.join(os.path.dirname(compare.__file__), "gen_access_log.py")
        print(f"generating {gz} ({lines} lines)...", flush=True)
        subprocess.run(f"python3 {gen} --lines {lines} | gzip -6 > {gz}.tmp && mv {gz}.tmp {gz}",
                       shell=True, check=True)
    return gz


def text_mbytes(gz):
    out = subprocess.run(f"zcat {gz} | wc -c", shell=True, check=True, capture_output=True, text=True)
    return int(out.stdout) / 1e6


def row_aggregate(compare, logscrub, gz, mbytes, runs, out_dir):
    out = os.path.join(out_dir, "agg")
    os.makedirs(out, exist_ok=True)
    return compare.pair("aggregate", f"{logscrub} aggregate -q -j 2 -o {out} {gz}",
                        f"zcat {gz} > /dev/null", runs, mbytes,
                        "logscrub aggregate -j 2 (gz -> tables)", "zcat")


def row_goaccess(compare, logscrub, gz, mbytes, runs, out_dir):
    if not shutil.which("goaccess"):
        subprocess.run("apt-get install -y -q goaccess >/dev/null 2>&1", shell=True)
    if not shutil.which("goaccess"):
        print("\n[goaccess] skipped: goaccess is not installed (apt-get install goaccess)")
        return None
    out = os.path.join(out_dir, "agg-ga")
    os.makedirs(out, exist_ok=True)
    report = os.path.join(out_dir, "goaccess.json")
    return compare.pair("goaccess", f"{logscrub} aggregate -q -j 2 -o {out} {gz}",
                        f"zcat {gz} | goaccess - --log-format=COMBINED --no-progress -o {report}",
                        1, mbytes, "logscrub aggregate -j 2", "zcat | goaccess 1.7 (JSON report)")


def row_maxage(compare, logscrub, gz, mbytes, runs):
    return compare.pair("maxage", f"{logscrub} --max-age 100000d --now @1800000000 {gz} > /dev/null",
                        f"zcat {gz} > /dev/null", runs, mbytes,
                        "logscrub --max-age (auto) gz -> plain", "zcat")


def row_aggrss(compare, logscrub, work, out_dir):
    gz = generated(compare, work, lines=1_500_000)
    out = os.path.join(out_dir, "agg-rss")
    os.makedirs(out, exist_ok=True)
    wall, rss = compare.run_timed(f"{logscrub} aggregate -q -j 2 -o {out} {gz}")
    print(f"\n[aggrss]\n  logscrub aggregate -j 2 on 1.5 M lines: {wall:.2f} s, peak RSS {rss / 1024:.1f} MiB")
    return "aggrss", rss / 1024, rss


def bench_key(work):
    """A key readable by its owner only (logscrub refuses any other)."""
    key = os.path.join(work, "bench.key")
    with open(key, "wb") as f:
        f.write(bytes(range(32)))
    os.chmod(key, 0o600)
    return key


def forget_list(work, n=100_000):
    """A forget list of n entries of every type, naming nobody in the generated log."""
    path = os.path.join(work, f"forget-{n}.txt")
    if not os.path.exists(path):
        with open(path + ".tmp", "w") as f:
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
        os.chmod(path + ".tmp", 0o600)
        os.rename(path + ".tmp", path)
    return path


def row_zcat(compare, logscrub, gz, mbytes, runs):
    return compare.pair("zcat", f"{logscrub} {gz} > /dev/null", f"zcat {gz} > /dev/null", runs,
                        mbytes, "logscrub gz -> plain", "zcat")


def row_forget(compare, logscrub, gz, mbytes, runs, work):
    lst = forget_list(work)
    return compare.pair("forget", f"{logscrub} --quiet --forget {lst} {gz} > /dev/null",
                        f"{logscrub} --quiet {gz} > /dev/null", runs, mbytes,
                        "logscrub --forget (100 000 entries)", "logscrub")


def hashed_row(compare, logscrub, gz, mbytes, runs, work, name, rotate):
    key, lst = bench_key(work), forget_list(work)
    hashed = os.path.join(work, f"hashed-{rotate}-" + os.path.basename(gz))
    if not os.path.exists(hashed) or os.path.getmtime(hashed) < os.path.getmtime(gz):
        subprocess.run(f"{logscrub} --quiet --key-file {key} --ip hash --email hash --rotate {rotate} "
                       f"-o {hashed} {gz}", shell=True, check=True)
    flags = f"--key-file {key} --ip hash --email hash --rotate {rotate}"
    return compare.pair(name, f"{logscrub} --quiet --forget {lst} {flags} {hashed} > /dev/null",
                        f"{logscrub} --quiet {flags} {hashed} > /dev/null", runs, mbytes,
                        f"logscrub --forget, hashed input ({rotate})",
                        f"logscrub, hashed input ({rotate})")


def row_forget_hashed(compare, logscrub, gz, mbytes, runs, work):
    return hashed_row(compare, logscrub, gz, mbytes, runs, work, "forget_hashed", "never")


def row_forget_hashed_daily(compare, logscrub, gz, mbytes, runs, work):
    return hashed_row(compare, logscrub, gz, mbytes, runs, work, "forget_hashed_daily", "daily")


def row_check(compare, logscrub, gz, mbytes, runs):
    """`logscrub check` on the generated (raw) log: exit 1, findings, is its normal outcome."""
    return compare.pair("check", f"{{ {logscrub} check {gz} > /dev/null 2>&1 || test $? -eq 1; }}",
                        f"zcat {gz} > /dev/null", runs, mbytes, "logscrub check gz", "zcat")


def main():
    ap = argparse.ArgumentParser(description="extra rows for compare.py")
    ap.add_argument("--compare", default=os.path.join(HERE, "..", "..", "shared", "bench", "compare.py"))
    ap.add_argument("--logscrub", default="target/release/logscrub")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--input", help="a gzip access log instead of the generated one")
    ap.add_argument("--only", default="aggregate,goaccess,aggrss,zcat,forget,forget_hashed,"
                                      "forget_hashed_daily,check")
    args = ap.parse_args()
    if not os.path.exists(args.compare):
        args.compare = "/work/shared/bench/compare.py"
    compare = load_compare(args.compare)
    only = set(args.only.split(","))
    logscrub = os.path.abspath(args.logscrub)
    work = os.path.join(tempfile.gettempdir(), "logscrub-bench")
    os.makedirs(work, exist_ok=True)
    gz = os.path.abspath(args.input) if args.input else generated(compare, work, mb=args.mb)
    mbytes = text_mbytes(gz)
    print(f"input: {gz} ({os.path.getsize(gz) / 1e6:.1f} MB gzip, {mbytes:.1f} MB plain); "
          f"{args.runs} runs each after a warm-up")
    out_dir = tempfile.mkdtemp(dir=work)
    results = []
    try:
        if "aggregate" in only:
            results.append(row_aggregate(compare, logscrub, gz, mbytes, args.runs, out_dir))
        if "goaccess" in only:
            results.append(row_goaccess(compare, logscrub, gz, mbytes, args.runs, out_dir))
        if "aggrss" in only:
            results.append(row_aggrss(compare, logscrub, work, out_dir))
        if "check" in only:
            results.append(row_check(compare, logscrub, gz, mbytes, args.runs))
        if "zcat" in only:
            results.append(row_zcat(compare, logscrub, gz, mbytes, args.runs))
        for name, row in [("forget", row_forget), ("forget_hashed", row_forget_hashed),
                          ("forget_hashed_daily", row_forget_hashed_daily)]:
            if name in only:
                results.append(row(compare, logscrub, gz, mbytes, args.runs, work))
        if "maxage" in only:
            results.append(row_maxage(compare, logscrub, gz, mbytes, args.runs))
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    print()
    for r in filter(None, results):
        name, value, rss = r
        if name == "aggrss":
            print(f"RSS {name} {value:.1f} MiB")
        else:
            print(f"RATIO {name} {value:.2f} (logscrub peak RSS {rss / 1024:.1f} MiB)")


if __name__ == "__main__":
    main()
