"""alignlib: pairwise alignment, scoring and CIGAR utilities."""

from .cigar import parse_cigar, reference_length
from .pairwise import needleman_wunsch, smith_waterman
from .scoring import ScoringScheme

__all__ = ["parse_cigar", "reference_length", "needleman_wunsch", "smith_waterman", "ScoringScheme"]
