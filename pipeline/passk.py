"""HumanEval's unbiased pass@k estimator (Chen et al., 2021) and its aggregation."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable


def pass_at_k(n: int, c: int, k: int) -> float | None:
    """1 - C(n-c, k) / C(n, k): the chance that at least one of k samples drawn without
    replacement from n (c of them correct) passes. None when k > n (not estimable).

    Computed as HumanEval does, 1 - prod_{i=n-c+1}^{n} (1 - k/i), which avoids the huge
    binomials; exact 1.0 when fewer than k samples are wrong.
    """
    if n < 0 or c < 0 or k < 1 or c > n:
        raise ValueError(f"need 0 <= c <= n and k >= 1, got n={n}, c={c}, k={k}")
    if k > n:
        return None
    if n - c < k:
        return 1.0
    prod = 1.0
    for i in range(n - c + 1, n + 1):
        prod *= 1.0 - k / i
    return 1.0 - prod


def mean_pass_at_k(counts: Iterable[tuple[int, int]], k: int) -> float | None:
    """Mean of pass@k over items given as (n, c); None if any item has fewer than k samples
    (reporting the mean over the remaining items would silently change the population)."""
    values = []
    for n, c in counts:
        v = pass_at_k(n, c, k)
        if v is None:
            return None
        values.append(v)
    return sum(values) / len(values) if values else None


def pass_at_k_table(
    outcomes: Iterable[tuple[tuple[str, ...], str, bool]], ks: Iterable[int]
) -> list[dict]:
    """outcomes: (group, item_id, passed) per sample. One row per group, sorted:
    {"group": group, "n_items", "n_samples", "pass@k": float | None for each k}."""
    per_group: dict[tuple[str, ...], dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for group, item_id, passed in outcomes:
        nc = per_group[group][item_id]
        nc[0] += 1
        nc[1] += int(bool(passed))
    rows = []
    for group in sorted(per_group):
        items = per_group[group]
        row: dict = {"group": group, "n_items": len(items), "n_samples": sum(n for n, _ in items.values())}
        for k in ks:
            row[f"pass@{k}"] = mean_pass_at_k([tuple(v) for v in items.values()], k)
        rows.append(row)
    return rows
