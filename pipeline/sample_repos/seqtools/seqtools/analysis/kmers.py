"""k-mer counting and comparison."""

from collections import Counter

from ..core.translate import reverse_complement


def memoize(func):
    """Cache results of a function of hashable arguments."""
    cache = {}

    def wrapper(*args):
        if args not in cache:
            cache[args] = func(*args)
        return cache[args]

    wrapper.cache = cache
    return wrapper


def kmer_counts(seq, k):
    """Count the k-mers of a sequence.

    Parameters
    ----------
    seq : str
        The sequence; it is upper-cased first.
    k : int
        k-mer length, at least 1.

    Returns
    -------
    dict
        Mapping of each k-mer to its number of occurrences. k-mers containing N are skipped.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    seq = seq.upper()
    counts = Counter(seq[i:i + k] for i in range(len(seq) - k + 1))
    return {kmer: n for kmer, n in counts.items() if "N" not in kmer}


@memoize
def canonical_kmer(kmer):
    """Return the lexicographically smaller of a k-mer and its reverse complement.

    Parameters
    ----------
    kmer : str
        An upper-case DNA k-mer.

    Returns
    -------
    str
        The canonical form, identical for both strands.
    """
    rc = reverse_complement(kmer)
    return min(kmer, rc)


def canonical_kmer_counts(seq, k):
    """Count k-mers of a sequence, merging each k-mer with its reverse complement."""
    counts = {}
    for kmer, n in kmer_counts(seq, k).items():
        key = canonical_kmer(kmer)
        counts[key] = counts.get(key, 0) + n
    return counts


def jaccard_similarity(seq_a, seq_b, k=5):
    """Jaccard similarity of the k-mer sets of two sequences.

    Parameters
    ----------
    seq_a, seq_b : str
        The sequences to compare.
    k : int, optional
        k-mer length (default 5).

    Returns
    -------
    float
        |A & B| / |A | B|, or 1.0 when both sets are empty.
    """
    a, b = set(kmer_counts(seq_a, k)), set(kmer_counts(seq_b, k))
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def minimizer(seq, k, w):
    """Return the positions of the (w, k)-minimizers of a sequence.

    Within each window of ``w`` consecutive k-mers the smallest k-mer (lexicographic) is
    chosen; the result lists each chosen position once, in order.
    """
    positions = []
    kmers = [seq[i:i + k] for i in range(len(seq) - k + 1)]
    for start in range(len(kmers) - w + 1):
        window = kmers[start:start + w]
        pos = start + window.index(min(window))
        if not positions or positions[-1] != pos:
            positions.append(pos)
    return positions
