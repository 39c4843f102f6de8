"""Shared pieces of harness generation and validation: plans, reasons, solution insertion,
and running a harness program on seeds in the sandbox.

A harness program (agreed protocol) holds exactly one line whose stripped text is the marker;
the solution replaces it, re-indented. Python runs as `<python> main.py <seed>`; Java as
`javac -d . Main.java` once, then `java -cp . Main <seed>` (`pkg.Main` when the program declares
`package pkg;`). The output for a seed is stdout with trailing whitespace stripped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from pipeline.records import MARKER, FunctionRecord

# ---------------------------------------------------------------- reasons (harness_reason)

VALIDATED = "validated"
VALIDATED_NO_INPUTS = "validated_no_inputs"  # no parameters: output variation cannot be asked for
NEEDS_NETWORK = "needs_network"
NEEDS_DATABASE = "needs_database"
NEEDS_GUI = "needs_gui"  # GUI toolkits and plotting
NEEDS_EXTERNAL_PROGRAM = "needs_external_program"  # subprocess / os.system
NEEDS_UNCONSTRUCTIBLE_OBJECT = "needs_unconstructible_object"
UNKNOWN_FILE_FORMAT = "unknown_file_format"
UNSUPPORTED_KIND = "unsupported_kind"  # constructors, nested functions, abstract methods, …
UNSUPPORTED_TYPE = "unsupported_type"  # a parameter type no generator can make (callables, generics)
GENERATOR_FAILED = "generator_failed"  # the reference raised under every candidate input
MISSING_MODULE = "missing_module"  # `missing_module:<name>`: not importable in the harness interpreter
CONTEXT_BROKEN = "context_broken"  # the context does not run / compile
REFERENCE_FAILS = "reference_fails"  # the program exits non-zero with the reference inserted
NONDETERMINISTIC = "nondeterministic"
OUTPUT_IGNORES_INPUTS = "output_ignores_inputs"
STUB_PASSES = "stub_passes"  # `stub_passes:<stub>`
TIMEOUT = "timeout"
NO_JDK = "no_jdk"
NO_MARKER = "no_marker"  # context_code lacks exactly one marker line


@dataclass(slots=True)
class HarnessPlan:
    """A harness ready for validation."""

    language: str
    program: str  # the test harness, with the marker line
    reference: str  # the record's code, inserted for the reference runs
    stubs: dict[str, str]  # stub name -> code that must fail
    has_inputs: bool  # the call receives generated arguments (so outputs must vary)
    generators: dict[str, str] = field(default_factory=dict)  # parameter -> generator, for audit
    fallback: "HarnessPlan | None" = None  # tried when this program does not compile/run with the reference
    # when the program does not compile: the plan made from the compiler's messages, with the
    # parts they point at taken back (Java: expanded callees back to their stubs), else None
    repair: "Callable[[str], HarnessPlan | None] | None" = None
    # another way to a harness, made and tried only when this one is not validated (Python: the
    # skeleton context, when this plan runs the real methods swapped in for its stubs)
    retry: "Callable[[], HarnessPlan | Untestable] | None" = None


@dataclass(slots=True)
class Untestable:
    reason: str  # one of the reason constants, maybe with `:<detail>`
    detail: str = ""
    program: str | None = None  # the harness as far as it got, for audit


def as_record(record_or_row: FunctionRecord | Mapping[str, Any]) -> FunctionRecord:
    if isinstance(record_or_row, FunctionRecord):
        return record_or_row
    return FunctionRecord.from_row(dict(record_or_row))


def marker_count(program: str) -> int:
    return sum(1 for line in program.splitlines() if line.strip() == MARKER)


def insert_solution(program: str, solution: str, language: str = "python") -> str:
    """The sandbox's insertion (pipeline.harness_run), so validation and evaluation agree."""
    from pipeline.harness_run import insert_solution as insert

    return insert(program, solution, language=language)


def replace_body(code: str, body: str, statement: str) -> str:
    """`code` with its `body` text replaced by `statement` (the signature kept as written)."""
    at = code.rfind(body) if body else -1
    if at < 0:
        raise ValueError("body not found in code")
    return code[:at] + statement + code[at + len(body):]


# ---------------------------------------------------------------- running

@dataclass(slots=True)
class Run:
    seed: int
    status: str  # sandbox status (ok, error, timeout, …) or "compile_error"
    output: str  # stdout, trailing whitespace stripped
    stderr: str = ""


def jdk_available() -> bool:
    from pipeline.harness_run import jdk_available as available

    return available()


def run_seeds(
    language: str,
    program: str,
    seeds: list[int],
    *,
    python: str | None = None,
    timeout: float = 10.0,
    envs: list[Mapping[str, str] | None] | None = None,
    expected: Mapping[int, str] | None = None,
) -> list[list[Run]]:
    """Run a complete program (solution already inserted) on every seed, once per entry of
    `envs` (extra environment per pass), through pipeline.harness_run as `evaluate` does: one
    run directory per pass, Java compiled once for all passes. One list of runs per pass.

    With `expected` (seed -> output), a pass stops at the first seed whose output differs:
    one differing seed is enough to fail a stub."""
    from pipeline.harness_run import compile_java, normalize_output, run_harness
    from pipeline.sandbox import SandboxSession

    envs = list(envs) if envs else [None]

    def one_pass(session: SandboxSession, env: Mapping[str, str] | None) -> list[Run]:
        runs: list[Run] = []
        for seed in seeds:
            res = run_harness(language, program, seed, python=python, timeout=timeout, session=session,
                              env_extra=env)
            runs.append(Run(seed, res.status, normalize_output(res.stdout), res.stderr[-3000:]))
            if expected is not None and runs[-1].output != expected.get(seed):
                break
        return runs

    if language == "java":
        with SandboxSession() as session:
            compiled = compile_java(program, session)
            if compiled is not None and not compiled.ok:
                status = "compile_error" if compiled.status == "error" else compiled.status
                failed = [Run(seed, status, "", (compiled.stdout + compiled.stderr)[-3000:]) for seed in seeds]
                return [list(failed) for _ in envs]
            return [one_pass(session, env) for env in envs]
    passes = []
    for env in envs:
        with SandboxSession() as session:
            passes.append(one_pass(session, env))
    return passes
