"""Deduplication and decontamination of filtered candidates.

Exact: identical after normalisation (comments, docstrings and whitespace removed).
Near: MinHash (datasketch) over token shingles, LSH candidates confirmed by the estimated
Jaccard >= threshold (BigCode's setting: 5-gram shingles, 0.7), clusters as connected components.
Everything is deterministic: candidates are processed in (repo, path, start_line, id) order, the
MinHash seed is fixed, and each cluster's representative is its first member in that order
(members listed in `prefer`, e.g. items of an existing build, come first, so extending a build
does not displace an item already published). Cluster id = representative id. Comparisons stay
within a language.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from datasketch import MinHash, MinHashLSH

from pipeline.codetext import normalize_code
from pipeline.config import Config, DecontaminationConfig, DedupConfig
from pipeline.filters import Candidate
from pipeline.funnel import Funnel

DEDUP_REASONS = ("duplicate_exact", "duplicate_near")
CONTAMINATION_REASON = "contaminated"


def shingles(normalized: str, size: int) -> set[bytes]:
    """Token n-grams of the normalised code; a function shorter than `size` is one shingle."""
    toks = normalized.split(" ")
    if len(toks) <= size:
        return {" ".join(toks).encode("utf-8")}
    return {" ".join(toks[i:i + size]).encode("utf-8") for i in range(len(toks) - size + 1)}


def minhash(normalized: str, cfg: DedupConfig) -> MinHash:
    m = MinHash(num_perm=cfg.num_perm, seed=cfg.seed)
    m.update_batch(sorted(shingles(normalized, cfg.shingle)))
    return m


def exact_key(normalized: str) -> str:
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:  # the smaller index (earlier in the order) stays the root
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class DedupResult:
    kept: list[Candidate]  # one representative per cluster (dedup_cluster set)
    rejected: list[Candidate]  # duplicates, drop_reason duplicate_exact/duplicate_near: <rep id>
    clusters: dict[str, list[str]] = field(default_factory=dict)  # representative id -> member ids (size > 1)


def deduplicate(cands: Iterable[Candidate], cfg: DedupConfig, funnel: Funnel | None = None,
                prefer: set[str] | None = None) -> DedupResult:
    prefer = prefer or set()
    ordered = sorted(cands, key=lambda c: (c.language, c.id not in prefer, c.sort_key()))
    if funnel is not None:
        funnel.add_reasons(list(DEDUP_REASONS))
    norm = [normalize_code(c.record.code, c.language) for c in ordered]
    uf = _UnionFind(len(ordered))
    how: dict[int, str] = {}  # member index -> "duplicate_exact" | "duplicate_near"

    if cfg.exact:
        first: dict[tuple[str, str], int] = {}
        for i, (c, n) in enumerate(zip(ordered, norm)):
            key = (c.language, exact_key(n))
            if key in first:
                uf.union(first[key], i)
                how[i] = "duplicate_exact"
            else:
                first[key] = i

    if cfg.near:
        by_lang: dict[str, list[int]] = {}
        for i, c in enumerate(ordered):
            if i not in how:  # exact duplicates already belong to their representative
                by_lang.setdefault(c.language, []).append(i)
        for idxs in by_lang.values():
            lsh = MinHashLSH(threshold=cfg.near_threshold, num_perm=cfg.num_perm)
            hashes: dict[int, MinHash] = {}
            for i in idxs:
                m = minhash(norm[i], cfg)
                hashes[i] = m
                for j in sorted(int(k) for k in lsh.query(m)):
                    if m.jaccard(hashes[j]) >= cfg.near_threshold:
                        uf.union(j, i)
                lsh.insert(str(i), m)

    groups: dict[int, list[int]] = {}
    for i in range(len(ordered)):
        groups.setdefault(uf.find(i), []).append(i)
    kept: list[Candidate] = []
    rejected: list[Candidate] = []
    clusters: dict[str, list[str]] = {}
    for root in sorted(groups):
        members = groups[root]
        rep = ordered[members[0]]
        for i in members:
            c = ordered[i]
            c.dedup_cluster = rep.id
            if i == members[0]:
                kept.append(c)
                continue
            reason = how.get(i, "duplicate_near")
            if reason == "duplicate_exact" and norm[i] != norm[members[0]]:
                reason = "duplicate_near"  # exact twin of a near duplicate of the representative
            c.drop_reason = f"{reason}: {rep.id}"
            rejected.append(c)
            if funnel is not None:
                funnel.drop(c.language, c.drop_reason)
        if len(members) > 1:
            clusters[rep.id] = [ordered[i].id for i in members]
    return DedupResult(kept=kept, rejected=rejected, clusters=clusters)


# ---------------------------------------------------------------- decontamination

def load_reference_code(path: str | Path) -> list[str]:
    """Code strings of an existing benchmark: JSON (a list of strings, a list of objects with
    `code`, or pandas' column-oriented {"code": {...}}), JSON Lines, or Parquet (`code` column)."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        if "code" not in table.column_names:
            raise ValueError(f"{path}: no `code` column (columns: {table.column_names})")
        return [s for s in table.column("code").to_pylist() if isinstance(s, str)]
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        data = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        data = json.loads(text)
    if isinstance(data, dict) and isinstance(data.get("code"), (dict, list)):
        col = data["code"]
        data = list(col.values()) if isinstance(col, dict) else col
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of code strings or objects with `code`")
    out = []
    for item in data:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("code"), str):
            out.append(item["code"])
    return out


def _reference_language(code: str) -> str:
    return "java" if ("{" in code and ";" in code and "def " not in code) else "python"


def decontaminate(cands: list[Candidate], cfg: DecontaminationConfig, dedup_cfg: DedupConfig,
                  funnel: Funnel | None = None, reference: list[str] | None = None) -> tuple[list[Candidate], list[Candidate]]:
    """Flag (`contaminated = True`) or drop (reason "contaminated") candidates that match a
    reference item exactly after normalisation or with Jaccard >= cfg.threshold.
    Returns (kept, rejected). With no reference configured, `contaminated` stays null."""
    if reference is None:
        if cfg.path is None:
            return cands, []
        reference = load_reference_code(cfg.path)
    if funnel is not None and cfg.action == "drop":
        funnel.add_reasons([CONTAMINATION_REASON])
    exact: set[str] = set()
    lsh = MinHashLSH(threshold=cfg.threshold, num_perm=dedup_cfg.num_perm)
    ref_hashes: list[MinHash] = []
    for i, code in enumerate(reference):
        for lang in ("python", "java"):  # normalise both ways: the reference may not say its language
            exact.add(exact_key(normalize_code(code, lang)))
        m = minhash(normalize_code(code, _reference_language(code)), dedup_cfg)
        ref_hashes.append(m)
        lsh.insert(f"r{i}", m)
    kept: list[Candidate] = []
    rejected: list[Candidate] = []
    for c in cands:
        n = normalize_code(c.record.code, c.language)
        hit = exact_key(n) in exact
        if not hit:
            m = minhash(n, dedup_cfg)
            hit = any(m.jaccard(ref_hashes[int(k[1:])]) >= cfg.threshold for k in lsh.query(m))
        c.contaminated = bool(hit)
        if hit and cfg.action == "drop":
            c.drop_reason = CONTAMINATION_REASON
            rejected.append(c)
            if funnel is not None:
                funnel.drop(c.language, CONTAMINATION_REASON)
        else:
            kept.append(c)
    return kept, rejected


def dedup_stage(cands: list[Candidate], config: Config, funnel: Funnel | None = None,
                prefer: set[str] | None = None) -> tuple[list[Candidate], list[Candidate]]:
    """Dedup then decontamination, as configured: (kept, rejected)."""
    result = deduplicate(cands, config.dedup, funnel, prefer)
    kept, contaminated = decontaminate(result.kept, config.decontamination, config.dedup, funnel)
    return kept, result.rejected + contaminated


def dedup_rows(rows: list[dict[str, Any]], config: Config, prefer_ids: set[str] | None = None,
               funnel: Funnel | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`dedup_stage` over ITEM_SCHEMA rows (e.g. read back from per-repository results): the
    rows' other columns (prompts, harness, …) are carried through unchanged."""
    by_id = {r["id"]: r for r in rows}
    cands = [Candidate.from_row(r) for r in rows]
    kept, rejected = dedup_stage(cands, config, funnel, prefer_ids)

    def back(c: Candidate) -> dict[str, Any]:
        row = dict(by_id[c.id])
        row.update(dedup_cluster=c.dedup_cluster, contaminated=c.contaminated, drop_reason=c.drop_reason)
        return row

    return [back(c) for c in kept], [back(c) for c in rejected]


__all__ = ["dedup_rows", "deduplicate", "decontaminate", "dedup_stage", "load_reference_code", "DedupResult", "shingles",
           "minhash", "exact_key"]
