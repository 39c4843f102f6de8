"""`biocoder extract` as a real subprocess over the fixture repository (a git checkout)."""

from __future__ import annotations

import subprocess
import sys

import pyarrow.parquet as pq

from pipeline.records import FUNCTION_SCHEMA
from tests.pyrepo_fixture import write_repo

REQUIRED = ["id", "repo", "commit", "path", "language", "name", "qualified_name", "kind", "start_line", "end_line",
            "code", "docstring", "has_parse_error", "python2", "used_imports", "globals_used", "callees",
            "dependency_level", "context_code"]


def test_extract_command_writes_parquet(tmp_path):
    root = write_repo(tmp_path / "repo")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"], cwd=root, check=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    out = tmp_path / "out" / "fns.parquet"
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "extract", str(root), "--repo", "bio/seqtools",
                           "-o", str(out), "--languages", "python"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "binary" in proc.stdout and "empty" in proc.stdout and "functions" in proc.stdout
    assert "python identifier pass: " in proc.stdout  # native (C) or pure Python, and why
    assert "python parser and context resolver: " in proc.stdout  # compiled (mypyc) or interpreted, and why
    table = pq.read_table(out)
    assert table.schema.equals(FUNCTION_SCHEMA)
    for col in REQUIRED:
        assert col in table.column_names
    rows = table.to_pylist()
    assert {r["commit"] for r in rows} == {sha}
    assert {r["repo"] for r in rows} == {"bio/seqtools"}
    assert all("\\" not in r["path"] and not r["path"].startswith("/") for r in rows)
    top = next(r for r in rows if r["qualified_name"] == "seqtools.kmers.KmerCounter.canonical")
    src = (root / top["path"]).read_text().splitlines()
    assert src[top["start_line"] - 1].strip() == "@staticmethod"
    assert top["code"].splitlines()[-1] == src[top["end_line"] - 1].lstrip() or \
        top["code"].splitlines()[-1] == src[top["end_line"] - 1]
    assert len(rows) == len({r["id"] for r in rows})
