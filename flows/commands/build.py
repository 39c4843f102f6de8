"""`biocoder build`, `extend`, `stats` and `show`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console(stderr=True)

DEFAULT_SAMPLE_OUT = Path("output/sample")
DEFAULT_CACHE = Path("output/.cache")
EXIT_BAD_INPUT = 2
EXIT_SOME_FAILED = 3


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _load_config(path: Optional[Path]):
    from pipeline.config import ConfigError, load_config

    if path is not None and not path.is_file():
        _fail(f"config file not found: {path}")
    try:
        return load_config(path)
    except ConfigError as exc:
        _fail(str(exc))


def _read_entries(path: Path):
    from pipeline.repolist import RepoListError, read_repo_list

    if not path.exists():
        _fail(f"repository list not found: {path}")
    try:
        entries = read_repo_list(path)
    except RepoListError as exc:
        _fail(str(exc))
    if not entries:
        _fail(f"repository list {path} has no entries")
    return entries


def _existing_manifest(out: Path) -> dict[str, Any] | None:
    path = out / "manifest.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        _fail(f"{path} is unreadable ({exc}); remove {out} or choose another --out")


def _run_flow(entries, out: Path, cache: Path, config, jobs, dask_address, dask_workers,
              existing_splits=None, mode: str = "build") -> dict[str, Any]:
    from flows.build import build_flow, set_progress
    from flows.runtime import make_task_runner, prefect_api

    runner = make_task_runner(jobs, dask_address, dask_workers)
    columns = (TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[repo]}"))
    with prefect_api(), Progress(*columns, console=console, transient=False) as progress:
        bars = {
            "clone": progress.add_task("clone", total=len(entries), repo=""),
            "extract": progress.add_task("extract", total=None, repo=""),
        }

        def update(phase: str, done: int, total: int, repo: str) -> None:
            progress.update(bars[phase], completed=done, total=total, repo=repo)

        set_progress(update)
        try:
            flow = build_flow.with_options(task_runner=runner)
            return flow(entries=entries, out_dir=str(out), cache_dir=str(cache), config=config,
                        existing_splits=existing_splits, mode=mode)
        finally:
            set_progress(None)


def _print_summary(summary: dict[str, Any], out: Path) -> None:
    table = Table(title=f"biocoder build → {out}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in ("repos", "acquired", "not_acquired", "processed", "from_cache", "failed_repos", "functions", "items", "rejected"):
        table.add_row(key.replace("_", " "), str(summary.get(key, 0)))
    console.print(table)
    if summary.get("failures"):
        failures = Table(title="repositories that failed")
        for col in ("repo", "stage", "error"):
            failures.add_column(col)
        for f in summary["failures"][:50]:
            failures.add_row(f["repo"], str(f["stage"]), (f["error"] or "")[:120])
        console.print(failures)
        if len(summary["failures"]) > 50:
            console.print(f"… and {len(summary['failures']) - 50} more (see {out}/manifest.json)")


def build(
    repo_list: Optional[Path] = typer.Argument(None, help="csv/tsv/txt/json/jsonl/parquet/xlsx list; omitted: the embedded sample repositories"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="output directory (default output/sample for the samples)"),
    config_path: Optional[Path] = typer.Option(None, "--config", "-c", help="TOML configuration (defaults: pipeline/default_config.toml)"),
    cache: Path = typer.Option(DEFAULT_CACHE, "--cache", help="clone cache directory"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="worker processes (default: all cores)"),
    dask_address: Optional[str] = typer.Option(None, "--dask-address", help="run on an existing Dask cluster, tcp://host:port"),
    dask_workers: Optional[int] = typer.Option(None, "--dask-workers", help="run on a local Dask cluster with N workers"),
    force: bool = typer.Option(False, "--force", help="rebuild into OUT even if it was built with another configuration"),
) -> None:
    """Build a benchmark from a repository list (default: the embedded samples, offline)."""
    from pipeline.config import config_hash

    config = _load_config(config_path)
    if repo_list is None:
        from pipeline.samples import materialize_samples

        made = Path(materialize_samples(DEFAULT_CACHE / "samples"))
        repo_list = made if made.is_file() else made / "repos.csv"
        out = out or DEFAULT_SAMPLE_OUT
        console.print(f"no repository list given: building the embedded samples ({repo_list})")
    elif out is None:
        out = Path("output") / repo_list.stem
    entries = _read_entries(repo_list)
    manifest = _existing_manifest(out)
    if manifest is not None and manifest.get("config_hash") != config_hash(config) and not force:
        _fail(f"{out} was built with an incompatible configuration (config hash {manifest.get('config_hash')}, "
              f"now {config_hash(config)}); use another --out, the same --config, or --force")
    summary = _run_flow(entries, out, cache, config, jobs, dask_address, dask_workers)
    _print_summary(summary, out)
    console.print(f"dataset written to {out} (see {out}/README.md)")
    if summary["failed_repos"] or summary["not_acquired"]:
        raise typer.Exit(EXIT_SOME_FAILED)


def extend(
    out: Path = typer.Argument(..., help="an existing build's output directory"),
    repo_list: Path = typer.Argument(..., help="repositories to add"),
    cache: Path = typer.Option(DEFAULT_CACHE, "--cache", help="clone cache directory"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j"),
    dask_address: Optional[str] = typer.Option(None, "--dask-address"),
    dask_workers: Optional[int] = typer.Option(None, "--dask-workers"),
) -> None:
    """Add repositories to an existing build: only new ones are processed; old ids and splits stay."""
    from pipeline.config import ConfigError, config_from_dict
    from pipeline.repolist import RepoEntry
    from pipeline.writer import read_dataset

    manifest = _existing_manifest(out)
    if manifest is None:
        _fail(f"{out} is not a finished build (no manifest.json)")
    try:
        config = config_from_dict(manifest["config"], source=f"{out}/manifest.json")
    except ConfigError as exc:
        _fail(f"{out} was built with a configuration this version cannot read: {exc}")
    old = [RepoEntry(repo=r["repo"], source=r["source"], commit=r["commit"] or None) for r in manifest["repos"]]
    known = {e.repo.lower() for e in old}
    new = [e for e in _read_entries(repo_list) if e.repo.lower() not in known]
    if not new:
        console.print("nothing new: every repository of the list is already in the build")
        return
    existing_splits = read_dataset(out).existing_splits()
    console.print(f"extending {out}: {len(old)} repositories already built, {len(new)} new")
    summary = _run_flow(old + new, out, cache, config, jobs, dask_address, dask_workers,
                        existing_splits=existing_splits, mode="extend")
    _print_summary(summary, out)
    if summary["failed_repos"] or summary["not_acquired"]:
        raise typer.Exit(EXIT_SOME_FAILED)


def stats(out: Path = typer.Argument(..., help="a build's output directory")) -> None:
    """Funnel, counts per split/language/dependency level, and failures of a build."""
    from pipeline.writer import read_dataset

    manifest = _existing_manifest(out)
    if manifest is None:
        _fail(f"{out} is not a finished build (no manifest.json)")
    kept = read_dataset(out).kept.to_pandas()
    out_console = Console()
    from pipeline.funnel import Funnel

    out_console.print(Funnel.from_dict(manifest["counts"]["funnel"]).table())
    if len(kept):
        for by in (["split", "language"], ["language", "dependency_level"], ["language", "harness_validated"]):
            t = Table(title=f"items by {' and '.join(by)}")
            counts = kept.groupby(by).size().reset_index(name="items")
            for col in counts.columns:
                t.add_column(str(col))
            for rec in counts.itertuples(index=False):
                t.add_row(*[str(v) for v in rec])
            out_console.print(t)
    failures = [r for r in manifest.get("repos", []) if r.get("status") != "ok" or r.get("stage_status") == "failed"]
    t = Table(title=f"repositories: {len(manifest.get('repos', []))}, failed: {len(failures)}")
    for col in ("repo", "status", "failed stage", "error"):
        t.add_column(col)
    for r in failures:
        t.add_row(r["repo"], r["status"], str(r.get("failed_stage") or ""), str(r.get("error") or r.get("stage_error") or "")[:100])
    out_console.print(t)


def show(
    out: Path = typer.Argument(..., help="a build's output directory"),
    item_id: str = typer.Argument(..., help="item id (a unique prefix is enough)"),
) -> None:
    """One item: provenance, code, context, prompts, test harness, filter scores."""
    from rich.panel import Panel
    from rich.syntax import Syntax

    from pipeline.writer import read_dataset

    import pyarrow.compute as pc

    data = read_dataset(out)
    found = [row for table in (data.kept, data.rejected)
             for row in table.filter(pc.starts_with(table.column("id"), item_id)).to_pylist()]
    if not found:
        _fail(f"no item with id {item_id!r} in {out}")
    if len(found) > 1:
        _fail(f"{item_id!r} matches {len(found)} items; give more of the id")
    row = found[0]
    c = Console()
    lang = row["language"]
    status = "kept" if not row.get("drop_reason") else f"rejected: {row['drop_reason']}"
    c.print(Panel(
        f"[bold]{row['qualified_name']}[/] ({lang}, {row['kind']}) — {status}\n"
        f"repo {row['repo']} @ {row['commit']}\nfile {row['path']} lines {row['start_line']}-{row['end_line']}\n"
        f"permalink {row.get('url') or '(none: not a web host)'}\n"
        f"split {row.get('split')}  dependency level {row['dependency_level']}  bio score {row.get('bio_score')}\n"
        f"harness validated {row.get('harness_validated')} ({row.get('harness_reason')})",
        title=row["id"]))
    c.print(Syntax(row["code"], lang, line_numbers=True, start_line=int(row["start_line"])))
    c.print(Panel(Syntax(row.get("context_code") or "", lang), title="context_code"))
    for style in ("summary_top", "uncommented", "summary_only", "summary_bottom", "necessary_only"):
        if row.get(style):
            c.print(Panel(row[style], title=f"prompt: {style}"))
    if row.get("test_harness"):
        c.print(Panel(Syntax(row["test_harness"], lang), title="test harness"))


def register(app: typer.Typer) -> None:
    app.command()(build)
    app.command()(extend)
    app.command()(stats)
    app.command()(show)
