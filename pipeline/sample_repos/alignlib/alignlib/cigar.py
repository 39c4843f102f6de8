"""CIGAR strings as used in SAM/BAM alignments."""

import re

CIGAR_RE = re.compile(r"(\d+)([MIDNSHP=X])")
CONSUMES_REFERENCE = set("MDN=X")
CONSUMES_QUERY = set("MIS=X")


def parse_cigar(cigar):
    """Parse a CIGAR string into a list of (length, operation) tuples.

    >>> parse_cigar("10M2I5M")
    [(10, 'M'), (2, 'I'), (5, 'M')]

    Raises ValueError on anything that is not a well-formed CIGAR string; ``*`` (unavailable)
    gives an empty list.
    """
    if cigar == "*":
        return []
    ops = [(int(n), op) for n, op in CIGAR_RE.findall(cigar)]
    if "".join(f"{n}{op}" for n, op in ops) != cigar:
        raise ValueError(f"malformed CIGAR string: {cigar!r}")
    return ops


def cigar_to_string(ops):
    """Inverse of parse_cigar, merging adjacent operations of the same kind."""
    merged = []
    for n, op in ops:
        if merged and merged[-1][1] == op:
            merged[-1] = (merged[-1][0] + n, op)
        else:
            merged.append((n, op))
    return "".join(f"{n}{op}" for n, op in merged) or "*"


def reference_length(cigar):
    """Number of reference bases an alignment spans (M, D, N, = and X operations)."""
    return sum(n for n, op in parse_cigar(cigar) if op in CONSUMES_REFERENCE)


def query_length(cigar):
    """Number of read bases the CIGAR accounts for (M, I, S, = and X; not hard clips)."""
    return sum(n for n, op in parse_cigar(cigar) if op in CONSUMES_QUERY)


def soft_clipped(cigar):
    """Return the (left, right) soft-clipped lengths of an alignment."""
    ops = parse_cigar(cigar)
    ops = [o for o in ops if o[1] != "H"]
    left = ops[0][0] if ops and ops[0][1] == "S" else 0
    right = ops[-1][0] if len(ops) > 1 and ops[-1][1] == "S" else 0
    return left, right


def alignment_to_cigar(top, bottom):
    """CIGAR of a gapped pairwise alignment (top = reference, bottom = query), using M/I/D."""
    ops = []
    for r, q in zip(top, bottom):
        if r == "-" and q == "-":
            continue
        op = "I" if r == "-" else "D" if q == "-" else "M"
        ops.append((1, op))
    return cigar_to_string(ops)


def end_position(pos, cigar):
    """1-based inclusive end on the reference of an alignment starting at ``pos``."""
    return pos + reference_length(cigar) - 1
