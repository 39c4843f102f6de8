"""Memory of extraction: does it grow with the number of files beyond the symbol index?

    python benchmarks/bench_memory.py DIR [DIR ...] [--languages python,java]

For each directory, three fresh processes extract it:
- `stream`: records are consumed as `iter_repo_records` yields them (as `biocoder extract`
  and the build do); prints the resident memory when the first record arrives (sources +
  symbol index are built by then), at the end, and the peak;
- `hold`: every record kept in a list (what extraction cost before it streamed);
- `baseline`: the interpreter with the backends imported and nothing extracted.
`stream` peak minus its first-record RSS is what records add while streaming: it should stay
flat as repositories grow, while `hold` grows with the repository.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from pipeline.extract import ExtractStats, iter_repo_records, load_backend

def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20

mode, root, languages = sys.argv[2], sys.argv[3], tuple(sys.argv[4].split(","))
for lang in languages:
    load_backend(lang)
out = {"baseline_mb": rss_mb()}
if mode != "baseline":
    stats = ExtractStats()
    held, n, first, context_bytes = [], 0, None, 0
    for rec in iter_repo_records(root, stats, languages=languages):
        if first is None:
            first = rss_mb()
        n += 1
        context_bytes += len(rec.context_code)
        if mode == "hold":
            held.append(rec)
    out.update(records=n, first_record_mb=first, end_mb=rss_mb(),
               source_mb=sum(stats.bytes.values()) / 1e6, files=sum(stats.files.values()),
               context_mb=context_bytes / 1e6)
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def run(mode: str, root: Path, languages: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), mode, str(root), languages],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", type=Path, nargs="+")
    ap.add_argument("--languages", default="python,java")
    args = ap.parse_args()
    print(f"{'repository':<22}{'files':>7}{'src MB':>8}{'ctx MB':>8}{'records':>9}"
          f"{'base':>7}{'index':>7}{'stream peak':>12}{'hold peak':>10}  (RSS, MiB)")
    for root in args.dirs:
        base = run("baseline", root, args.languages)
        stream = run("stream", root, args.languages)
        hold = run("hold", root, args.languages)
        print(f"{root.name:<22}{stream['files']:>7}{stream['source_mb']:>8.1f}{stream['context_mb']:>8.1f}"
              f"{stream['records']:>9}{base['peak_mb']:>7.0f}{(stream['first_record_mb'] or 0):>7.0f}"
              f"{stream['peak_mb']:>12.0f}{hold['peak_mb']:>10.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
