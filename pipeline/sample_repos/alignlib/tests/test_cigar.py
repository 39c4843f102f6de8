import pytest

from alignlib.cigar import parse_cigar, query_length, reference_length, soft_clipped


def test_parse():
    assert parse_cigar("3S5M1D2M") == [(3, "S"), (5, "M"), (1, "D"), (2, "M")]


def test_malformed():
    with pytest.raises(ValueError):
        parse_cigar("5Q")


def test_lengths():
    assert reference_length("3S5M1D2M") == 8
    assert query_length("3S5M1D2M") == 10
    assert soft_clipped("3S5M2S") == (3, 2)
