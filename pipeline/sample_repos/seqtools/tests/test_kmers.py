from seqtools.analysis.kmers import canonical_kmer, jaccard_similarity, kmer_counts


def test_kmer_counts():
    assert kmer_counts("AAAA", 2) == {"AA": 3}


def test_canonical():
    assert canonical_kmer("TTT") == "AAA"


def test_jaccard_identical():
    assert jaccard_similarity("ACGTACGT", "ACGTACGT", k=3) == 1.0
