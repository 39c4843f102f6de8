"""Extraction throughput against bare tree-sitter parsing of the same files.

    python benchmarks/bench_extract.py DIR... [--languages python,java] [--repeat N] [--target MB/S] [--target-ratio R]

Prints files, MB, functions, which identifier pass the Python parser runs (C or pure Python)
and whether the parser and context resolver run compiled (`BIOCODER_PURE_PYTHON=1` forces
pure Python for all three), bare-parse MB/s, extraction MB/s (parse + summaries + index +
context resolution + records), functions/s, their ratio, and peak RSS; with several
directories, the same over all of them (total MB over total CPU time), how many reach
`--target` MB/s, and how many reach `--target-ratio` of bare-parse speed (the same target on
any machine: 5 MB/s where bare parse runs 11 MB/s is 0.45). `--phases` adds, for Python run
interpreted, how the time splits between parsing, the rest of the file summaries, context
resolution with records, and the rest. One process, one core.
Times are CPU time of this process (`time.process_time`), best of N: the machine may be shared,
and wall time would then measure the neighbours.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers.compiled import compiled_status, why_not_compiled  # noqa: E402
from parsers.native import scanner_status  # noqa: E402
from parsers.source import SkipFile, read_source  # noqa: E402
from pipeline.extract import extract_repo, iter_source_files, load_backend  # noqa: E402


def bare_parser(language: str):
    from tree_sitter import Language, Parser

    if language == "python":
        import tree_sitter_python as ts
    else:
        import tree_sitter_java as ts
    return Parser(Language(ts.language()))


def measure(directory: Path, lang: str, repeat: int) -> tuple[float, float, float, int, int] | None:
    """(MB, best bare-parse seconds, best extraction seconds, files, functions), or None without files."""
    sources = []
    for rel, path, _ in iter_source_files(directory, (lang,)):
        try:
            sources.append(read_source(path, rel, lang).data)
        except SkipFile:
            continue
    if not sources:
        return None
    mb = sum(map(len, sources)) / 1e6
    parser = bare_parser(lang)
    best_parse = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        for data in sources:
            parser.parse(data)
        best_parse = min(best_parse, time.process_time() - t)
    best_ext = float("inf")
    n_funcs = 0
    for _ in range(repeat):
        gc.collect()
        t = time.process_time()
        records, stats = extract_repo(directory, languages=(lang,))
        best_ext = min(best_ext, time.process_time() - t)
        n_funcs = len(records)
        del records
    return mb, best_parse, best_ext, len(sources), n_funcs


def phases(directory: Path) -> dict[str, float]:
    """CPU seconds of one extra Python extraction, split into parsing, the rest of the file
    summaries (identifier pass, statement walk), context resolution with records, and the rest
    (reading files, the symbol index). The timers wrap the two hot functions, so this run is
    slower than the measured ones."""
    from parsers import python as parser
    from pipeline import context_python as ctx

    spent = {"parse": 0.0, "summaries": 0.0, "records": 0.0}
    clock = time.process_time
    real_parser, real_summarize, real_record = parser._PARSER, ctx.summarize_python, ctx._Resolver.record
    real_parse = real_parser.parse

    class TimedParser:
        def parse(self, data):
            t = clock()
            try:
                return real_parse(data)
            finally:
                spent["parse"] += clock() - t

    def summarize(path, data):
        t = clock()
        try:
            return real_summarize(path, data)
        finally:
            spent["summaries"] += clock() - t

    def record(self, *args):
        t = clock()
        try:
            return real_record(self, *args)
        finally:
            spent["records"] += clock() - t

    parser._PARSER, ctx.summarize_python, ctx._Resolver.record = TimedParser(), summarize, record
    try:
        gc.collect()
        t = clock()
        extract_repo(directory, languages=("python",))
        total = clock() - t
    finally:
        parser._PARSER, ctx.summarize_python, ctx._Resolver.record = real_parser, real_summarize, real_record
    spent["summaries"] -= spent["parse"]
    return {**spent, "other": total - sum(spent.values()), "total": total}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", type=Path, nargs="+", metavar="DIR")
    ap.add_argument("--languages", default="python")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs")
    ap.add_argument("--target", type=float, default=5.0, help="MB/s the summary line counts directories against")
    ap.add_argument("--target-ratio", type=float, default=5 / 11,
                    help="share of bare-parse speed the summary line counts directories against")
    ap.add_argument("--phases", action="store_true", help="Python: also where the time goes, from one extra run")
    args = ap.parse_args()
    languages = []
    for lang in args.languages.split(","):
        try:
            load_backend(lang)
            languages.append(lang)
        except ModuleNotFoundError as exc:
            print(f"skipping {lang}: backend not available ({exc.name})")
    for lang in languages:
        if lang == "python":
            print(f"identifier pass: {scanner_status()}")
            print(f"parser and context resolver: {compiled_status()}")
        totals = [0.0, 0.0, 0.0, 0, 0]
        n_dirs = n_at_target = n_at_ratio = 0
        for directory in args.dirs:
            m = measure(directory, lang, args.repeat)
            if m is None:
                print(f"[{lang}] {directory}: no files")
                continue
            mb, t_parse, t_ext, n_files, n_funcs = m
            totals = [a + b for a, b in zip(totals, m)]
            n_dirs += 1
            n_at_target += mb / t_ext >= args.target
            n_at_ratio += t_parse / t_ext >= args.target_ratio
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"[{lang}] {directory}: files {n_files}, {mb:.2f} MB, functions {n_funcs}")
            print(f"  bare tree-sitter parse: {mb / t_parse:6.2f} MB/s")
            print(f"  extraction + context:   {mb / t_ext:6.2f} MB/s, {n_funcs / t_ext:8.0f} functions/s "
                  f"({t_ext:.2f} s CPU, includes reading files)")
            print(f"  ratio extraction/parse: {t_parse / t_ext:.2f}")
            print(f"  peak RSS so far: {rss:.0f} MB")
            if args.phases and lang == "python":
                if not why_not_compiled():
                    # compiled code calls its functions directly: timers put around them see nothing
                    print("  phases: not measured, the parser and context resolver are compiled "
                          "(BIOCODER_PURE_PYTHON=1 runs them interpreted)")
                    continue
                split = phases(directory)
                total = split.pop("total")
                print("  phases (CPU s, one instrumented run): " +
                      ", ".join(f"{k} {v:.2f} ({v / total:.0%})" for k, v in split.items()))
        if n_dirs > 1:
            mb, t_parse, t_ext, n_files, n_funcs = totals
            print(f"[{lang}] all {n_dirs} directories: files {n_files}, {mb:.2f} MB, functions {n_funcs}")
            print(f"  bare tree-sitter parse: {mb / t_parse:6.2f} MB/s")
            print(f"  extraction + context:   {mb / t_ext:6.2f} MB/s, {n_funcs / t_ext:8.0f} functions/s "
                  f"({t_ext:.2f} s CPU)")
            print(f"  ratio extraction/parse: {t_parse / t_ext:.2f}")
            print(f"  directories at >= {args.target:g} MB/s: {n_at_target} of {n_dirs}; "
                  f"at >= {args.target_ratio:.2f} of bare-parse speed: {n_at_ratio} of {n_dirs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
