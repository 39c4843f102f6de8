"""Genetic code translation and reverse complement."""

from . import sequence  # circular: sequence imports this module too
from .alphabet import COMPLEMENT

BASES = "TCAG"
AMINO_ACIDS = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {
    a + b + c: AMINO_ACIDS[16 * i + 4 * j + k]
    for i, a in enumerate(BASES)
    for j, b in enumerate(BASES)
    for k, c in enumerate(BASES)
}
STOP_CODONS = frozenset(codon for codon, aa in CODON_TABLE.items() if aa == "*")


def reverse_complement(dna):
    """Return the reverse complement of a DNA string, keeping the case of each base.

    >>> reverse_complement("AACG")
    'CGTT'
    """
    return dna.translate(COMPLEMENT)[::-1]


def translate(dna, to_stop=False):
    """Translate a DNA string to a protein string with the standard genetic code.

    Codons with ambiguous bases become ``X``; a trailing partial codon is ignored.
    With ``to_stop=True`` translation ends before the first stop codon.
    """
    dna = dna.upper().replace("U", "T")
    protein = []
    for i in range(0, len(dna) - 2, 3):
        aa = CODON_TABLE.get(dna[i:i + 3], "X")
        if to_stop and aa == "*":
            break
        protein.append(aa)
    return "".join(protein)


def find_orfs(dna, min_codons=30):
    """Find open reading frames on the forward strand.

    Returns a list of (start, end, frame) tuples, 0-based and end-exclusive, for every
    ATG...stop stretch of at least ``min_codons`` codons (stop codon included).
    """
    dna = dna.upper()
    orfs = []
    for frame in range(3):
        start = None
        for i in range(frame, len(dna) - 2, 3):
            codon = dna[i:i + 3]
            if start is None and codon == "ATG":
                start = i
            elif start is not None and codon in STOP_CODONS:
                if (i + 3 - start) // 3 >= min_codons:
                    orfs.append((start, i + 3, frame))
                start = None
    return sorted(orfs)


def translate_record(record, frame=0):
    """Translate a Sequence record into a new protein Sequence named ``<name>_prot``."""
    return sequence.Sequence(record.name + "_prot", translate(record.seq[frame:]), record.description)
