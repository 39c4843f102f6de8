"""`biocoder fetch` (clone a repo list into a cache) and `biocoder samples` (make the sample repos)."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("fetch")(fetch)
    app.command("samples")(samples)


def fetch(
    repo_list: Path = typer.Argument(..., help="List of repositories: .csv/.tsv/.txt/.json/.jsonl/.parquet/.xlsx"),
    cache: Path = typer.Option(..., "--cache", help="Cache directory for checkouts"),
    out: Path | None = typer.Option(None, "--out", help="Snapshot table (default CACHE/snapshots.parquet)"),
    jobs: int = typer.Option(4, "--jobs", "-j", min=1, help="Repositories fetched in parallel"),
    timeout: float = typer.Option(300.0, "--timeout", help="Seconds per clone attempt"),
    max_mb: int = typer.Option(2048, "--max-mb", help="Size cap per repository (MB, .git included)"),
    retries: int = typer.Option(2, "--retries", min=0, help="Retries after transient failures"),
    refresh: bool = typer.Option(False, "--refresh", help="Fetch default branches again instead of reusing the cache"),
) -> None:
    """Clone every repository of REPO_LIST (pinned when a commit is given) and write a snapshot table."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from pipeline.acquire import STATUSES, acquire_all, status_counts, write_snapshots
    from pipeline.repolist import RepoListError, read_repo_list

    console = Console(stderr=True)
    duplicates: list = []
    try:
        entries = read_repo_list(repo_list, duplicates=duplicates)
    except RepoListError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)
    for dropped, kept in duplicates:
        console.print(f"[yellow]duplicate[/yellow] {dropped.origin}: {dropped.repo} (kept {kept.origin})")
    with Progress(TextColumn("[bold]fetch"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console, transient=False) as progress:
        task = progress.add_task("", total=len(entries))

        def on_done(snap) -> None:
            progress.update(task, advance=1, description=f"{snap.repo}: {snap.status}")

        snapshots = acquire_all(entries, cache, jobs=jobs, on_done=on_done, timeout=timeout,
                                max_bytes=max_mb * 1024 * 1024, retries=retries, refresh=refresh)
    path = write_snapshots(snapshots, out or cache / "snapshots.parquet")

    counts = status_counts(snapshots)
    table = Table(title=f"{len(snapshots)} repositories", caption=f"{len(duplicates)} duplicate entries dropped")
    table.add_column("status")
    table.add_column("repos", justify="right")
    for status in STATUSES:
        if counts.get(status):
            table.add_row(status, str(counts[status]))
    cached = sum(s.from_cache for s in snapshots)
    table.add_row("(from cache)", str(cached), style="dim")
    console.print(table)
    for s in snapshots:
        if s.status != "ok":
            console.print(f"[red]{s.status}[/red] {s.repo}: {s.error[:300]}")
    typer.echo(str(path))


def samples(dest: Path = typer.Argument(..., help="Directory for the sample git repositories")) -> None:
    """Turn the bundled sample repositories into local git repos and print the repos.csv path."""
    from pipeline.samples import materialize_samples

    typer.echo(str(materialize_samples(dest)))
