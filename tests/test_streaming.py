"""Extraction streams: records are yielded file by file (never all held), the extract command
and the build write them in batches, and batching changes nothing in what is written."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyarrow.parquet as pq

import pipeline
import pipeline.build as build
from pipeline.acquire import acquire_all
from pipeline.config import load_config
from pipeline.extract import ExtractStats, extract_repo, iter_record_batches, iter_repo_records
from pipeline.repolist import read_repo_list


def test_records_are_yielded_before_the_repository_is_done():
    root = Path(pipeline.__file__).parent / "sample_repos" / "seqtools"
    stats = ExtractStats()
    it = iter_repo_records(root, stats, languages=("python",))
    first = next(it)
    seen_at_first = stats.functions["python"]
    rest = list(it)
    assert seen_at_first == 1 < stats.functions["python"] == 1 + len(rest)
    assert stats.seconds > 0  # filled once exhausted
    whole, whole_stats = extract_repo(root, languages=("python",))
    assert [r.id for r in whole] == [first.id] + [r.id for r in rest]
    assert whole_stats.functions == stats.functions and whole_stats.skipped == stats.skipped


def test_batches_cover_every_record_once():
    batches = list(iter_record_batches(iter(range(7)), size=3))
    assert batches == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(iter_record_batches(iter([]), size=3)) == []


def test_build_output_does_not_depend_on_the_batch_size(sample_repos, tmp_path, monkeypatch):
    config = load_config()
    config = dataclasses.replace(config, harness=dataclasses.replace(config.harness, enabled=False))
    snapshots = acquire_all(read_repo_list(sample_repos), tmp_path / "cache", jobs=2)
    assert all(s.status == "ok" for s in snapshots)

    def rows(work):
        out = {}
        for s in snapshots:
            r = build.process_repo(s, config, work)
            assert r.status == "ok", r.error
            for row in pq.read_table(r.items_path).to_pylist():
                out[row["id"]] = row
        return out

    whole = rows(tmp_path / "whole")
    monkeypatch.setattr(build, "EXTRACT_BATCH", 2)
    batched = rows(tmp_path / "batched")
    assert len(whole) > 50
    assert batched == whole
