"""The Sequence class: a named nucleotide sequence with its common operations."""

from . import translate  # circular: translate imports this module too
from .alphabet import COMPLEMENT, DNA_RE


class Sequence:
    """A named DNA sequence.

    Attributes:
        name: identifier, the first word of a FASTA header.
        seq: the bases, upper case.
        description: the rest of the FASTA header.
    """

    line_width = 60

    def __init__(self, name, seq, description=""):
        self.name = name
        self.seq = seq.upper()
        self.description = description

    def __len__(self):
        return len(self.seq)

    @property
    def gc(self):
        """Fraction of G and C bases (0.0 for an empty sequence)."""
        if not self.seq:
            return 0.0
        return (self.seq.count("G") + self.seq.count("C")) / len(self.seq)

    @staticmethod
    def clean(raw):
        """Remove whitespace and digits from raw sequence text, as in GenBank ORIGIN blocks."""
        return "".join(ch for ch in raw if ch.isalpha())

    @classmethod
    def from_fasta_record(cls, header, lines):
        """Build a Sequence from a FASTA header (without '>') and its sequence lines."""
        name, _, description = header.partition(" ")
        return cls(name, cls.clean("".join(lines)), description)

    def is_valid(self):
        """Return True if the sequence only holds A, C, G, T or N."""
        return bool(DNA_RE.match(self.seq))

    def reverse_complement(self):
        """Return a new Sequence holding the reverse complement, named ``<name>_rc``."""
        return Sequence(self.name + "_rc", self.seq.translate(COMPLEMENT)[::-1], self.description)

    def translate(self, frame=0):
        """Translate the sequence to protein in the given frame (0, 1 or 2)."""
        return translate.translate(self.seq[frame:])

    def to_fasta(self):
        """Format the sequence as a FASTA record with lines of ``line_width`` bases."""
        header = f">{self.name} {self.description}".rstrip()
        body = [self.seq[i:i + self.line_width] for i in range(0, len(self.seq), self.line_width)]
        return "\n".join([header, *body]) + "\n"
