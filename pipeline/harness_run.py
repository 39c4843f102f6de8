"""The running side of the harness protocol, shared by harness validation and `evaluate`.

A harness is a whole program holding exactly one line whose stripped text is `MARKER`; the
solution (a whole function or method, signature and body) replaces that line. The program
takes one argument, a seed, and prints what the solution computes on inputs drawn from it.

- Python: `main.py`, run as `<python> main.py <seed>` (python defaults to `sys.executable`).
- Java: `Main.java`, compiled once per program with `javac -d . Main.java`, then
  `java -cp . Main <seed>` per seed, all inside the sandbox. A program that declares a package
  (the repository's, so that its static imports of same-package types compile) runs as
  `pkg.Main`.

JVM limits: the JVM reserves far more address space than it uses (heap, code cache,
metaspace, thread stacks), so RLIMIT_AS is loosened to `JAVA_MEMORY_MB` while the JVM is told
to stay small (`-Xmx`, serial GC, capped code cache/metaspace, C1 only); a heap overflow then
ends as `java.lang.OutOfMemoryError` → status "memory". Java threads count towards
RLIMIT_NPROC, hence `JAVA_MAX_PROCS`.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
import time
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from pipeline.records import MARKER
from pipeline.sandbox import Isolation, SandboxResult, SandboxSession

JVM_FLAGS = [
    "-Xmx256m", "-Xss1m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
    "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=128m", "-XX:CompressedClassSpaceSize=64m",
    "-Xshare:auto",
]
JAVA_MEMORY_MB = 1536  # RLIMIT_AS for javac/java; measured: a JVM with JVM_FLAGS starts under 1 GB
JAVA_MAX_PROCS = 128
JAVA_COMPILE_TIMEOUT = 60.0
PYTHON_MEMORY_MB = 1024

FILE_NAMES = {"python": "main.py", "java": "Main.java"}


class HarnessError(ValueError):
    """The harness program is malformed (no marker line, or several)."""


class JDKNotFound(RuntimeError):
    """javac/java is not installed: Java items cannot run."""


def jdk_available() -> bool:
    return shutil.which("javac") is not None and shutil.which("java") is not None


# ---------------------------------------------------------------- insertion

def _marker_index(lines: list[str]) -> int:
    hits = [i for i, line in enumerate(lines) if line.strip() == MARKER]
    if len(hits) != 1:
        raise HarnessError(f"the harness must hold exactly one {MARKER!r} line, found {len(hits)}")
    return hits[0]


def insert_solution(program: str, solution: str, *, language: str = "python") -> str:
    """Replace the marker line of `program` with `solution` re-indented to the marker's indentation.

    The solution is normalised (CRLF/CR to LF; for Python, leading tabs expanded to 8 columns,
    which is how Python reads them, so mixed tabs/spaces keep their meaning), stripped of
    leading/trailing blank lines and dedented; relative indentation is kept. Inserted lines
    use the program's line ending at the marker. Blank lines get no indentation.
    """
    lines = program.splitlines(keepends=True)
    idx = _marker_index(lines)
    marker_line = lines[idx]
    body = marker_line.rstrip("\r\n")
    eol = marker_line[len(body):] or ("\r\n" if "\r\n" in program else "\n")
    indent = body[: len(body) - len(body.lstrip())]

    text = solution.replace("\r\n", "\n").replace("\r", "\n")
    sol_lines = text.split("\n")
    if language == "python":
        sol_lines = [_expand_leading_tabs(line) for line in sol_lines]
    while sol_lines and not sol_lines[0].strip():
        sol_lines.pop(0)
    while sol_lines and not sol_lines[-1].strip():
        sol_lines.pop()
    joined = "\n".join(sol_lines)
    dedented = (normalize_solution(joined) if language == "python" else textwrap.dedent(joined)).split("\n") if sol_lines else []
    new = [(indent + line.rstrip() if line.strip() else "") + eol for line in dedented]
    return "".join(lines[:idx] + new + lines[idx + 1:])


def normalize_solution(code: str) -> str:
    """The record's code dedented. A slice from the file starts at column 0 while its later
    lines keep their indentation; a decorated method's first line gets the `def`'s indentation."""
    lines = code.split("\n")
    if len(lines) > 1 and lines[0].lstrip().startswith("@") and not lines[0].startswith((" ", "\t")):
        # the next decorator or the `def` sets the indentation; only the first such line counts
        # (an already dedented solution may hold an indented nested `def` further down)
        for line in lines[1:]:
            s = line.lstrip()
            if s.startswith(("def ", "async def ", "@")):
                lines[0] = line[: len(line) - len(s)] + lines[0]
                break
    return textwrap.dedent("\n".join(lines))


def _expand_leading_tabs(line: str) -> str:
    stripped = line.lstrip(" \t")
    return line[: len(line) - len(stripped)].expandtabs(8) + stripped


# ---------------------------------------------------------------- comparison

def normalize_output(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).rstrip()


def compare_outputs(actual: str, expected: str) -> bool:
    """Exact match after trailing whitespace is stripped (per line and at the end) and line
    endings are normalised; leading whitespace and inner blank lines still count."""
    return normalize_output(actual) == normalize_output(expected)


# ---------------------------------------------------------------- running

def run_harness(
    language: str,
    program: str,
    seed: int,
    *,
    python: str | None = None,
    timeout: float = 10.0,
    session: SandboxSession | None = None,
    isolation: Isolation = "auto",
    env_extra: Mapping[str, str] | None = None,
) -> SandboxResult:
    """Run a complete harness program (solution already inserted) on one seed.

    Java is compiled first unless `session` already holds Main.class (pass one session to
    run several seeds of the same program with one compilation); a failed compilation is
    returned as that SandboxResult (check `.ok`). Raises JDKNotFound without a JDK.
    """
    if language not in FILE_NAMES:
        raise ValueError(f"unknown language {language!r}")
    own = session is None
    sess = session or SandboxSession(isolation=isolation)
    try:
        if language == "python":
            sess.write({"main.py": program})
            return sess.run([python or sys.executable, "main.py", str(seed)], timeout=timeout,
                            memory_mb=PYTHON_MEMORY_MB, env_extra=env_extra)
        compiled = compile_java(program, sess, env_extra=env_extra)
        if compiled is not None and not compiled.ok:
            return compiled
        jars = java_classpath()
        return sess.run([_java("java"), *JVM_FLAGS, "-cp", os.pathsep.join([".", *jars]), java_main_class(program),
                         str(seed)],
                        timeout=timeout, memory_mb=JAVA_MEMORY_MB, max_procs=JAVA_MAX_PROCS, env_extra=env_extra,
                        readable=jars)
    finally:
        if own:
            sess.close()


def compile_java(program: str, session: SandboxSession, *, env_extra: Mapping[str, str] | None = None,
                 timeout: float = JAVA_COMPILE_TIMEOUT) -> SandboxResult | None:
    """Compile Main.java in `session` unless Main.class is there already (then None)."""
    if (session.path.joinpath(*java_main_class(program).split(".")).with_suffix(".class")).exists():
        return None
    session.write({"Main.java": program})
    javac_flags = [f"-J{f}" for f in JVM_FLAGS if not f.startswith("-XX:TieredStopAtLevel")]
    jars = java_classpath()
    return session.run([_java("javac"), *javac_flags, "-nowarn", "-encoding", "UTF-8", "-cp",
                        os.pathsep.join([".", *jars]), "-d", ".", "Main.java"],
                       timeout=timeout, memory_mb=JAVA_MEMORY_MB, max_procs=JAVA_MAX_PROCS, env_extra=env_extra,
                       readable=jars)


# a compilation unit's package declaration: only comments may come before it
_PACKAGE_DECL = re.compile(r"\s*(?:(?://[^\n]*|/\*.*?\*/)\s*)*package\s+([\w.]+)\s*;", re.S)


def java_main_class(program: str) -> str:
    """`Main`, or `pkg.Main` when the program declares `package pkg;`."""
    m = _PACKAGE_DECL.match(program)
    return m.group(1) + ".Main" if m else "Main"


def java_classpath() -> list[str]:
    """The jars (or class directories) Java harnesses compile and run with besides their own
    directory: those on the `CLASSPATH` environment variable, Java's own way to name a
    repository's third-party libraries (slf4j, guava, vecmath for biojava)."""
    return [os.path.abspath(p) for p in os.environ.get("CLASSPATH", "").split(os.pathsep) if p and p != "."]


def _java(tool: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        raise JDKNotFound(f"{tool} not found: install a JDK (17+) to run Java harnesses")
    return exe


@dataclass(slots=True)
class HarnessOutcome:
    passed: bool
    reason: str  # "passed", "wrong_output", "compile_error", "no_jdk", "bad_harness" or a sandbox status
    seconds: float
    seed: int | None = None  # the seed that failed
    detail: str = ""  # tail of stderr for failures
    results: list[SandboxResult] = field(default_factory=list)


def run_tests(
    language: str,
    harness: str,
    solution: str,
    test_runs: Iterable[Mapping],
    *,
    python: str | None = None,
    timeout: float = 10.0,
    isolation: Isolation = "auto",
) -> HarnessOutcome:
    """Insert `solution` into `harness`, run it on every seed of `test_runs` ({seed, output}),
    stop at the first run whose output differs from the reference."""
    started = time.monotonic()
    try:
        program = insert_solution(harness, solution, language=language)
    except HarnessError as exc:
        return HarnessOutcome(False, "bad_harness", 0.0, detail=str(exc))
    if language == "java" and not jdk_available():
        return HarnessOutcome(False, "no_jdk", 0.0)
    results: list[SandboxResult] = []
    with SandboxSession(isolation=isolation) as sess:
        if language == "java":
            compiled = compile_java(program, sess)
            if compiled is not None and not compiled.ok:
                reason = "compile_error" if compiled.status == "error" else compiled.status
                return HarnessOutcome(False, reason, time.monotonic() - started,
                                      detail=_tail(compiled.stderr), results=[compiled])
        for run in test_runs:
            seed = int(run["seed"])
            res = run_harness(language, program, seed, python=python, timeout=timeout, session=sess)
            results.append(res)
            if not res.ok:
                return HarnessOutcome(False, res.status, time.monotonic() - started, seed=seed,
                                      detail=_tail(res.stderr), results=results)
            if not compare_outputs(res.stdout, run["output"] or ""):
                return HarnessOutcome(False, "wrong_output", time.monotonic() - started, seed=seed,
                                      results=results)
    if not results:
        return HarnessOutcome(False, "no_test_runs", time.monotonic() - started)
    return HarnessOutcome(True, "passed", time.monotonic() - started, results=results)


def _tail(text: str, n: int = 500) -> str:
    return text[-n:]
