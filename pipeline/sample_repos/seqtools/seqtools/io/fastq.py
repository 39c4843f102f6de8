"""FASTQ parsing and Phred quality arithmetic."""

import functools
import math

PHRED_OFFSET = 33
MAX_PHRED = 93


def check_quality_string(func):
    """Decorator: reject quality strings with characters outside the Phred+33 range."""

    @functools.wraps(func)
    def wrapper(quality, *args, **kwargs):
        for ch in quality:
            if not PHRED_OFFSET <= ord(ch) <= PHRED_OFFSET + MAX_PHRED:
                raise ValueError(f"invalid quality character {ch!r}")
        return func(quality, *args, **kwargs)

    return wrapper


def phred_to_prob(q):
    """Convert a Phred quality score to the probability that the base call is wrong.

    :param q: Phred score, e.g. 30
    :type q: int
    :returns: the error probability, 10 ** (-q / 10)
    :rtype: float
    """
    return 10 ** (-q / 10)


def prob_to_phred(p, cap=MAX_PHRED):
    """Convert an error probability to a rounded Phred score, capped at ``cap``.

    :param p: error probability in (0, 1]
    :returns: the Phred score as an int
    :raises ValueError: if ``p`` is not in (0, 1]
    """
    if not 0 < p <= 1:
        raise ValueError("probability must be in (0, 1]")
    return min(cap, int(round(-10 * math.log10(p))))


@check_quality_string
def decode_quality(quality):
    """Decode a Phred+33 quality string into a list of integer scores."""
    return [ord(ch) - PHRED_OFFSET for ch in quality]


@check_quality_string
def mean_quality(quality):
    """Mean Phred score of a quality string, averaging the error probabilities.

    Averaging probabilities rather than scores is what read trimmers do: one very bad base
    lowers the mean more than the arithmetic mean of scores would say.
    """
    if not quality:
        return 0.0
    probs = [phred_to_prob(ord(ch) - PHRED_OFFSET) for ch in quality]
    return -10 * math.log10(sum(probs) / len(probs))


def trim_low_quality_tail(seq, quality, threshold=20):
    """Cut the 3' end of a read where the quality drops below ``threshold``.

    Uses the running-sum rule of BWA's trimming: the cut is placed where the sum of
    (threshold - score) from the end is largest. Returns the trimmed (seq, quality).
    """
    best, best_pos, total = 0, len(seq), 0
    for i in range(len(quality) - 1, -1, -1):
        total += threshold - (ord(quality[i]) - PHRED_OFFSET)
        if total < 0:
            break
        if total > best:
            best, best_pos = total, i
    return seq[:best_pos], quality[:best_pos]


def parse_fastq_text(text):
    """Parse FASTQ text into (name, sequence, quality) tuples.

    :raises ValueError: on a truncated record or a sequence/quality length mismatch
    """
    lines = [line.rstrip("\r") for line in text.splitlines() if line.strip()]
    if len(lines) % 4:
        raise ValueError("truncated FASTQ record")
    records = []
    for i in range(0, len(lines), 4):
        header, seq, plus, qual = lines[i:i + 4]
        if not header.startswith("@") or not plus.startswith("+"):
            raise ValueError(f"malformed FASTQ record at line {i + 1}")
        if len(seq) != len(qual):
            raise ValueError(f"sequence and quality lengths differ at line {i + 1}")
        records.append((header[1:].split()[0], seq, qual))
    return records
