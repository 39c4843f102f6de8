"""Exact and near duplicates across repositories, determinism, decontamination."""

from __future__ import annotations

import json

from itemfactory import BIO_JAVA, BIO_PY, make_record
from pipeline.codetext import normalize_code
from pipeline.config import load_config
from pipeline.dedup import dedup_rows, dedup_stage, deduplicate
from pipeline.filters import score_record
from pipeline.funnel import Funnel

CONFIG = load_config()

# BIO_PY reformatted, with comments and another docstring: the same code after normalisation.
EXACT_TWIN = '''\
def gc_content(seq, window=100):
    # sliding GC
    """Another docstring entirely."""
    seq = seq.upper()  # upper case
    values = []

    for start in range(0, max(len(seq) - window + 1, 1)):
        chunk = seq[start:start + window]
        gc = chunk.count("G") + chunk.count("C")
        values.append(gc / float(len(chunk)))
    return values
'''
# One changed expression: a near duplicate.
NEAR_TWIN = BIO_PY.replace('values.append(gc / float(len(chunk)))', 'values.append(round(gc / float(len(chunk)), 4))')
DIFFERENT = '''\
def phred_to_prob(quals, offset=33):
    """Convert a FASTQ quality string to error probabilities per base."""
    probs = []
    for ch in quals:
        q = ord(ch) - offset
        probs.append(10 ** (-q / 10.0))
    return probs
'''


def cands(*specs):
    return [score_record(make_record(code, repo=repo, start_line=line)) for code, repo, line in specs]


def test_normalisation_strips_comments_docstrings_whitespace():
    assert normalize_code(BIO_PY, "python") == normalize_code(EXACT_TWIN, "python")
    java_twin = BIO_JAVA.replace("/**", "// summary\n/**").replace("        char base", "\n        char   base")
    assert normalize_code(BIO_JAVA, "java") == normalize_code(java_twin, "java")
    assert '"//not a comment"' in normalize_code('String s = "//not a comment"; // real', "java")


def test_exact_and_near_duplicates_across_repos():
    items = cands((BIO_PY, "b-lab/tools", 10), (EXACT_TWIN, "a-lab/tools", 5), (NEAR_TWIN, "c-lab/x", 1),
                  (DIFFERENT, "c-lab/x", 30))
    funnel = Funnel()
    for c in items:
        funnel.add_in(c.language)
    result = deduplicate(items, CONFIG.dedup, funnel)
    kept = {c.record.repo: c for c in result.kept}
    assert set(kept) == {"a-lab/tools", "c-lab/x"} and len(result.kept) == 2  # rep = first by repo order
    rep = kept["a-lab/tools"]
    assert rep.dedup_cluster == rep.id
    reasons = {c.record.repo: c.drop_reason for c in result.rejected}
    assert reasons == {"b-lab/tools": f"duplicate_exact: {rep.id}", "c-lab/x": f"duplicate_near: {rep.id}"}
    assert all(c.dedup_cluster == rep.id for c in result.rejected)
    assert result.clusters[rep.id] and len(result.clusters[rep.id]) == 3
    assert funnel.to_dict()["languages"]["python"]["out"] == 2


def test_deterministic_regardless_of_input_order():
    specs = [(BIO_PY, "b-lab/tools", 10), (EXACT_TWIN, "a-lab/tools", 5), (NEAR_TWIN, "c-lab/x", 1),
             (DIFFERENT, "c-lab/x", 30)]
    one = deduplicate(cands(*specs), CONFIG.dedup)
    two = deduplicate(cands(*reversed(specs)), CONFIG.dedup)
    assert [(c.id, c.dedup_cluster) for c in one.kept] == [(c.id, c.dedup_cluster) for c in two.kept]
    assert sorted((c.id, c.drop_reason) for c in one.rejected) == sorted((c.id, c.drop_reason) for c in two.rejected)


def test_prefer_keeps_existing_representative():
    items = cands((BIO_PY, "z-lab/old", 1), (EXACT_TWIN, "a-lab/new", 1))
    old_id = items[0].id
    result = deduplicate(items, CONFIG.dedup, prefer={old_id})
    assert [c.id for c in result.kept] == [old_id]


def test_languages_are_not_compared():
    items = [score_record(make_record(language="java", repo="a/x")), score_record(make_record(repo="b/y"))]
    assert len(deduplicate(items, CONFIG.dedup).kept) == 2


def test_decontamination_flag_and_drop(tmp_path):
    ref = tmp_path / "biocoder_python.json"
    ref.write_text(json.dumps([{"code": EXACT_TWIN}, {"code": "def unrelated():\n    return 1\n"}]))
    items = cands((BIO_PY, "a/x", 1), (DIFFERENT, "b/y", 1))
    cfg = load_config(overrides={"decontamination": {"path": str(ref), "action": "flag"}})
    kept, rejected = dedup_stage(items, cfg)
    assert not rejected and {c.record.name: c.contaminated for c in kept} == {"gc_content": True, "phred_to_prob": False}

    near_ref = tmp_path / "near.json"
    near_ref.write_text(json.dumps({"code": {"0": NEAR_TWIN}}))  # pandas column-oriented JSON
    cfg = load_config(overrides={"decontamination": {"path": str(near_ref), "action": "drop"}})
    funnel = Funnel()
    for c in items:
        funnel.add_in(c.language)
    kept, rejected = dedup_stage(cands((BIO_PY, "a/x", 1), (DIFFERENT, "b/y", 1)), cfg, funnel)
    assert [c.record.name for c in rejected] == ["gc_content"] and rejected[0].drop_reason == "contaminated"
    assert funnel.to_dict()["total"]["dropped"]["contaminated"] == 1


def test_no_decontamination_leaves_null():
    kept, _ = dedup_stage(cands((BIO_PY, "a/x", 1)), CONFIG)
    assert kept[0].contaminated is None


def test_dedup_rows_carries_other_columns():
    rows = [c.to_row() for c in cands((BIO_PY, "b/x", 1), (EXACT_TWIN, "a/x", 1))]
    for r in rows:
        r["summary_top"] = f"prompt for {r['repo']}"
    kept, rejected = dedup_rows(rows, CONFIG)
    assert [r["summary_top"] for r in kept] == ["prompt for a/x"]
    assert rejected[0]["drop_reason"].startswith("duplicate_exact") and rejected[0]["summary_top"] == "prompt for b/x"
