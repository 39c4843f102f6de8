from seqtools.analysis.composition import base_counts, gc_content, gc_skew, sliding_gc


def test_gc_content():
    assert gc_content("GGCC") == 1.0
    assert gc_content("ATGC") == 0.5
    assert gc_content("NNNN") == 0.0


def test_base_counts():
    assert base_counts("ACGTNX")["other"] == 1


def test_gc_skew():
    assert gc_skew("GGGC") == 0.5


def test_sliding_gc():
    assert sliding_gc("GGAA", window=2, step=2) == [(0, 1.0), (2, 0.0)]
