"""Shared fixtures: a temporary Prefect environment (one per session) and the sample repos as git repos."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Offline, quiet Prefect for every test (and for the subprocesses tests start).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "interpreted: patches functions of parsers.compiled.COMPILED modules, "
                                       "so runs them interpreted (in a child pytest when they are compiled here)")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function):
    """A test marked `interpreted` patches functions of the compiled modules, which compiled code
    calls directly: with the builds in use here, it runs in a child pytest on the sources
    (BIOCODER_PURE_PYTHON=1) and passes or fails with it."""
    from parsers.compiled import why_not_compiled

    if pyfuncitem.get_closest_marker("interpreted") is None or why_not_compiled():
        return None
    child = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", pyfuncitem.nodeid],
                           cwd=ROOT, env={**os.environ, "BIOCODER_PURE_PYTHON": "1"},
                           capture_output=True, text=True)
    if child.returncode != 0:
        pytest.fail(f"interpreted run of {pyfuncitem.nodeid} failed:\n{child.stdout[-6000:]}{child.stderr[-2000:]}",
                    pytrace=False)
    return True


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
