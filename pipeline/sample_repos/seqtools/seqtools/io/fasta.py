"""FASTA reading and writing."""

import re

from ..core.sequence import Sequence

HEADER_RE = re.compile(r"^>(\S+)\s*(.*)$")


def parse_fasta_text(text):
    """Parse FASTA text into a list of (name, sequence) tuples.

    Blank lines are ignored and sequence lines are joined without whitespace.
    Text before the first header is an error.

    :param text: the content of a FASTA file
    :type text: str
    :returns: the records, in file order
    :rtype: list[tuple[str, str]]
    :raises ValueError: if sequence data appears before any header
    """
    records = []
    name, chunks = None, []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        match = HEADER_RE.match(line)
        if match:
            if name is not None:
                records.append((name, "".join(chunks)))
            name, chunks = match.group(1), []
        elif name is None:
            raise ValueError("sequence data before the first FASTA header")
        else:
            chunks.append(line)
    if name is not None:
        records.append((name, "".join(chunks)))
    return records


def read_fasta(path):
    """Yield a Sequence for each record of a FASTA file."""
    with open(path) as handle:
        header, lines = None, []
        for line in handle:
            line = line.rstrip("\n")
            if line.startswith(">"):
                if header is not None:
                    yield Sequence.from_fasta_record(header, lines)
                header, lines = line[1:], []
            else:
                lines.append(line)
        if header is not None:
            yield Sequence.from_fasta_record(header, lines)


def wrap_sequence(seq, width=60):
    """Split a sequence into lines of at most ``width`` characters, joined by newlines."""
    if width <= 0:
        raise ValueError("width must be positive")
    return "\n".join(seq[i:i + width] for i in range(0, len(seq), width))


def format_fasta(records, width=60):
    """Format (name, sequence) pairs as FASTA text with wrapped sequence lines."""
    return "".join(f">{name}\n{wrap_sequence(seq, width)}\n" for name, seq in records)
