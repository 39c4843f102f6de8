"""Where flows run: the Prefect API (a temporary local server or PREFECT_API_URL) and the task runner."""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

# Offline defaults, set before Prefect is imported anywhere in the process.
OFFLINE_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # A cold temporary server takes 10-18 s on 2 cores; Prefect's default allows 20 s.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}
SERVER_STARTUP_TIMEOUT = 180


def apply_offline_defaults() -> None:
    for key, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)


@contextlib.contextmanager
def prefect_api() -> Iterator[str]:
    """Use PREFECT_API_URL when set (runs show up in that server's UI); otherwise start one
    temporary local server for the whole command and export its URL, so that task-runner
    worker processes report to it instead of each starting a server of their own."""
    apply_offline_defaults()
    url = os.environ.get("PREFECT_API_URL")
    if url:
        yield url
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start(timeout=SERVER_STARTUP_TIMEOUT)
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        yield server.api_url
    finally:
        _flush_prefect_logs()
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()


def _flush_prefect_logs() -> None:
    """Send queued logs and events while the server is still up; otherwise the workers retry
    against a stopped server for over a minute at interpreter exit."""
    with contextlib.suppress(Exception):
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=10)
        EventsWorker.drain_all(timeout=10)


def make_task_runner(jobs: int | None = None, dask_address: str | None = None, dask_workers: int | None = None):
    """Default: a process pool over the machine's cores (extraction is CPU-bound Python).
    With a Dask address, an existing cluster; with a worker count, a local Dask cluster."""
    if dask_address or dask_workers:
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": dask_workers, "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": None})
    from prefect.task_runners import ProcessPoolTaskRunner

    return ProcessPoolTaskRunner(max_workers=jobs or os.cpu_count() or 1)
