"""Base composition statistics."""

from ..core.alphabet import *  # noqa: F403  (DNA, IUPAC_DNA, is_dna, ...)


def gc_content(seq: str) -> float:
    """Fraction of G and C in a sequence, ignoring N.

    Args:
        seq: a DNA sequence, any case.

    Returns:
        GC fraction between 0.0 and 1.0; 0.0 when there are no A/C/G/T bases.
    """
    seq = seq.upper()
    gc = seq.count("G") + seq.count("C")
    total = gc + seq.count("A") + seq.count("T")
    return gc / total if total else 0.0


def base_counts(seq: str) -> dict:
    """Count each of A, C, G, T and N in a sequence.

    Args:
        seq: a DNA sequence; other characters are counted under ``"other"``.

    Returns:
        A dict with keys A, C, G, T, N and other.
    """
    counts = dict.fromkeys(DNA + "N", 0)
    counts["other"] = 0
    for base in seq.upper():
        if base in counts:
            counts[base] += 1
        else:
            counts["other"] += 1
    return counts


def gc_skew(seq: str) -> float:
    """GC skew (G - C) / (G + C), used to locate replication origins; 0.0 without G or C."""
    seq = seq.upper()
    g, c = seq.count("G"), seq.count("C")
    return (g - c) / (g + c) if g + c else 0.0


def sliding_gc(seq: str, window: int = 100, step: int = 50) -> list:
    """GC content in sliding windows.

    Args:
        seq: the DNA sequence.
        window: window length in bases.
        step: distance between window starts.

    Returns:
        A list of (start, gc) pairs, one per complete window.
    """
    if window <= 0 or step <= 0:
        raise ValueError("window and step must be positive")

    def window_gc(start):
        return gc_content(seq[start:start + window])

    return [(start, window_gc(start)) for start in range(0, len(seq) - window + 1, step)]


def melting_temperature(primer: str) -> float:
    """Melting temperature of a short primer in degrees Celsius.

    Uses the Wallace rule 2(A+T) + 4(G+C) below 14 nt and the salt-free GC formula
    64.9 + 41(G+C-16.4)/N above it.
    """
    primer = primer.upper()
    gc = primer.count("G") + primer.count("C")
    at = primer.count("A") + primer.count("T")
    if len(primer) < 14:
        return float(2 * at + 4 * gc)
    return 64.9 + 41 * (gc - 16.4) / len(primer)
