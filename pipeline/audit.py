"""Context checks: is an item's context really enough to compile and run its function?

For every item (kept or rejected) the function's code is put in place of the marker line of
`context_code`, and the resulting program is checked:

- Python: it compiles (`compile()`), pyflakes finds no undefined name, and every absolute
  import of the program is importable (top-level package found) in the configured interpreter;
  an import of a repository module (which the context would have to carry) that is not
  importable is a real gap, a third-party package that is not installed is only reported.
- Java: javac compiles it (when a JDK is present). A package or class javac cannot find is
  classified: JDK or repository (a real gap in the context) versus third-party (not installed
  here, reported as such but not held against the context). Without a JDK the check is skipped.

`context_ok` is True when the program compiles and nothing is undefined; missing third-party
packages are listed in `context_problems` but do not make it False; None means not checked.
Every problem is a string `"<kind>: <detail>"`; the kinds are in `ERROR_KINDS`/`NOTE_KINDS`.

Checks run in parallel (processes for Python, one warm in-process javac per worker for Java)
and can be resumed: results are appended to a JSONL cache keyed by the item id and a hash of
what was checked.
"""

from __future__ import annotations

import ast
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from pipeline.records import MARKER
from pipeline.writer import atomic_write_bytes, file_sha256

CHECK_VERSION = "audit_v3"  # bump when a check changes, so cached results are not reused

# Problems that make context_ok False, and problems that are only reported.
ERROR_KINDS = ("no-marker", "syntax-error", "undefined-name", "missing-repo-module", "missing-repo-symbol",
               "undefined-symbol", "compile-error")
NOTE_KINDS = ("unimportable", "third-party-missing", "skipped")

Result = tuple["bool | None", list[str]]


# ---------------------------------------------------------------- assembling the program

def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _dedent_code(code: str, language: str) -> str:
    """The function's code with its own indentation removed.

    `code` starts at the first decorator/modifier, so its first line carries no indentation while
    later lines keep the file's. For Python the original column is the indentation of the `def`
    line when decorators come first, otherwise the first line defines it (column 0 for the slice).
    """
    lines = code.splitlines()
    if not lines:
        return code
    column = ""
    if language == "python" and lines[0].lstrip().startswith("@"):
        for line in lines[1:]:
            stripped = line.lstrip()
            if stripped.startswith(("def ", "async def ", "async\tdef")):
                column = _indent_of(line)
                break
            if stripped.startswith("@"):
                continue
    else:
        # indentation of the closing line (`}` in Java; last body line has at least the column)
        rest = [line for line in lines[1:] if line.strip()]
        if language == "java" and rest and rest[-1].strip().startswith("}"):
            column = _indent_of(rest[-1])
    if column:
        return textwrap.dedent("\n".join([column + lines[0]] + lines[1:]))
    return code


def assemble(row: dict[str, Any]) -> tuple[str, int, list[str]]:
    """(program, first line of the function in it, problems) with the code in place of the marker."""
    context = row.get("context_code") or ""
    language = row.get("language") or "python"
    code = _dedent_code(row.get("code") or "", language)
    if not context.strip():
        return code, 1, []
    lines = context.split("\n")
    for i, line in enumerate(lines):
        if MARKER in line:
            indent = _indent_of(line)
            placed = "\n".join((indent + c) if c.strip() else c for c in code.split("\n"))
            return "\n".join(lines[:i] + [placed] + lines[i + 1:]), i + 1, []
    return context.rstrip("\n") + "\n\n" + code, len(lines) + 2, ["no-marker: context_code has no marker line"]


def is_error(problem: str) -> bool:
    return problem.split(":", 1)[0] in ERROR_KINDS


def verdict(problems: list[str]) -> bool | None:
    if any(p.startswith("skipped:") for p in problems):
        return None
    return not any(is_error(p) for p in problems)


# ---------------------------------------------------------------- Python

_IMPORTABLE: dict[tuple[str, str], bool] = {}
_IMPORTABLE_LOCK = threading.Lock()

_FIND_SPECS = (
    "import importlib.util, json, sys\n"
    "out = {}\n"
    "for m in json.loads(sys.stdin.read()):\n"
    "    try:\n"
    "        out[m] = importlib.util.find_spec(m) is not None\n"
    "    except Exception:\n"
    "        out[m] = False\n"
    "print(json.dumps(out))\n"
)


def importable(modules: Iterable[str], python: str = sys.executable) -> dict[str, bool]:
    """Whether each top-level module is found by `python` (nothing is imported, only located).

    Only top-level names are checked: locating `a.b` would execute `a/__init__.py`.
    """
    tops = {m.split(".")[0] for m in modules if m}
    with _IMPORTABLE_LOCK:
        todo = sorted(t for t in tops if (python, t) not in _IMPORTABLE)
    if todo:
        if os.path.realpath(python) == os.path.realpath(sys.executable):
            import importlib.util

            found = {}
            for t in todo:
                try:
                    found[t] = importlib.util.find_spec(t) is not None
                except (ImportError, ValueError):
                    found[t] = False
        else:
            proc = subprocess.run([python, "-I", "-c", _FIND_SPECS], input=json.dumps(todo), capture_output=True,
                                  text=True, timeout=60)
            if proc.returncode != 0:
                raise RuntimeError(f"cannot query interpreter {python}: {proc.stderr.strip()[-300:]}")
            found = json.loads(proc.stdout)
        with _IMPORTABLE_LOCK:
            for t, ok in found.items():
                _IMPORTABLE[(python, t)] = bool(ok)
    with _IMPORTABLE_LOCK:
        return {t: _IMPORTABLE[(python, t)] for t in tops}


def check_python(row: dict[str, Any], python: str = sys.executable) -> Result:
    from pyflakes import checker, messages

    program, _, problems = assemble(row)
    filename = row.get("path") or "<item>"
    try:
        tree = ast.parse(program, filename=filename)
        compile(tree, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        problems.append(f"syntax-error: line {exc.lineno}: {exc.msg}")
        return verdict(problems), problems
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        problems.append(f"syntax-error: {type(exc).__name__}: {exc}")
        return verdict(problems), problems
    seen: set[str] = set()
    w = checker.Checker(tree, filename=filename)
    for m in sorted(w.messages, key=lambda m: m.lineno):
        if isinstance(m, (messages.UndefinedName, messages.UndefinedLocal, messages.UndefinedExport)):
            name = m.message_args[0]
            if name not in seen:
                seen.add(name)
                problems.append(f"undefined-name: {name}")
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                modules.setdefault(alias.name.split(".")[0], alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.setdefault(node.module.split(".")[0], node.module)
    local = {(u.get("module") or "").split(".")[0] for u in row.get("used_imports") or [] if u.get("kind") == "local"}
    if modules:
        found = importable(modules, python)
        for top in sorted(modules):
            if not found.get(top, False):
                # A repository module the context imports but does not carry: the program cannot run.
                problems.append(f"missing-repo-module: {top}" if top in local else f"unimportable: {top}")
    return verdict(problems), problems


# ---------------------------------------------------------------- Java

def find_javac() -> str | None:
    javac = shutil.which("javac")
    if javac:
        return javac
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "javac"), os.X_OK):
        return os.path.join(home, "bin", "javac")
    return None


_JAVA_TOKEN = re.compile(r'//[^\n]*|/\*.*?\*/|"""(?:\\.|[^\\])*?"""|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
_TYPE_DECL = re.compile(
    r"\b((?:public|protected|private|abstract|final|static|strictfp|sealed|non-sealed)\s+)*"
    r"(class|interface|enum|record|@\s*interface)\s+([A-Za-z_$][\w$]*)"
)


def _mask(code: str) -> str:
    """Comments and literals blanked (same length), so braces and keywords can be scanned."""
    return _JAVA_TOKEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), code)


def java_unit(program: str) -> tuple[str, str]:
    """(file name, source) for one compilation unit: named after its public top-level type;
    further public top-level types are demoted to package-private so javac accepts the file."""
    masked = _mask(program)
    depth_at: list[int] = []
    depth = 0
    for ch in masked:
        depth_at.append(depth)
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
    top_level = [m for m in _TYPE_DECL.finditer(masked) if depth_at[m.start()] == 0]
    public = [m for m in top_level if m.group(0).lstrip().startswith("public") or re.search(r"\bpublic\b", m.group(0))]
    if public:
        name = public[0].group(3)
        source = list(program)
        for m in public[1:]:
            pos = masked.index("public", m.start())
            source[pos:pos + 6] = " " * 6
        return f"{name}.java", "".join(source)
    if top_level:
        return f"{top_level[0].group(3)}.java", program
    return "Item.java", program


_DIAG = re.compile(r"^(?P<file>[^:\n]+\.java):(?P<line>\d+):(?P<col>\d+): compiler\.err\.(?P<key>[\w.]+): ?(?P<args>.*)$", re.M)


def _jdk_package(pkg: str) -> bool:
    from pipeline.java_jdk import JDK_TYPES

    # javax.* is not all JDK (javax.vecmath, javax.servlet, javax.inject are separate jars).
    return pkg in JDK_TYPES or pkg.startswith(("java.", "jdk.", "sun.", "com.sun."))


def _repo_prefixes(row: dict[str, Any]) -> set[str]:
    prefixes = set()
    module = row.get("module") or ""
    if module:
        prefixes.add(".".join(module.split(".")[:2]))
    for u in row.get("used_imports") or []:
        if u.get("kind") == "local" and u.get("module"):
            prefixes.add(".".join(u["module"].split(".")[:2]))
    return prefixes


def _in_repo(pkg: str, prefixes: set[str]) -> bool:
    return any(pkg == p or pkg.startswith(p + ".") for p in prefixes if p)


def classify_javac(output: str, program: str, row: dict[str, Any]) -> list[str]:
    """Problems from javac's raw diagnostics (`-XDrawDiagnostics`)."""
    prefixes = _repo_prefixes(row)
    single: dict[str, tuple[str, str]] = {}  # simple name -> (package, what it names), single imports
    wildcard: list[str] = []
    for m in re.finditer(r"^\s*import\s+(static\s+)?([\w.]+?)(\.\*)?\s*;", _mask(program), re.M):
        target = m.group(2)
        if m.group(3):
            wildcard.append(target)
        elif m.group(1):  # import static pkg.Class.member;
            pkg = target.rsplit(".", 2)[0] if target.count(".") >= 2 else target
            single[target.rsplit(".", 1)[-1]] = (pkg, f"member {target}")
        else:
            single[target.rpartition(".")[2]] = (target.rpartition(".")[0], f"class {target}")
    problems: list[str] = []
    missing_third_party: set[str] = set()
    seen: set[str] = set()

    def add(p: str) -> None:
        if p not in seen:
            seen.add(p)
            problems.append(p)

    diags = list(_DIAG.finditer(output))
    for d in diags:
        if d.group("key") == "doesnt.exist":
            pkg = d.group("args").strip()
            if _jdk_package(pkg):
                add(f"compile-error: package {pkg} does not exist in this JDK")
            elif _in_repo(pkg, prefixes):
                add(f"missing-repo-symbol: package {pkg}")
            else:
                missing_third_party.add(pkg)
                add(f"third-party-missing: package {pkg}")
    for d in diags:
        key, args, line = d.group("key"), d.group("args"), d.group("line")
        if key == "doesnt.exist":
            continue
        if key.startswith("cant.resolve"):
            parts = [a.strip() for a in args.split(",")]
            kind = parts[0].replace("kindname.", "") if parts else "symbol"
            name = parts[1] if len(parts) > 1 else "?"
            if name in single:
                pkg, what = single[name]
                if _in_repo(pkg, prefixes):
                    add(f"missing-repo-symbol: {what}")
                elif pkg in missing_third_party or not _jdk_package(pkg):
                    add(f"third-party-missing: {what}")
                else:
                    add(f"undefined-symbol: {kind} {name}")
            elif kind in ("class", "variable") and name[:1].isupper() and any(
                    w in missing_third_party for w in wildcard):
                add(f"third-party-missing: class {name} (from a missing wildcard import)")
            elif kind == "class":
                add(f"undefined-symbol: class {name}")
            else:
                add(f"undefined-symbol: {kind} {name}")
            continue
        message = args.strip()
        add(f"compile-error: line {line}: {key}{': ' + message[:160] if message else ''}")
    if not diags and output.strip():
        add(f"compile-error: {output.strip().splitlines()[0][:200]}")
    return problems


_JAVAC_FLAGS = ["-proc:none", "-nowarn", "-encoding", "UTF-8", "-XDrawDiagnostics", "-Xmaxerrs", "200"]


def check_java(row: dict[str, Any], javac: str | None = None) -> Result:
    javac = javac or find_javac()
    if not javac:
        return None, ["skipped: no JDK (javac not found on PATH or in JAVA_HOME); the Java check was not run"]
    program, _, problems = assemble(row)
    name, source = java_unit(program)
    with tempfile.TemporaryDirectory(prefix="audit-java-") as tmp:
        Path(tmp, name).write_text(source, encoding="utf-8")
        try:
            proc = subprocess.run([javac, "-d", os.path.join(tmp, "out"), *_JAVAC_FLAGS, name], cwd=tmp,
                                  capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            problems.append("compile-error: javac timed out after 120 s")
            return verdict(problems), problems
        output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        problems += classify_javac(output, source, row)
        if not any(is_error(p) or p.startswith("third-party-missing") for p in problems):
            problems.append(f"compile-error: javac exited with {proc.returncode}")
    return verdict(problems), problems


# One JVM compiles many items: javac's start-up (~0.5 s) dominates a small unit, so a worker
# keeps a warm compiler and feeds it one directory per item.
_BATCH_JAVAC = r"""
import javax.tools.*;
import java.io.*;
import java.nio.file.*;
import java.util.*;

public class BatchJavac {
    public static void main(String[] a) throws Exception {
        JavaCompiler c = ToolProvider.getSystemJavaCompiler();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        String dir;
        while ((dir = in.readLine()) != null) {
            List<String> args = new ArrayList<>(Arrays.asList(a));
            args.add(0, dir + "/out"); args.add(0, "-d");
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(Paths.get(dir), "*.java")) {
                for (Path p : ds) args.add(p.toString());
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc;
            try { rc = c.run(null, err, err, args.toArray(new String[0])); }
            catch (Throwable t) { rc = 99; err.write(("crash: " + t).getBytes("UTF-8")); }
            Files.write(Paths.get(dir, "javac.out"), err.toByteArray());
            System.out.println("done " + rc);
            System.out.flush();
        }
    }
}
"""


class JavacWorker:
    """A warm in-process compiler (one JVM) fed one item directory at a time."""

    def __init__(self, javac: str, helper_dir: Path) -> None:
        java = str(Path(javac).with_name("java"))
        self.proc = subprocess.Popen([java, "-Xss8m", "-XX:+UseSerialGC", "-cp", str(helper_dir), "BatchJavac", *_JAVAC_FLAGS],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def compile(self, directory: Path) -> tuple[int, str]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(str(directory) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line.startswith("done "):
            raise RuntimeError(f"batch javac stopped unexpectedly (exit {self.proc.poll()})")
        return int(line.split()[1]), Path(directory, "javac.out").read_text("utf-8", "replace")

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _build_helper(javac: str, tmp: Path) -> Path:
    helper = tmp / "helper"
    helper.mkdir()
    (helper / "BatchJavac.java").write_text(_BATCH_JAVAC, encoding="utf-8")
    subprocess.run([javac, "-d", str(helper), str(helper / "BatchJavac.java")], check=True, capture_output=True, timeout=120)
    return helper


def _check_java_batch(rows: Sequence[dict[str, Any]], jobs: int, on_result: Callable[[int, Result], None]) -> None:
    javac = find_javac()
    if not javac:
        for i, row in enumerate(rows):
            on_result(i, check_java(row, None))
        return
    with tempfile.TemporaryDirectory(prefix="audit-javac-") as tmp_s:
        tmp = Path(tmp_s)
        helper = _build_helper(javac, tmp)
        shards = [list(range(k, len(rows), jobs)) for k in range(jobs)]

        def run_shard(indices: list[int]) -> None:
            worker = JavacWorker(javac, helper)
            try:
                for i in indices:
                    row = rows[i]
                    program, _, problems = assemble(row)
                    name, source = java_unit(program)
                    d = tmp / f"item{i}"
                    d.mkdir()
                    (d / name).write_text(source, encoding="utf-8")
                    rc, output = worker.compile(d)
                    if rc != 0:
                        problems += classify_javac(output, source, row)
                        if not any(is_error(p) or p.startswith("third-party-missing") for p in problems):
                            problems.append(f"compile-error: javac exited with {rc}")
                    shutil.rmtree(d, ignore_errors=True)
                    on_result(i, (verdict(problems), problems))
            finally:
                worker.close()

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for f in [pool.submit(run_shard, s) for s in shards if s]:
                f.result()


# ---------------------------------------------------------------- one item, many items

def check_item(row: dict[str, Any], python: str = sys.executable) -> tuple[bool | None, list[str]]:
    """(context_ok, problems) for one item row (FunctionRecord columns + item columns)."""
    if row.get("language") == "java":
        return check_java(row)
    return check_python(row, python)


def item_key(row: dict[str, Any], python: str = sys.executable) -> str:
    """Cache key: the item id and a hash of everything the verdict depends on."""
    h = hashlib.sha256()
    for part in (CHECK_VERSION, row.get("language") or "", row.get("context_code") or "", row.get("code") or "",
                 python if row.get("language") != "java" else "javac"):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return f"{row.get('id')}:{h.hexdigest()[:16]}"


def _check_python_chunk(args: tuple[list[dict[str, Any]], str]) -> list[Result]:
    rows, python = args
    return [check_python(r, python) for r in rows]


_AUDIT_COLUMNS = ("id", "language", "path", "code", "context_code", "used_imports", "module")


def check_items(
    rows: Sequence[dict[str, Any]],
    jobs: int | None = None,
    cache_path: str | Path | None = None,
    python: str = sys.executable,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[bool | None, list[str]]]:
    """(context_ok, problems) for every row, in order, using `jobs` workers (default: all cores).

    With `cache_path` (JSONL) finished results are appended as they arrive and reused on the
    next call, so an interrupted audit resumes where it stopped.
    """
    jobs = max(1, jobs or os.cpu_count() or 1)
    keys = [item_key(r, python) for r in rows]
    cached: dict[str, Result] = {}
    if cache_path and Path(cache_path).exists():
        with open(cache_path, encoding="utf-8") as f:
            for line in f:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a kill
                cached[entry["key"]] = (entry["context_ok"], entry["problems"])
    results: list[Result | None] = [cached.get(k) for k in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    done = len(rows) - len(todo)
    lock = threading.Lock()
    out = None
    if cache_path:
        Path(cache_path).parent.mkdir(parents=True, exist_ok=True)
        out = open(cache_path, "a", encoding="utf-8")

    def record(i: int, result: Result) -> None:
        nonlocal done
        with lock:
            results[i] = result
            done += 1
            if out:
                out.write(json.dumps({"key": keys[i], "id": rows[i].get("id"), "context_ok": result[0],
                                      "problems": result[1]}) + "\n")
                out.flush()
            if progress:
                progress(done, len(rows))

    try:
        py = [i for i in todo if rows[i].get("language") != "java"]
        java = [i for i in todo if rows[i].get("language") == "java"]
        if py:
            slim = [{k: rows[i].get(k) for k in _AUDIT_COLUMNS} for i in py]
            chunk = max(1, min(200, len(py) // (jobs * 4) or 1))
            batches = [(py[k:k + chunk], slim[k:k + chunk]) for k in range(0, len(py), chunk)]
            if jobs == 1 or len(py) < 50:
                for idx, part in batches:
                    for i, res in zip(idx, _check_python_chunk((part, python))):
                        record(i, res)
            else:
                with ProcessPoolExecutor(max_workers=jobs) as pool:
                    futures = [(idx, pool.submit(_check_python_chunk, (part, python))) for idx, part in batches]
                    for idx, fut in futures:
                        for i, res in zip(idx, fut.result()):
                            record(i, res)
        if java:
            slim_java = [{k: rows[i].get(k) for k in _AUDIT_COLUMNS} for i in java]
            _check_java_batch(slim_java, min(jobs, len(java)), lambda j, res: record(java[j], res))
    finally:
        if out:
            out.close()
    return [r if r is not None else (None, ["skipped: not checked"]) for r in results]


# ---------------------------------------------------------------- summary

def _tally(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    items = ok = checked = 0
    for r in rows:
        items += 1
        if r.get("context_ok") is not None:
            checked += 1
            ok += bool(r["context_ok"])
    return {"items": items, "checked": checked, "context_ok": ok,
            "share_ok": round(ok / checked, 4) if checked else None}


def summarise(rows: Sequence[dict[str, Any]], top: int = 15) -> dict[str, Any]:
    """Share of items whose context is sufficient, by language, dependency level and repository,
    and the most frequent problems (each counted once per item)."""
    by_lang: dict[str, list] = defaultdict(list)
    by_level: dict[tuple[str, str], list] = defaultdict(list)
    by_repo: dict[str, list] = defaultdict(list)
    problems: Counter = Counter()
    kinds: Counter = Counter()
    for r in rows:
        lang = r.get("language") or "?"
        by_lang[lang].append(r)
        by_level[(lang, r.get("dependency_level") or "?")].append(r)
        by_repo[r.get("repo") or "?"].append(r)
        ps = set(r.get("context_problems") or [])
        problems.update(ps)
        kinds.update({p.split(":", 1)[0] for p in ps})
    levels: dict[str, dict[str, Any]] = defaultdict(dict)
    for (lang, level), rs in sorted(by_level.items()):
        levels[lang][level] = _tally(rs)
    return {
        "check_version": CHECK_VERSION,
        "all": _tally(rows),
        "by_language": {k: _tally(v) for k, v in sorted(by_lang.items())},
        "by_dependency_level": dict(levels),
        "by_repo": {k: _tally(v) for k, v in sorted(by_repo.items())},
        "problem_kinds": dict(kinds.most_common()),
        "top_problems": [[p, n] for p, n in problems.most_common(top)],
    }


# ---------------------------------------------------------------- dataset files

def dataset_files(out_dir: str | Path) -> list[Path]:
    """The item Parquet files of a built dataset: python/*.parquet, java/*.parquet, rejected.parquet."""
    out = Path(out_dir)
    files = sorted(Path(p) for lang in ("python", "java") for p in glob.glob(str(out / lang / "*.parquet")))
    if (out / "rejected.parquet").exists():
        files.append(out / "rejected.parquet")
    return files


def read_items(out_dir: str | Path, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Every item row, kept and rejected, with `_file` (relative path) and `_kept` added; the split
    of a kept item comes from its column or, failing that, its file name."""
    import pyarrow.parquet as pq

    out = Path(out_dir)
    rows: list[dict[str, Any]] = []
    for path in dataset_files(out):
        schema_names = pq.read_schema(path).names
        cols = None if columns is None else [c for c in columns if c in schema_names]
        table = pq.read_table(path, columns=cols)
        kept = path.name != "rejected.parquet"
        rel = path.relative_to(out).as_posix()
        for row in table.to_pylist():
            row["_file"] = rel
            row["_kept"] = kept
            if kept and not row.get("split"):
                row["split"] = path.stem
            rows.append(row)
    return rows


def store_results(out_dir: str | Path, results: dict[str, tuple[bool | None, list[str]]]) -> int:
    """Write context_ok/context_problems into every dataset file (atomically: temp file + rename).
    Returns the number of rows updated."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.records import ITEM_SCHEMA

    ok_type = ITEM_SCHEMA.field("context_ok").type
    problems_type = ITEM_SCHEMA.field("context_problems").type
    updated = 0
    for path in dataset_files(out_dir):
        table = pq.read_table(path)
        ids = table.column("id").to_pylist()
        old_ok = table.column("context_ok").to_pylist() if "context_ok" in table.column_names else [None] * len(ids)
        old_pr = table.column("context_problems").to_pylist() if "context_problems" in table.column_names else [None] * len(ids)
        ok_col, pr_col = [], []
        for i, item_id in enumerate(ids):
            if item_id in results:
                ok_col.append(results[item_id][0])
                pr_col.append(list(results[item_id][1]))
                updated += 1
            else:
                ok_col.append(old_ok[i])
                pr_col.append(old_pr[i])
        for name, values, typ in (("context_ok", ok_col, ok_type), ("context_problems", pr_col, problems_type)):
            array = pa.array(values, type=typ)
            if name in table.column_names:
                table = table.set_column(table.column_names.index(name), pa.field(name, typ), array)
            else:
                table = table.append_column(pa.field(name, typ), array)
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    return updated


def summary_markdown(summary: dict[str, Any]) -> str:
    """The audit summary as a Markdown section for the dataset card."""

    def pct(t: dict[str, Any]) -> str:
        return "n/a" if t["share_ok"] is None else f"{100 * t['share_ok']:.1f}%"

    lines = ["## Context audit", "",
             "Share of items whose context, with the function in place of the marker, compiles and leaves "
             "nothing undefined (`context_ok`; missing third-party packages are listed but not counted against it).", "",
             "| language | dependency level | items | checked | context ok | share |", "|---|---|---:|---:|---:|---:|"]
    for lang, t in summary["by_language"].items():
        lines.append(f"| {lang} | all | {t['items']} | {t['checked']} | {t['context_ok']} | {pct(t)} |")
        for level, lt in summary["by_dependency_level"].get(lang, {}).items():
            lines.append(f"| {lang} | {level} | {lt['items']} | {lt['checked']} | {lt['context_ok']} | {pct(lt)} |")
    repos = sorted(summary["by_repo"].items(), key=lambda kv: (-kv[1]["items"], kv[0]))
    if repos:
        lines += ["", "| repository | items | checked | context ok | share |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {repo} | {t['items']} | {t['checked']} | {t['context_ok']} | {pct(t)} |" for repo, t in repos[:30]]
        if len(repos) > 30:
            lines.append(f"\n({len(repos) - 30} more repositories in manifest.json, `audit.by_repo`)")
    if summary["top_problems"]:
        lines += ["", "Most frequent problems (items):", ""]
        lines += [f"- `{p}`: {n}" for p, n in summary["top_problems"][:10]]
    return "\n".join(lines) + "\n"


_CARD_START, _CARD_END = "<!-- audit:start -->", "<!-- audit:end -->"


def update_manifest_and_card(out_dir: str | Path, summary: dict[str, Any]) -> None:
    """Put the summary in README.md (between audit markers) and in manifest.json (`audit`), and
    refresh the manifest's file hashes, since the check rewrote the Parquet files and the card.
    The manifest is written last: it stays the build's completion marker."""
    out = Path(out_dir)
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
    card_path = out / "README.md"
    card = card_path.read_text("utf-8") if card_path.exists() else ""
    block = f"{_CARD_START}\n{summary_markdown(summary)}{_CARD_END}\n"
    if _CARD_START in card and _CARD_END in card:
        head, _, rest = card.partition(_CARD_START)
        _, _, tail = rest.partition(_CARD_END)
        card = head + block + tail.lstrip("\n")
    else:
        card = card.rstrip("\n") + ("\n\n" if card else "") + block
    atomic_write_bytes(card_path, card.encode("utf-8"))
    manifest["audit"] = summary
    for rel, info in (manifest.get("files") or {}).items():
        if isinstance(info, dict) and "sha256" in info and (out / rel).is_file():
            info["sha256"] = file_sha256(out / rel)
    atomic_write_bytes(manifest_path, (json.dumps(manifest, indent=2, sort_keys=False) + "\n").encode("utf-8"))


