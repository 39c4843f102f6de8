"""Check the Java extractor on a real checkout.

    python benchmarks/check_real_java.py /path/to/repo [--sample 300] [--seed 0] [--show-failures N]

Reports:
1. coverage: methods + constructors that javalang lists (files javalang parses) against what
   the extractor finds, per file, with the mismatching files;
2. compile share: among methods whose context needs only the JDK and the repository (every
   import of the unit is java.*/javax.*, nothing unresolved), the share whose context_code
   with the method inserted compiles with `javac` (a random sample; units are renamed into
   distinct packages and compiled in one javac run, failing files removed until a clean run);
3. javalang strict parse of each method alone (is it Java-8 parseable? do javalang's typed
   parameters agree with tree-sitter's?): how many methods it rejects, on which syntax, and
   how that relates to the javac result;
4. extraction throughput (MB/s, methods/s, CPU time), with and without the javalang strict parse.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import javalang  # noqa: E402

import pipeline.context_java as cj  # noqa: E402
from pipeline.extract import extract_repo  # noqa: E402
from pipeline.records import FunctionRecord  # noqa: E402


def javalang_counts(root: Path) -> tuple[dict[str, int], int, int]:
    """Per file (repo-relative): methods + constructors javalang lists; files parsed; files failed."""
    counts, ok, failed = {}, 0, 0
    for path in sorted(root.rglob("*.java")):
        if any(part in (".git",) for part in path.parts):
            continue
        rel = path.relative_to(root).as_posix()
        try:
            tree = javalang.parse.parse(path.read_text("utf-8", errors="replace"))
        except Exception:  # javalang raises many kinds; any of them means "cannot parse"
            failed += 1
            continue
        ok += 1
        n = sum(1 for _ in tree.filter(javalang.tree.MethodDeclaration))
        n += sum(1 for _ in tree.filter(javalang.tree.ConstructorDeclaration))
        counts[rel] = n
    return counts, ok, failed


def eligible(r: FunctionRecord) -> bool:
    """Context needs only the JDK and the repository."""
    if r.unresolved or r.dependency_level == "third_party" or r.has_parse_error:
        return False
    for line in r.context_code.splitlines():
        if line.startswith("import "):
            name = line.removeprefix("import ").removeprefix("static ").strip()
            local = bool(r.module) and name.startswith(r.module + ".")  # a repo type moved into the unit
            if not cj.is_jdk_name(name.removesuffix(".*").rstrip(";")) and not local:
                return False
    return True


def relocate(unit: str, package: str, new_package: str) -> str:
    """Move a unit into its own package so many units compile in one javac run."""
    out = []
    for line in unit.split("\n"):
        if package and line == f"package {package};":
            out.append(f"package {new_package};")
            continue
        if package and line.startswith(("import ", "import static ")) and f" {package}." in line:
            line = line.replace(f" {package}.", f" {new_package}.", 1)
        out.append(line)
    if not package:
        out.insert(0, f"package {new_package};")
    return "\n".join(out)


def javac_batch(units: list[str], work: Path) -> tuple[dict[int, bool], dict[int, str]]:
    """Compile units; a unit passes when it is part of a run with no errors at all."""
    src = work / "src"
    files: dict[int, Path] = {}
    for i, unit in enumerate(units):
        d = src / f"u{i:04d}"
        d.mkdir(parents=True, exist_ok=True)
        p = d / "Unit.java"
        p.write_text(unit, "utf-8")
        files[i] = p
    remaining = set(files)
    first_error: dict[int, str] = {}
    by_path = {str(p): i for i, p in files.items()}
    while remaining:
        out_dir = work / "classes"
        shutil.rmtree(out_dir, ignore_errors=True)
        out_dir.mkdir()
        argfile = work / "files.txt"
        argfile.write_text("\n".join(str(files[i]) for i in sorted(remaining)))
        proc = subprocess.run(
            ["javac", "-proc:none", "-nowarn", "-Xlint:none", "-Xmaxerrs", "100000", "-encoding", "UTF-8",
             "-implicit:none", "-cp", str(work / "none"), "-sourcepath", str(work / "none"), "-d", str(out_dir),
             f"@{argfile}"],
            capture_output=True, text=True,
        )
        if proc.returncode == 0:
            break
        failed = set()
        for m in re.finditer(r"^(/[^\n:]+\.java):(\d+): error: (.*)$", proc.stdout + proc.stderr, re.M):
            i = by_path.get(m.group(1))
            if i is not None and i in remaining:
                failed.add(i)
                first_error.setdefault(i, m.group(3))
        if not failed:
            print("javac failed without a file error:", (proc.stdout + proc.stderr)[:2000], file=sys.stderr)
            for i in remaining:
                first_error.setdefault(i, "javac: no file error")
            remaining.clear()
            break
        remaining -= failed
    return {i: i not in first_error for i in files}, first_error


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", type=Path)
    ap.add_argument("--sample", type=int, default=300, help="methods compiled with javac (0: all eligible)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show-failures", type=int, default=0, help="print this many failing units")
    args = ap.parse_args()
    root = args.root.resolve()

    # throughput without the strict parse, then with it (the records used below)
    # CPU time of this process: the machine may be shared
    cj.STRICT_PARSE = False
    t0 = time.process_time()
    recs_fast, stats = extract_repo(root, languages=("java",))
    t_fast = time.process_time() - t0
    cj.STRICT_PARSE = True
    t0 = time.process_time()
    recs, _ = extract_repo(root, languages=("java",))
    t_strict = time.process_time() - t0
    mb = stats.bytes["java"] / 1e6
    print(f"== {root.name}: {stats.files['java']} files, {mb:.2f} MB, {len(recs)} methods+constructors, "
          f"{stats.files_with_errors['java']} files with parse errors, skipped {dict(stats.skipped)}")
    print(f"throughput (CPU): extract+context {t_fast:.1f}s = {mb / t_fast:.2f} MB/s, {len(recs) / t_fast:.0f} methods/s; "
          f"with javalang strict parse {t_strict:.1f}s = {mb / t_strict:.2f} MB/s "
          f"(strict parse costs {100 * (t_strict - t_fast) / t_fast:.0f}% of extraction)")
    kinds = collections.Counter(r.kind for r in recs)
    scopes = collections.Counter(r.scope for r in recs)
    levels = collections.Counter(r.dependency_level for r in recs)
    print(f"kinds {dict(kinds)}; scopes {dict(scopes)}")
    print(f"dependency levels {dict(levels)}")

    # 1. coverage against javalang
    jl, jl_ok, jl_failed = javalang_counts(root)
    ours = collections.Counter(r.path for r in recs)
    total_jl = sum(jl.values())
    total_ours = sum(ours[p] for p in jl)
    mism = [(p, jl[p], ours[p]) for p in jl if jl[p] != ours[p]]
    print(f"coverage: javalang parses {jl_ok} files ({jl_failed} it cannot); on those, javalang lists "
          f"{total_jl} methods+constructors, the extractor {total_ours}; {len(mism)} files differ")
    for p, a, b in mism[:10]:
        print(f"   {p}: javalang {a}, extractor {b}")
    only_ours = sum(ours[p] for p in ours if p not in jl)
    print(f"   methods in files javalang cannot parse (extractor only): {only_ours}")

    # 2. compile share
    el = [r for r in recs if eligible(r)]
    rng = random.Random(args.seed)
    sample = el if not args.sample or args.sample >= len(el) else rng.sample(el, args.sample)
    print(f"compile: {len(el)} of {len(recs)} methods need only the JDK and the repository; "
          f"compiling {'all' if sample is el else f'a random sample of {len(sample)} (seed {args.seed})'}")
    if shutil.which("javac") is None:
        print("javac not found: compile check skipped")
        return 0
    units = [relocate(cj.insert_method(r.context_code, r.code), r.module, f"u{i:04d}" + (f".{r.module}" if r.module else ""))
             for i, r in enumerate(sample)]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        ok, errors = javac_batch(units, Path(tmp))
    n_ok = sum(ok.values())
    print(f"javac: {n_ok}/{len(sample)} compile = {100 * n_ok / max(1, len(sample)):.1f}% "
          f"({time.perf_counter() - t0:.1f}s)")
    errs = collections.Counter(re.sub(r"\b[A-Za-z_$][\w$.]*\b(?=\()|'[^']*'|\b\w+\.\w+\b", "…", e)[:70] for e in errors.values())
    for e, n in errs.most_common(12):
        print(f"   {n:4d}  {e}")
    for i in sorted(errors)[: args.show_failures]:
        print(f"--- {sample[i].qualified_name} ({sample[i].path}): {errors[i]}\n{units[i]}")

    # 3. javalang strict parse (each method alone, wrapped in a minimal class)
    verdicts = collections.Counter("ok" if r.strict_parse == "ok" else "failed" for r in recs)
    n_params = sum(1 for r in recs if (r.strict_parse or "").startswith("failed: parameters differ"))
    print(f"javalang strict parse of each method, all {len(recs)} methods: {dict(verdicts)}, of which "
          f"{n_params} parse but disagree with tree-sitter's parameters "
          f"(tree-sitter parsed all of them; {sum(r.has_parse_error for r in recs)} had tree-sitter errors)")
    tab = collections.Counter((sample[i].strict_parse == "ok", ok[i]) for i in ok)
    print("on the compiled sample: javalang ok & javac ok {}, javalang ok & javac fails {}, "
          "javalang fails & javac ok {}, javalang fails & javac fails {}".format(
              tab[(True, True)], tab[(True, False)], tab[(False, True)], tab[(False, False)]))
    reasons = collections.Counter(re.sub(r"line \d+", "line N", r.strict_parse or "")[:70]
                                  for r in recs if r.strict_parse != "ok")
    for e, n in reasons.most_common(8):
        print(f"   {n:4d}  {e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
