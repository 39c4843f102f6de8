"""Sandbox overhead per run (bwrap vs rlimits) and `evaluate` throughput.

    /work/venv/bin/python benchmarks/bench_sandbox.py [--runs 30] [--samples 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from pipeline import sandbox
from pipeline.evaluate import evaluate, format_table
from pipeline.harness_run import insert_solution, run_harness
from pipeline.records import MARKER, rows_to_item_table
from pipeline.sandbox import run_sandboxed

TRIVIAL = "print('hello')\n"
HARNESS = f"""import random, sys

{MARKER}

rng = random.Random(int(sys.argv[1]))
for _ in range(20):
    dna = "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 50)))
    print(round(gc_content(dna), 6))
"""
REFERENCE = "def gc_content(s):\n    return sum(b in 'GC' for b in s) / len(s)\n"
WRONG = "def gc_content(s):\n    return s.count('G') / len(s)\n"


def python_for(isolation: str) -> str:
    if isolation == "bwrap" or not sandbox.is_root() or sandbox._runnable_by(sys.executable, sandbox.UID_BASE):
        return sys.executable
    return "/usr/bin/python3"


def overhead(runs: int) -> None:
    # same interpreter for all rows (one the unprivileged sandbox user can run), then bwrap
    # with the tool's own interpreter (under /root here: exposed through a tmpfs + bind)
    same = python_for("rlimits")
    for isolation, py in (("bare", same), ("rlimits", same), ("bwrap", same), ("bwrap", sys.executable)):
        if isolation == "bwrap" and not sandbox.bwrap_available():
            print("bwrap: not available")
            continue
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            if isolation == "bare":
                with tempfile.TemporaryDirectory() as d:
                    Path(d, "main.py").write_text(TRIVIAL)
                    subprocess.run([py, "main.py"], cwd=d, capture_output=True, check=True)
            else:
                r = run_sandboxed([py, "main.py"], {"main.py": TRIVIAL}, isolation=isolation)
                assert r.ok, r.stderr
            times.append((time.perf_counter() - t) * 1000)
        print(f"{isolation:8s} median {statistics.median(times):6.1f} ms  p90 {sorted(times)[int(0.9 * len(times))]:6.1f} ms"
              f"  ({py}, {runs} runs)")


def throughput(n_samples: int) -> None:
    py = python_for("auto")
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        program = insert_solution(HARNESS, REFERENCE)
        runs = [{"seed": s, "output": run_harness("python", program, s, python=py).stdout} for s in (1, 2, 3)]
        rows = [{"id": f"item{i}", "language": "python", "split": "test", "test_harness": HARNESS,
                 "test_runs": runs, "harness_validated": True} for i in range(max(1, n_samples // 4))]
        (root / "python").mkdir()
        pq.write_table(rows_to_item_table(rows), root / "python" / "test.parquet")
        samples = root / "samples.jsonl"
        with open(samples, "w") as fh:
            for i in range(n_samples):
                comp = REFERENCE if i % 2 == 0 else WRONG
                fh.write(json.dumps({"id": f"item{i % len(rows)}", "completion": comp}) + "\n")
        t = time.perf_counter()
        report = evaluate(root, samples, ks=[1, 2], python=py)
        dt = time.perf_counter() - t
        test_runs = sum(3 if r["passed"] else 1 for r in report.results)
        print(f"evaluate: {n_samples} samples ({test_runs} sandboxed runs, isolation "
              f"{sandbox.resolve_isolation()}) in {dt:.2f} s = {n_samples / dt:.1f} samples/s "
              f"with {__import__('os').cpu_count()} jobs")
        print(format_table(report))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--samples", type=int, default=40)
    args = ap.parse_args()
    overhead(args.runs)
    throughput(args.samples)


if __name__ == "__main__":
    main()
