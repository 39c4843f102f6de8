"""Splits by repository: stable, disjoint in repositories, extension never moves an item."""

from __future__ import annotations

from collections import Counter

from itemfactory import make_record
from pipeline.config import load_config
from pipeline.filters import score_record
from pipeline.splits import assign_splits, repo_point, split_for_repo

SPLITS = {"test": 0.8, "validation": 0.2}


def test_split_for_repo_is_stable_and_case_insensitive():
    assert split_for_repo("Lab/Tools", SPLITS) == split_for_repo("lab/tools", SPLITS)
    assert 0.0 <= repo_point("lab/tools") < 1.0
    counts = Counter(split_for_repo(f"org{i}/repo{i}", SPLITS) for i in range(2000))
    assert 0.75 < counts["test"] / 2000 < 0.85  # fractions are respected on many repos


def test_no_repository_in_two_splits():
    cands = [score_record(make_record(repo=f"lab{i % 37}/r{i % 37}", start_line=i)) for i in range(300)]
    assign_splits(cands, SPLITS)
    per_repo: dict[str, set[str]] = {}
    for c in cands:
        per_repo.setdefault(c.record.repo, set()).add(c.split)
    assert all(len(s) == 1 for s in per_repo.values())
    assert {c.split for c in cands} == set(SPLITS)


def test_extension_keeps_existing_assignments():
    old = [score_record(make_record(repo="lab/a", start_line=1)).to_row()]
    assign_splits(old, load_config())  # rows and a Config are accepted too
    existing = {old[0]["id"]: "validation" if old[0]["split"] == "test" else "test"}  # e.g. fractions changed since
    new = [score_record(make_record(repo="lab/a", start_line=1)), score_record(make_record(repo="lab/a", start_line=50))]
    assign_splits(new, SPLITS, existing)
    assert {c.split for c in new} == set(existing.values())  # old item kept, new item joins its repo's split
    other = [score_record(make_record(repo="lab/b", start_line=1))]
    assign_splits(other, SPLITS, existing, existing_repos={"lab/b": "validation"})
    assert other[0].split == "validation"
