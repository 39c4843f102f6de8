"""Split assignment by repository: sha256 of the lower-cased `owner/name` -> a point in [0, 1)
-> the split whose cumulative fraction interval holds it. No repository spans two splits, the
same input always gives the same splits, and an item already in a build keeps its split.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from pipeline.filters import Candidate

if TYPE_CHECKING:
    from pipeline.config import Config


def repo_point(repo: str) -> float:
    """Stable point in [0, 1) for a repository (case-insensitive, surrounding space ignored)."""
    digest = hashlib.sha256(repo.strip().lower().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_for_repo(repo: str, splits: Mapping[str, float]) -> str:
    """The split of `repo` for ordered fractions {name: fraction} (normalised to sum 1)."""
    if not splits:
        raise ValueError("no splits configured")
    total = sum(splits.values())
    x = repo_point(repo) * total
    acc = 0.0
    names = list(splits)
    for name in names:
        acc += splits[name]
        if x < acc:
            return name
    return names[-1]  # float rounding at the top end


def assign_splits(items: Iterable[Candidate | dict[str, Any]], splits: "Mapping[str, float] | Config",
                  existing: Mapping[str, str] | None = None,
                  existing_repos: Mapping[str, str] | None = None) -> list[Any]:
    """Set the split of each item (a Candidate, or an ITEM_SCHEMA row dict) and return the items.

    `splits` is {name: fraction} or a Config. Items in `existing` (id -> split, from a previous
    build) keep their split, and new items of a repository that already has items in the build
    join that repository's split, so extending a build never moves an item or splits a
    repository. `existing_repos` (repo -> split, e.g. from the build's manifest) covers
    repositories whose items are not among `items`."""
    items = list(items)
    fractions: Mapping[str, float] = splits.splits if hasattr(splits, "splits") else splits  # type: ignore[union-attr]
    existing = existing or {}
    repo_split: dict[str, str] = {k.lower(): v for k, v in (existing_repos or {}).items()}

    def ident(item: Any) -> tuple[str, str, str, int]:
        if isinstance(item, Candidate):
            return item.id, item.record.repo, item.record.path, item.record.start_line
        return item["id"], item["repo"], item.get("path") or "", int(item.get("start_line") or 0)

    for item in sorted(items, key=lambda it: ident(it)[1:] + (ident(it)[0],)):
        item_id, repo, _, _ = ident(item)
        if item_id in existing:
            repo_split.setdefault(repo.lower(), existing[item_id])
    for item in items:
        item_id, repo, _, _ = ident(item)
        split = existing.get(item_id) or repo_split.setdefault(repo.lower(), split_for_repo(repo, fractions))
        if isinstance(item, Candidate):
            item.split = split
        else:
            item["split"] = split
    return items
