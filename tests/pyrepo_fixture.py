"""A small bioinformatics-looking Python repository, written into a temp dir by the tests.

Kept as data (not .py fixture files) so pytest never collects it.
"""

from __future__ import annotations

from pathlib import Path

FILES: dict[str, bytes] = {
    "seqtools/__init__.py": b'"""Sequence tools."""\nfrom .fasta import read_fasta, FastaRecord\nfrom .kmers import *\n',
    "seqtools/fasta.py": b'''"""FASTA parsing."""
import re
import gzip as gz
from collections import namedtuple

import numpy as np

HEADER_RE = re.compile(r"^>(\\S+)")
FastaRecord = namedtuple("FastaRecord", ["name", "seq"])
DEFAULT_WIDTH = 60
WRAP = DEFAULT_WIDTH * 2


def _open(path):
    return gz.open(path, "rt") if path.endswith(".gz") else open(path)


def read_fasta(path):
    """Yield FastaRecord objects from a FASTA file.

    Handles gzip files.
    """
    name, chunks = None, []
    with _open(path) as handle:
        for line in handle:
            m = HEADER_RE.match(line)
            if m:
                if name is not None:
                    yield FastaRecord(name, "".join(chunks))
                name, chunks = m.group(1), []
            else:
                chunks.append(line.strip())
    if name is not None:
        yield FastaRecord(name, "".join(chunks))


def gc_content(seq: str, *, ignore_n: bool = True) -> float:
    seq = seq.upper()
    gc = sum(1 for c in seq if c in "GC")
    total = len(seq) - (seq.count("N") if ignore_n else 0)
    return gc / total if total else 0.0


def as_array(seq):
    return np.frombuffer(seq.encode(), dtype=np.uint8)


def wrap(seq, width=WRAP):
    return "\\n".join(seq[i:i + width] for i in range(0, len(seq), width))
''',
    "seqtools/kmers.py": b'''from collections import Counter
from .fasta import read_fasta as rf

__all__ = ["count_kmers", "KmerCounter"]


def count_kmers(seq, k=3):
    counts = Counter()
    for i in range(len(seq) - k + 1):
        counts[seq[i:i + k]] += 1
    return counts


class KmerCounter(object):
    """Count k-mers over a FASTA file."""

    alphabet = "ACGT"

    def __init__(self, k=3):
        self.k = k
        self.counts = Counter()

    @staticmethod
    def canonical(kmer):
        comp = {"A": "T", "C": "G", "G": "C", "T": "A"}
        rc = "".join(comp.get(c, "N") for c in reversed(kmer))
        return min(kmer, rc)

    @classmethod
    def from_fasta(cls, path, k=3):
        counter = cls(k)
        for rec in rf(path):
            counter.add(rec.seq)
        return counter

    @property
    def total(self):
        return sum(self.counts.values())

    def add(self, seq):
        for kmer, n in count_kmers(seq, self.k).items():
            if set(kmer) <= set(self.alphabet):
                self.counts[self.canonical(kmer)] += n

    class Stats:
        def summary(self, counter):
            def top(n):
                return counter.counts.most_common(n)
            return top(5)
''',
    "seqtools/io/__init__.py": b"",
    "seqtools/io/vcf.py": b'''from ..fasta import gc_content
from .. import kmers
from . import records as recs
import seqtools.fasta as fa
from seqtools import read_fasta, count_kmers


def parse_info(field):
    return dict(kv.split("=", 1) if "=" in kv else (kv, True) for kv in field.split(";"))


def variant_gc(ref_seq):
    return gc_content(ref_seq)


def kmer_profile(seq):
    return kmers.count_kmers(seq, 2)


def wrapped(seq):
    return fa.wrap(seq)


def first_record(path):
    for r in read_fasta(path):
        return recs.Variant(r.name, 0)


def profile(seq):
    return count_kmers(seq)
''',
    "seqtools/io/records.py": b'''from .vcf import parse_info


class Variant:
    def __init__(self, chrom, pos, info=""):
        self.chrom = chrom
        self.pos = pos
        self.info = parse_info(info) if info else {}

    def key(self):
        return (self.chrom, self.pos)
''',
    # Python 2 file: print statement, except X, e, backticks; its functions still come out.
    "scripts/py2_tool.py": b'''import sys

def main(argv):
    try:
        n = int(argv[1])
    except ValueError, e:
        print "bad number", e
        return 1
    print `n`
    return 0

def helper(x):
    return x * 2
''',
    # latin-1 with a coding line, written as real latin-1 bytes
    "scripts/latin.py": "# -*- coding: latin-1 -*-\n\ndef greet():\n    \"\"\"Grüße aus Köln.\"\"\"\n    return \"Grüße\"\n".encode("latin-1"),
    # CRLF line endings and tab indentation
    "scripts/crlf_tabs.py": b"def reverse_complement(seq):\r\n\tcomp = {'A': 'T', 'T': 'A'}\r\n\treturn ''.join(comp[c] for c in reversed(seq))\r\n\r\nclass Tabbed:\r\n\tdef method(self, x):\r\n\t\treturn self.scale * x\r\n\r\n\tscale = 2\r\n",
    # a syntax error in one place must not lose the good functions
    "scripts/broken.py": b"def good_one(a):\n    return a + 1\n\ndef bad(:\n    pass\n\ndef good_two(b):\n    return b * 2\n",
    "scripts/binary.py": b"\x00\x01\x02\x03binary\x00data" * 20,
    "scripts/empty.py": b"",
    # circular imports
    "circ/__init__.py": b"",
    "circ/a.py": b"from .b import g\n\ndef f(x):\n    return g(x) + 1\n",
    "circ/b.py": b"from .a import f\n\ndef g(x):\n    if x > 3:\n        return x\n    return f(x)\n",
}


def write_repo(root: Path) -> Path:
    for rel, data in FILES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return root
