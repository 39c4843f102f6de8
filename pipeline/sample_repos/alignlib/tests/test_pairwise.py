from alignlib.pairwise import levenshtein, needleman_wunsch, smith_waterman


def test_nw_identical():
    assert needleman_wunsch("ACGT", "ACGT") == (4, "ACGT", "ACGT")


def test_levenshtein():
    assert levenshtein("kitten", "sitting") == 3


def test_sw():
    assert smith_waterman("TTACGT", "ACG")[0] == 6
