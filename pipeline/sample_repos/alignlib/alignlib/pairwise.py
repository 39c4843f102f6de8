"""Global and local pairwise alignment by dynamic programming."""

from .scoring import ScoringScheme

DEFAULT_SCHEME = ScoringScheme()


def hamming_distance(a, b):
    """Number of positions at which two equal-length sequences differ."""
    if len(a) != len(b):
        raise ValueError("sequences must have equal length")
    return sum(1 for x, y in zip(a, b) if x != y)


def levenshtein(a, b):
    """Edit distance (substitutions, insertions, deletions all cost 1) between two strings."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def needleman_wunsch(a, b, match=1, mismatch=-1, gap=-2):
    """Global alignment of two sequences with a linear gap penalty.

    Returns (score, aligned_a, aligned_b); gaps are written as '-'. Ties prefer a
    diagonal move, then a gap in ``b``.
    """
    n, m = len(a), len(b)
    score = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        score[i][0] = i * gap
    for j in range(1, m + 1):
        score[0][j] = j * gap
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            diag = score[i - 1][j - 1] + (match if a[i - 1] == b[j - 1] else mismatch)
            score[i][j] = max(diag, score[i - 1][j] + gap, score[i][j - 1] + gap)

    def traceback():
        top, bottom = [], []
        i, j = n, m
        while i > 0 or j > 0:
            if i > 0 and j > 0 and score[i][j] == score[i - 1][j - 1] + (match if a[i - 1] == b[j - 1] else mismatch):
                top.append(a[i - 1]); bottom.append(b[j - 1]); i -= 1; j -= 1
            elif i > 0 and score[i][j] == score[i - 1][j] + gap:
                top.append(a[i - 1]); bottom.append("-"); i -= 1
            else:
                top.append("-"); bottom.append(b[j - 1]); j -= 1
        return "".join(reversed(top)), "".join(reversed(bottom))

    aligned_a, aligned_b = traceback()
    return score[n][m], aligned_a, aligned_b


def smith_waterman(a, b, match=2, mismatch=-1, gap=-2):
    """Best local alignment score of two sequences and where it ends.

    Returns (score, end_i, end_j) with 1-based end positions in ``a`` and ``b``;
    (0, 0, 0) when no pair of characters matches.
    """
    best = (0, 0, 0)
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0]
        for j in range(1, len(b) + 1):
            s = max(0, prev[j - 1] + (match if a[i - 1] == b[j - 1] else mismatch),
                    prev[j] + gap, cur[j - 1] + gap)
            cur.append(s)
            if s > best[0]:
                best = (s, i, j)
        prev = cur
    return best


def percent_identity(top, bottom):
    """Percentage of aligned columns (gaps excluded) with identical characters."""
    columns = [(x, y) for x, y in zip(top, bottom) if x != "-" and y != "-"]
    if not columns:
        return 0.0
    return 100.0 * sum(1 for x, y in columns if x == y) / len(columns)


def score_with_scheme(top, bottom, scheme=DEFAULT_SCHEME):
    """Score an existing gapped alignment with a ScoringScheme."""
    return scheme.score_alignment(top, bottom)
