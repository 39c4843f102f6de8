"""Share of items with a validated test harness, per language.

    python benchmarks/harness_share.py REPO_OR_DATASET [...] [--sample 200] [--jobs 2] [--dump out.jsonl]

Each argument is a repository checkout (extracted with pipeline.extract.extract_repo, then a
simple filter) or a built dataset directory (its python/*.parquet and java/*.parquet rows are
used as they are). A deterministic sample of at most `--sample` items per language is validated
(pipeline.validate.validate_items). Printed per language: items, validated, share; the same
among items whose parameters are all of simple or domain types; the top untestable reasons.
With `--dump`, one JSON line per validated-or-not item (identity, reason, simple-params flag,
generated harness, the record row) for looking at concrete failures.

Checkouts are filtered by the configured filter chain (`--config`, default
pipeline/default_config.toml: what a build keeps), or with `--chain simple` by the stand-in used
before the chain existed: a docstring/Javadoc, not in a test file or test function, not a dunder,
not a constructor, no parse error, a body of at least 2 lines, Python 3 source.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

from pipeline import harness_common as hc
from pipeline import harness_java as hj
from pipeline import harness_python as hp
from pipeline.harness_run import normalize_solution
from pipeline.records import FunctionRecord
from pipeline.validate import reason_key, validate_items

_TEST_PATH = re.compile(r"(^|/)(tests?|testing)(/|$)|(^|/)test_[^/]*\.py$|_test\.py$|Test\.java$|/src/test/")


def simple_filter(r: FunctionRecord) -> bool:
    if not (r.docstring or "").strip() or r.has_parse_error or r.python2:
        return False
    if _TEST_PATH.search(r.path) or r.name.startswith("test"):
        return False
    if r.name.startswith("__") and r.name.endswith("__") or r.kind in ("constructor", "compact_constructor"):
        return False
    return r.code.count("\n") >= 2


_JAVA_SIMPLE = re.compile(r"(int|long|short|byte|double|float|boolean|char|Integer|Long|Short|Byte|Double|Float|"
                          r"Boolean|Character|String|CharSequence)(\[\])*")


def simple_params(r: FunctionRecord) -> bool:
    """Every parameter is of a simple or domain type: builtin scalars/containers of them, or
    (Python, unannotated) a name with a domain meaning or a literal default. A type the docstring
    names is checked against the classes of the context (`seq1 : DNA or TabularMSA` is a repo
    class, not a domain string). For a Python method, the receiver is a parameter too: its class
    must be buildable as the Java side asks (no constructor, or one of at most three simple
    arguments), by a constructor that is code in the context rather than a skeleton's `...`."""
    params = [p for p in r.parameters if p.name not in ("self", "cls") and not p.name.startswith("*")]
    if r.language == "java":
        for p in params:
            t = hj._simple(p.type or "")
            base = hj._strip_generics(t)
            args = hj._type_args(t)
            if _JAVA_SIMPLE.fullmatch(base):
                continue
            if base in hj._LISTS | hj._SETS | hj._MAPS and args and all(_JAVA_SIMPLE.fullmatch(hj._simple(a))
                                                                         for a in args):
                continue
            return False
        return True
    program = hc.insert_solution(r.context_code, normalize_solution(r.code))
    try:
        tree = ast.parse(program)
    except SyntaxError:
        tree = None
    classes = hp._class_index(tree) if tree else {}
    names = dict.fromkeys(classes, ())
    doc = hp.docstring_types(r.docstring)
    for p in params:
        specs = hp.type_specs(p.type, names) or hp._doc_type_specs(doc.get(p.name, ""), names)
        if specs:
            if any(s.startswith(("!", "new[")) for s in specs[:1]):
                return False
            continue
        if hp.name_specs(p.name) and not any(s.startswith("!") for s in hp.name_specs(p.name)):
            continue
        if hp.default_specs(p.default):
            continue
        return False
    receiver = r.kind in ("method", "property") and r.parameters and r.parameters[0].name != "cls"
    cls = classes.get((r.class_name or "").rsplit(".", 1)[-1]) if receiver else None
    if cls is not None:
        for owner in hp._bases(cls, classes):
            init = next((s for s in owner.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
            if init is not None:
                if hp._is_stub(init):
                    return False
                break
        return cls.name in hp.constructible_classes(program)
    return True


def load(path: Path, chain: str = "config", config: Path | None = None) -> tuple[list[FunctionRecord], str]:
    if (path / "python").is_dir() or (path / "java").is_dir():
        import pyarrow.parquet as pq

        rows = []
        for lang in ("python", "java"):
            for f in sorted((path / lang).glob("*.parquet")):
                rows += pq.read_table(f).to_pylist()
        return [FunctionRecord.from_row(r) for r in rows], "dataset"
    from pipeline.extract import extract_repo

    records, _ = extract_repo(path)
    if chain == "simple":
        return [r for r in records if simple_filter(r)], "checkout, simple filter"
    from pipeline.config import load_config
    from pipeline.filters import run_filters

    return [c.record for c in run_filters(records, load_config(config)).kept], "checkout, configured filter chain"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--sample", type=int, default=200, help="items per language (0 = all)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--python", default=None, help="harness interpreter (default: this one)")
    ap.add_argument("--languages", default="python,java")
    ap.add_argument("--dump", type=Path, default=None, help="write per-item outcomes here (JSON lines)")
    ap.add_argument("--chain", choices=("config", "simple"), default="config",
                    help="filter for checkouts: the configured chain, or the simple stand-in")
    ap.add_argument("--config", type=Path, default=None, help="TOML configuration for --chain config")
    args = ap.parse_args(argv)
    dump = args.dump.open("w") if args.dump else None
    pool: dict[str, list[FunctionRecord]] = {}
    for path in args.paths:
        t = time.perf_counter()
        records, kind = load(path, args.chain, args.config)
        print(f"{path}: {kind}, {len(records)} items after filtering ({time.perf_counter() - t:.1f}s)", file=sys.stderr)
        for r in records:
            pool.setdefault(r.language, []).append(r)
    for lang in args.languages.split(","):
        items = pool.get(lang, [])
        if args.sample and len(items) > args.sample:
            items = random.Random(0).sample(items, args.sample)
        if not items:
            continue
        t = time.perf_counter()

        def progress(done: int, total: int, _o) -> None:
            if done % 20 == 0 or done == total:
                print(f"  {lang}: {done}/{total} ({time.perf_counter() - t:.0f}s)", file=sys.stderr)

        outcomes = validate_items(items, jobs=args.jobs, python=args.python, timeout=args.timeout, progress=progress)
        simple = [simple_params(r) for r in items]
        n_ok = sum(o.harness_validated for o in outcomes)
        n_simple = sum(simple)
        n_simple_ok = sum(o.harness_validated for o, s in zip(outcomes, simple) if s)
        print(f"\n[{lang}] {len(items)} items ({len(pool.get(lang, []))} filtered; sample of {len(items)}), "
              f"{time.perf_counter() - t:.0f}s")
        print(f"  validated: {n_ok}/{len(items)} = {n_ok / len(items):.1%}")
        if n_simple:
            print(f"  params all simple/domain: {n_simple_ok}/{n_simple} = {n_simple_ok / n_simple:.1%}")
        reasons = Counter(reason_key(o.harness_reason) for o in outcomes if not o.harness_validated)
        print("  top reasons (not validated):")
        for reason, n in reasons.most_common(12):
            print(f"    {n:4d}  {reason}")
        simple_reasons = Counter(reason_key(o.harness_reason) for o, s in zip(outcomes, simple)
                                 if s and not o.harness_validated)
        print("  among simple-param items:", ", ".join(f"{r} {n}" for r, n in simple_reasons.most_common(6)))
        for r, o, s in zip(items, outcomes, simple) if dump else ():
            dump.write(json.dumps({"language": lang, "repo": r.repo, "path": r.path, "name": r.qualified_name,
                                   "simple": s, "validated": o.harness_validated, "reason": o.harness_reason,
                                   "harness": o.test_harness, "record": r.to_row()}, default=str) + "\n")
    if dump:
        dump.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
