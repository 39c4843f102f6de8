"""parsers/compiled.py: the mypyc builds of the parser and context resolver give the same records
as their sources, and an edited or missing build never shadows its source."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from parsers.compiled import COMPILED, compiled_status, why_not_compiled

ROOT = Path(__file__).resolve().parents[1]
needs_builds = pytest.mark.skipif(bool(why_not_compiled()), reason=f"the builds are not in use here: {compiled_status()}")

# Every field of every record of the sample repositories, one line per record.
FINGERPRINT = """
import dataclasses, hashlib, json, sys
from pathlib import Path
from parsers.compiled import compiled_status
from pipeline.extract import extract_repo
print(compiled_status())
for d in sorted(Path(sys.argv[1]).iterdir()):
    records, _ = extract_repo(d, languages=("python",))
    for r in records:
        print(r.id, hashlib.sha256(json.dumps(dataclasses.asdict(r), sort_keys=True, default=str).encode()).hexdigest())
"""


def _run(code: str, *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env={**os.environ, **(env or {})},
                         capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


@needs_builds
def test_compiled_and_interpreted_give_the_same_records():
    samples = str(ROOT / "pipeline" / "sample_repos")
    compiled = _run(FINGERPRINT, samples)
    interpreted = _run(FINGERPRINT, samples, env={"BIOCODER_PURE_PYTHON": "1"})
    assert compiled[0].startswith("compiled (mypyc)")
    assert interpreted[0] == "interpreted (BIOCODER_PURE_PYTHON is set)"
    assert len(compiled) > 100  # every sample repository's functions
    assert compiled[1:] == interpreted[1:]


WHICH = """
import parsers.python, pipeline.context_python
from parsers.compiled import compiled_status
print(compiled_status())
print(parsers.python.__loader__.__class__.__name__, pipeline.context_python.__file__)
"""


def _copy_packages(dest: Path) -> Path:
    """The two packages, with their builds and manifest, as another checkout would hold them."""
    for package in ("parsers", "pipeline"):
        shutil.copytree(ROOT / package, dest / package,
                        ignore=shutil.ignore_patterns("__pycache__", "sample_repos", "*.c"))
    return dest


def _which(tree: Path) -> list[str]:
    # the copy first on the path, ahead of the installed project
    return _run(WHICH, env={"PYTHONPATH": str(tree), "BIOCODER_PURE_PYTHON": ""}, cwd=tree)


@needs_builds
def test_the_builds_are_used_only_while_their_sources_are_the_ones_compiled(tmp_path):
    tree = _copy_packages(tmp_path / "checkout")
    status, loaded = _which(tree)
    assert status == f"compiled (mypyc): {', '.join(COMPILED)}"
    assert loaded.startswith(f"ExtensionFileLoader {tree / 'pipeline' / 'context_python.'}") and loaded.endswith(".so")

    # an edited source: both modules run from their sources (they share classes), with a warning
    with (tree / "parsers" / "python.py").open("a") as f:
        f.write("# edited after the build\n")
    status, loaded = _which(tree)
    assert status == "interpreted (parsers.python was compiled from an older source: rebuild with `pip install -e .`)"
    assert loaded == f"SourceFileLoader {tree / 'pipeline' / 'context_python.py'}"


@needs_builds
def test_a_missing_build_or_manifest_runs_the_sources(tmp_path):
    tree = _copy_packages(tmp_path / "no_build")
    for so in (tree / "pipeline").glob("context_python.*.so"):
        so.unlink()
    status, loaded = _which(tree)
    assert status == "interpreted (pipeline.context_python is not compiled (see setup.py))"
    assert loaded.startswith("SourceFileLoader ")

    tree = _copy_packages(tmp_path / "no_manifest")
    manifest = tree / "parsers" / "compiled_sources.json"
    assert set(json.loads(manifest.read_text())) == set(COMPILED)
    manifest.unlink()
    status, loaded = _which(tree)
    assert status == "interpreted (not compiled (see setup.py))"
    assert loaded == f"SourceFileLoader {tree / 'pipeline' / 'context_python.py'}"


def test_the_sources_can_be_forced():
    status, loaded = _run(WHICH, env={"BIOCODER_PURE_PYTHON": "1"})
    assert status == "interpreted (BIOCODER_PURE_PYTHON is set)"
    assert loaded == f"SourceFileLoader {ROOT / 'pipeline' / 'context_python.py'}"
