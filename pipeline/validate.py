"""Harness validation: what "tested" means.

An item's harness is validated only when, in the sandbox,
1. the reference passes it on every seed (at least 5) and prints the same output when run a
   second time (Python: under another PYTHONHASHSEED, so hash order shows), i.e. no dependence
   on time, unseeded randomness or hash order;
2. the inputs vary the output (not every seed prints the same) when the call has inputs;
3. every trivial stub fails it: empty body (`pass`), `return None` (Java: the type's default),
   raising, returning the first argument (when the types allow);
4. every run finishes within the time limit.

Each item gets `test_harness` (the program with the marker; also kept for unvalidated items
when one was generated, for audit), `harness_validated`, `harness_reason` and `test_runs`.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from pipeline import harness_common as hc
from pipeline.harness_common import HarnessPlan, Untestable
from pipeline.records import FunctionRecord

MIN_SEEDS = 5
HASH_SEED_SECOND_PASS = "12345"  # sandbox default is 0; a second value exposes hash-order output


@dataclass(slots=True)
class HarnessOutcome:
    test_harness: str | None
    harness_validated: bool
    harness_reason: str
    test_runs: list[dict[str, Any]] = field(default_factory=list)  # [{seed, output}] of the reference

    def columns(self) -> dict[str, Any]:
        return {"test_harness": self.test_harness, "harness_validated": self.harness_validated,
                "harness_reason": self.harness_reason, "test_runs": self.test_runs}


def reason_key(harness_reason: str | None) -> str:
    """The countable part of a reason: `generator_failed (raised TypeError)` -> `generator_failed`."""
    return (harness_reason or "none").split(" (", 1)[0]


def _reason(reason: str, detail: str = "") -> str:
    return f"{reason} ({detail})" if detail else reason


def seed_list(n: int) -> list[int]:
    return list(range(1, max(n, MIN_SEEDS) + 1))


def plan_item(record: FunctionRecord, *, python: str | None, seeds: list[int], timeout: float) -> HarnessPlan | Untestable:
    if record.language == "python":
        from pipeline import harness_python

        return harness_python.generate(record, python=python, seeds=tuple(seeds), timeout=timeout)
    if record.language == "java":
        if not hc.jdk_available():
            return Untestable(hc.NO_JDK, "javac/java not on PATH")
        from pipeline import harness_java

        return harness_java.generate(record)
    return Untestable(hc.UNSUPPORTED_KIND, f"language {record.language}")


def check_plan(plan: HarnessPlan, *, python: str | None, seeds: list[int], timeout: float) -> HarnessOutcome:
    """Rules 1-4 for a generated harness; when they fail and the plan has another way to a
    harness (`retry`), that one's outcome if it is validated."""
    outcome = _check_rules(plan, python=python, seeds=seeds, timeout=timeout)
    if not outcome.harness_validated and plan.retry is not None:
        other = plan.retry()
        if isinstance(other, HarnessPlan):
            second = check_plan(other, python=python, seeds=seeds, timeout=timeout)
            if second.harness_validated:
                return second
    return outcome


def _check_rules(plan: HarnessPlan, *, python: str | None, seeds: list[int], timeout: float) -> HarnessOutcome:
    lang = plan.language
    reference = hc.insert_solution(plan.program, plan.reference, lang)
    envs = [None, {"PYTHONHASHSEED": HASH_SEED_SECOND_PASS}] if lang == "python" else [None, None]
    first, second = hc.run_seeds(lang, reference, seeds, python=python, timeout=timeout, envs=envs)
    broken = [run for run in first + second if run.status == "compile_error"]
    if broken and plan.repair is not None:
        repaired = plan.repair(broken[0].stderr)
        if repaired is not None:
            return check_plan(repaired, python=python, seeds=seeds, timeout=timeout)
    if broken and plan.fallback is not None:
        return check_plan(plan.fallback, python=python, seeds=seeds, timeout=timeout)
    for run in first + second:
        if run.status == "compile_error":
            return HarnessOutcome(plan.program, False, _reason(hc.CONTEXT_BROKEN, _last_line(run.stderr)))
        if run.status == "timeout":
            return HarnessOutcome(plan.program, False, _reason(hc.TIMEOUT, f"seed {run.seed}"))
        if run.status != "ok":
            if lang == "python":
                from pipeline.harness_python import crash_reason

                reason, detail = crash_reason(run.stderr, run.status)
                if reason == hc.CONTEXT_BROKEN:
                    reason = hc.REFERENCE_FAILS
            else:
                reason, detail = hc.REFERENCE_FAILS, _last_line(run.stderr) or run.status
            return HarnessOutcome(plan.program, False, _reason(reason, detail))
    runs = [{"seed": r.seed, "output": r.output} for r in first]
    for a, b in zip(first, second):
        if a.output != b.output:
            return HarnessOutcome(plan.program, False, _reason(hc.NONDETERMINISTIC, f"seed {a.seed}"), runs)
    if plan.has_inputs and len({r.output for r in first}) < 2:
        return HarnessOutcome(plan.program, False, hc.OUTPUT_IGNORES_INPUTS, runs)
    expected = {r.seed: r.output for r in first}
    for name, stub in plan.stubs.items():
        program = hc.insert_solution(plan.program, stub, lang)
        stub_runs = hc.run_seeds(lang, program, seeds, python=python, timeout=timeout, expected=expected)[0]
        if len(stub_runs) == len(seeds) and all(r.output == expected[r.seed] for r in stub_runs):
            return HarnessOutcome(plan.program, False, f"{hc.STUB_PASSES}:{name}", runs)
    return HarnessOutcome(plan.program, True, hc.VALIDATED if plan.has_inputs else hc.VALIDATED_NO_INPUTS, runs)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    errors = [line for line in lines if re.search(r"error|exception", line, re.I) and not line.startswith("at ")]
    return (errors[0] if errors else lines[-1] if lines else "")[:200]


def validate_item(
    row: FunctionRecord | Mapping[str, Any],
    *,
    python: str | None = None,
    seeds: int = MIN_SEEDS,
    timeout: float = 10.0,
) -> HarnessOutcome:
    """Generate and validate the harness of one item (a FunctionRecord or a row dict)."""
    record = hc.as_record(row)
    seed_values = seed_list(seeds)
    try:
        plan = plan_item(record, python=python, seeds=seed_values, timeout=timeout)
    except Exception as exc:  # a generator bug must cost one item, counted, not the build
        return HarnessOutcome(None, False, _reason("harness_error", f"{type(exc).__name__}: {exc}"[:200]))
    if isinstance(plan, Untestable):
        return HarnessOutcome(plan.program, False, _reason(plan.reason, plan.detail))
    return check_plan(plan, python=python, seeds=seed_values, timeout=timeout)


def validate_items(
    rows: Iterable[FunctionRecord | Mapping[str, Any]],
    *,
    jobs: int | None = None,
    python: str | None = None,
    seeds: int = MIN_SEEDS,
    timeout: float = 10.0,
    progress: Callable[[int, int, HarnessOutcome], None] | None = None,
    config: Any = None,
) -> list[HarnessOutcome]:
    """Validate many items in parallel (threads: the work is in sandbox subprocesses).
    `config` (a pipeline.config.Config or its HarnessConfig) supplies python/seeds/timeout."""
    harness = getattr(config, "harness", config)
    if harness is not None:
        python = getattr(harness, "python", python) or python
        seeds = getattr(harness, "seeds", seeds)
        timeout = getattr(harness, "timeout", timeout)
    items = list(rows)
    outcomes: list[HarnessOutcome | None] = [None] * len(items)
    jobs = jobs or os.cpu_count() or 1
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(validate_item, row, python=python, seeds=seeds, timeout=timeout): i
                   for i, row in enumerate(items)}
        from concurrent.futures import as_completed

        for fut in as_completed(futures):
            i = futures[fut]
            outcomes[i] = fut.result()
            done += 1
            if progress:
                progress(done, len(items), outcomes[i])
    return [o for o in outcomes if o is not None]


def validate_rows(rows: Iterable[Mapping[str, Any]], **kwargs: Any) -> list[dict[str, Any]]:
    """Rows with the four harness columns filled in."""
    rows = [dict(r) for r in rows]
    for row, outcome in zip(rows, validate_items(rows, **kwargs)):
        row.update(outcome.columns())
    return rows


def harness_funnel(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """harness_reason key -> number of items, for the funnel."""
    counts: dict[str, int] = {}
    for row in rows:
        key = reason_key(row.get("harness_reason"))
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


HARNESS_DROP = "harness_not_validated"  # drop_reason key when config requires a validated harness


def add_harnesses(rows: list[dict[str, Any]], config: Any = None, *, jobs: int | None = None,
                  progress: Callable[[int, int, HarnessOutcome], None] | None = None,
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Build stage: fill the harness columns of kept rows (in place) and return (kept, dropped).
    With `config.harness.require_validated`, rows without a validated harness are dropped with
    drop_reason `harness_not_validated: <harness_reason>` (the funnel counts the key)."""
    outcomes = validate_items(rows, jobs=jobs, config=config, progress=progress)
    harness = getattr(config, "harness", config)
    require = bool(getattr(harness, "require_validated", False))
    kept: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for row, outcome in zip(rows, outcomes):
        row.update(outcome.columns())
        if require and not outcome.harness_validated:
            row["drop_reason"] = f"{HARNESS_DROP}: {outcome.harness_reason}"
            dropped.append(row)
        else:
            kept.append(row)
    return kept, dropped
