"""`biocoder evaluate DATASET_DIR SAMPLES.jsonl`: run model samples in the sandbox, print pass@k."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_command)


def _parse_ks(text: str) -> list[int]:
    try:
        ks = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise typer.BadParameter(f"--k must be comma-separated integers, got {text!r}")
    if not ks or min(ks) < 1:
        raise typer.BadParameter("--k values must be positive integers")
    return ks


def evaluate_command(
    dataset_dir: Path = typer.Argument(..., help="built dataset: DATASET_DIR/{python,java}/<split>.parquet"),
    samples: Path = typer.Argument(..., help='JSON lines {"id", "completion", "prompt_style"?}'),
    k: str = typer.Option("1,5,10,20", "--k", help="comma-separated k values for pass@k"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="parallel samples (default: CPU count)"),
    timeout: float = typer.Option(10.0, "--timeout", help="seconds per test run"),
    out: Optional[Path] = typer.Option(None, "--out", help="results file (default: results.jsonl next to SAMPLES)"),
    python: Optional[str] = typer.Option(None, "--python", help="interpreter for Python harnesses"),
) -> None:
    """Run each sample in its item's test harness (sandboxed), write per-sample results, print pass@k."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from pipeline.evaluate import SampleError, evaluate, fmt_rate
    from pipeline.sandbox import SandboxError

    console = Console()
    err = Console(stderr=True)
    ks = _parse_ks(k)
    if not samples.is_file():
        err.print(f"[red]error:[/] samples file not found: {samples}")
        raise typer.Exit(2)
    if not dataset_dir.is_dir():
        err.print(f"[red]error:[/] dataset directory not found: {dataset_dir}")
        raise typer.Exit(2)

    progress = Progress(TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.fields[passed]} passed"), console=err, transient=False)
    task = None

    def on_start(todo: int, resumed: int) -> None:
        nonlocal task
        if resumed:
            err.print(f"resuming: {resumed} sample(s) already in the results file")
        task = progress.add_task("eval", total=todo, passed=0)

    passed = 0

    def on_result(rec: dict) -> None:
        nonlocal passed
        passed += bool(rec["passed"])
        progress.update(task, advance=1, passed=passed)

    try:
        with progress:
            report = evaluate(dataset_dir, samples, out=out, ks=ks, jobs=jobs, timeout=timeout, python=python,
                              on_result=on_result, on_start=on_start)
    except SampleError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)
    except (FileNotFoundError, ValueError, SandboxError) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)

    table = Table(title="pass@k (%)")
    for col in ("language", "prompt style", "items", "samples", *(f"pass@{x}" for x in report.ks)):
        table.add_column(col, justify="left" if col in ("language", "prompt style") else "right")
    for row in report.table:
        table.add_row(*row["group"], str(row["n_items"]), str(row["n_samples"]),
                      *(fmt_rate(row[f"pass@{x}"]) for x in report.ks))
    console.print(table)
    if any(row[f"pass@{x}"] is None for row in report.table for x in report.ks):
        console.print("n/a: some item has fewer samples than k")
    for reason, count in sorted(report.skipped.items()):
        console.print(f"not evaluated ({reason}): {count} sample(s)")
    console.print(f"results: {report.out_path} ({report.ran} run, {report.resumed} resumed)")
