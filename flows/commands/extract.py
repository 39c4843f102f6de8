"""`biocoder extract PATH -o FILE.parquet`: every function of a checkout, one row each."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)


def extract(
    path: Path = typer.Argument(..., help="repository checkout or plain directory"),
    output: Path = typer.Option(..., "-o", "--output", help="Parquet file to write"),
    repo: str = typer.Option(None, "--repo", help="owner/name (default: local/<dirname>)"),
    commit: str = typer.Option(None, "--commit", help="commit SHA (default: read from git when present)"),
    repo_url: str = typer.Option("", "--repo-url", help="clone URL, for permalinks"),
    license: str = typer.Option("unknown", "--license", help="SPDX licence id"),
    languages: str = typer.Option("python,java", "--languages", help="comma-separated: python,java"),
) -> None:
    """Extract every function/method with its resolved context and write one Parquet row each."""
    import pyarrow.parquet as pq
    from rich.console import Console
    from rich.table import Table

    from parsers.compiled import compiled_status
    from parsers.native import scanner_status
    from pipeline.extract import ExtractStats, iter_record_batches, iter_repo_records, load_backend
    from pipeline.records import FUNCTION_SCHEMA, records_to_table

    console = Console()
    wanted = tuple(x.strip() for x in languages.split(",") if x.strip())
    usable = []
    for lang in wanted:
        try:
            load_backend(lang)
        except KeyError:
            raise typer.BadParameter(f"unknown language {lang!r}") from None
        except ModuleNotFoundError as exc:
            console.print(f"[yellow]skipping {lang}: backend not available ({exc.name})[/yellow]")
            continue
        usable.append(lang)
    if not path.is_dir():
        raise typer.BadParameter(f"not a directory: {path}")
    stats = ExtractStats()
    records = iter_repo_records(path, stats, repo=repo, commit=commit, repo_url=repo_url, license=license,
                                languages=tuple(usable))
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp{os.getpid()}")
    levels: Counter = Counter()
    written = 0
    try:
        # Written in batches as the extractor yields them: a large repository's records (each
        # with its whole context) never need to be in memory at once.
        with pq.ParquetWriter(tmp, FUNCTION_SCHEMA) as writer, console.status("extracting") as status:
            for batch in iter_record_batches(records):
                writer.write_table(records_to_table(batch))
                levels.update(r.dependency_level for r in batch)
                written += len(batch)
                status.update(f"extracting: {written} functions from {batch[-1].path}")
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)

    summary = Table(title=f"extract {path}")
    summary.add_column("language")
    summary.add_column("files", justify="right")
    summary.add_column("MB", justify="right")
    summary.add_column("functions", justify="right")
    summary.add_column("files with parse errors", justify="right")
    for lang in usable:
        summary.add_row(lang, str(stats.files[lang]), f"{stats.bytes[lang] / 1e6:.2f}", str(stats.functions[lang]),
                        str(stats.files_with_errors[lang]))
    console.print(summary)
    console.print(f"files seen: {sum(stats.files.values()) + sum(stats.skipped.values())}, "
                  f"parsed: {sum(stats.files.values())}, functions: {written}, "
                  f"python2 files: {stats.python2_files}, {stats.seconds:.2f} s")
    if "python" in usable:
        console.print(f"python identifier pass: {scanner_status()}")
        console.print(f"python parser and context resolver: {compiled_status()}")
    if stats.skipped:
        console.print("skipped: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.skipped.items())))
        for p, reason in stats.skipped_files[:20]:
            console.print(f"  {p}: {reason}")
    else:
        console.print("skipped: none")
    console.print("encodings: " + ", ".join(f"{k} {v}" for k, v in stats.encodings.most_common()))
    if levels:
        console.print("dependency levels: " + ", ".join(f"{k} {v}" for k, v in sorted(levels.items())))
    console.print(f"wrote {written} rows to {output}")
