"""Benchmark a whole `biocoder build` over local repositories (prints figures; not a test).

    python benchmarks/bench_build.py [OWNER/NAME=]REPO_DIR... [--jobs 2] [--harness/--no-harness] [--work DIR]

Each directory (a git checkout) becomes an entry cloned over file://, named OWNER/NAME when
given (a local mirror standing in for GitHub: permalinks point there), else local/<dirname>.
Clones are made first with `biocoder fetch` (timed apart: the target excludes cloning), then
the build runs twice: the first does all the work, the second must find nothing new.
Prints wall times, the per-stage timings from manifest.json and the funnel.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def source_bytes(root: Path) -> int:
    total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            if name.endswith((".py", ".java")):
                p = Path(dirpath, name)
                if not p.is_symlink():
                    total += p.stat().st_size
    return total


def run(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 3):  # 3: built, some repositories failed
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("repos", nargs="+", help="[OWNER/NAME=]DIR")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--harness", action=argparse.BooleanOptionalAction, default=False,
                    help="include test-harness generation and validation (slow: sandbox runs per item)")
    ap.add_argument("--work", type=Path, default=None, help="where to put the list, cache and output")
    args = ap.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="bench_build_"))
    work.mkdir(parents=True, exist_ok=True)
    named = []
    for arg in args.repos:
        name, _, path = arg.rpartition("=")
        d = Path(path).resolve()
        if d.is_dir():
            named.append((name or f"local/{d.name}", d))
    dirs = [d for _, d in named]
    listing = work / "repos.csv"
    with open(listing, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["repo_name", "url"])
        for name, d in named:
            w.writerow([name, d.as_uri()])
    mb = sum(source_bytes(d) for d in dirs) / 1e6
    config = work / "config.toml"
    config.write_text(f"[harness]\nenabled = {'true' if args.harness else 'false'}\n")
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    cli = [sys.executable, "-m", "flows.cli"]
    out, cache = work / "out", work / "cache"

    print(f"{len(dirs)} repositories, {mb:.1f} MB of Python and Java source; jobs={args.jobs}; harness={args.harness}")
    t_fetch = run(cli + ["fetch", str(listing), "--cache", str(cache), "--jobs", str(args.jobs)], env)
    print(f"clone (biocoder fetch, excluded from the target): {t_fetch:7.1f} s")
    build = cli + ["build", str(listing), "--out", str(out), "--cache", str(cache), "--config", str(config),
                   "--jobs", str(args.jobs)]
    t_first = run(build, env)
    manifest = json.loads((out / "manifest.json").read_text())
    t_second = run(build, env)
    again = json.loads((out / "stats" / "runs.jsonl").read_text().splitlines()[-1])

    print(f"build, first run:                  {t_first:7.1f} s   ({mb / t_first:.2f} MB/s end to end)")
    print(f"build, re-run with nothing new:    {t_second:7.1f} s   ({100 * t_second / t_first:.0f}% of the first)")
    print(f"  re-run: {again['from_cache']}/{again['repos']} repositories from the per-repo cache, "
          f"{again['processed']} processed, dataset {'left as it was' if again['up_to_date'] else 'rewritten'}")
    print("per-repository stages (CPU-bound work, summed over repositories, first run):")
    for stage, seconds in manifest["timings"]["per_repo"].items():
        print(f"  {stage:<10} {seconds:8.1f} s")
    print("global stages (first run):")
    for stage, seconds in manifest["timings"]["global"].items():
        print(f"  {stage:<10} {seconds:8.1f} s")
    counts = manifest["counts"]
    print(f"items kept {counts['kept']}, rejected {counts['rejected']}; failed repositories: "
          f"{sum(r['status'] != 'ok' or r.get('stage_status') == 'failed' for r in manifest['repos'])}")
    print("funnel:")
    for row in manifest.get("funnel_table", []):
        if row["language"] == "all" and row["count"]:
            print(f"  {row['stage']:<22} {row['count']:>8}")


if __name__ == "__main__":
    main()
