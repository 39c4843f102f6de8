"""Extraction throughput against bare tree-sitter parsing of the same files.

    python benchmarks/bench_extract.py DIR [--languages python,java] [--repeat N]

Prints files, MB, functions, which identifier pass the Python parser runs (C or pure Python;
`BIOCODER_PURE_PYTHON=1` forces the latter), bare-parse MB/s, extraction MB/s (parse + summaries + index +
context resolution + records), functions/s, their ratio, and peak RSS. One process, one core.
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path)
    ap.add_argument("--languages", default="python")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = ap.parse_args()
    languages = []
    for lang in args.languages.split(","):
        try:
            load_backend(lang)
            languages.append(lang)
        except ModuleNotFoundError as exc:
            print(f"skipping {lang}: backend not available ({exc.name})")
    for lang in languages:
        sources = []
        for rel, path, _ in iter_source_files(args.dir, (lang,)):
            try:
                sources.append(read_source(path, rel, lang).data)
            except SkipFile:
                continue
        mb = sum(map(len, sources)) / 1e6
        parser = bare_parser(lang)
        best_parse = float("inf")
        for _ in range(args.repeat):
            t = time.process_time()
            for data in sources:
                parser.parse(data)
            best_parse = min(best_parse, time.process_time() - t)
        best_ext = float("inf")
        n_funcs = 0
        for _ in range(args.repeat):
            gc.collect()
            t = time.process_time()
            records, stats = extract_repo(args.dir, languages=(lang,))
            best_ext = min(best_ext, time.process_time() - t)
            n_funcs = len(records)
            del records
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        parse_mbs = mb / best_parse
        ext_mbs = mb / best_ext
        print(f"[{lang}] {args.dir}: files {len(sources)}, {mb:.2f} MB, functions {n_funcs}")
        if lang == "python":
            print(f"  identifier pass: {scanner_status()}")
        print(f"  bare tree-sitter parse: {parse_mbs:6.2f} MB/s")
        print(f"  extraction + context:   {ext_mbs:6.2f} MB/s, {n_funcs / best_ext:8.0f} functions/s "
              f"({best_ext:.2f} s CPU, includes reading files)")
        print(f"  ratio extraction/parse: {ext_mbs / parse_mbs:.2f}")
        print(f"  peak RSS: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
