"""Evaluate model samples against a built dataset: run each in the sandbox, report pass@k.

Samples are JSON lines `{"id": ..., "completion": ..., "prompt_style"?: ...}`; an id may
appear many times (one line per sample). A sample is identified by its id and its index
among that id's lines, in file order (0, 1, ...): that key is how a re-run resumes from an
existing results file, which it trusts only when the completion's hash matches too (an
edited samples file re-runs what changed). A results line that was cut off by a crash is
dropped on resume.

Results (one JSON line per sample, appended and flushed as each finishes):
`{"id", "sample", "passed", "reason", "seconds", "language", "prompt_style", "seed", "completion_sha"}`.
Reasons: passed, wrong_output, error, timeout, memory, output_limit, killed, compile_error,
no_jdk, bad_harness, no_test_runs, no_validated_harness, unknown_id.

pass@k is computed per (language, prompt_style) over the samples that could be evaluated:
ids with no validated harness or unknown to the dataset are counted apart (`skipped`), not
as failures of the model.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pyarrow.parquet as pq

from pipeline.harness_run import run_tests
from pipeline.passk import pass_at_k_table
from pipeline.records import LANGUAGES
from pipeline.sandbox import Isolation

PROMPT_STYLES = ("summary_top", "uncommented", "summary_only", "summary_bottom", "necessary_only", "default")
DEFAULT_KS = (1, 5, 10, 20)
SKIP_REASONS = ("no_validated_harness", "unknown_id")
ITEM_COLUMNS = ["id", "language", "split", "test_harness", "test_runs", "harness_validated"]


class SampleError(ValueError):
    """Malformed samples file; `errors` holds (line number, message) pairs."""

    def __init__(self, path: Path, errors: list[tuple[int, str]]) -> None:
        self.path = path
        self.errors = errors
        shown = "\n".join(f"  {path}:{line}: {msg}" for line, msg in errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} malformed sample line(s):\n{shown}{more}")

    @property
    def line(self) -> int:
        return self.errors[0][0]


@dataclass(slots=True)
class Item:
    id: str
    language: str
    split: str
    test_harness: str | None
    test_runs: list[dict]
    harness_validated: bool


@dataclass(slots=True)
class Sample:
    id: str
    index: int  # position among this id's samples, in file order
    completion: str
    prompt_style: str
    line: int

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.index)

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.completion.encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True)
class EvalReport:
    results: list[dict]  # one per sample, in samples-file order
    table: list[dict]  # pass@k rows (see pipeline.passk.pass_at_k_table), group = (language, prompt_style)
    ks: tuple[int, ...]
    out_path: Path
    resumed: int = 0  # results taken from an existing results file
    ran: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> samples not evaluable


def load_items(dataset_dir: str | Path) -> dict[str, Item]:
    """Every item of DATASET_DIR/{python,java}/<split>.parquet, by id."""
    root = Path(dataset_dir)
    items: dict[str, Item] = {}
    files = [p for lang in LANGUAGES for p in sorted((root / lang).glob("*.parquet"))]
    if not files:
        raise FileNotFoundError(f"no {{python,java}}/<split>.parquet files under {root}")
    for path in files:
        table = pq.read_table(path, columns=ITEM_COLUMNS)
        for row in table.to_pylist():
            if row["id"] in items:
                raise ValueError(f"duplicate item id {row['id']} in {path}")
            items[row["id"]] = Item(
                id=row["id"], language=row["language"] or path.parent.name, split=row["split"] or path.stem,
                test_harness=row["test_harness"], test_runs=list(row["test_runs"] or []),
                harness_validated=bool(row["harness_validated"]),
            )
    return items


def read_samples(path: str | Path) -> list[Sample]:
    """Parse and validate every line; raise SampleError listing each bad line with its number."""
    path = Path(path)
    samples: list[Sample] = []
    errors: list[tuple[int, str]] = []
    counts: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                errors.append((lineno, f"not valid JSON ({exc.msg})"))
                continue
            if not isinstance(obj, dict):
                errors.append((lineno, "expected a JSON object"))
                continue
            sid, completion = obj.get("id"), obj.get("completion")
            style = obj.get("prompt_style", "default")
            if not isinstance(sid, str) or not sid:
                errors.append((lineno, "'id' must be a non-empty string"))
                continue
            if not isinstance(completion, str):
                errors.append((lineno, "'completion' must be a string"))
                continue
            if style not in PROMPT_STYLES:
                errors.append((lineno, f"'prompt_style' must be one of {', '.join(PROMPT_STYLES)}"))
                continue
            index = counts.get(sid, 0)
            counts[sid] = index + 1
            samples.append(Sample(sid, index, completion, style, lineno))
    if errors:
        raise SampleError(path, errors)
    return samples


def load_results(path: Path) -> dict[tuple[str, int], dict]:
    """Finished results by (id, sample). A last line cut off by a crash is removed from the file."""
    if not path.exists():
        return {}
    done: dict[tuple[str, int], dict] = {}
    good_bytes = 0
    with open(path, "rb") as fh:
        for raw in fh:
            try:
                if not raw.endswith(b"\n"):
                    raise ValueError("truncated")
                rec = json.loads(raw)
                key = (rec["id"], int(rec["sample"]))
            except (ValueError, KeyError, TypeError):
                break
            done[key] = rec
            good_bytes += len(raw)
    if good_bytes != path.stat().st_size:
        with open(path, "r+b") as fh:
            fh.truncate(good_bytes)
    return done


def evaluate_sample(sample: Sample, item: Item | None, *, python: str | None, timeout: float,
                    isolation: Isolation = "auto") -> dict:
    base = {"id": sample.id, "sample": sample.index, "prompt_style": sample.prompt_style,
            "completion_sha": sample.sha, "seed": None}
    if item is None:
        return {**base, "language": None, "passed": False, "reason": "unknown_id", "seconds": 0.0}
    base["language"] = item.language
    if not item.harness_validated or not item.test_harness:
        return {**base, "passed": False, "reason": "no_validated_harness", "seconds": 0.0}
    outcome = run_tests(item.language, item.test_harness, sample.completion, item.test_runs,
                        python=python, timeout=timeout, isolation=isolation)
    return {**base, "passed": outcome.passed, "reason": outcome.reason,
            "seconds": round(outcome.seconds, 3), "seed": outcome.seed}


def evaluate(
    dataset_dir: str | Path,
    samples_path: str | Path,
    *,
    out: str | Path | None = None,
    ks: Iterable[int] = DEFAULT_KS,
    jobs: int | None = None,
    timeout: float = 10.0,
    python: str | None = None,
    isolation: Isolation = "auto",
    on_result: Callable[[dict], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Run every sample not already in the results file; return all results and the pass@k table.

    on_start(to_run, resumed) is called once before running, on_result(result) after each sample.
    """
    samples_path = Path(samples_path)
    samples = read_samples(samples_path)  # validate before any work
    items = load_items(dataset_dir)
    out_path = Path(out) if out else samples_path.with_name("results.jsonl")
    ks = tuple(sorted(set(ks)))
    if not ks or min(ks) < 1:
        raise ValueError("k values must be positive integers")

    previous = load_results(out_path)
    results: dict[tuple[str, int], dict] = {}
    todo: list[Sample] = []
    for s in samples:
        rec = previous.get(s.key)
        if rec is not None and rec.get("completion_sha") == s.sha:
            results[s.key] = rec
        else:
            todo.append(s)
    resumed = len(results)
    if on_start:
        on_start(len(todo), resumed)

    lock = threading.Lock()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "a", encoding="utf-8") as fh, ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        futures = {pool.submit(evaluate_sample, s, items.get(s.id), python=python, timeout=timeout,
                               isolation=isolation): s for s in todo}
        for fut in as_completed(futures):
            rec = fut.result()
            with lock:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                fh.flush()
                results[futures[fut].key] = rec
            if on_result:
                on_result(rec)

    ordered = [results[s.key] for s in samples]
    skipped: dict[str, int] = {}
    outcomes = []
    for rec in ordered:
        if rec["reason"] in SKIP_REASONS:
            skipped[rec["reason"]] = skipped.get(rec["reason"], 0) + 1
            continue
        outcomes.append(((rec["language"], rec["prompt_style"]), rec["id"], rec["passed"]))
    table = pass_at_k_table(outcomes, ks)
    return EvalReport(results=ordered, table=table, ks=ks, out_path=out_path, resumed=resumed,
                      ran=len(todo), skipped=skipped)


def format_table(report: EvalReport) -> str:
    """Plain-text pass@k table (the CLI prints a rich one)."""
    head = ["language", "prompt_style", "n_items", "n_samples", *(f"pass@{k}" for k in report.ks)]
    rows = [head]
    for row in report.table:
        rows.append([*row["group"], str(row["n_items"]), str(row["n_samples"]),
                     *(fmt_rate(row[f"pass@{k}"]) for k in report.ks)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def fmt_rate(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.2f}"
