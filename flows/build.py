"""Prefect flows `build` and `extend`: thin wrappers over pipeline.build.

One task per repository for acquisition and for the per-repository stages; the global
stages (dedup, splits, writing) run once in the flow. Per-repository results live in
OUT/.work/ keyed by (repo, commit, config hash, pipeline version), so a re-run or a killed
run's resume redoes only what is missing.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.futures import wait

from pipeline.acquire import RepoSnapshot, acquire, cached_snapshot
from pipeline.build import WORK_DIRNAME, RepoResult, finish_build, load_cached, process_repo, record_run
from pipeline.config import AcquireConfig, Config, config_hash
from pipeline.repolist import RepoEntry

# Statuses worth another try: the network, not the repository, failed.
TRANSIENT_STATUSES = {"timeout"}
CLONE_RETRY_DELAYS = [2, 10]

# Set by the command line to drive progress bars: (phase, done, total, repo).
Progress = Callable[[str, int, int, str], None]
_progress: Progress | None = None


def set_progress(callback: Progress | None) -> None:
    global _progress
    _progress = callback


def _report(phase: str, done: int, total: int, repo: str) -> None:
    if _progress is not None:
        _progress(phase, done, total, repo)


class TransientCloneError(RuntimeError):
    def __init__(self, snapshot: RepoSnapshot) -> None:
        super().__init__(f"{snapshot.repo}: {snapshot.status}: {snapshot.error}")
        self.snapshot = snapshot


def _retry_if_transient(task_, task_run, state) -> bool:
    try:
        state.result()
    except TransientCloneError:
        return True
    except Exception:
        return False
    return False


@task(name="acquire-repo", retries=AcquireConfig().retries, retry_delay_seconds=CLONE_RETRY_DELAYS,
      retry_condition_fn=_retry_if_transient, persist_result=False)
def acquire_task(entry: RepoEntry, cache_dir: str, config: Config) -> RepoSnapshot:
    # Retries happen here, in Prefect (visible in the UI), not inside acquire().
    snapshot = acquire(entry, Path(cache_dir), timeout=config.acquire.timeout,
                       max_bytes=config.acquire.max_bytes, retries=0)
    if snapshot.status in TRANSIENT_STATUSES:
        raise TransientCloneError(snapshot)
    return snapshot


@task(name="process-repo", persist_result=False)
def process_task(snapshot: RepoSnapshot, config: Config, work_dir: str) -> RepoResult:
    return process_repo(snapshot, config, Path(work_dir))


def _snapshot_of(future, entry: RepoEntry) -> RepoSnapshot:
    try:
        return future.result()
    except TransientCloneError as exc:  # retries exhausted
        return exc.snapshot
    except Exception as exc:  # acquire never raises for repo problems: a crashed worker
        return RepoSnapshot(repo=entry.repo, source=entry.source, commit=entry.commit or "", status="error",
                            error=f"{type(exc).__name__}: {exc}")


def _result_of(future, snapshot: RepoSnapshot) -> RepoResult:
    try:
        return future.result()
    except Exception as exc:  # a crashed worker process: recorded, the build goes on
        return RepoResult(snapshot.repo, snapshot.commit, "", status="failed", stage="process",
                          error=f"{type(exc).__name__}: {exc}")


def _run_repositories(entries: list[RepoEntry], cache_dir: str, config: Config,
                      work_dir: str) -> tuple[list[RepoSnapshot], list[RepoResult]]:
    """Acquire every entry and process each repository as soon as its clone is ready, so
    cloning (network) overlaps extraction (CPU). Results come back in input order."""
    snapshots: list[RepoSnapshot | None] = [None] * len(entries)
    results: list[RepoResult | None] = [None] * len(entries)
    # Fast path, no task at all: a repository already cloned and processed with this config.
    cfg_hash = config_hash(config)
    for i, e in enumerate(entries):
        snapshot = cached_snapshot(e, cache_dir)
        done = load_cached(Path(work_dir), snapshot, cfg_hash) if snapshot else None
        if done is not None:
            snapshots[i], results[i] = snapshot, done
    cloned = processed = n_ok = sum(r is not None for r in results)
    if cloned:
        _report("clone", cloned, len(entries), "(cached)")
        _report("extract", processed, len(entries), "(cached)")
    clones = {acquire_task.submit(e, cache_dir, config): i for i, e in enumerate(entries) if results[i] is None}
    processing: dict[Any, int] = {}
    while clones or processing:
        done, _ = wait(list(clones) + list(processing), timeout=0.25)
        for future in done:
            if future in clones:
                i = clones.pop(future)
                snapshot = snapshots[i] = _snapshot_of(future, entries[i])
                cloned += 1
                _report("clone", cloned, len(entries), snapshot.repo)
                if snapshot.status == "ok":
                    n_ok += 1
                    processing[process_task.submit(snapshot, config, work_dir)] = i
                else:
                    results[i] = process_repo(snapshot, config, Path(work_dir))  # records the skip
            else:
                i = processing.pop(future)
                results[i] = _result_of(future, snapshots[i])
                processed += 1
                _report("extract", processed, n_ok if not clones else max(n_ok, processed), entries[i].repo)
    return [s for s in snapshots if s is not None], [r for r in results if r is not None]


@flow(name="biocoder-build", log_prints=True)
def build_flow(
    entries: list[RepoEntry],
    out_dir: str,
    cache_dir: str,
    config: Config,
    existing_splits: dict[str, str] | None = None,
    mode: str = "build",
) -> dict[str, Any]:
    """Repo list -> acquire -> per-repo stages -> dedup -> splits -> Parquet."""
    logger = get_run_logger()
    started = time.perf_counter()
    logger.info("%s: %d repositories -> %s", mode, len(entries), out_dir)
    work_dir = str(Path(out_dir) / WORK_DIRNAME)
    snapshots, results = _run_repositories(entries, cache_dir, config, work_dir)
    t_repos = time.perf_counter() - started
    ok = sum(s.status == "ok" for s in snapshots)
    logger.info("acquired %d/%d repositories", ok, len(snapshots))
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        logger.warning("%s failed in stage %s: %s", r.repo, r.stage, (r.error or "").splitlines()[0])

    t = time.perf_counter()
    manifest = finish_build(results, snapshots, config, Path(out_dir), existing_splits,
                            extra_manifest={"mode": mode})
    t_finish = time.perf_counter() - t
    summary = summarize(manifest, results, snapshots)
    if manifest.get("up_to_date"):
        logger.info("nothing new: %s is up to date", out_dir)
    summary["seconds"] = {"repositories": round(t_repos, 2),
                          "finish": round(t_finish, 2), "total": round(time.perf_counter() - started, 2)}
    summary["up_to_date"] = bool(manifest.get("up_to_date"))
    record_run(Path(out_dir), summary)
    if not summary["up_to_date"]:
        _publish_artifacts(manifest, summary)
    logger.info("done: %d items kept, %d repositories failed", summary["items"], summary["failed_repos"])
    return summary


def summarize(manifest: dict[str, Any], results: list[RepoResult], snapshots: list[RepoSnapshot]) -> dict[str, Any]:
    counts = manifest.get("counts", {})
    return {
        "repos": len(snapshots),
        "acquired": sum(s.status == "ok" for s in snapshots),
        "not_acquired": sum(s.status != "ok" for s in snapshots),
        "failed_repos": sum(r.status == "failed" for r in results),
        "processed": sum(r.status == "ok" and not r.from_cache for r in results),
        "from_cache": sum(r.status == "ok" and r.from_cache for r in results),
        "processed_repos": sorted(r.repo for r in results if r.status == "ok" and not r.from_cache),
        "functions": sum(r.n_functions for r in results),
        "items": counts.get("kept", 0),
        "rejected": counts.get("rejected", 0),
        "failures": [
            {"repo": s.repo, "stage": "acquire", "error": f"{s.status}: {s.error}"} for s in snapshots if s.status != "ok"
        ] + [{"repo": r.repo, "stage": r.stage, "error": (r.error or "").splitlines()[0]} for r in results if r.status == "failed"],
    }


def _publish_artifacts(manifest: dict[str, Any], summary: dict[str, Any]) -> None:
    funnel = manifest.get("funnel_table") or []
    if funnel:
        create_table_artifact(key="biocoder-funnel", table=funnel, description="Filter funnel per language")
    timings = manifest.get("timings", {})
    rows = [{"stage": k, "seconds": v, "scope": "per-repo (sum)"} for k, v in timings.get("per_repo", {}).items()]
    rows += [{"stage": k, "seconds": round(v, 3), "scope": "global"} for k, v in timings.get("global", {}).items()]
    rows += [{"stage": k, "seconds": v, "scope": "flow"} for k, v in summary["seconds"].items()]
    create_table_artifact(key="biocoder-timings", table=rows, description="Per-stage timings")
