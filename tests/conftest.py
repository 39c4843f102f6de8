"""Shared fixtures: a temporary Prefect environment (one per session) and the sample repos as git repos."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Offline, quiet Prefect for every test (and for the subprocesses tests start).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")


@pytest.fixture(scope="session")
def prefect_env(tmp_path_factory: pytest.TempPathFactory):
    """A temporary Prefect server + database with PREFECT_HOME in a temp dir.

    Yields the environment (PREFECT_HOME, PREFECT_API_URL) that subprocesses need to use the
    same server, so they do not start a server of their own."""
    home = tmp_path_factory.mktemp("prefect_home")
    os.environ["PREFECT_HOME"] = str(home)
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield {"PREFECT_HOME": str(home), "PREFECT_API_URL": str(PREFECT_API_URL.value())}


@pytest.fixture(scope="session")
def sample_repos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded sample repositories made into local git repos; returns the repos.csv list."""
    from pipeline.samples import materialize_samples

    dest = tmp_path_factory.mktemp("samples")
    result = materialize_samples(dest)
    listing = Path(result) if Path(result).is_file() else Path(dest) / "repos.csv"
    assert listing.is_file(), f"materialize_samples wrote no repos.csv under {dest}"
    return listing
