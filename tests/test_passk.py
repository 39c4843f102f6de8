from math import comb

import pytest

from pipeline.passk import mean_pass_at_k, pass_at_k, pass_at_k_table

# n = 20, by hand: 1 - C(20-c, k) / C(20, k)
HAND = {
    (0, 1): 0.0, (0, 5): 0.0, (0, 10): 0.0, (0, 20): 0.0,
    (1, 1): 1 / 20, (1, 5): 5 / 20, (1, 10): 10 / 20, (1, 20): 1.0,
    (10, 1): 0.5,
    (10, 5): 1 - 252 / 15504,  # C(10,5) = 252, C(20,5) = 15504
    (10, 10): 1 - 1 / 184756,  # C(10,10) = 1, C(20,10) = 184756
    (10, 20): 1.0,  # only 10 wrong: any 20 draws include a right one
    (20, 1): 1.0, (20, 5): 1.0, (20, 10): 1.0, (20, 20): 1.0,
}


@pytest.mark.parametrize("c,k", sorted(HAND))
def test_pass_at_k_by_hand(c, k):
    assert pass_at_k(20, c, k) == pytest.approx(HAND[(c, k)], abs=1e-12)
    assert pass_at_k(20, c, k) == pytest.approx(1 - comb(20 - c, k) / comb(20, k), abs=1e-12)


def test_k_larger_than_n_is_not_available():
    assert pass_at_k(5, 3, 10) is None
    assert mean_pass_at_k([(20, 1), (5, 5)], 10) is None
    assert mean_pass_at_k([(20, 1), (20, 0)], 1) == pytest.approx(0.025)


def test_stable_for_large_n():
    v = pass_at_k(10_000, 1, 100)
    assert v == pytest.approx(0.01, rel=1e-9)
    assert 0.0 <= pass_at_k(10_000, 5_000, 5_000) <= 1.0


def test_invalid():
    with pytest.raises(ValueError):
        pass_at_k(5, 6, 1)
    with pytest.raises(ValueError):
        pass_at_k(5, 1, 0)


def test_table_groups():
    outcomes = [(("python", "default"), "a", True), (("python", "default"), "a", False),
                (("python", "default"), "b", False), (("python", "default"), "b", False),
                (("java", "uncommented"), "c", True)]
    rows = pass_at_k_table(outcomes, [1, 2, 5])
    assert [r["group"] for r in rows] == [("java", "uncommented"), ("python", "default")]
    py = rows[1]
    assert (py["n_items"], py["n_samples"]) == (2, 4)
    assert py["pass@1"] == pytest.approx(0.25)
    assert py["pass@2"] == pytest.approx(0.5)
    assert py["pass@5"] is None
