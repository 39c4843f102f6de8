"""`biocoder audit OUT_DIR [--check] [--html DIR] [--jobs N]`: context checks and the static audit site."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("audit")(audit_command)


def _pct(t: dict) -> str:
    return "n/a" if t["share_ok"] is None else f"{100 * t['share_ok']:.1f}%"


def audit_command(
    out_dir: Path = typer.Argument(..., help="built dataset: OUT_DIR/{python,java}/<split>.parquet, rejected.parquet"),
    html: Optional[Path] = typer.Option(None, "--html", help="write the static audit site into this directory"),
    check: bool = typer.Option(False, "--check", help="run the context checks, store context_ok/context_problems"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="parallel workers (default: CPU count)"),
    python: Optional[str] = typer.Option(None, "--python", help="interpreter whose installed packages count as importable"),
) -> None:
    """Check that each item's context is enough to compile it, and/or write a browsable static site."""
    from rich.console import Console
    from rich.table import Table

    from pipeline import audit

    console = Console()
    err = Console(stderr=True)
    if not out_dir.is_dir():
        err.print(f"[red]error:[/] dataset directory not found: {out_dir}")
        raise typer.Exit(2)
    if not audit.dataset_files(out_dir):
        err.print(f"[red]error:[/] no item files in {out_dir} (expected python/*.parquet, java/*.parquet, rejected.parquet)")
        raise typer.Exit(2)
    if not check and html is None:
        err.print("nothing to do: give --check and/or --html DIR")
        raise typer.Exit(2)

    t = time.perf_counter()
    rows = audit.read_items(out_dir)
    err.print(f"read {len(rows)} items from {out_dir} in {time.perf_counter() - t:.1f} s")

    if check:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        if audit.find_javac() is None and any(r.get("language") == "java" for r in rows):
            err.print("[yellow]no JDK found (javac): Java items are marked as skipped[/]")
        cache = out_dir / "stats" / "audit_cache.jsonl"
        t = time.perf_counter()
        with Progress(TextColumn("checking contexts"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as progress:
            task = progress.add_task("check", total=len(rows))
            results = audit.check_items(rows, jobs=jobs, cache_path=cache, python=python or sys.executable,
                                        progress=lambda done, total: progress.update(task, completed=done))
        by_id = {}
        for row, (ok, problems) in zip(rows, results):
            row["context_ok"], row["context_problems"] = ok, problems
            by_id[row["id"]] = (ok, problems)
        audit.store_results(out_dir, by_id)
        summary = audit.summarise(rows)
        audit.update_manifest_and_card(out_dir, summary)
        err.print(f"checked {len(rows)} items in {time.perf_counter() - t:.1f} s ({jobs or os.cpu_count()} workers); "
                  f"results stored in the Parquet files, manifest.json and README.md")

        table = Table(title="Context sufficiency (context compiles, nothing undefined)")
        for col in ("language", "dependency level", "items", "checked", "context ok", "share"):
            table.add_column(col, justify="right" if col in ("items", "checked", "context ok", "share") else "left")
        for lang, tally in summary["by_language"].items():
            table.add_row(f"[bold]{lang}[/]", "[bold]all[/]", str(tally["items"]), str(tally["checked"]),
                          str(tally["context_ok"]), f"[bold]{_pct(tally)}[/]")
            for level, lt in summary["by_dependency_level"].get(lang, {}).items():
                table.add_row("", level, str(lt["items"]), str(lt["checked"]), str(lt["context_ok"]), _pct(lt))
        console.print(table)
        if summary["top_problems"]:
            problems = Table(title="Most frequent problems")
            problems.add_column("problem")
            problems.add_column("items", justify="right")
            for p, n in summary["top_problems"]:
                problems.add_row(p, str(n))
            console.print(problems)

    if html is not None:
        from pipeline.report_html import write_site

        stats = write_site(out_dir, html, rows=rows, jobs=jobs)
        secs = stats["seconds"]
        err.print(f"wrote {stats['items']} item pages, index and summary to {html} in {secs['total']:.1f} s "
                  f"(pages {secs['item_pages']:.1f} s)")
        console.print(f"open {(html / 'index.html').resolve().as_uri()}")
