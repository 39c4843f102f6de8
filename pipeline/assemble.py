"""The global stage after extraction: filters -> dedup (+ decontamination) -> splits.

`select_items` turns every extracted record of a build into ITEM_SCHEMA rows: the kept ones
(with split, scores and dedup cluster) and the rejected ones (with their drop_reason), plus the
funnel that counts them. The caller writes them with pipeline.writer.write_dataset.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from pipeline.config import Config
from pipeline.dedup import dedup_stage
from pipeline.filters import Candidate, run_filters
from pipeline.funnel import Funnel
from pipeline.records import FunctionRecord
from pipeline.splits import assign_splits


def select_items(records: Iterable[FunctionRecord | Candidate], config: Config,
                 existing_splits: Mapping[str, str] | None = None,
                 existing_repos: Mapping[str, str] | None = None,
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Funnel]:
    """(kept_rows, rejected_rows, funnel). `existing_splits` (id -> split) and `existing_repos`
    (repo -> split) come from a previous build when extending it: those items keep their split
    and are preferred as dedup representatives."""
    result = run_filters(records, config)
    prefer = set(existing_splits or ())
    kept, dropped = dedup_stage(result.kept, config, result.funnel, prefer)
    assign_splits(kept, config.splits, existing_splits, existing_repos)
    rejected = result.rejected + dropped
    return [c.to_row() for c in kept], [c.to_row() for c in rejected], result.funnel
