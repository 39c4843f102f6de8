"""FunctionRecords built by hand for the harness tests: the function's code, its context with the
marker, and nothing else a harness generator should need."""

from __future__ import annotations

import textwrap

from pipeline.records import MARKER, Callee, ClassContext, FunctionRecord, ImportUse, Parameter


def _body(code: str, language: str) -> str:
    if language == "java":
        return code[code.index("{"):]
    lines = code.split("\n")
    di = next(i for i, line in enumerate(lines) if line.lstrip().startswith(("def ", "async def ")))
    depth = 0  # the signature may span lines: the body starts after the line ending with ':'
    for i in range(di, len(lines)):
        depth += lines[i].count("(") - lines[i].count(")")
        if depth == 0 and lines[i].rstrip().endswith(":"):
            return "\n".join(lines[i + 1:]).lstrip()
    raise ValueError("no body")


def py_record(code: str, context: str | None = None, *, kind: str = "function", class_name: str | None = None,
              imports: tuple[tuple[str, str], ...] = (), name: str | None = None,
              methods: tuple[str, ...] = (), file_imports: tuple[str, ...] = ()) -> FunctionRecord:
    """A Python record; `context` holds the marker (default: the marker alone); `methods` are
    sibling methods' sources, given as callees of kind "method"; `file_imports` the module-level
    import statements of its file."""
    code = textwrap.dedent(code).strip("\n")
    name = name or code.split("def ", 1)[1].split("(")[0]
    context = textwrap.dedent(context).strip("\n") + "\n" if context else MARKER + "\n"
    rec = _record("python", name, code, context, kind, class_name,
                  [ImportUse(statement=s, module=m, kind="stdlib") for s, m in imports])
    rec.imports = list(file_imports)
    for i, src in enumerate(methods):
        src = textwrap.dedent(src).strip("\n")
        mname = src.split("def ", 1)[1].split("(")[0]
        rec.callees.append(Callee(mname, f"{class_name}.{mname}", "m.py", "method", src, 100 + 10 * i))
    return rec


def java_record(code: str, context: str, *, class_name: str, name: str | None = None, static: bool | None = None,
                header: str | None = None) -> FunctionRecord:
    code = textwrap.dedent(code).strip("\n")
    name = name or code.split("(", 1)[0].split()[-1]
    sig = code[:code.index("{")].strip()
    rec = _record("java", name, code, textwrap.dedent(context).strip("\n") + "\n", "method", class_name, [])
    words = sig.split("(")[0].split()
    rec.modifiers = [w for w in words if w in ("public", "private", "protected", "static", "final", "synchronized")]
    rec.return_type = words[-2]
    params = sig[sig.index("(") + 1: sig.rindex(")")].strip()
    rec.parameters = [Parameter(name=p.strip().split()[-1], type=" ".join(p.strip().split()[:-1]))
                      for p in _split_params(params)] if params else []
    rec.class_context = ClassContext(name=class_name, header=header or f"public class {class_name.split('.')[-1]} {{")
    return rec


def _split_params(s: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in s:
        depth += ch == "<"
        depth -= ch == ">"
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return out + [cur]


def _record(language: str, name: str, code: str, context: str, kind: str, class_name: str | None,
            imports: list[ImportUse]) -> FunctionRecord:
    return FunctionRecord(
        id=name, repo="test/fixtures", repo_url="", commit="0" * 40, path="m.py", language=language,
        license="MIT", url="", name=name, qualified_name=name, kind=kind, scope="class" if class_name else "module",
        signature=code.split("\n")[0], code=code, body=_body(code, language), start_line=1,
        end_line=code.count("\n") + 1, start_byte=0, end_byte=len(code.encode()), class_name=class_name,
        context_code=context, used_imports=imports,
    )


# ---------------------------------------------------------------- Python functions a harness must validate

GC_CONTENT = '''
def gc_content(seq: str) -> float:
    """Fraction of G and C in a DNA sequence."""
    if len(seq) == 0:
        return 0.0
    gc = 0
    for base in seq:
        if base in "GC":
            gc += 1
    return gc / len(seq)
'''

REVERSE_COMPLEMENT = '''
def reverse_complement(seq):
    """Reverse complement of a DNA sequence."""
    pairs = {"A": "T", "C": "G", "G": "C", "T": "A", "N": "N"}
    return "".join(pairs[b] for b in reversed(seq))
'''

KMER_COUNTS = '''
def kmer_counts(seq, k):
    """Count every k-mer of seq."""
    counts = {}
    for i in range(len(seq) - k + 1):
        kmer = seq[i:i + k]
        counts[kmer] = counts.get(kmer, 0) + 1
    return counts
'''

PHRED_TO_PROB = '''
def phred_to_prob(q: int) -> float:
    """Error probability of a Phred quality score."""
    return 10 ** (-q / 10)
'''

PARSE_CIGAR = '''
def parse_cigar(cigar):
    """Split a CIGAR string into (length, op) tuples."""
    ops = []
    n = 0
    for ch in cigar:
        if ch.isdigit():
            n = n * 10 + int(ch)
        else:
            ops.append((n, ch))
            n = 0
    return ops
'''

HAMMING = '''
def hamming(s1, s2):
    """Number of positions where two sequences differ (over the shorter length)."""
    d = 0
    for a, b in zip(s1, s2):
        if a != b:
            d += 1
    return d
'''

MEAN_ABOVE = '''
def count_above(values, threshold):
    """Count values at or above a threshold.

    Parameters
    ----------
    values : list of float
        The values.
    threshold : float
        The cut-off.
    """
    return sum(1 for v in values if v >= threshold)
'''

FASTA_COUNT = '''
def fasta_lengths(fasta_path):
    """Length of every record of a FASTA file."""
    lengths = {}
    name = None
    with open(fasta_path) as fh:
        for line in fh:
            line = line.strip()
            if line.startswith(">"):
                name = line[1:].split()[0]
                lengths[name] = 0
            elif name is not None:
                lengths[name] += len(line)
    return lengths
'''

TRIM_IN_PLACE = '''
def trim_low(quals: list, cutoff: int = 20) -> None:
    """Remove trailing qualities below the cut-off, in place."""
    while quals and quals[-1] < cutoff:
        quals.pop()
'''

KMER_METHOD_CONTEXT = f'''
class KmerIndex:
    def __init__(self, k=3):
        self.k = k

    {MARKER}
'''

KMER_METHOD = '''
def kmers(self, seq):
    """Distinct k-mers of seq, sorted."""
    return sorted({seq[i:i + self.k] for i in range(len(seq) - self.k + 1)})
'''

# ---------------------------------------------------------------- functions a harness must reject

UNSEEDED_RANDOM = '''
def sample_base(seq):
    """A random base of seq."""
    import random
    return random.choice(seq) + str(random.random())
'''

CLOCK = '''
def stamp(seq):
    """Tag a sequence with the time."""
    import time
    return seq + str(time.time_ns() % 100000)
'''

HASH_ORDER = '''
def distinct(seqs):
    """Distinct sequences."""
    return list(set(seqs))
'''

CONSTANT = '''
def version(seq):
    """Always the same."""
    return 42
'''

NETWORK = '''
def fetch_record(accession):
    """Fetch a GenBank record."""
    url = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi?id=" + accession
    return urllib.request.urlopen(url).read()
'''
NETWORK_CONTEXT = f'''
import urllib.request

{MARKER}
'''

UPPER = '''
def normalise(seq):
    """Upper-case a sequence."""
    return seq.upper()
'''

# ---------------------------------------------------------------- mutants: (fixture, mutated code)

MUTANTS = {
    "gc_content": (GC_CONTENT, [("return gc / len(seq)", "return gc / (len(seq) + 1)"),
                                ('if base in "GC":', 'if base not in "GC":')]),
    "kmer_counts": (KMER_COUNTS, [("range(len(seq) - k + 1)", "range(len(seq) - k)"),
                                  ("seq[i:i + k]", "seq[i:i + k + 1]")]),
    "parse_cigar": (PARSE_CIGAR, [("if ch.isdigit():", "if not ch.isdigit():"),
                                  ("n * 10 + int(ch)", "n * 10 + int(ch) + 1")]),
    "hamming": (HAMMING, [("if a != b:", "if a == b:"), ("d += 1", "d += 2")]),
    "count_above": (MEAN_ABOVE, [("v >= threshold", "v > threshold"), ("v >= threshold", "v <= threshold")]),
}

# ---------------------------------------------------------------- methods: how the instance is built

WINDOW_CONTEXT = f'''
class Windower:
    def __init__(self, size: int, step: int = 1):
        self.size = size
        self.step = step

    {MARKER}
'''

WINDOW_METHOD = '''
def windows(self, seq):
    """Windows of `size` bases of seq, every `step` bases."""
    return [seq[i:i + self.size] for i in range(0, len(seq) - self.size + 1, self.step)]
'''

# an abstract base whose abstract method the skeleton does not implement, and an inherited
# constructor with arguments
ABSTRACT_BASE_CONTEXT = f'''
from abc import ABCMeta, abstractmethod


class BioObject(metaclass=ABCMeta):
    def __init__(self, counts: list):
        self.counts = counts

    @abstractmethod
    def __str__(self):
        raise NotImplementedError


class Profile(BioObject):
    {MARKER}
'''

ABSTRACT_BASE_METHOD = '''
def total(self, minimum: int = 0):
    """Sum of the counts at or above minimum."""
    return sum(c for c in self.counts if c >= minimum)
'''

# the skeleton's __init__ keeps only the used attributes, as placeholders, and breaks on them
BROKEN_INIT_CONTEXT = f'''
class ReadExtender:
    def __init__(self):
        self.fragment_length = None
        self.max_length = 4 * self.fragment_length

    {MARKER}
'''

BROKEN_INIT_METHOD = '''
def extend(self, start):
    """End of a fragment starting at start."""
    return start + self.fragment_length
'''

# a method calling a sibling method the skeleton stubs (`def complement(self, base): ...`), which
# calls one the skeleton leaves out: the harness runs the real ones (from the record's callees)
SIBLING_CONTEXT = f'''
class Complementer:
    GAP = "-"

    def __init__(self, alphabet: str = "ACGT"):
        self.alphabet = alphabet

    def complement(self, base):
        ...

    {MARKER}
'''

SIBLING_METHOD = '''
def reverse_complement(self, seq):
    """Reverse complement of seq (unknown bases become N)."""
    return "".join(self.complement(b) for b in reversed(seq))
'''

SIBLING_CALLEES = (
    '''
    def complement(self, base):
        return self._pairs().get(base.upper(), "N")
    ''',
    '''
    @staticmethod
    def _pairs():
        return {"A": "T", "C": "G", "G": "C", "T": "A"}
    ''',
)


# An enumerated string parameter: only the values the body tests for are accepted.
ENUM_MODE = '''
def score_pair(a, b, scheme):
    """Score two bases under a named scheme."""
    if scheme not in SCHEMES:
        raise ValueError("unknown scheme %r" % scheme)
    match, mismatch = SCHEMES[scheme]
    return match if a == b else mismatch
'''
ENUM_MODE_CONTEXT = f'''
SCHEMES = {{"blastn": (1, -2), "megablast": (1, -3), "transition": (2, -1)}}

{MARKER}
'''

# A parameter documented as a class of the repository that wraps a sequence.
SEQUENCE_OBJECT = '''
def gc_skew(seq):
    """GC skew of a sequence.

    Parameters
    ----------
    seq : DNASequence
        The sequence.
    """
    counts = seq.base_counts()
    g, c = counts.get("G", 0), counts.get("C", 0)
    return 0.0 if g + c == 0 else (g - c) / (g + c)
'''
SEQUENCE_OBJECT_CONTEXT = f'''
class DNASequence:
    def __init__(self, sequence, metadata=None):
        if set(sequence) - set("ACGTN"):
            raise ValueError("not DNA")
        self._seq = sequence

    def base_counts(self):
        return {{b: self._seq.count(b) for b in set(self._seq)}}

{MARKER}
'''

# Builds a path under the working directory: the run directory must not show in the output.
DATA_PATH = '''
def index_path(name, subfolder="data"):
    """Where the index of a reference is kept."""
    return os.path.join(os.getcwd(), subfolder, name + ".fai")
'''
DATA_PATH_CONTEXT = f'''
import os

{MARKER}
'''

# Seeded sampling: the default seed (None) draws fresh randomness; given a seed it is deterministic.
SEEDED_SAMPLE = '''
def subsample_reads(reads, n, seed=None):
    """Pick n reads at random (reproducible with a seed)."""
    rng = random.Random(seed)
    return rng.sample(reads, min(n, len(reads)))
'''
SEEDED_SAMPLE_CONTEXT = f'''
import random

{MARKER}
'''

# A genomic-interval table: needs chrom/start/end columns (a generic frame raises KeyError).
INTERVAL_FRAME = '''
def total_covered(df):
    """Bases covered by the intervals of a BED-like frame, per chromosome (overlaps merged)."""
    covered = {}
    for chrom, group in df.sort_values(["chrom", "start"]).groupby("chrom"):
        total, cur_start, cur_end = 0, None, None
        for start, end in zip(group["start"], group["end"]):
            if cur_end is None or start > cur_end:
                if cur_end is not None:
                    total += cur_end - cur_start
                cur_start, cur_end = start, end
            else:
                cur_end = max(cur_end, end)
        covered[chrom] = total + (cur_end - cur_start)
    return covered
'''

# A function importing a sibling module inside its body (done to avoid an import cycle): the
# context holds the definition, and the harness serves the relative import from it.
LOCAL_IMPORT = '''
def is_sorted_by_start(starts):
    """Whether interval starts are already sorted."""
    from .ops import sort_starts

    return list(starts) == sort_starts(starts)
'''
LOCAL_IMPORT_CONTEXT = f'''
def sort_starts(starts):
    return sorted(starts)

{MARKER}
'''

# deepTools-style: `read` is a pysam AlignedSegment (a DNA string raises AttributeError), so the
# probe moves on to the aligned-read generator.
READ_FRAGMENT = '''
def get_fragment_from_read(read, fragment_length=200):
    """The fragment a read stands for: its aligned blocks, or the read extended to fragment_length."""
    if read.is_unmapped:
        return []
    if fragment_length <= read.query_alignment_length:
        return read.get_blocks()
    if read.is_reverse:
        return [(max(0, read.reference_end - fragment_length), read.reference_end)]
    return [(read.reference_start, read.reference_start + fragment_length)]
'''
READ_FRAGMENT_CONTEXT = f'''
import pysam

{MARKER}
'''

# HiCExplorer-style: a plain function in a class body, called through the class
# (`TADClassifier.MP_Matrix.range_normalization(...)`): a static method without the decorator.
UNDECORATED_STATIC = '''
def range_normalization(n, n_min, n_max, o_min, o_max):
    """Map n from [n_min, n_max] onto [o_min, o_max]."""
    return o_min + (n - n_min) * (o_max - o_min) / (n_max - n_min)
'''
UNDECORATED_STATIC_CONTEXT = f'''
class TADClassifier:
    class MP_Matrix:
        {MARKER}
'''

# PyVCF-style: an INFO dict read by key; a dict without the keys always gives the same answer,
# so the harness builds dicts that hold them (sometimes).
INFO_KEYS = '''
def sv_summary(info):
    """The structural-variant type and length of a VCF INFO field, or None for a plain variant."""
    if "SVTYPE" not in info:
        return None
    return info["SVTYPE"], abs(info.get("SVLEN", 0))
'''

# bioframe-style: a BED frame with an optional column, read by name.
FRAME_COLUMNS = '''
def thick_fraction(df):
    """Fraction of each interval that is thick (thickStart..thickEnd), as in a BED12 file."""
    span = (df["end"] - df["start"]).clip(lower=1)
    return ((df["thickEnd"] - df["thickStart"]).clip(lower=0) / span).round(3).tolist()
'''

# A method reading a property that reads an attribute: the instance is built without its
# constructor (it needs an object the harness cannot make), and the attribute the property reads
# is generated too.
MEMBER_CHAIN_CONTEXT = f'''
class Read:
    def __init__(self, record: "SeqRecord"):
        self.seq = str(record.seq)

    @property
    def bases(self):
        return self.seq.upper()

    {MARKER}
'''
MEMBER_CHAIN = '''
def gc_fraction(self):
    """Fraction of G and C among the read's bases."""
    if not self.bases:
        return 0.0
    return round(sum(b in "GC" for b in self.bases) / len(self.bases), 4)
'''

# deepTools-style: an open BAM file (pysam), built by the harness as a small indexed BAM.
BAM_HANDLE = '''
def mapped_reads_per_chrom(bam_handle):
    """Mapped reads per chromosome of an indexed BAM file, from its index statistics."""
    return {s.contig: s.mapped for s in bam_handle.get_index_statistics()}
'''
BAM_HANDLE_CONTEXT = f'''
import pysam

{MARKER}
'''

# skbio-style: a result object's property reads the fitted estimator's attributes; a namespace
# holding those attributes stands in for the estimator.
ESTIMATOR_ATTRS_CONTEXT = f'''
class OrdinationResult:
    def __init__(self, estimator: "Estimator"):
        self._estimator = estimator.fit()

    {MARKER}
'''
ESTIMATOR_ATTRS = '''
@property
def explained(self):
    """Share of the total variance the first axis explains."""
    total = self._estimator.variance_ + self._estimator.residual_
    return round(self._estimator.variance_ / total, 4) if total else 0.0
'''

# a CIGAR given as bytes (as BAM tags hold it): random bytes are rejected, the domain text
# encoded is what it takes
BYTES_CIGAR = '''
def cigar_op_lengths(cigar: bytes) -> dict:
    """Total length per CIGAR operation of a bytes CIGAR string."""
    totals = {}
    length = 0
    for byte in cigar:
        if 48 <= byte <= 57:
            length = length * 10 + byte - 48
        elif chr(byte) in "MIDNSHP=X":
            totals[chr(byte)] = totals.get(chr(byte), 0) + length
            length = 0
        else:
            raise ValueError("invalid CIGAR operation: %r" % chr(byte))
    return totals
'''

# attributes the skeleton leaves as placeholders, read by position with the method's index
# (deepTools' plotProfile `self.start_label[idx]`): lists of what their names say, long enough
INDEXED_ATTRS_CONTEXT = f'''
class TickLabeller:
    def __init__(self):
        self.start_label = None
        self.end_label = None
        self.reference_label = None

    {MARKER}
'''

INDEXED_ATTRS_METHOD = '''
def tick_labels(self, idx):
    """Start, reference and end tick labels of plot idx."""
    if self.end_label[idx] < self.start_label[idx]:
        raise ValueError("end label before start label")
    return [str(self.start_label[idx]), self.reference_label[idx], str(self.end_label[idx])]
'''

# a method that builds a new instance of its own class (pyfaidx's `Sequence.complement`): the
# skeleton's placeholder constructor takes no arguments, the real one (a callee) does
OWN_CLASS_CONTEXT = f'''
class Sequence:
    def __init__(self):
        self.name = None
        self.seq = None

    {MARKER}
'''

OWN_CLASS_METHOD = '''
def reverse(self):
    """The sequence reversed, as a new Sequence."""
    return self.__class__(self.name + " (reversed)", self.seq[::-1])
'''

OWN_CLASS_INIT = '''
def __init__(self, name, seq):
    self.name = name
    self.seq = seq.upper()
'''

# two frames that must both be BED-like (bioframe's `count_overlaps(df1, df2)`, which reads its
# columns through names given as arguments): one frame changed at a time never gets there
TWO_FRAMES = '''
def count_overlaps(df1, df2, cols=("chrom", "start", "end")):
    """For each interval of df1, how many intervals of df2 overlap it."""
    ck, sk, ek = cols
    for df in (df1, df2):
        if not set(cols) <= set(df.columns):
            raise TypeError("Invalid bedFrame: Invalid column names")
    counts = []
    for _, row in df1.iterrows():
        same = df2[df2[ck] == row[ck]]
        counts.append(int(((same[sk] < row[ek]) & (same[ek] > row[sk])).sum()))
    return counts
'''

# an argument of a repository class whose skeleton leaves its base's abstract method out
# (skbio's TreeNode without `__str__`): the harness makes the class instantiable first
ABSTRACT_ARG_CONTEXT = f'''
from abc import ABCMeta, abstractmethod


class SkbioObject(metaclass=ABCMeta):
    @abstractmethod
    def __str__(self):
        raise NotImplementedError


class TreeNode(SkbioObject):
    def __init__(self, name: str, length: float):
        self.name = name
        self.length = length


{MARKER}
'''

ABSTRACT_ARG = '''
def branch_label(node: TreeNode, digits: int = 2) -> str:
    """Newick label of a node: its name and branch length."""
    return "%s:%.*f" % (node.name, digits, node.length)
'''

# a constructor (swapped in for the skeleton's) that reads a module the method itself does not:
# the file's import of it comes with it
FILE_IMPORT_CONTEXT = f'''
class Motif:
    def __init__(self):
        self.pattern = None

    {MARKER}
'''

FILE_IMPORT_METHOD = '''
def count_in(self, seq):
    """Occurrences of the motif in seq."""
    return len(self.pattern.findall(seq))
'''

FILE_IMPORT_INIT = '''
def __init__(self, motif):
    self.pattern = re.compile(motif.upper().replace("N", "[ACGT]"))
'''

# a dict of chromosome sizes that must cover the chromosomes of the intervals given with it
# (bioframe's `frac_gc(df, fasta_records)`, cooler's and pyranges' `chromsizes`)
CHROMSIZES = '''
def clip_to_chromsizes(df, chromsizes):
    """Intervals clipped to their chromosome's length (BED-like frame, dict chrom -> length)."""
    missing = set(df["chrom"]) - set(chromsizes)
    if missing:
        raise ValueError("chromosomes missing from chromsizes: %s" % sorted(missing))
    ends = [min(end, chromsizes[chrom]) for chrom, end in zip(df["chrom"], df["end"])]
    return list(zip(df["chrom"], df["start"], ends))
'''

# a genomic view (bioframe's `assign_view(df, view_df)`): named regions that must not overlap
VIEW_FRAME = '''
def assign_region(df, view_df):
    """For each interval of df, the name of the view region holding its start, or None."""
    for chrom, group in view_df.sort_values(["chrom", "start"]).groupby("chrom"):
        starts, ends = list(group["start"]), list(group["end"])
        if any(s < e for s, e in zip(starts[1:], ends[:-1])):
            raise ValueError("Invalid view: entries must be non-overlapping")
    if view_df["name"].duplicated().any():
        raise ValueError("Invalid view: names must be unique")
    names = []
    for chrom, start in zip(df["chrom"], df["start"]):
        hit = view_df[(view_df["chrom"] == chrom) & (view_df["start"] <= start) & (start < view_df["end"])]
        names.append(hit["name"].iloc[0] if len(hit) else None)
    return names
'''
