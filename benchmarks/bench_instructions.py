"""Extraction cost in instructions, against bare tree-sitter parsing of the same files.

    python benchmarks/bench_instructions.py DIR... [--languages python] [--tree ROOT]

CPU time on a shared machine can drift by 20% from run to run, which hides the effect of most
changes. Instructions do not: valgrind's callgrind counts the same total for the same program
and input whatever the machine is doing. This runs three child processes under callgrind:
imports only, bare parse of every file, and extraction (parse + summaries + index + context +
records), and prints the instructions of the last two net of the first, per MB, and their
ratio (extraction / parse; 1 / ratio is the share of bare-parse speed extraction reaches:
5 MB/s where bare parse runs 11 MB/s is a ratio of 2.2). `--tree` measures another checkout
of this project (an older commit in a git worktree, say) with the same files. About fifty times
slower than a normal run: use a few MB of source. Needs `valgrind` on PATH.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def child(mode: str, tree: Path, languages: tuple[str, ...], dirs: list[Path]) -> None:
    sys.path.insert(0, str(tree))
    from tree_sitter import Parser

    from parsers.java import JAVA
    from parsers.python import PY_LANGUAGE
    from parsers.source import SkipFile, read_source
    from pipeline.extract import extract_repo, iter_source_files, load_backend

    backends = [load_backend(lang) for lang in languages]
    sources = []
    for d in dirs:
        for rel, path, lang in iter_source_files(d, languages):
            try:
                sources.append((lang, read_source(path, rel, lang).data))
            except SkipFile:
                continue
    parsers = {"python": Parser(PY_LANGUAGE), "java": Parser(JAVA)}  # in every mode: the imports run counts it too
    if mode == "parse":
        for lang, data in sources:
            parsers[lang].parse(data)
    elif mode == "extract":
        for d in dirs:
            extract_repo(d, languages=languages)
    print(sum(len(data) for _, data in sources), len(backends))


def instructions(mode: str, tree: Path, languages: str, dirs: list[str]) -> tuple[int, int]:
    """(instructions, source bytes) of one child run under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "callgrind.out")
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__,
               "--child", mode, "--tree", str(tree), "--languages", languages, *dirs]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(f"{mode} run failed:\n{res.stderr[-2000:]}")
        m = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
        if m is None:
            raise SystemExit(f"no instruction total in callgrind's output of the {mode} run")
        return int(m.group(1)), int(res.stdout.split()[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--languages", default="python")
    ap.add_argument("--tree", type=Path, default=HERE, help="the checkout of this project to measure")
    ap.add_argument("--child", choices=("imports", "parse", "extract"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    languages = tuple(args.languages.split(","))
    if args.child:
        child(args.child, args.tree.resolve(), languages, [Path(d) for d in args.dirs])
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    base, n_bytes = instructions("imports", args.tree.resolve(), args.languages, args.dirs)
    parse = instructions("parse", args.tree.resolve(), args.languages, args.dirs)[0] - base
    extract = instructions("extract", args.tree.resolve(), args.languages, args.dirs)[0] - base
    mb = n_bytes / 1e6
    print(f"tree {args.tree.resolve()}: {mb:.2f} MB of {args.languages} in {len(args.dirs)} directories")
    print(f"  bare parse:          {parse / 1e6:10,.0f} M instructions  ({parse / mb / 1e6:,.0f} M/MB)")
    print(f"  extraction+context:  {extract / 1e6:10,.0f} M instructions  ({extract / mb / 1e6:,.0f} M/MB)")
    print(f"  ratio extraction/parse: {extract / parse:.2f}")


if __name__ == "__main__":
    main()
