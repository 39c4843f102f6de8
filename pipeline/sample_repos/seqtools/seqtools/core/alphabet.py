"""Alphabets, IUPAC codes and the regular expressions that validate sequences."""

import re

__all__ = ["DNA", "RNA", "IUPAC_DNA", "COMPLEMENT", "DNA_RE", "PROTEIN_RE", "is_dna", "expand_iupac"]

DNA = "ACGT"
RNA = "ACGU"
IUPAC_DNA = {
    "A": "A", "C": "C", "G": "G", "T": "T",
    "R": "AG", "Y": "CT", "S": "CG", "W": "AT", "K": "GT", "M": "AC",
    "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG", "N": "ACGT",
}
COMPLEMENT = str.maketrans("ACGTRYKMBVDHNacgtrykmbvdhn", "TGCAYRMKVBHDNtgcayrmkvbhdn")

DNA_RE = re.compile(r"^[ACGTN]*$", re.IGNORECASE)
RNA_RE = re.compile(r"^[ACGUN]*$", re.IGNORECASE)
PROTEIN_RE = re.compile(r"^[ACDEFGHIKLMNPQRSTVWY*]*$")


def is_dna(seq):
    """Return True if ``seq`` only contains A, C, G, T or N (any case)."""
    return bool(DNA_RE.match(seq))


def expand_iupac(code):
    """Return the bases an IUPAC nucleotide code stands for.

    Args:
        code: a single IUPAC character such as ``"R"`` or ``"n"``.

    Returns:
        A string of the plain bases, e.g. ``"AG"`` for ``"R"``.

    Raises:
        KeyError: if ``code`` is not an IUPAC nucleotide code.
    """
    return IUPAC_DNA[code.upper()]
