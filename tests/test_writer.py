"""The written dataset: deterministic, split by repository, readable by pandas and datasets,
documented in its card, and written atomically."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from itemfactory import BIO_JAVA, BIO_PY, make_record
from pipeline.assemble import select_items
from pipeline.config import load_config
from pipeline.records import COLUMN_DESCRIPTIONS, ITEM_SCHEMA
from pipeline.writer import IncompleteBuild, read_dataset, write_dataset

CONFIG = load_config()


def snapshot_records():
    """Records as the extractor would give them for a few repositories (python and java)."""
    recs = []
    for i in range(12):
        repo = f"lab{i}/genomics-{i}"
        py = BIO_PY.replace("gc_content", f"gc_content_{i}").replace("values", f"values_{i}" * (i + 1))
        recs.append(make_record(py, repo=repo, name=f"gc_content_{i}", start_line=3))
        java = BIO_JAVA.replace("reverseComplement", f"reverseComplement{i}").replace("out", f"out{i}" * (i + 1))
        recs.append(make_record(java, language="java", repo=repo, name=f"reverseComplement{i}", start_line=7))
    recs.append(make_record(BIO_PY, repo="lab0/genomics-0-copy", start_line=3))  # near copy of lab0's function
    recs.append(make_record(path="tests/test_gc.py", repo="lab1/genomics-1"))  # test code
    recs.append(make_record(name="__repr__", repo="lab2/genomics-2", start_line=99))
    return recs


def build(out: Path) -> dict:
    kept, rejected, funnel = select_items(snapshot_records(), CONFIG)
    repos = sorted({r["repo"] for r in kept + rejected})
    manifest = {"repos": [{"repo": r, "commit": "c0ffee", "status": "ok", "license": "MIT"} for r in repos]}
    return write_dataset(out, kept, rejected, manifest, funnel, CONFIG)


def file_digests(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "ds"
    build(out)
    return out


def test_layout(built):
    names = set(file_digests(built))
    expected = {f"{lang}/{split}.parquet" for lang in ("python", "java") for split in ("test", "validation")}
    assert expected | {"rejected.parquet", "manifest.json", "README.md", "stats/funnel.json",
                       "stats/funnel.parquet"} == names
    for rel in expected | {"rejected.parquet"}:
        assert pq.read_schema(built / rel).equals(ITEM_SCHEMA)
    manifest = json.loads((built / "manifest.json").read_text())
    assert manifest["config_hash"] and manifest["repos"] and manifest["counts"]["funnel"]["total"]["in"] == 27
    assert {r["drop_reason"].split(":")[0] for r in pq.read_table(built / "rejected.parquet").to_pylist()} == \
        {"duplicate_near", "test_code", "dunder"}


def test_build_twice_identical(built, tmp_path):
    again = tmp_path / "again"
    build(again)
    assert file_digests(built) == file_digests(again)
    one, two = read_dataset(built), read_dataset(again)
    assert one.kept.equals(two.kept) and one.rejected.equals(two.rejected)
    assert one.kept.column("id").to_pylist() == two.kept.column("id").to_pylist()


def test_splits_share_no_repository(built):
    ds = read_dataset(built)
    repos: dict[str, set[str]] = {}
    for repo, split in zip(ds.kept.column("repo").to_pylist(), ds.kept.column("split").to_pylist()):
        repos.setdefault(split, set()).add(repo)
    assert len(repos) == 2, "the fixture should populate both splits"
    assert not (repos["test"] & repos["validation"])
    assert ds.existing_splits() and set(ds.existing_splits().values()) == {"test", "validation"}


def test_pandas_and_datasets_read_it(built, tmp_path, monkeypatch):
    import pandas as pd

    df = pd.read_parquet(built / "python" / "test.parquet")
    assert list(df.columns) == ITEM_SCHEMA.names and len(df) > 0
    assert isinstance(df.iloc[0]["parameters"][0], dict)  # nested, not JSON strings
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    datasets = pytest.importorskip("datasets")
    files = {s: str(built / "python" / f"{s}.parquet") for s in ("test", "validation")}
    ds = datasets.load_dataset("parquet", data_files=files, cache_dir=str(tmp_path / "hf_cache"))
    assert ds["test"].num_rows == len(df)
    assert ds["test"].column_names == ITEM_SCHEMA.names
    assert ds["test"][0]["parameters"][0]["name"] == "seq"


def test_card_documents_every_column(built):
    card = (built / "README.md").read_text()
    for name in COLUMN_DESCRIPTIONS:
        assert f"| {name} |" in card
    assert "load_dataset(\"parquet\"" in card and "pd.read_parquet" in card
    assert "dropped: duplicate_near" in card and "config_name: java" in card


def test_killed_write_leaves_no_complete_looking_files(built, tmp_path, monkeypatch):
    import pipeline.writer as writer

    out = tmp_path / "killed"
    build(out)
    before = file_digests(out)
    calls = {"n": 0}
    real = pq.write_table

    def dying_write(table, where, **kw):
        calls["n"] += 1
        if calls["n"] == 3:  # the third file: write some bytes, then "die"
            where.write(b"PAR1 truncated")
            raise KeyboardInterrupt("killed")
        return real(table, where, **kw)

    monkeypatch.setattr(writer.pq, "write_table", dying_write)
    with pytest.raises(KeyboardInterrupt):
        build(out)
    after = file_digests(out)
    assert "manifest.json" not in after  # the completion marker is gone: the build is unfinished
    assert not [p for p in after if p.rsplit("/", 1)[-1].startswith(".")]  # no temp files left behind
    for rel, digest in after.items():  # every parquet under a final name is whole
        if rel.endswith(".parquet"):
            pq.read_table(out / rel)
    with pytest.raises(IncompleteBuild):
        read_dataset(out)
    assert set(after) == set(before) - {"manifest.json"}
    assert os.path.exists(out / "rejected.parquet")
