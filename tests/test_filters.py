"""Each filter keeps one record and drops another with the expected reason."""

from __future__ import annotations

import pytest

from itemfactory import BIO_PY, make_record, third_party
from pipeline.config import ConfigError, config_hash, load_config
from pipeline.filters import (
    FILTERS, Candidate, bio_score, build_filters, funnel_from_rows, run_filters, score_record,
)
from pipeline.records import ImportUse

CONFIG = load_config()


def make_filter(name: str, **params):
    return FILTERS[name](**params, config=CONFIG)


def check_filter(flt, record, reason: str | None) -> None:
    """`reason=None`: the filter keeps the record; else it drops it with that reason key."""
    out = flt(score_record(record))
    if reason is None:
        assert out is True, f"{flt.name} dropped {record.name}: {out}"
    else:
        assert out is not True and out[0] is False, f"{flt.name} kept {record.name}"
        assert out[1].split(":")[0] == reason, out[1]


def test_registry_covers_default_chain():
    assert [s.name for s in CONFIG.filters] == list(FILTERS)
    assert len(build_filters(CONFIG)) == len(FILTERS)


def test_parse_error():
    f = make_filter("no_parse_error_v1")
    check_filter(f, make_record(), None)
    check_filter(f, make_record(has_parse_error=True), "parse_error")


def test_python2():
    check_filter(make_filter("python2_v1"), make_record(), None)
    check_filter(make_filter("python2_v1"), make_record(python2=True), "python2")
    check_filter(make_filter("python2_v1", keep=True), make_record(python2=True), None)


@pytest.mark.parametrize("path,name", [
    ("tests/test_gc.py", "gc_content"), ("seqtools/test_gc.py", "gc_content"), ("seqtools/gc_test.py", "gc_content"),
    ("src/test/java/org/lab/SeqTest.java", "reverseComplement"), ("src/main/java/org/lab/SeqTest.java", "x"),
    ("seqtools/gc.py", "test_gc_content"), ("seqtools/gc.py", "testGc"),
])
def test_test_code_dropped(path, name):
    lang = "java" if path.endswith(".java") else "python"
    check_filter(make_filter("not_test_code_v1", **CONFIG.filters[2].params),
                 make_record(language=lang, path=path, name=name), "test_code")


def test_test_code_kept():
    f = make_filter("not_test_code_v1", **CONFIG.filters[2].params)
    check_filter(f, make_record(), None)
    check_filter(f, make_record(name="testosterone_level"), None)
    check_filter(f, make_record(language="java", path="src/main/java/org/lab/Attestation.java"), None)


def test_main():
    f = make_filter("not_main_v1")
    check_filter(f, make_record(), None)
    check_filter(f, make_record(name="main"), "main")
    check_filter(f, make_record(language="java", name="main", modifiers=["public", "static"]), "main")
    check_filter(f, make_record(language="java", name="main", modifiers=["public"],
                                signature="public void main()"), None)


def test_dunder():
    f = make_filter("not_dunder_v1")
    check_filter(f, make_record(), None)
    check_filter(f, make_record(name="__repr__"), "dunder")
    check_filter(f, make_record(name="__private"), None)


@pytest.mark.parametrize("code", [
    "def get_seq(self):\n    \"\"\"The sequence.\"\"\"\n    return self._seq\n",
    "def set_seq(self, seq):\n    self._seq = seq\n",
    "def align(self, reads, ref):\n    return self.aligner.align(reads, ref)\n",
    "def parse(self, handle):\n    raise NotImplementedError('subclass')\n",
    "def stub(self):\n    pass\n",
    "def init(self, a, b):\n    self.a = a\n    self.b = b\n",
])
def test_trivial_python_dropped(code):
    check_filter(make_filter("not_trivial_v1"), make_record(code), "trivial")


@pytest.mark.parametrize("code", [
    "public String getSequence() {\n    return this.sequence;\n}\n",
    "public void setSequence(String sequence) {\n    this.sequence = sequence;\n}\n",
    "public int length() { return sequence.length(); }\n",
    "public SAMRecord next() {\n    // delegate\n    return iterator.next();\n}\n",
    "public void close() {\n}\n",
    "public void parse(String s) {\n    throw new UnsupportedOperationException(\"no\");\n}\n",
    "/** Repaint the structure panel. */\npublic abstract void repaint();\n",
])
def test_trivial_java_dropped(code):
    check_filter(make_filter("not_trivial_v1"), make_record(code, language="java"), "trivial")


def test_trivial_kept():
    f = make_filter("not_trivial_v1")
    check_filter(f, make_record(), None)
    check_filter(f, make_record(language="java"), None)
    check_filter(f, make_record("def total(self, x):\n    return self.count(x) + len(x)\n"), None)


def test_min_doc_words():
    f = make_filter("min_doc_words_v1", min_words=5)
    check_filter(f, make_record(), None)
    check_filter(f, make_record(language="java"), None)
    short = BIO_PY.replace("Compute the GC content of a DNA sequence in sliding windows along the genome.", "GC.")
    check_filter(f, make_record(short), "doc_too_short")
    nodoc = "\n".join(line for line in BIO_PY.splitlines() if '"""' not in line) + "\n"
    check_filter(f, make_record(nodoc, docstring=None), "doc_too_short")


def test_body_length():
    f = make_filter("body_length_v1", min_lines=6, max_lines=30, min_tokens=30, max_tokens=1500)
    check_filter(f, make_record(), None)
    check_filter(f, make_record("def gc(seq):\n    \"\"\"GC.\"\"\"\n    return seq.count('G')\n"), "too_short")
    long_body = BIO_PY + "".join(f"    values.append({i})\n" for i in range(40))
    check_filter(f, make_record(long_body), "too_long")
    rec = score_record(make_record())
    assert rec.record.lines == 8  # docstring and blank lines not counted
    assert rec.record.tokens > 30


def test_bio_relevance():
    f = make_filter("bio_relevance_v1", min_score=2)
    check_filter(f, make_record(), None)
    check_filter(f, make_record(language="java"), None)
    plain = ("def moving_average(values, window=3):\n    \"\"\"Average of each window of values in a list.\"\"\"\n"
             "    out = []\n    for i in range(len(values) - window + 1):\n"
             "        out.append(sum(values[i:i + window]) / window)\n    return out\n")
    check_filter(f, make_record(plain, path="utils/stats.py", qualified_name="utils.stats.moving_average"),
                 "not_bioinformatics")


def test_bio_score_counts_terms_and_libraries():
    rec = make_record(imports=["import pysam", "from Bio.Seq import Seq", "import HTSeq"],
                      used_imports=[third_party("pysam"), third_party("Bio.Seq")])  # HTSeq imported, unused
    score, matched = bio_score(rec)
    assert "lib:pysam" in matched and "lib:Bio" in matched
    assert {"dna", "genome", "sequence"} <= set(matched)
    assert score == len([m for m in matched if not m.startswith("lib:")]) + 2 * 2
    assert score_record(rec).bio_score == score


def test_third_party():
    f = make_filter("third_party_allowed_v1")
    check_filter(f, make_record(used_imports=[third_party("numpy"), third_party("Bio.SeqIO")]), None)
    check_filter(f, make_record(used_imports=[ImportUse("import os", "os", ["os"], kind="stdlib")]), None)
    check_filter(f, make_record(used_imports=[third_party("tensorflow.keras")]), "third_party")
    check_filter(f, make_record(language="java", used_imports=[third_party("org.apache.commons.lang3.StringUtils")]),
                 "third_party")
    assert score_record(make_record(used_imports=[third_party("Bio.SeqIO"), third_party("numpy")])).third_party == \
        ["Bio", "numpy"]


def test_license():
    check_filter(make_filter("license_allowed_v1"), make_record(license="GPL-3.0"), None)  # no allowlist
    f = make_filter("license_allowed_v1", allowed=["MIT", "BSD-3-Clause"])
    check_filter(f, make_record(license="MIT"), None)
    check_filter(f, make_record(license="GPL-3.0"), "license")


def test_run_filters_funnel_and_reasons():
    recs = [make_record(), make_record(language="java"), make_record(name="__repr__", start_line=40),
            make_record(path="tests/test_gc.py"), make_record(has_parse_error=True, start_line=60)]
    result = run_filters(recs, CONFIG)
    assert [c.record.name for c in result.kept] == ["gc_content", "reverseComplement"]
    reasons = sorted(c.drop_reason.split(":")[0] for c in result.rejected)
    assert reasons == ["dunder", "parse_error", "test_code"]
    d = result.funnel.to_dict()
    assert d["languages"]["python"]["in"] == 4 and d["languages"]["python"]["out"] == 1
    assert d["languages"]["java"]["out"] == 1
    assert d["reasons"][:3] == ["parse_error", "python2", "test_code"]  # chain order
    kept_rows, rejected_rows = result  # row form, as the per-repository stage uses it
    assert all(r["drop_reason"] is None and r["bio_score"] > 0 for r in kept_rows)
    rebuilt = funnel_from_rows(kept_rows, rejected_rows, CONFIG)
    nonzero = lambda f: {k: v for k, v in f["total"]["dropped"].items() if v}  # noqa: E731
    assert nonzero(rebuilt.to_dict()) == nonzero(d) and rebuilt.to_dict()["total"]["out"] == d["total"]["out"]


def test_rethreshold_from_rows_without_rescoring():
    rows = [c.to_row() for c in run_filters([make_record()], CONFIG).kept]
    strict = load_config(overrides={"filters": [{"name": "bio_relevance_v1", "params": {"min_score": 1000}}]})
    again = run_filters([Candidate.from_row(r) for r in rows], strict)
    assert not again.kept and again.rejected[0].drop_reason.startswith("not_bioinformatics")


def test_config_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[filters]]\nname = "no_such_filter_v9"\n')
    with pytest.raises(ConfigError, match="bad.toml: filters: unknown filter"):
        load_config(bad)
    bad.write_text('[dedup]\nnear_treshold = 0.5\n')
    with pytest.raises(ConfigError, match=r"dedup\.near_treshold: unknown key"):
        load_config(bad)
    bad.write_text('[splits]\ntest = 0.5\ndev = 0.2\n')
    with pytest.raises(ConfigError, match="splits: fractions must sum to 1"):
        load_config(bad)
    bad.write_text('[[filters]]\nname = "body_length_v1"\nparams = { min_lenes = 3 }\n')
    with pytest.raises(ConfigError, match="body_length_v1"):
        load_config(bad)
    good = tmp_path / "good.toml"
    good.write_text('keep_python2 = true\n[dedup]\nnear_threshold = 0.8\n')
    cfg = load_config(good)
    assert cfg.keep_python2 and cfg.dedup.near_threshold == 0.8 and cfg.dedup.num_perm == 128
    assert config_hash(cfg) != config_hash(CONFIG) and config_hash(load_config()) == config_hash(CONFIG)
