"""Funnel over real repositories: extract, then filters -> dedup -> splits, and print the funnel.

    python benchmarks/funnel_real.py /path/to/checkout [...] [--config cfg.toml] [--out DIR]

Checkouts are read only; nothing is copied. With --out, the dataset is written there too
(keep it outside this repository).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from pipeline.assemble import select_items
from pipeline.config import load_config
from pipeline.extract import extract_repo


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("roots", nargs="+", type=Path)
    ap.add_argument("--config", type=Path)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    config = load_config(args.config)
    records = []
    repos = []
    for root in args.roots:
        t = time.perf_counter()
        recs, stats = extract_repo(root, repo=f"local/{root.name}", languages=tuple(config.languages),
                                   max_file_bytes=config.max_file_bytes)
        records.extend(recs)
        repos.append({"repo": f"local/{root.name}", "commit": recs[0].commit if recs else "", "status": "ok",
                      "license": "unknown", "functions": len(recs)})
        print(f"{root.name}: {len(recs)} records ({dict(stats.functions)}) in {time.perf_counter() - t:.1f}s")
    t = time.perf_counter()
    kept, rejected, funnel = select_items(records, config)
    print(f"select_items: {time.perf_counter() - t:.1f}s")
    funnel.print()
    print(funnel.markdown())
    per_repo = Counter((r["repo"], r["language"], r["split"]) for r in kept)
    for key, n in sorted(per_repo.items()):
        print(*key, n)
    if args.out:
        from pipeline.writer import write_dataset

        write_dataset(args.out, kept, rejected, {"repos": repos}, funnel, config)
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
