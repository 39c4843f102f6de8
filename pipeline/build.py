"""The build as plain Python: per-repository processing (cached) and the global finish.

`process_repo` runs every per-repository stage (extract + context, filters, prompts, test
harnesses) and stores its rows under the build's work directory, keyed by repository,
commit, configuration hash and pipeline version; a second call with the same key reads them
back. `finish_build` runs the global stages (dedup, splits, writing) over all repositories.
Prefect wraps these in flows/, but nothing here needs it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import __version__ as PIPELINE_VERSION
from pipeline.acquire import RepoSnapshot
from pipeline.config import Config, config_hash
from pipeline.records import ITEM_SCHEMA, rows_to_item_table

WORK_DIRNAME = ".work"  # inside the output directory: per-repository results


@dataclass
class RepoResult:
    """What one repository produced; `status` is "ok", "skipped" (not acquired) or "failed"."""

    repo: str
    commit: str
    key: str
    status: str
    stage: str | None = None  # the stage that failed
    error: str | None = None
    items_path: str | None = None  # parquet with kept and rejected rows of this repo
    n_functions: int = 0
    n_kept: int = 0
    from_cache: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    extract: dict[str, Any] = field(default_factory=dict)  # files/bytes/skips per language

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def repo_key(repo: str, commit: str, cfg_hash: str) -> str:
    raw = "\x1f".join([repo, commit, cfg_hash, PIPELINE_VERSION])
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _slug(repo: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", repo).strip("._") or "repo"


def repo_dir(work_dir: Path, repo: str, key: str) -> Path:
    return Path(work_dir) / f"{_slug(repo)}-{key}"


def load_cached(work_dir: Path, snapshot: RepoSnapshot, cfg_hash: str) -> RepoResult | None:
    key = repo_key(snapshot.repo, snapshot.commit, cfg_hash)
    marker = repo_dir(work_dir, snapshot.repo, key) / "result.json"
    if not marker.is_file():
        return None
    data = json.loads(marker.read_text())
    data["from_cache"] = True
    return RepoResult(**data)


def _tmp_path(path: Path) -> Path:
    """Where `path` is written before it is renamed into place."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    tmp = _tmp_path(path)
    write(tmp)
    os.replace(tmp, path)


def process_repo(
    snapshot: RepoSnapshot,
    config: Config,
    work_dir: Path,
    on_stage: Callable[[str, str], None] | None = None,
) -> RepoResult:
    """All per-repository stages for one acquired snapshot. Never raises for repo problems:
    a failure is returned with the stage it happened in and its error."""
    cfg_hash = config_hash(config)
    key = repo_key(snapshot.repo, snapshot.commit, cfg_hash)
    if snapshot.status != "ok":
        return RepoResult(snapshot.repo, snapshot.commit, key, status="skipped", stage="acquire",
                          error=f"{snapshot.status}: {snapshot.error or ''}".strip())
    cached = load_cached(work_dir, snapshot, cfg_hash)
    if cached is not None:
        return cached
    out = repo_dir(work_dir, snapshot.repo, key)
    out.mkdir(parents=True, exist_ok=True)
    result = RepoResult(snapshot.repo, snapshot.commit, key, status="ok")
    stage = "extract"
    items = out / "items.parquet"
    tmp = _tmp_path(items)
    try:
        with pq.ParquetWriter(tmp, ITEM_SCHEMA) as writer:
            def write(rows: list[dict[str, Any]]) -> None:
                if rows:
                    writer.write_table(rows_to_item_table(rows))

            result.n_kept = _run_stages(snapshot, config, result, on_stage, write)
        stage = "write"
        os.replace(tmp, items)
        result.items_path = str(items)
        # result.json is written last: its presence means the repository is done.
        _write_atomic(out / "result.json", lambda p: p.write_text(json.dumps(result.to_json(), indent=1)))
    except Exception as exc:  # any stage's failure is recorded for this repo, never fatal to the build
        result.status = "failed"
        result.stage = result.stage or stage
        result.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        tmp.unlink(missing_ok=True)
    return result


EXTRACT_BATCH = 1000  # records filtered and written at a time: bounds memory on large repositories


def _run_stages(snapshot: RepoSnapshot, config: Config, result: RepoResult,
                on_stage: Callable[[str, str], None] | None,
                write: Callable[[list[dict[str, Any]]], None]) -> int:
    """Extract, filter, prompt and harness one repository, handing its item rows to `write`.

    Records stream from the extractor in batches: each batch is filtered at once and its
    rejected rows written out (most rows are rejected, and each carries its whole context), so
    only the kept ones are held for the later stages. Returns the number kept."""
    from pipeline.extract import ExtractStats, iter_record_batches, iter_repo_records
    from pipeline.filters import run_filters
    from pipeline.prompts import add_prompts
    from pipeline.repolist import web_url
    from pipeline.validate import add_harnesses

    def enter(stage: str) -> float:
        result.stage = stage
        if on_stage:
            on_stage(snapshot.repo, stage)
        return time.perf_counter()

    t = enter("extract")
    stats = ExtractStats()
    records = iter_repo_records(
        Path(snapshot.checkout), stats, repo=snapshot.repo, commit=snapshot.commit,
        repo_url=web_url(snapshot.repo, snapshot.source), license=snapshot.license or "unknown",
        languages=tuple(config.languages), max_file_bytes=config.max_file_bytes,
    )
    kept: list[dict[str, Any]] = []
    filter_seconds = 0.0
    for batch in iter_record_batches(records, EXTRACT_BATCH):
        f = time.perf_counter()
        batch_kept, batch_rejected = run_filters(batch, config)
        kept.extend(batch_kept)
        write(batch_rejected)
        filter_seconds += time.perf_counter() - f
    result.n_functions = sum(stats.functions.values())
    result.extract = {
        "files": dict(stats.files), "bytes": dict(stats.bytes), "functions": dict(stats.functions),
        "skipped": dict(stats.skipped), "encodings": dict(stats.encodings),
    }
    result.timings["extract"] = time.perf_counter() - t - filter_seconds
    result.timings["filter"] = filter_seconds

    t = enter("prompts")
    kept = add_prompts(kept, config)
    result.timings["prompts"] = time.perf_counter() - t

    if config.harness.enabled:
        t = enter("harness")
        kept, dropped = add_harnesses(kept, config)
        write(dropped)
        result.timings["harness"] = time.perf_counter() - t
    write(kept)
    result.stage = None
    return len(kept)


# ------------------------------------------------------------------ global stages


def read_repo_tables(results: list[RepoResult]) -> tuple[list[dict[str, Any]], pa.Table]:
    """Kept rows (as dicts, for dedup and splits) and rejected rows (left as one Arrow table:
    they are only written back, and most rows of a build are rejected)."""
    import pyarrow.compute as pc

    kept: list[dict[str, Any]] = []
    rejected = [ITEM_SCHEMA.empty_table()]
    for r in results:
        if r.status == "ok" and r.items_path:
            table = pq.read_table(r.items_path, schema=ITEM_SCHEMA)
            dropped = pc.is_valid(table.column("drop_reason"))
            kept.extend(table.filter(pc.invert(dropped)).to_pylist())
            rejected.append(table.filter(dropped))
    return kept, pa.concat_tables(rejected)


def finish_build(
    results: list[RepoResult],
    snapshots: list[RepoSnapshot],
    config: Config,
    out_dir: Path,
    existing_splits: dict[str, str] | None = None,
    extra_manifest: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Dedup, splits and writing over all repositories; returns the manifest.

    When OUT already holds a finished build of exactly these inputs (same repositories at the
    same commits and statuses, same per-repo results, configuration and version), nothing is
    rewritten: a re-run with nothing new only checks its caches."""
    fingerprint = inputs_fingerprint(results, snapshots, config, existing_splits)
    previous = _finished_manifest(Path(out_dir))
    if previous is not None and previous.get("inputs_fingerprint") == fingerprint:
        return {**previous, "up_to_date": True}

    from pipeline.dedup import dedup_rows
    from pipeline.filters import funnel_from_rows
    from pipeline.splits import assign_splits
    from pipeline.writer import write_dataset

    timings: dict[str, float] = {}
    t = time.perf_counter()
    kept, rejected = read_repo_tables(results)
    timings["load"] = time.perf_counter() - t

    t = time.perf_counter()
    # Items of an existing build win their duplicate clusters, so extending never drops them.
    kept, dups = dedup_rows(kept, config, prefer_ids=set(existing_splits or {}))
    rejected = pa.concat_tables([rejected, rows_to_item_table(dups)])
    timings["dedup"] = time.perf_counter() - t

    t = time.perf_counter()
    kept = assign_splits(kept, config, existing_splits)
    timings["split"] = time.perf_counter() - t

    light = rejected.select(["id", "repo", "path", "language", "drop_reason"]).to_pylist()
    funnel = funnel_from_rows(kept, light, config)
    by_repo = {r.repo: r for r in results}
    manifest: dict[str, Any] = {
        "inputs_fingerprint": fingerprint,
        "funnel_table": funnel.rows(),
        "repos": [
            {
                "repo": s.repo, "source": s.source, "commit": s.commit, "status": s.status,
                "error": s.error, "license": s.license,
                "stage_status": by_repo[s.repo].status if s.repo in by_repo else "skipped",
                "failed_stage": by_repo[s.repo].stage if s.repo in by_repo and by_repo[s.repo].status == "failed" else None,
                "stage_error": by_repo[s.repo].error if s.repo in by_repo and by_repo[s.repo].status == "failed" else None,
                "functions": by_repo[s.repo].n_functions if s.repo in by_repo else 0,
                "from_cache": by_repo[s.repo].from_cache if s.repo in by_repo else False,
            }
            for s in snapshots
        ],
        "timings": {
            "per_repo": _sum_timings(results),
            "global": timings,
        },
        **(extra_manifest or {}),
    }
    return write_dataset(out_dir, kept, rejected, manifest, funnel, config)


def record_run(out_dir: Path, summary: dict[str, Any]) -> None:
    """Append one line per build/extend run to OUT/stats/runs.jsonl: what it processed, what
    came from caches, what failed, how long it took (the manifest describes the dataset)."""
    path = Path(out_dir) / "stats" / "runs.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **summary}) + "\n")


def inputs_fingerprint(results: list[RepoResult], snapshots: list[RepoSnapshot], config: Config,
                       existing_splits: dict[str, str] | None) -> str:
    """Everything the global stages' output depends on."""
    data = {
        "version": PIPELINE_VERSION,
        "config": config_hash(config),
        "snapshots": [[s.repo, s.source, s.commit, s.status] for s in snapshots],
        "results": sorted([r.repo, r.key, r.status, r.stage] for r in results),
        "existing_splits": sorted((existing_splits or {}).items()),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _finished_manifest(out_dir: Path) -> dict[str, Any] | None:
    """The manifest of a complete build in out_dir (every file it lists still there), else None."""
    path = out_dir / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not all((out_dir / rel).is_file() for rel in manifest.get("files", {})):
        return None
    return manifest


def _sum_timings(results: list[RepoResult]) -> dict[str, float]:
    total: Counter = Counter()
    for r in results:
        if not r.from_cache:
            total.update(r.timings)
    return {k: round(v, 3) for k, v in total.items()}
