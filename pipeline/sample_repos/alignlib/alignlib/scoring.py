"""Scoring schemes for nucleotide and protein alignments."""

from dataclasses import dataclass, field

PURINES = frozenset("AG")
PYRIMIDINES = frozenset("CT")

# A small excerpt of a protein substitution matrix, symmetric; pairs absent score -1.
PROTEIN_SCORES = {
    ("A", "A"): 4, ("R", "R"): 5, ("N", "N"): 6, ("D", "D"): 6, ("C", "C"): 9,
    ("W", "W"): 11, ("L", "L"): 4, ("I", "I"): 4, ("L", "I"): 2, ("K", "R"): 2,
    ("D", "E"): 2, ("E", "E"): 5, ("F", "Y"): 3, ("S", "T"): 1, ("G", "G"): 6,
}


def transition_transversion_score(a, b, match=2, transition=-1, transversion=-2):
    """Score two bases, penalising transversions more than transitions.

    Transitions (A<->G, C<->T) are the more frequent point mutations, so they cost less.
    """
    a, b = a.upper(), b.upper()
    if a == b:
        return match
    if {a, b} <= PURINES or {a, b} <= PYRIMIDINES:
        return transition
    return transversion


def protein_score(a, b, default=-1):
    """Substitution score of two amino acids from PROTEIN_SCORES (order-independent)."""
    return PROTEIN_SCORES.get((a, b), PROTEIN_SCORES.get((b, a), default))


def affine_gap_cost(length, open_penalty=-5, extend_penalty=-1):
    """Cost of a gap of ``length`` under an affine model: open + (length - 1) * extend."""
    if length <= 0:
        return 0
    return open_penalty + (length - 1) * extend_penalty


@dataclass
class ScoringScheme:
    """Match/mismatch/gap scores for a linear-gap alignment."""

    match: int = 1
    mismatch: int = -1
    gap: int = -2
    overrides: dict = field(default_factory=dict)

    def score(self, a, b):
        """Score of aligning characters ``a`` and ``b`` (overrides first)."""
        if (a, b) in self.overrides:
            return self.overrides[(a, b)]
        return self.match if a == b else self.mismatch

    def score_alignment(self, top, bottom):
        """Total score of two gapped, equal-length rows ('-' marks a gap)."""
        if len(top) != len(bottom):
            raise ValueError("alignment rows differ in length")
        total = 0
        for a, b in zip(top, bottom):
            total += self.gap if "-" in (a, b) else self.score(a, b)
        return total

    @classmethod
    def dna_default(cls):
        """The scheme BLAST uses for megablast-like nucleotide searches: +1/-2, gap -2."""
        return cls(match=1, mismatch=-2, gap=-2)
