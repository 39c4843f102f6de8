"""Check the Python extractor on real repositories.

    python benchmarks/check_real_python.py DIR [DIR ...] [--samples N]

For each repository directory:
1. function counts: `ast` (FunctionDef + AsyncFunctionDef) against the extractor, over the
   files `ast` can parse; mismatching files are listed;
2. context soundness: for records of Python-3 files, the context_code with the function
   inserted at the marker (re-indented) must compile and leave no pyflakes undefined names.
   Failures are told apart from three kinds of item that are not the context's fault:
   - names the original leaves undefined too: the record's own file, or the file a line of the
     context comes from, on that line (a callee's module reading a name it never defines);
   - names only inside string annotations (`x: "pkg.Type"`, `TypeVar("T", bound="Base")`): forward
     references, never evaluated when the code runs, which pyflakes checks all the same;
   - contexts that draw on a file this Python cannot parse (say `type X = ...` of Python 3.12
     while this runs 3.11): those are left out of the share and counted.
"""

from __future__ import annotations

import argparse
import ast
import sys
import warnings
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyflakes import checker, messages  # noqa: E402

from parsers.source import SkipFile, read_source  # noqa: E402
from pipeline.extract import extract_repo, iter_source_files  # noqa: E402
from pipeline.records import MARKER, FunctionRecord  # noqa: E402


def insert_solution(context_code: str, rec: FunctionRecord, indent_of_code: str | None = None) -> str:
    """Replace the marker line by the function's code, re-indented to the marker's indentation."""
    lines = context_code.split("\n")
    for i, line in enumerate(lines):
        if line.strip() == MARKER:
            pad = line[: len(line) - len(line.lstrip())]
            break
    else:
        raise ValueError("no marker line")
    code_lines = rec.code.split("\n")
    # the original indentation: that of the continuation lines' common prefix with the def line
    orig = indent_of_code if indent_of_code is not None else _original_indent(rec)
    out = [pad + code_lines[0]]
    for ln in code_lines[1:]:
        out.append(pad + ln[len(orig):] if ln.startswith(orig) else ln)
    lines[i:i + 1] = out
    return "\n".join(lines)


def _original_indent(rec: FunctionRecord) -> str:
    # the last line of a def body is at least one level deeper than the def; the closing line
    # of the code has the def's indentation plus more, so use the minimum indentation of the
    # non-blank continuation lines that are not deeper than needed: the def line's own column
    # is not in the code (it was sliced at the def), so estimate it from the file.
    return rec.__dict__.get("_indent", "") if hasattr(rec, "__dict__") else ""


STRING_ANNOTATION = " (in a string annotation)"
IN_ORIGINAL = " (undefined on that line of the original)"


def check_context(rec: FunctionRecord, indent: str, newer_syntax: frozenset[str] = frozenset(),
                  undefined_lines: frozenset[tuple[str, str]] = frozenset()) -> list[str]:
    """The problems of a record's context with the function inserted: pyflakes' undefined
    names (marked when inside a string annotation, or when pyflakes reports the same name on the
    same line, stripped, of a file of the repository: `undefined_lines`), or one syntax error
    (marked when its line comes from a file of `newer_syntax`, the stripped lines of files this
    Python cannot parse)."""
    src = insert_solution(rec.context_code, rec, indent)
    try:
        tree = ast.parse(src)
    except SyntaxError as exc:
        line = (exc.text or "").strip()
        newer = " (newer syntax)" if line and line in newer_syntax else ""
        return [f"syntax: {exc.msg} line {exc.lineno}{newer}"]
    # pyflakes reports a name of a string annotation at the string's own position
    strings = {(n.lineno, n.col_offset) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    w = checker.Checker(tree, filename=rec.path)
    lines = src.split("\n")

    def marks(m) -> str:
        in_original = (lines[m.lineno - 1].strip(), m.message_args[0]) in undefined_lines
        return (STRING_ANNOTATION if (m.lineno, m.col) in strings else "") + (IN_ORIGINAL if in_original else "")

    return [m.message % m.message_args + marks(m) for m in w.messages
            if isinstance(m, (messages.UndefinedName, messages.UndefinedExport, messages.UndefinedLocal))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--samples", type=int, default=8)
    args = ap.parse_args()
    warnings.simplefilter("ignore", SyntaxWarning)
    total_ast = total_ext = total_ok = total_checked = total_inherited = total_forward = total_newer = 0
    all_ok = True
    for root in args.dirs:
        records, stats = extract_repo(root, languages=("python",))
        by_path: dict[str, list[FunctionRecord]] = {}
        for r in records:
            by_path.setdefault(r.path, []).append(r)
        n_ast = n_ext = 0
        mismatches = []
        py3_paths = set()
        original_undefined: dict[str, set[str]] = {}
        indents: dict[str, list[str]] = {}
        newer_lines: set[str] = set()  # stripped lines of files this Python cannot parse
        undefined_lines: set[tuple[str, str]] = set()  # (stripped line, name) pyflakes flags in a file
        for rel, path, _ in iter_source_files(root, ("python",)):
            try:
                src = read_source(path, rel, "python")
            except SkipFile:
                continue
            try:
                tree = ast.parse(src.text)
            except (SyntaxError, ValueError):
                newer_lines.update(ln.strip() for ln in src.text.split("\n"))
                continue
            py3_paths.add(rel)
            found = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
            got = by_path.get(rel, [])
            n_ast += len(found)
            n_ext += len(got)
            a = sorted(min([n.lineno] + [d.lineno for d in n.decorator_list]) for n in found)
            b = sorted(r.start_line for r in got)
            if a != b:
                mismatches.append((rel, len(found), len(got)))
            lines = src.text.split("\n")
            indents[rel] = lines
            w = checker.Checker(tree, filename=rel)
            flagged = [m for m in w.messages if isinstance(m, (messages.UndefinedName, messages.ImportStarUsage))]
            original_undefined[rel] = {m.message_args[0] for m in flagged}
            undefined_lines.update((lines[m.lineno - 1].strip(), m.message_args[0]) for m in flagged
                                   if m.lineno <= len(lines))
        newer_syntax = frozenset(newer_lines)
        frozen_undefined = frozenset(undefined_lines)
        ok = checked = inherited = forward = newer = 0
        failures: Counter = Counter()
        samples = []
        for r in records:
            if r.path not in py3_paths or r.python2:  # Python-3 items: ast parses the file
                continue
            line = indents[r.path][r.start_line - 1]
            indent = line[: len(line) - len(line.lstrip())]
            problems = check_context(r, indent, newer_syntax, frozen_undefined)
            if problems and problems[0].endswith("(newer syntax)"):
                newer += 1  # not checkable by this Python
                continue
            checked += 1
            undefined_there = original_undefined[r.path]
            # names the record's own file leaves undefined, or that a file leaves undefined on the very
            # line the context took from it (a callee's file reading a name it never defines)
            in_original = [p.startswith("undefined name") and (p.split("'")[1] in undefined_there or IN_ORIGINAL in p)
                           for p in problems]
            if not problems:
                ok += 1
            elif all(in_original):
                inherited += 1  # the original file leaves these names undefined too
            elif all(orig or STRING_ANNOTATION in p for p, orig in zip(problems, in_original)):
                forward += 1  # only forward references in strings (and names undefined in the original)
            else:
                failures[problems[0].split(" ")[0]] += 1
                if len(samples) < args.samples:
                    samples.append((r.path, r.qualified_name, problems[:3]))
        share = ok / checked if checked else 1.0
        print(f"== {root}")
        print(f"   files parsed {stats.files['python']}, skipped {dict(stats.skipped)}, python2 files "
              f"{stats.python2_files}")
        print(f"   functions: ast {n_ast}, extractor {n_ext} (ast-parsable files); mismatching files "
              f"{len(mismatches)}; all files: extractor {len(records)}")
        for m in mismatches[:10]:
            print(f"     mismatch {m}")
        print(f"   context check (Python 3): {ok}/{checked} = {share:.1%} compile with no undefined names; "
              f"+{inherited} whose only undefined names are undefined in the original file too "
              f"(= {(ok + inherited) / max(checked, 1):.1%}); +{forward} whose others are only in string "
              f"annotations (= {(ok + inherited + forward) / max(checked, 1):.1%}); {newer} left out: their "
              f"context draws on a file this Python ({sys.version_info.major}.{sys.version_info.minor}) cannot parse")
        for s in samples:
            print(f"     FAIL {s[0]} {s[1]}: {s[2]}")
        truncated = sum(r.context_truncated for r in records)
        print(f"   context truncated: {truncated}; levels: "
              + ", ".join(f"{k} {v}" for k, v in sorted(Counter(r.dependency_level for r in records).items())))
        total_ast += n_ast
        total_ext += n_ext
        total_ok += ok
        total_inherited += inherited
        total_forward += forward
        total_newer += newer
        total_checked += checked
        all_ok &= not mismatches
    share = total_ok / total_checked if total_checked else 1.0
    print(f"TOTAL functions ast {total_ast} extractor {total_ext}; context ok {total_ok}/{total_checked} "
          f"= {share:.1%} strict, {(total_ok + total_inherited) / max(total_checked, 1):.1%} "
          f"not counting names the original file leaves undefined, "
          f"{(total_ok + total_inherited + total_forward) / max(total_checked, 1):.1%} nor names only in string "
          f"annotations; {total_newer} left out (newer syntax than this Python's)")
    return 0 if all_ok and share >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
