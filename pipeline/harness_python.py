"""Generate a test harness for a Python item.

The harness is the item's `context_code` (which holds the marker where the function goes)
followed by a generated main: it seeds its own `random.Random` with argv[1], builds the
arguments, calls the function (on an instance built from the class skeleton for methods) and
prints a canonical rendering of the result and of any argument the call changed
(`harness_runtime_py`).

A method's instance is built two ways, both probed, the real constructor first: `init` calls the
class's `__init__` (its own or the nearest base's in the context) with generated arguments;
`bare` skips `__init__` (a skeleton's keeps only placeholders and may not run) and gives the
attributes the method reads generated values. Abstract methods the skeleton does not implement
are cleared, since the real class is concrete.

Argument generators are ranked per parameter from, in order: the annotation, the type named in
the docstring (Google, NumPy, Sphinx/epytext), the default value, and the parameter's name when
it has a domain meaning (seq, k, qual, cigar, chrom, fasta, …). Probing then runs the reference
in the sandbox under a bounded set of generator combinations (all in one process) and keeps the
first under which it returns normally on every seed (or nearly) and the output varies. When
none does, a second probe extends every parameter's candidates with generic ones (small and
signed ints, floats, words, lists of ints/floats/strings, dicts, bools, arrays).
"""

from __future__ import annotations

import ast
import json
import math
import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from pipeline import harness_common as hc
from pipeline.context_python import is_descriptor_decorator
from pipeline.harness_common import HarnessPlan, Untestable
from pipeline.harness_run import normalize_solution
from pipeline.harness_runtime_py import FILE_FORMATS, GENERATORS, PROBE_RUNTIME, RUNTIME
from pipeline.records import MARKER, FunctionRecord

DEFAULT_SEEDS = (1, 2, 3, 4, 5)
MAX_VARIANTS = 24  # generator combinations tried in the probe (per instance strategy)
OBJ_KEY = "@obj"  # in a choice: how the instance is built, "init" (the constructor) or "bare" (no __init__)
MAX_CANDIDATES = 4  # per parameter (file parameters of unknown format try every format)
PROBE_CALL_LIMIT = 2.0  # seconds per call inside the probe

# ---------------------------------------------------------------- what the harness cannot provide

NETWORK_MODULES = {"urllib", "urllib2", "urllib3", "requests", "http", "httplib", "httplib2", "socket", "ftplib",
                   "smtplib", "paramiko", "aiohttp", "httpx", "xmlrpc", "xmlrpclib", "webbrowser", "pycurl", "boto3",
                   "botocore", "wget", "suds", "zeep", "telnetlib", "poplib", "imaplib", "Bio.Entrez",
                   "Bio.Blast.NCBIWWW", "Bio.ExPASy", "Bio.TogoWS", "bioservices", "ensembl_rest", "mygene"}
NETWORK_NAMES = {"Entrez", "NCBIWWW", "ExPASy", "urlopen", "urlretrieve"}
DATABASE_MODULES = {"sqlite3", "sqlalchemy", "pymysql", "MySQLdb", "mysql", "psycopg2", "psycopg", "pymongo", "redis",
                    "peewee", "cx_Oracle", "pyodbc", "django", "flask_sqlalchemy", "BioSQL", "sqlobject", "dataset"}
# Plotting counts as GUI: a figure is not an output a harness can compare. matplotlib's
# computational modules (colors, path, transforms) do not: they run headless (MPLBACKEND=Agg).
GUI_MODULES = {"tkinter", "Tkinter", "tkMessageBox", "PyQt4", "PyQt5", "PyQt6", "PySide", "PySide2", "PySide6", "wx",
               "matplotlib.pyplot", "matplotlib.figure", "matplotlib.animation", "matplotlib.widgets",
               "matplotlib.backends", "pylab", "seaborn", "plotly", "bokeh", "turtle", "pygame", "gi", "kivy", "pyqtgraph",
               "vtk", "mayavi", "IPython", "ipywidgets"}
EXTERNAL_MODULES = {"subprocess", "commands", "sh", "pexpect", "docker", "Bio.Application", "pybedtools"}
_EXTERNAL_CALL = re.compile(r"\bos\.(system|popen|spawn\w*|exec\w*|fork)\s*\(")


# ---------------------------------------------------------------- parameter → generator candidates

_SIMPLE_TYPES = {
    "int": ["int"], "float": ["float"], "bool": ["bool"], "str": ["str"], "bytes": ["bytes"], "complex": ["float"],
    "Number": ["float", "int"], "Real": ["float"], "Integral": ["int"], "AnyStr": ["str"], "Text": ["str"],
    "bytearray": ["bytes"],
}
_LIST_NAMES = {"list", "List", "Sequence", "MutableSequence", "Iterable", "Iterator", "Collection", "Generator",
               "Reversible", "deque", "Deque"}
_SET_NAMES = {"set", "Set", "frozenset", "FrozenSet", "AbstractSet", "MutableSet"}
_DICT_NAMES = {"dict", "Dict", "Mapping", "MutableMapping", "DefaultDict", "defaultdict", "OrderedDict", "Counter"}
_ARRAY_NAMES = {"ndarray", "NDArray", "ArrayLike", "array", "np.ndarray", "numpy.ndarray", "npt.NDArray",
                "npt.ArrayLike", "np.array", "numpy.array"}
_PATH_NAMES = {"Path", "PathLike", "os.PathLike", "pathlib.Path", "PurePath", "StrPath", "FilePath"}
_HANDLE_NAMES = {"IO", "TextIO", "BinaryIO", "TextIOWrapper", "io.TextIOWrapper", "file", "IOBase", "TextIOBase"}
_UNSUPPORTED = "!unsupported"  # a callable, a type variable, …: no generator
_OBJECT = "!object:"  # a class the harness cannot build (followed by its name)
_UNKNOWN_FILE = "!unknown_file"  # a path of unknown format: every format is probed

# Parameter names with domain meaning. Exact names first, then name tokens.
_NAME_EXACT: dict[str, list[str]] = {
    "k": ["int_small"], "ksize": ["int_small"], "k_size": ["int_small"], "kmer_size": ["int_small"],
    "kmer_len": ["int_small"], "kmer_length": ["int_small"], "word_size": ["int_small"], "wordsize": ["int_small"],
    "n": ["int_small", "int"], "size": ["int_small", "int"], "window": ["int_small"], "w": ["int_small"],
    "width": ["int_small"], "step": ["int_small"], "frame": ["int_small"], "order": ["int_small"],
    "i": ["int_index"], "j": ["int_index"], "idx": ["int_index"], "index": ["int_index"],
    "q": ["phred"], "phred": ["phred"], "qual": ["qual_str", "list[phred]"], "quals": ["qual_str", "list[phred]"],
    "quality": ["qual_str", "list[phred]"], "qualities": ["list[phred]", "qual_str"], "qscore": ["phred"],
    "mapq": ["phred"], "baseq": ["phred"], "phred_score": ["phred"], "offset": ["int_small"],
    "cigar": ["cigar"], "cigarstring": ["cigar"], "cigar_string": ["cigar"], "cigar_str": ["cigar"],
    "chrom": ["chrom"], "chromosome": ["chrom"], "chr": ["chrom"], "contig": ["chrom"], "seqname": ["chrom"],
    "ref_name": ["chrom"], "refname": ["chrom"], "reference_name": ["chrom"], "seqid": ["chrom"],
    "strand": ["strand"], "flag": ["flag"], "sam_flag": ["flag"],
    "pos": ["int_pos"], "position": ["int_pos"], "start": ["int_pos"], "begin": ["int_pos"], "beg": ["int_pos"],
    "end": ["int_end"], "stop": ["int_end"], "coord": ["int_pos"], "locus": ["int_pos"],
    "base": ["dna_base"], "nt": ["dna_base"], "nuc": ["dna_base"], "nucleotide": ["dna_base"],
    "codon": ["codon"], "triplet": ["codon"], "anticodon": ["codon"],
    "kmer": ["kmer"], "motif": ["kmer"], "pattern": ["kmer"], "primer": ["dna"], "adapter": ["kmer"],
    "read": ["dna", "aligned_read", "seq_record"], "aln": ["aligned_read"], "alignment": ["aligned_read"],
    "segment": ["aligned_read"], "template": ["dna"], "s": ["dna", "str"], "seq": ["dna"], "sequence": ["dna"],
    "seq1": ["dna"], "seq2": ["dna"], "s1": ["dna", "str"], "s2": ["dna", "str"], "a": ["dna", "int"],
    "b": ["dna", "int"], "x": ["int", "float", "list[int]"], "y": ["int", "float", "list[int]"],
    "rna": ["rna"], "mrna": ["rna"], "protein": ["protein"], "prot": ["protein"], "peptide": ["protein"],
    "aa": ["protein"], "aa_seq": ["protein"], "pep": ["protein"], "alphabet": ["str"],
    "seqs": ["list[dna]"], "sequences": ["list[dna]"], "reads": ["list[dna]"], "kmers": ["list[kmer]"],
    "p": ["prob"], "prob": ["prob"], "probability": ["prob"], "pvalue": ["prob"], "pval": ["prob"],
    "p_value": ["prob"], "alpha": ["prob"], "freq": ["prob"], "frequency": ["prob"], "frac": ["prob"],
    "fraction": ["prob"], "rate": ["prob"], "error_rate": ["prob"], "gc": ["prob"],
    "text": ["text"], "line": ["line", "text"], "region": ["region"], "interval": ["region"], "name": ["word"], "label": ["word"], "prefix": ["word"],
    "suffix": ["word"], "sep": ["word"], "delimiter": ["word"], "key": ["word"], "id": ["word"],
    "verbose": ["bool"], "debug": ["bool"], "quiet": ["bool"],
    "seed": ["int"], "random_seed": ["int"], "random_state": ["int"], "rng_seed": ["int"], "rseed": ["int"],
    "outfile": ["out_path"], "out_file": ["out_path"], "output": ["out_path"], "output_file": ["out_path"],
    "outpath": ["out_path"], "out": ["out_path"], "output_path": ["out_path"], "outfn": ["out_path"],
}
_NAME_TOKENS: list[tuple[set[str], list[str]]] = [
    ({"fasta", "fa", "fna", "faa", "genome", "assembly"}, ["fasta_path"]),
    ({"fastq", "fq"}, ["fastq_path"]),
    ({"vcf"}, ["vcf_path"]),
    ({"bed"}, ["bed_path"]),
    ({"sam"}, ["sam_path"]),
    ({"bam"}, ["bam_path", "sam_path"]),
    ({"gff", "gtf", "gff3", "annotation"}, ["gff_path"]),
    ({"tsv", "table"}, ["tsv_path"]),
    ({"csv"}, ["csv_path"]),
    ({"cigar"}, ["cigar"]),
    ({"qual", "quality", "quals"}, ["qual_str", "list[phred]"]),
    ({"protein", "peptide", "aa", "prot"}, ["protein"]),
    ({"rna"}, ["rna"]),
    ({"dna", "seq", "sequence", "read", "nucleotides", "oligo", "primer", "probe"}, ["dna"]),
    ({"seqs", "sequences", "reads"}, ["list[dna]"]),
    ({"kmer", "motif"}, ["kmer"]),
    ({"chrom", "chromosome", "contig"}, ["chrom"]),
    ({"start", "begin", "pos", "position"}, ["int_pos"]),
    ({"end", "stop"}, ["int_end"]),
    ({"idx", "index", "ind"}, ["int_index"]),
    ({"len", "length", "size", "num", "count", "k", "window", "width", "min", "max", "depth", "cutoff",
      "threshold", "n"}, ["int_small", "float_pos"]),
    ({"prob", "pvalue", "frac", "fraction", "freq", "rate", "ratio", "pct"}, ["prob"]),
    ({"score", "weight", "value", "val"}, ["float", "int"]),
    ({"flag", "is", "use", "do", "allow", "keep", "skip"}, ["bool"]),
    ({"name", "label", "id", "prefix", "suffix", "tag", "key", "title", "mode", "method", "kind", "type", "fmt",
      "format", "sep", "delim"}, ["word"]),
    ({"list", "lst", "values", "vals", "items", "numbers", "nums", "data", "array", "arr", "vector", "vec",
      "counts", "scores", "weights", "lengths", "positions"}, ["list[int]", "list[float]", "ndarray_float"]),
    ({"matrix", "mat", "grid"}, ["matrix_float", "list[list[int]]"]),
    ({"dict", "mapping", "map", "table", "counts_dict", "lookup"}, ["dict[str,int]", "dict[str,float]"]),
    ({"view", "viewframe"}, ["viewframe", "bedframe"]),  # a genome's named, non-overlapping regions
    ({"df", "frame", "dataframe"}, ["dataframe", "bedframe"]),
    ({"intervals", "regions", "peaks", "features", "bedframe"}, ["bedframe"]),
    ({"out", "output", "outfile", "dest", "destination"}, ["out_path"]),
]
_CHROM_TOKENS = {"chrom", "chroms", "chromosome", "chromosomes", "chr", "contig", "contigs", "genome"}
_FILE_TOKENS = {"file", "filename", "fname", "path", "filepath", "infile", "fn", "fp", "fh", "handle", "stream",
                "input", "inp", "f", "in"}
_HANDLE_TOKENS = {"handle", "fh", "fp", "stream", "f"}
_FALLBACK = ["int", "dna", "float", "list[int]", "str"]


def _split_top(s: str, sep: str = ",") -> list[str]:
    """Split at `sep` outside brackets and string literals (choice specs hold string reprs)."""
    out, depth, cur, quote = [], 0, "", ""
    escaped = False
    for ch in s:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == sep and depth == 0 and not quote:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def type_specs(annotation: str | None, known_classes: Mapping[str, tuple[str, ...]] = MappingProxyType({})) -> list[str]:
    """Generator specs for a type annotation (or a type named in a docstring), best first."""
    if not annotation:
        return []
    t = annotation.strip().strip("'\"").strip()
    for prefix in ("typing.", "t.", "typing_extensions.", "collections.abc.", "collections.", "numbers."):
        t = re.sub(r"\b" + re.escape(prefix), "", t)
    alternatives = _split_top(t, "|")
    if len(alternatives) > 1:
        parts = [p for p in alternatives if p not in ("None", "NoneType")]
        return _merge(*(type_specs(p, known_classes) for p in parts))
    m = re.fullmatch(r"([\w.]+)\s*\[(.*)\]", t, re.S)
    head, args = (m.group(1), _split_top(m.group(2))) if m else (t, [])
    if head in ("Optional",) and args:
        return type_specs(args[0], known_classes)
    if head == "Union" and args:
        return _merge(*(type_specs(a, known_classes) for a in args if a not in ("None", "NoneType")))
    if head in ("Annotated", "Final") and args:
        return type_specs(args[0], known_classes)
    if head in ("Literal",) and args:
        return [f"choice[{','.join(args)}]"]
    if head in _SIMPLE_TYPES:
        return list(_SIMPLE_TYPES[head])
    if head in _LIST_NAMES:
        inner = type_specs(args[0], known_classes) if args else ["int", "str", "float"]
        return [f"list[{s}]" for s in inner[:2] if not s.startswith("!")] or ([_UNSUPPORTED] if args else [])
    if head in ("tuple", "Tuple"):
        if not args:
            return ["tuple[int,int]"]
        if len(args) == 2 and args[1] == "...":
            inner = type_specs(args[0], known_classes)
            return [f"tuple[{s},...]" for s in inner[:2] if not s.startswith("!")] or [_UNSUPPORTED]
        parts = [type_specs(a, known_classes) for a in args]
        if any(not p or p[0].startswith("!") for p in parts):
            return [_UNSUPPORTED]
        return ["tuple[" + ",".join(p[0] for p in parts) + "]"]
    if head in _SET_NAMES:
        inner = type_specs(args[0], known_classes) if args else ["str", "int"]
        return [f"set[{s}]" for s in inner[:2] if not s.startswith("!")] or [_UNSUPPORTED]
    if head in _DICT_NAMES:
        if len(args) == 2:
            ks, vs = type_specs(args[0], known_classes), type_specs(args[1], known_classes)
            if not ks or not vs or ks[0].startswith("!") or vs[0].startswith("!"):
                return [_UNSUPPORTED]
            return [f"dict[{ks[0]},{v}]" for v in vs[:2]]
        return ["dict[str,int]", "dict[str,float]"]
    if head in _ARRAY_NAMES or head.endswith(".ndarray"):
        return ["ndarray_float", "ndarray_int", "matrix_float"]
    if head in ("DataFrame", "pd.DataFrame", "pandas.DataFrame"):
        return ["dataframe", "bedframe"]
    if head in ("Series", "pd.Series", "pandas.Series"):
        return ["series"]
    if head in ("AlignedSegment", "pysam.AlignedSegment", "pysam.libcalignedsegment.AlignedSegment"):
        return ["aligned_read"]
    if head in ("AlignmentFile", "pysam.AlignmentFile", "Samfile", "pysam.Samfile"):
        return ["bam_handle"]
    if head in ("SequenceRecord", "dnaio.SequenceRecord"):
        return ["seq_record"]
    if head in _PATH_NAMES:
        return [_UNKNOWN_FILE]
    if head in _HANDLE_NAMES:
        return ["!handle"]
    if head in ("Any", "object", "T", "TypeVar"):
        return []
    if head in ("Callable", "callable", "function", "Type", "type", "Generic", "Protocol"):
        return [_UNSUPPORTED]
    if head == "None":
        return ["none"]
    simple = head.split(".")[-1]
    if simple in known_classes:
        return [f"new[{','.join([simple, *known_classes[simple]])}]"]
    if re.fullmatch(r"[A-Z]\w*(\.\w+)*|\w+\.[A-Z]\w*", head):
        return [_OBJECT + head]
    return []


def _doc_type_specs(text: str, known_classes: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Free-text docstring types: 'list of str', 'int, optional', 'array_like', 'str or None'."""
    t = text.strip().rstrip(".")
    t = re.sub(r",?\s*(optional|default.*|by default.*)$", "", t, flags=re.I).strip()
    if not t:
        return []
    braces = re.fullmatch(r"\{(.*)\}", t)
    if braces:  # NumPy's set notation: the values it may take (`{'fasta', 'fastq'}`) or its types
        items = [x.strip() for x in _split_top(braces.group(1)) if x.strip()]
        try:
            values = [ast.literal_eval(x) for x in items]
        except (ValueError, SyntaxError):
            t = " or ".join(items)
        else:
            return [f"choice[{','.join(repr(v) for v in values)}]"] if values else []
    if re.fullmatch(r"[\w.]+(\[.*\])?(\s*\|\s*[\w.]+(\[.*\])?)*", t):
        specs = type_specs(t, known_classes)
        if specs:
            return specs
    # `DNA, RNA, or TabularMSA[DNA|RNA]`: alternatives, each a type name
    alternatives = [a for a in re.split(r"\s*,\s*(?:or\s+)?|\s+or\s+", t) if a and a != "None"]
    if len(alternatives) > 1 and all(re.fullmatch(r"[\w.]+(\[.*\])?", a) for a in alternatives):
        specs = _merge(*(type_specs(a, known_classes) for a in alternatives))
        usable = [x for x in specs if x != _UNSUPPORTED]  # `function or str`: a string will do
        if usable or specs:
            return usable or specs
    low = t.lower()
    m = re.match(r"(list|iterable|sequence|array|tuple|set)s?\s+(?:of|\()\s*(\w+)", low)
    if m:
        word = m.group(2) if m.group(2) in ("str", "bytes", "bases") else m.group(2).rstrip("s")
        inner = [s for s in _doc_type_specs(word, known_classes) if not s.startswith("!")] or ["int"]
        if m.group(1) == "tuple":
            return [f"tuple[{inner[0]},...]"]
        kind = "set" if m.group(1) == "set" else "list"
        return [f"{kind}[{s}]" for s in inner[:2]]
    def says(words: tuple[str, ...]) -> bool:
        return any(re.search(r"(^|[\s(,/])" + re.escape(w) + r"($|[\s),/-])", low) for w in words)

    scalar = next((specs for words, specs in (
        (("str", "string", "basestring", "unicode", "text"), ["str"]),
        (("int", "integer", "long"), ["int"]),
        (("float", "double", "number", "numeric", "real"), ["float"]),
        (("bool", "boolean"), ["bool"])) if says(words)), [])
    for words, specs in (
        (("dict", "dictionary", "mapping"), ["dict[str,int]", "dict[str,float]"]),
        # `1-D array_like, int`: a container of the scalar named beside it
        (("array_like", "array-like", "ndarray", "array", "numpy array", "np.array", "matrix", "vector"),
         ["ndarray_int", "ndarray_float"] if scalar == ["int"] else ["ndarray_float", "ndarray_int"]),
        (("dataframe",), ["dataframe", "bedframe"]),
        (("list",), [f"list[{scalar[0]}]"] if scalar else ["list[int]", "list[str]"]),
        (("tuple",), ["tuple[int,int]"]),
        (("set",), ["set[str]"]),
        (("file", "path", "filename", "filepath"), [_UNKNOWN_FILE]),
    ):
        if says(words):
            return list(specs) + [s for s in scalar if s not in specs]
    if scalar:
        return list(scalar)
    return [_UNSUPPORTED] if says(("function", "callable")) else []


def docstring_types(docstring: str | None) -> dict[str, str]:
    """Parameter name -> type text named in a Google, NumPy, Sphinx or epytext docstring."""
    if not docstring:
        return {}
    doc = docstring.strip().strip("\"'").replace("\r", "")
    found: dict[str, str] = {}
    for m in re.finditer(r":param\s+([^:\n]+?)\s+(\*{0,2}\w+)\s*:", doc):  # Sphinx `:param type name:`
        found.setdefault(m.group(2), m.group(1))
    for m in re.finditer(r"[:@]type\s+(\*{0,2}\w+)\s*:\s*([^\n]+)", doc):  # `:type name: T` / `@type name: T`
        found[m.group(1)] = m.group(2)
    for m in re.finditer(r"^\s*(\*{0,2}\w+)\s*\(([^)\n]+)\)\s*:", doc, re.M):  # Google `name (type): …`
        found.setdefault(m.group(1), m.group(2))
    # NumPy `name : type`, also for several names at once (`seq1, seq2 : {DNA, RNA}`)
    for m in re.finditer(r"^\s*(\*{0,2}\w+(?:\s*,\s*\*{0,2}\w+)*)\s*:\s*([^\n]+)$", doc, re.M):
        typ = m.group(2).strip()
        for name in re.split(r"\s*,\s*", m.group(1)):
            if name.lower() in ("args", "arguments", "parameters", "returns", "return", "raises", "yields",
                                "example", "examples", "note", "notes", "see", "attributes"):
                continue
            if len(typ.split()) <= 6:
                found.setdefault(name, typ)
    return {k.lstrip("*"): v for k, v in found.items()}


def _merge(*lists: list[str]) -> list[str]:
    out: list[str] = []
    for lst in lists:
        for s in lst:
            if s not in out:
                out.append(s)
    return out


def _tokens(name: str) -> set[str]:
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    return {t for t in re.split(r"[_\W\d]+", name) if t}


def name_specs(name: str) -> list[str]:
    """Domain generators suggested by a parameter's name."""
    low = name.lower()
    if low in _NAME_EXACT:
        return list(_NAME_EXACT[low])
    toks = _tokens(name)
    if toks & _CHROM_TOKENS and toks & {"sizes", "size", "lengths", "lens", "chromsizes"} or "chromsizes" in toks:
        return ["chrommap[int_pos]"]  # `chromsizes`, `chrom_lengths`: a genome's chromosome lengths
    if "bam" in toks and toks & {"handle", "handles", "fh", "samfile", "alignmentfile"}:
        return ["list[bam_handle]"] if "handles" in toks else ["bam_handle"]  # pysam files (deepTools)
    specs: list[str] = []
    for keys, gens in _NAME_TOKENS:
        if toks & keys:
            specs = _merge(specs, gens)
    file_like = bool(toks & _FILE_TOKENS)
    if file_like:
        fmt = [s for s in specs if s.endswith("_path")]
        handle = bool(toks & _HANDLE_TOKENS) and not toks & {"file", "filename", "path"}
        if fmt:
            specs = [f"open[{s}]" for s in fmt] + fmt if handle else fmt
        else:
            specs = [_UNKNOWN_FILE + (":handle" if handle else "")]
    return specs


def _base(spec: str) -> str:
    if spec.startswith("!"):
        return "!"
    if spec.startswith(("list[", "tuple[", "indexed[")):
        return "list"
    if spec.startswith("enc["):
        return "bytes"
    if spec.startswith("ns["):
        return "ns"
    if spec.startswith(("keyed[", "chrommap[")):
        return "dict"
    if spec.startswith("frame["):
        return "dataframe"
    for prefix in ("set", "dict", "open", "new", "choice"):
        if spec.startswith(prefix + "["):
            return prefix
    if spec.startswith(("int", "phred", "flag")):
        return "int"
    if spec in ("float", "float_pos", "prob"):
        return "float"
    if spec in ("ndarray_float", "ndarray_int", "matrix_float"):
        return "ndarray"
    if spec in ("bool", "none", "bytes", "dataframe", "series", "aligned_read", "seq_record"):
        return spec
    if spec in ("bedframe", "viewframe"):
        return "dataframe"
    return "str"  # dna, rna, protein, kmer, cigar, chrom, word, *_path, …


def default_specs(default: str | None) -> list[str]:
    if default is None:
        return []
    try:
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return []
    if isinstance(value, bool):
        return ["bool"]
    if isinstance(value, int):
        return ["int_small" if 0 < value <= 10 else "int"]
    if isinstance(value, float):
        return ["prob" if 0 < value < 1 else "float"]
    if isinstance(value, str):
        if value and set(value) <= set("ACGTNacgtn"):
            return ["dna"]
        return ["word"]
    if isinstance(value, (list, tuple)) and value:
        inner = default_specs(repr(value[0]))
        return [f"list[{inner[0]}]"] if inner else []
    if isinstance(value, dict):
        return ["dict[str,int]"]
    return []


@dataclass(slots=True)
class Param:
    name: str
    kind: str  # "positional", "keyword" (keyword-only)
    annotation: str | None = None
    default: str | None = None
    candidates: list[str] = field(default_factory=list)  # ranked specs; "default" = omit
    literals: list[str] = field(default_factory=list)  # constants the body compares it with (reprs)
    keys: list[str] = field(default_factory=list)  # string keys the body reads from it (reprs)
    attrs: list[str] = field(default_factory=list)  # attributes the body reads from it (not calls)
    indexed: bool = False  # the body indexes it by position (`labels[idx]`, `xs[0]`, `xs[1:]`)

    @property
    def has_default(self) -> bool:
        return self.default is not None


SEED_NAMES = {"seed", "random_seed", "random_state", "rng_seed", "rseed"}


def rank_candidates(p: Param, doc_types: Mapping[str, str], known_classes: Mapping[str, tuple[str, ...]]) -> list[str]:
    typed = type_specs(p.annotation, known_classes) or _doc_type_specs(doc_types.get(p.name, ""), known_classes)
    named = name_specs(p.name)
    if typed:
        if typed == [_UNKNOWN_FILE] and named:
            ranked = named
        elif any(n.startswith(_UNKNOWN_FILE) or n.endswith("_path") for n in named) and all(
                _base(t) == "str" or t.startswith(_UNKNOWN_FILE) for t in typed):
            ranked = _merge(named, typed)  # `filepath_or : str or file-like`: a string naming a file
        else:
            bases = {_base(t) for t in typed}
            compatible = [n for n in named if _base(n) in bases and not n.startswith("!")]
            if "dict" in bases and _tokens(p.name) & {"fasta", "genome", "seqs", "sequences"}:
                compatible.append("chrommap[dna]")  # `fasta_records : dict`: chromosome -> sequence
            if "bytes" in bases:  # `cigar: bytes`: the text the name says, encoded
                compatible += [f"enc[{n}]" for n in named if _base(n) == "str" and not n.endswith("_path")]
            ranked = _merge(compatible, typed)
    else:
        # read only through its attributes: an object holding them, after what the name says
        ns = [f"ns[{','.join(p.attrs)}]"] if p.attrs else []
        ranked = _merge(named, ns, default_specs(p.default), _FALLBACK)
    if p.literals:
        # the values the function itself tests the parameter against: a string parameter matched
        # against "ULCL"/"hamming" is an enumeration, tried first; numbers are boundaries, tried second
        lit = f"choice[{','.join(p.literals)}]"
        strings = all(x[:1] in "'\"" for x in p.literals)
        ranked = [lit, *ranked] if strings or not ranked else [ranked[0], lit, *ranked[1:]]
    if p.indexed and ranked and (_base(ranked[0]) in ("int", "float", "bool") or ranked[0] == "word"):
        # indexed by position, though its name says a scalar (`self.start_label[idx]`): a list of
        # those, as long as the call's other sized values so that an index generated for them fits
        ranked = [f"indexed[{ranked[0]}]", *ranked]
    if p.keys:
        # read by string keys: a frame with those columns, else a dict with those keys
        bases = {_base(x) for x in ranked}
        keyed = f"frame[{','.join(p.keys)}]" if "dataframe" in bases else f"keyed[{','.join(p.keys)}]"
        if not typed or bases & {"dict", "dataframe"}:
            ranked = [keyed, *ranked]
    if "dna" in ranked and "dna_mixed" not in ranked:
        ranked.insert(ranked.index("dna") + 1, "dna_mixed")  # an identity function passes on clean DNA
    expanded: list[str] = []
    for spec in ranked:
        if spec.startswith(_UNKNOWN_FILE) or spec == "!handle":
            handle = spec.endswith(":handle") or spec == "!handle"
            expanded += [f"open[{f}]" if handle else f for f in FILE_FORMATS]
        else:
            expanded.append(spec)
    cap = len(FILE_FORMATS) if len(expanded) > MAX_CANDIDATES and all(
        s.endswith("_path") or s.startswith("open[") for s in expanded) else MAX_CANDIDATES + (0 if typed else 2)
    expanded = expanded[:cap]
    if not p.has_default:
        return expanded
    if p.name.lower() in SEED_NAMES:
        return expanded + ["default"]  # its default (usually None) means "unseeded": never deterministic
    return ["default"] + expanded


# ---------------------------------------------------------------- spec → expression

def spec_expr(spec: str, used: set[str]) -> str:
    """A Python expression (over `r` and `a`) that builds a value for `spec`; records the
    generator functions it needs in `used`."""
    m = re.fullmatch(r"(\w+)\[(.*)\]", spec)
    if m:
        head, args = m.group(1), _split_top(m.group(2))
        if head == "list":
            if _base(args[0]) in ("int", "float"):  # numeric lists pair up with the call's other ones
                _need("size", used)
                return f"[{spec_expr(args[0], used)} for _ in range(_g_list_size(r, a))]"
            return f"[{spec_expr(args[0], used)} for _ in range(r.randint(0, 6))]"
        if head == "indexed":  # a list as long as the call's other sized values
            _need("size", used)
            return f"[{spec_expr(args[0], used)} for _ in range(_g_size(r, a))]"
        if head == "enc":
            return f"{spec_expr(args[0], used)}.encode()"
        if head == "tuple":
            if len(args) == 2 and args[1] == "...":
                return f"tuple({spec_expr(args[0], used)} for _ in range(r.randint(0, 6)))"
            return "(" + ", ".join(spec_expr(x, used) for x in args) + ("," if len(args) == 1 else "") + ")"
        if head == "set":
            return f"set({spec_expr(args[0], used)} for _ in range(r.randint(0, 6)))"
        if head == "dict":
            return (f"{{{spec_expr(args[0], used)}: {spec_expr(args[1], used)} "
                    f"for _ in range(r.randint(0, 6))}}")
        if head == "open":
            return f"open({spec_expr(args[0], used)})"
        if head == "new":  # a class of the program, built from generated constructor arguments
            # (made concrete first: the skeleton may leave a base's abstract method unimplemented)
            return f"_h_concrete({args[0]})({', '.join(spec_expr(x, used) for x in args[1:])})"
        if head == "choice":
            return f"r.choice([{', '.join(args)}])"
        if head == "ns":  # an object with the attributes the body reads, valued by their names
            fields = ", ".join(f"{x}={spec_expr(_attr_spec(x), used)}" for x in args)
            return f"__import__('types').SimpleNamespace({fields})"
        if head == "chrommap":  # chromosome name -> value (`chromsizes`, a genome's sequences)
            _need("chroms", used)
            return f"{{c: {spec_expr(args[0], used)} for c in _g_chroms(r, a)}}"
        if head in ("keyed", "frame"):  # a dict / a BED-like frame holding the keys the body reads
            _need(head, used)
            return f"_g_{head}(r, a, [{', '.join(args)}])"
        raise ValueError(f"unknown generator spec {spec!r}")
    if spec == "none":
        return "None"
    if spec not in GENERATORS:
        raise ValueError(f"unknown generator spec {spec!r}")
    _need(spec, used)
    return f"_g_{spec}(r, a)"


def _attr_spec(attr: str) -> str:
    """The generator for an attribute of a stand-in object, from its name (an int by default)."""
    return next((x for x in name_specs(attr.strip("_")) if not x.startswith(("!", "open["))), "int")


def _need(name: str, used: set[str]) -> None:
    if name in used:
        return
    used.add(name)
    for dep in GENERATORS[name][1]:
        _need(dep, used)


def _generator_source(used: set[str]) -> str:
    order = [n for n in GENERATORS if n in used]  # definition order: dependencies first
    return "\n\n".join(GENERATORS[n][0] for n in order)


# ---------------------------------------------------------------- the function in its context

@dataclass(slots=True)
class Target:
    name: str
    call_kind: str  # function, method, staticmethod, classmethod, property
    class_path: str | None  # dotted class path in the program (Outer.Inner)
    params: list[Param]
    ctor_params: list[Param]  # instance methods/properties: constructor parameters
    is_async: bool = False
    attr_params: list[Param] = field(default_factory=list)  # skeleton attributes `self.x = None`, set after construction
    self_attrs: list[Param] = field(default_factory=list)  # instance attributes the method reads (bare instances)


def _find_def(tree: ast.AST, name: str, line: int) -> tuple[ast.AST | None, list[ast.AST]]:
    """The def named `name` starting at `line` (its first decorator or `def`), with its parents."""
    stack: list[tuple[ast.AST, list[ast.AST]]] = [(tree, [])]
    best = None
    while stack:
        node, parents = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and child.name == name:
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                if first == line or best is None:
                    best = (child, parents + [node])
                    if first == line:
                        return best
            stack.append((child, parents + [node]))
    return best if best else (None, [])


def _class_index(tree: ast.AST) -> dict[str, ast.ClassDef]:
    out: dict[str, ast.ClassDef] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            out.setdefault(node.name, node)
    return out


def _bases(cls: ast.ClassDef, classes: Mapping[str, ast.ClassDef]) -> list[ast.ClassDef]:
    """The class and its ancestors defined in the program, nearest first (no cycles)."""
    out, todo = [], [cls]
    while todo:
        c = todo.pop(0)
        if c in out:
            continue
        out.append(c)
        for b in c.bases:
            name = ast.unparse(b).split(".")[-1].split("[")[0]
            if name in classes:
                todo.append(classes[name])
    return out


def _class_params(cls: ast.ClassDef, source: str,
                  classes: Mapping[str, ast.ClassDef] | None = None) -> list[ast.arguments] | list[Param] | None:
    """Constructor parameters: the class's own `__init__`, else the nearest one among its bases
    defined in the program (an inherited constructor takes the same arguments)."""
    for owner in _bases(cls, classes or {}):
        for stmt in owner.body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "__init__":
                return _params_of(stmt, source, skip_first=True)
    decorated = any("dataclass" in ast.unparse(d) for d in cls.decorator_list)
    if decorated:
        out = []
        for stmt in cls.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and "ClassVar" not in ast.unparse(
                    stmt.annotation):
                out.append(Param(stmt.target.id, "positional", ast.unparse(stmt.annotation),
                                 ast.unparse(stmt.value) if stmt.value is not None else None))
        return out
    return []


def _params_of(fn: ast.FunctionDef | ast.AsyncFunctionDef, source: str, skip_first: bool) -> list[Param]:
    args = fn.args
    positional = list(args.posonlyargs) + list(args.args)
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = []
    for i, (arg, default) in enumerate(zip(positional, defaults)):
        if skip_first and i == 0:
            continue
        params.append(Param(arg.arg, "positional", ast.unparse(arg.annotation) if arg.annotation else None,
                            ast.unparse(default) if default is not None else None))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params.append(Param(arg.arg, "keyword", ast.unparse(arg.annotation) if arg.annotation else None,
                            ast.unparse(default) if default is not None else None))
    return params


MAX_LITERALS = 8


def _constants(node: ast.AST, globals_: Mapping[str, ast.AST]) -> list[Any]:
    """Constant values of a literal (`"x"`, `("a", "b")`, `{"a": 1}` keys), or of a module-level
    name bound to such a literal."""
    if isinstance(node, ast.Name) and node.id in globals_:
        node = globals_[node.id]
    if isinstance(node, ast.Constant):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)]
    if isinstance(node, ast.Dict):
        return [k.value for k in node.keys if isinstance(k, ast.Constant)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
            "set", "frozenset", "tuple", "list") and len(node.args) == 1:
        return _constants(node.args[0], globals_)
    return []


def literal_values(fn: ast.AST, tree: ast.Module) -> dict[str, list[str]]:
    """Per parameter name, the constants the body compares it with (`p == "x"`, `p in ("a", "b")`,
    `"x" != p`, `p not in VALID`, `TABLE[p]`, `TABLE.get(p)` for module-level literal tables),
    as reprs in first-seen order. None and booleans are left out: they carry no enumeration."""
    globals_ = {t.id: st.value for st in tree.body if isinstance(st, ast.Assign)
                for t in st.targets if isinstance(t, ast.Name)}
    found: dict[str, list[Any]] = {}

    def add(name: str, values: list[Any]) -> None:
        bucket = found.setdefault(name, [])
        for v in values:
            if isinstance(v, (str, int, float)) and not isinstance(v, bool) and v not in bucket:
                bucket.append(v)

    def table(node: ast.AST) -> ast.Dict | None:  # a dict literal, or a module-level name bound to one
        found_node = globals_.get(node.id) if isinstance(node, ast.Name) else node
        return found_node if isinstance(found_node, ast.Dict) else None

    for node in ast.walk(fn):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(
                node.ops[0], (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)):
            left, right = node.left, node.comparators[0]
            if isinstance(left, ast.Name):
                add(left.id, _constants(right, globals_))
            elif isinstance(right, ast.Name) and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
                add(right.id, _constants(left, globals_))
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name) and table(node.value):
            add(node.slice.id, _constants(table(node.value), globals_))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and node.args and isinstance(node.args[0], ast.Name) and table(node.func.value):
            add(node.args[0].id, _constants(table(node.func.value), globals_))
    return {k: [repr(v) for v in vs[:MAX_LITERALS]] for k, vs in found.items() if vs}


MAX_KEYS = 12


def _read_from(node: ast.AST) -> str | None:
    """The name (`p`) or instance attribute (`self.x`) an expression reads a value from, as the
    body-reading rules below key it."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return "self." + node.attr
    return None


def subscript_keys(fn: ast.AST) -> dict[str, list[str]]:
    """Per parameter name (or `self.x` attribute), the string keys the body reads from it:
    `p["chrom"]`, `p[["start", "end"]]`, `p.get("SVTYPE")`, `"SVTYPE" in p`; as reprs, in
    first-seen order. A dict or a data frame for that parameter should hold them."""
    found: dict[str, list[str]] = {}

    def add(who: str | None, keys: list) -> None:
        if who is None:
            return
        bucket = found.setdefault(who, [])
        for k in keys:
            if isinstance(k, str) and k and repr(k) not in bucket:
                bucket.append(repr(k))

    def strings(node: ast.AST) -> list:
        if isinstance(node, ast.Constant):
            return [node.value]
        if isinstance(node, (ast.List, ast.Tuple)):
            return [e.value for e in node.elts if isinstance(e, ast.Constant)]
        return []

    for node in ast.walk(fn):
        if isinstance(node, ast.Subscript):
            add(_read_from(node.value), strings(node.slice))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "get", "pop", "setdefault") and node.args and isinstance(node.args[0], ast.Constant):
            add(_read_from(node.func.value), [node.args[0].value])
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)) \
                and isinstance(node.left, ast.Constant):
            add(_read_from(node.comparators[0]), [node.left.value])
    return {k: v[:MAX_KEYS] for k, v in found.items() if v}


def attribute_reads(fn: ast.AST) -> dict[str, list[str]]:
    """Per parameter name (or `self.x` attribute), the attributes the body reads from it as
    values, not methods it calls (`est.probs_`, `self._estimator.probs_`), in first-seen order. An
    object holding just those (a namespace) may stand in for it."""
    called = {id(n.func) for n in ast.walk(fn) if isinstance(n, ast.Call)}
    found: dict[str, list[str]] = {}
    for node in ast.walk(fn):
        if not isinstance(node, ast.Attribute) or id(node) in called or not isinstance(node.ctx, ast.Load):
            continue
        who = _read_from(node.value)
        if who is None or who in ("self", "cls"):
            continue
        if not node.attr.startswith("__") and node.attr not in found.setdefault(who, []):
            found[who].append(node.attr)
    return {k: v[:MAX_KEYS] for k, v in found.items() if v}


def indexed_reads(fn: ast.AST) -> set[str]:
    """The parameter names (and `self.x` attributes) the body indexes by position rather than by
    a string key: `labels[idx]`, `xs[0]`, `xs[-1]`, `xs[1:]`."""
    found: set[str] = set()
    for node in ast.walk(fn):
        if not isinstance(node, ast.Subscript):
            continue
        index = node.slice
        if isinstance(index, ast.Constant) and not isinstance(index.value, int):
            continue  # `p["chrom"]`: a key (see `subscript_keys`)
        if isinstance(index, (ast.Tuple, ast.List)):
            continue  # `m[i, j]`, `df[["a", "b"]]`
        who = _read_from(node.value)
        if who is not None:
            found.add(who)
    return found


def _with_reads(target: Target, fn: ast.AST, tree: ast.Module) -> Target:
    """The target with what the body reads of each parameter attached: the literals it compares
    it with (`literal_values`), the keys (`subscript_keys`), attributes (`attribute_reads`) and
    whether it is indexed by position (`indexed_reads`)."""
    values = literal_values(fn, tree)
    keys = subscript_keys(fn)
    attrs = attribute_reads(fn)
    indexed = indexed_reads(fn)
    for p in target.params:
        p.literals = values.get(p.name, [])
        p.keys = keys.get(p.name, [])
        p.attrs = attrs.get(p.name, [])
        p.indexed = p.name in indexed
    for p in target.self_attrs:
        p.keys = keys.get("self." + p.name, [])
        p.attrs = attrs.get("self." + p.name, [])
        p.indexed = "self." + p.name in indexed
    for p in target.attr_params:
        p.indexed = "self." + p.name in indexed
    return target


_RECEIVER_NAMES = {"self", "cls", "klass", "mcs", "this", "obj", "s"}


def analyse(record: FunctionRecord, program: str, context: str | None = None) -> Target | Untestable:
    """Locate the function in the program (`context`, by default the record's, with the
    reference inserted): how to call it."""
    try:
        tree = ast.parse(program)
    except SyntaxError as exc:
        return Untestable(hc.CONTEXT_BROKEN, f"syntax error: {exc.msg} (line {exc.lineno})")
    context = record.context_code if context is None else context
    marker_line = next(i + 1 for i, line in enumerate(context.split("\n")) if line.strip() == MARKER)
    fn, parents = _find_def(tree, record.name, marker_line)
    if fn is None:
        return Untestable(hc.CONTEXT_BROKEN, "function not found after insertion")
    owner = parents[-1] if parents else None
    decorators = {ast.unparse(d).split("(")[0].split(".")[-1] for d in fn.decorator_list}
    if any(isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) for p in parents):
        return Untestable(hc.UNSUPPORTED_KIND, "nested function")
    if not isinstance(owner, ast.ClassDef):
        return _with_reads(Target(record.name, "function", None, _params_of(fn, program, skip_first=False), [],
                                     isinstance(fn, ast.AsyncFunctionDef)), fn, tree)
    if fn.name == "__init__" or decorators & {"abstractmethod", "abstractproperty", "setter", "deleter"}:
        return Untestable(hc.UNSUPPORTED_KIND, f"method {fn.name} ({', '.join(sorted(decorators)) or 'constructor'})")
    path = ".".join(p.name for p in parents if isinstance(p, ast.ClassDef))
    is_async = isinstance(fn, ast.AsyncFunctionDef)
    first_arg = (fn.args.posonlyargs + fn.args.args)[:1]
    if any(d.endswith("classmethod") or d == "classonlymethod" for d in decorators) or (
            first_arg and first_arg[0].arg == "cls" and "staticmethod" not in decorators):
        decorators = decorators | {"classmethod"}
    if (not first_arg or first_arg[0].arg not in _RECEIVER_NAMES) and not decorators & {
            "classmethod", "property", "cached_property", "lazyproperty"}:
        # a plain function in a class body (`def range_normalization(n, n_min, …)`), called
        # through the class as Python 3 allows: a static method without the decorator
        decorators = decorators | {"staticmethod"}
    if "staticmethod" in decorators:
        return _with_reads(Target(record.name, "staticmethod", path, _params_of(fn, program, False), [], is_async),
                              fn, tree)
    if "classmethod" in decorators:
        return _with_reads(Target(record.name, "classmethod", path, _params_of(fn, program, True), [], is_async),
                              fn, tree)
    classes = _class_index(tree)
    ctor = list(_class_params(owner, program, classes) or [])
    kind = "property" if decorators & {"property", "cached_property", "lazyproperty"} else "method"
    return _with_reads(Target(record.name, kind, path, _params_of(fn, program, True), ctor, is_async,
                                 _placeholder_attributes(owner), _self_attributes(fn, owner, classes, ctor)), fn, tree)


def _self_attributes(fn: ast.AST, owner: ast.ClassDef, classes: Mapping[str, ast.ClassDef],
                     ctor: list[Param]) -> list[Param]:
    """Instance attributes the method reads (`self.x`, `self.x += …`) that the class does not
    define (methods, properties, class variables), with a type hint when the skeleton gives one:
    a class-level annotation, `self.x: T` or `self.x = <constructor parameter>`. A bare instance
    (built without `__init__`) gets generated values for them."""
    defined: set[str] = set()
    hints: dict[str, tuple[str | None, str | None]] = {}
    by_name = {p.name: p for p in ctor}
    for cls in _bases(owner, classes):
        for stmt in cls.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(stmt.name)
            elif isinstance(stmt, ast.Assign):
                defined |= {t.id for t in stmt.targets if isinstance(t, ast.Name)}
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                if stmt.value is not None and "ClassVar" in ast.unparse(stmt.annotation):
                    defined.add(stmt.target.id)
                else:
                    hints.setdefault(stmt.target.id, (ast.unparse(stmt.annotation), None))
        init = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
        for node in ast.walk(init) if init else ():
            target = value = annotation = None
            if isinstance(node, ast.AnnAssign):
                target, value, annotation = node.target, node.value, ast.unparse(node.annotation)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                    and target.value.id == "self"):
                continue
            if annotation:
                hints.setdefault(target.attr, (annotation, None))
            elif isinstance(value, ast.Name) and value.id in by_name:
                p = by_name[value.id]
                hints.setdefault(target.attr, (p.annotation, p.default))
    # the members of the class (and its bases in the program) with code: what the method reads
    # through them counts too (`is_variant` reads `self.gt_type`, a property reading `self.called`)
    members: dict[str, ast.AST] = {}
    for cls in _bases(owner, classes):
        for stmt in cls.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name != "__init__" \
                    and not _is_stub(stmt):
                members.setdefault(stmt.name, stmt)
    read: list[str] = []
    bodies, seen = [fn], {id(fn)}
    for body in bodies:
        own: list[str] = []
        for node in ast.walk(body):
            attr = None
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
                if isinstance(node.ctx, ast.Load):
                    attr = node.attr
                    member = members.get(attr)
                    if member is not None and id(member) not in seen and len(bodies) < MAX_MEMBER_BODIES:
                        seen.add(id(member))
                        bodies.append(member)
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Attribute) and isinstance(
                    node.target.value, ast.Name) and node.target.value.id == "self":
                attr = node.target.attr
            if attr and attr not in defined and not attr.startswith("__") and attr not in read and attr not in own:
                own.append(attr)
        own.sort(key=lambda a: _use_position(body, a))
        read += own
    return [Param(a, "attribute", *hints.get(a, (None, None))) for a in read]


MAX_MEMBER_BODIES = 8  # the method and the members it reaches through `self`


def _use_position(fn: ast.AST, attr: str) -> tuple[int, int]:
    """(line, column) of the first `self.attr` in `fn`."""
    return min(((n.lineno, n.col_offset) for n in ast.walk(fn) if isinstance(n, ast.Attribute) and n.attr == attr
                and isinstance(n.value, ast.Name) and n.value.id == "self"), default=(0, 0))


def _placeholder_attributes(cls: ast.ClassDef) -> list[Param]:
    """`self.x = None` in the skeleton's `__init__`: attributes the context resolver kept without
    their value; the harness gives them generated values after construction."""
    init = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
    out: list[Param] = []
    for node in ast.walk(init) if init else ():
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value is None:
            for t in node.targets:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                    if t.attr not in {p.name for p in out}:
                        out.append(Param(t.attr, "attribute"))
    return out


def needs(record: FunctionRecord) -> tuple[str, str] | None:
    """(reason, detail) when the function needs what no harness provides."""
    modules: set[str] = {u.module for u in record.used_imports}
    names: set[str] = {n for u in record.used_imports for n in u.names}
    sources = [textwrap.dedent(u.statement) for u in record.used_imports] or [
        record.context_code.replace(MARKER, "pass")]
    for source in sources:  # `from matplotlib import pyplot` imports the module matplotlib.pyplot
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules.add(node.module)
                modules |= {f"{node.module}.{a.name}" for a in node.names}
                names |= {a.asname or a.name for a in node.names}
    code = "\n".join([record.code] + [c.source for c in record.callees])
    roots = {m.split(".")[0] for m in modules}

    def hit(table: set[str]) -> str | None:
        for m in sorted(modules | roots):
            if m in table or any(m.startswith(t + ".") for t in table):
                return m
        return None

    for reason, table in ((hc.NEEDS_NETWORK, NETWORK_MODULES), (hc.NEEDS_DATABASE, DATABASE_MODULES),
                          (hc.NEEDS_GUI, GUI_MODULES), (hc.NEEDS_EXTERNAL_PROGRAM, EXTERNAL_MODULES)):
        found = hit(table)
        if found:
            return reason, found
    net = names & NETWORK_NAMES or set(re.findall(r"\b(urlopen|urlretrieve|Entrez\.\w+|NCBIWWW)\b", code))
    if net:
        return hc.NEEDS_NETWORK, sorted(net)[0]
    if _EXTERNAL_CALL.search(code):
        return hc.NEEDS_EXTERNAL_PROGRAM, _EXTERNAL_CALL.search(code).group(0)
    if re.search(r"\b(input|raw_input)\s*\(", record.code):
        return hc.UNSUPPORTED_KIND, "reads stdin"
    return None


# ---------------------------------------------------------------- program assembly

def _call_source(t: Target, choice: Mapping[str, str]) -> tuple[str, str, str, set[str]]:
    """(make_args, make_obj, call) function sources for one choice of generators, and the
    generator functions used. Argument keys: parameter names; constructor's: `init.<name>`."""
    used: set[str] = set()
    lines = ["def _h_args_{v}(r):", "    a = {{}}"]
    for prefix, params in (("init.", t.ctor_params), ("attr.", t.attr_params), ("self.", t.self_attrs),
                           ("", t.params)):
        for p in params:
            spec = choice.get(prefix + p.name, "default")
            if spec == "default":
                continue
            lines.append(f"    a[{prefix + p.name!r}] = {spec_expr(spec, used)}")
    lines.append("    return a")

    def arglist(params: list[Param], prefix: str) -> str:
        parts, keyword = [], False
        for p in params:
            key = prefix + p.name
            if choice.get(key, "default") == "default":
                keyword = True  # later arguments must go by name
                continue
            if p.kind == "keyword" or keyword or p.has_default:
                parts.append(f"{p.name}=a[{key!r}]")
                keyword = keyword or p.has_default
            else:
                parts.append(f"a[{key!r}]")
        return ", ".join(parts)

    cls = t.class_path
    if t.call_kind in ("method", "property") and choice.get(OBJ_KEY) == "bare":
        # without __init__ (the skeleton's is partial): the attributes the method reads get values
        make_obj = (f"def _h_obj_{{v}}(a):\n    obj = _h_new({cls})\n    for k, v in a.items():\n"
                    "        if k.startswith('self.'):\n            setattr(obj, k[5:], v)\n    return obj")
    elif t.call_kind in ("method", "property"):
        make_obj = f"def _h_obj_{{v}}(a):\n    obj = _h_concrete({cls})({arglist(t.ctor_params, 'init.')})"
        if t.attr_params:
            make_obj += ("\n    for k, v in a.items():\n        if k.startswith('attr.'):\n"
                         "            setattr(obj, k[5:], v)")
        make_obj += "\n    return obj"
    if t.call_kind in ("method", "property"):
        target = f"obj.{t.name}"
    else:
        make_obj = "def _h_obj_{v}(a):\n    return None"
        target = f"{cls}.{t.name}" if cls else t.name
    if t.call_kind == "property":
        expr = target
    else:
        expr = f"{target}({arglist(t.params, '')})"
    if t.is_async:
        expr = f"__import__('asyncio').run({expr})"
    call = f"def _h_call_{{v}}(obj, a):\n    return {expr}"
    return "\n".join(lines), make_obj, call, used


def build_program(context_code: str, target: Target, choices: list[Mapping[str, str]], *, probe: bool,
                  seeds: tuple[int, ...] = DEFAULT_SEEDS, call_limit: float = PROBE_CALL_LIMIT) -> str:
    """The harness (one choice, `probe=False`) or the probe program (every choice)."""
    used: set[str] = set()
    parts = []
    for v, choice in enumerate(choices):
        args_src, obj_src, call_src, u = _call_source(target, choice)
        used |= u
        suffix = str(v) if probe else ""
        parts += [s.replace("{v}", suffix).replace("{{}}", "{}") for s in (args_src, obj_src, call_src)]
    runtime = RUNTIME.strip("\n") + ("\n\n" + PROBE_RUNTIME.strip("\n") if probe else "")
    head = context_code.rstrip("\n") + "\n\n" + runtime + "\n\n\n"
    gens = _generator_source(used)
    body = (gens + "\n\n\n" if gens else "") + "\n\n\n".join(parts) + "\n\n\n"
    if probe:
        variants = ", ".join(f"(_h_args_{v}, _h_obj_{v}, _h_call_{v})" for v in range(len(choices)))
        first = target.params[0].name if target.params else None
        main = (f"if __name__ == '__main__':\n"
                f"    _h_probe([{variants}], {list(seeds)!r}, {call_limit!r}, {first!r})\n")
    else:
        main = "if __name__ == '__main__':\n    _h_main(_h_args_, _h_obj_, _h_call_)\n"
    return head + body + main


def _variants(keys: list[str], cands: dict[str, list[str]]) -> list[dict[str, str]]:
    """Bounded generator combinations: the top choice, then one parameter changed at a time,
    then every parameter moved to its next candidate at once, then every defaulted parameter
    given a value."""
    top = {k: cands[k][0] for k in keys}
    out = [top]
    for k in keys:
        for alt in cands[k][1:]:
            out.append({**top, k: alt})
    for rank in (1, 2):  # parameters that must agree: two BED-like frames rather than two plain ones
        out.append({k: _at_rank(cands[k], rank) for k in keys})
    filled = {k: next((c for c in cands[k] if c != "default"), "default") for k in keys}
    out.append(filled)
    for k in keys:
        for alt in cands[k][1:]:
            if alt != "default" and alt != filled[k]:
                out.append({**filled, k: alt})
    seen, unique = set(), []
    for choice in out:
        key = tuple(sorted(choice.items()))
        if key not in seen:
            seen.add(key)
            unique.append(choice)
    return unique[:MAX_VARIANTS]


def _at_rank(cands: list[str], rank: int) -> str:
    """A parameter's candidate of that rank (its last if it has fewer); a default stays one."""
    return cands[0] if cands[0] == "default" else cands[min(rank, len(cands) - 1)]


_GENERIC = ["int_small", "int_signed", "float", "prob", "word", "dna", "list[int]", "list[float]", "list[str]",
            "dict[str,int]", "bool", "tuple[int,int]", "num_str"]
_GENERIC_NUMPY = ["ndarray_float", "ndarray_int", "matrix_float"]
MAX_WIDER_VARIANTS = 48


MAX_WIDER_OBJECTS = 3


def _wider_variants(choices: list[dict[str, str]], cands: Mapping[str, list[str]], numpy: bool,
                    known: Mapping[str, tuple[str, ...]] = MappingProxyType({})) -> list[dict[str, str]]:
    """Second-round combinations: every key's ranked candidates extended by generic ones (small
    ints, signed ints, floats, words, DNA, lists of ints/floats/strings, dicts, bools, arrays when
    the program uses numpy, and objects of the program's classes that wrap a generated value,
    such as `DNA(sequence)`); one key changed at a time from each strategy's top choice, then
    deterministic random combinations."""
    import random

    tops: list[dict[str, str]] = []
    for choice in choices:
        if choice.get(OBJ_KEY) not in {t.get(OBJ_KEY) for t in tops}:
            tops.append(choice)
    wrappers = [f"new[{','.join([name, *args])}]" for name, args in known.items() if args]
    extra = _GENERIC + (_GENERIC_NUMPY if numpy else []) + wrappers[:MAX_WIDER_OBJECTS]
    out: list[dict[str, str]] = []
    rng = random.Random(0)
    seen = {tuple(sorted(c.items())) for c in choices}
    per_top = MAX_WIDER_VARIANTS // max(1, len(tops))
    for top in tops:
        keys = [k for k in top if k != OBJ_KEY]
        if not keys:
            continue
        wide = {k: [c for c in cands.get(k, [])] + [e for e in extra if e not in cands.get(k, [])] for k in keys}
        mine: list[dict[str, str]] = []
        for k in keys:
            for alt in wide[k]:
                mine.append({**top, k: alt})
        for _ in range(per_top * 2):
            mine.append({**top, **{k: rng.choice(wide[k]) for k in keys}})
        picked = []
        for choice in mine:
            key = tuple(sorted(choice.items()))
            if key not in seen:
                seen.add(key)
                picked.append(choice)
        out += picked[:per_top]
    return out


# ---------------------------------------------------------------- probing

def _parse_probe(stdout: str) -> list[dict[str, Any]]:
    recs = []
    for line in stdout.splitlines():
        if line.startswith("@@PROBE@@ "):
            try:
                recs.append(json.loads(line[len("@@PROBE@@ "):]))
            except json.JSONDecodeError:
                continue
    return recs


def crash_reason(stderr: str, status: str) -> tuple[str, str]:
    """Why a harness process failed before producing output."""
    if status == "timeout":
        return hc.TIMEOUT, ""
    m = re.search(r"ModuleNotFoundError: No module named '([\w.]+)'", stderr)
    if m:
        return f"{hc.MISSING_MODULE}:{m.group(1).split('.')[0]}", ""
    m = re.search(r"ImportError: (.*)", stderr)
    if m:
        return hc.CONTEXT_BROKEN, m.group(0)[:200]
    last = [line for line in stderr.strip().splitlines() if line.strip()]
    return hc.CONTEXT_BROKEN, (last[-1][:200] if last else status)


def choose(recs: list[dict[str, Any]], n_variants: int, n_seeds: int) -> tuple[int | None, str, str]:
    """(variant, reason, detail): the first variant under which the reference returns on every
    seed with varying output; else the first returning on at least 60% of the seeds with
    varying output; else the first returning everywhere (validation will judge it); else why not."""
    by_v: dict[int, list[dict[str, Any]]] = {}
    for rec in recs:
        by_v.setdefault(rec["v"], []).append(rec)
    need = math.ceil(0.6 * n_seeds)
    best_partial = best_constant = best_identity = None
    failures: Counter = Counter()
    for v in range(n_variants):
        rs = by_v.get(v, [])
        ok = sum(r["s"] == "ok" for r in rs)
        complete = all(r["s"] in ("ok", "raised") for r in rs) and len(rs) == n_seeds
        varied = len({r.get("o") for r in rs}) > 1
        identity = all(r.get("o") == r.get("f") for r in rs if r["s"] == "ok")  # `return first arg` would pass
        for r in rs:
            if r["s"] != "ok":
                failures[(r["s"], r.get("e", ""))] += 1
        if complete and ok == n_seeds and varied and not identity:
            return v, "", ""
        if complete and ok >= need and varied and best_partial is None and not identity:
            best_partial = v
        if complete and ok == n_seeds and varied and best_identity is None:
            best_identity = v
        if complete and ok == n_seeds and best_constant is None:
            best_constant = v
    if best_partial is not None:
        return best_partial, "", ""
    if best_identity is not None:
        return best_identity, "", ""
    if best_constant is not None:
        return best_constant, "", ""
    if not failures:
        return None, hc.GENERATOR_FAILED, "no probe output"
    (stage, exc), _ = failures.most_common(1)[0]
    stages = {s for s, _ in failures}
    if stages == {"init"}:
        return None, hc.NEEDS_UNCONSTRUCTIBLE_OBJECT, f"constructor raised {exc}"
    if stage == "timeout":
        return None, hc.TIMEOUT, "probe"
    return None, hc.GENERATOR_FAILED, f"{stage} {exc}".strip()


# ---------------------------------------------------------------- stubs

def stubs_for(code: str, body: str, first_param: str | None) -> dict[str, str]:
    """Trivial implementations that a validated harness must reject."""
    statements = {"pass": "pass", "return_none": "return None", "raise": "raise NotImplementedError"}
    if first_param:
        statements["return_first_arg"] = f"return {first_param}"
    out = {}
    for name, stmt in statements.items():
        try:
            out[name] = normalize_solution(hc.replace_body(code, body, stmt))
        except ValueError:
            out[name] = _stub_by_ast(code, stmt)
    return out


def _stub_by_ast(code: str, stmt: str) -> str:
    src = normalize_solution(code)
    fn = ast.parse(src).body[0]
    lines = src.split("\n")
    first = fn.body[0].lineno - 1
    head = lines[:first]
    indent = re.match(r"\s*", lines[first]).group(0)
    if first == fn.lineno - 1:  # `def f(x): return x` on one line
        line = lines[first]
        col = fn.body[0].col_offset
        return "\n".join(head + [line[:col] + stmt])
    return "\n".join(head + [indent + stmt])


# ---------------------------------------------------------------- sibling methods

def _def_lines(source: str) -> tuple[list[str], list[str]] | None:
    """(kept decorator lines, `def` line to the end) of a method's source at column 0; the
    decorators kept are the skeleton's (`context_python.is_descriptor_decorator`): others may
    name what the context does not define. None when the source does not parse as one def."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    fn = tree.body[0]
    lines = source.split("\n")
    decorators = []
    for d in fn.decorator_list:
        if is_descriptor_decorator("@" + ast.unparse(d)):
            decorators += lines[d.lineno - 1: d.end_lineno]
    return decorators, lines[fn.lineno - 1:]


def _is_stub(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A skeleton's member: its body is `...`."""
    return len(fn.body) == 1 and isinstance(fn.body[0], ast.Expr) and isinstance(fn.body[0].value, ast.Constant) \
        and fn.body[0].value.value is Ellipsis


def expand_methods(context: str, record: FunctionRecord) -> str:
    """`context` with the stubbed sibling methods (`def m(self, x): ...`) of the function's class,
    and its placeholder `__init__`, replaced by their real source from `record.callees` (kind
    "method"), sibling methods the skeleton leaves out (called only by other siblings) added
    above the marker, and the file imports those sources read: the reference does not run
    against placeholders. The context unchanged when there is nothing to expand or the
    expanded one does not parse."""
    methods = [c for c in record.callees if c.kind == "method" and c.name != record.name]
    if not methods:
        return context
    lines = context.split("\n")
    marker = next((i for i, line in enumerate(lines) if line.strip() == MARKER), None)
    if marker is None:
        return context
    pad = lines[marker][: len(lines[marker]) - len(lines[marker].lstrip())]
    try:
        tree = ast.parse("\n".join(pad + "pass" if i == marker else line for i, line in enumerate(lines)))
    except SyntaxError:
        return context
    owner = None
    for node in ast.walk(tree):  # the innermost class holding the marker
        if isinstance(node, ast.ClassDef) and node.lineno <= marker + 1 <= node.end_lineno and (
                owner is None or node.lineno > owner.lineno):
            owner = node
    if owner is None:
        return context
    stubs = {}
    assigned: set[str] = set()  # class-level names (`x = property(...)`): never shadowed by an added def
    for stmt in owner.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name not in stubs:
            stubs[stmt.name] = stmt
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            assigned |= _assigned_names(stmt)
    edits: list[tuple[int, int, list[str]]] = []  # (first line, end line (exclusive), replacement), 0-based
    added: list[str] = []
    swapped: list[str] = []  # the sources put in
    for callee in methods:
        parts = _def_lines(callee.source)
        if parts is None:
            continue
        decorators, body = parts
        stub = stubs.get(callee.name)
        if stub is not None:
            # a constructor the method runs (`cls(…)`) replaces the skeleton's placeholder one
            if not _is_stub(stub) and callee.name != "__init__":
                continue
            indent = lines[stub.lineno - 1][: len(lines[stub.lineno - 1]) - len(lines[stub.lineno - 1].lstrip())]
            edits.append((stub.lineno - 1, stub.end_lineno, [indent + ln if ln.strip() else ln for ln in body]))
        elif callee.name not in assigned:
            added += [pad + ln if ln.strip() else ln for ln in decorators + body] + [""]
        else:
            continue
        swapped.append(callee.source)
    if not edits and not added:
        return context
    if added:
        edits.append((marker, marker, added))
    for start, end, new in sorted(edits, reverse=True):
        lines[start:end] = new
    imports = _file_imports_for(swapped, record, tree)
    if imports:
        at = next((i + 1 for i in range(len(lines) - 1, -1, -1) if lines[i].startswith("from __future__")), 0)
        lines[at:at] = imports
    expanded = "\n".join(lines)
    try:
        ast.parse(expanded.replace(MARKER, "pass"))
    except SyntaxError:
        return context
    return expanded


def _file_imports_for(sources: list[str], record: FunctionRecord, tree: ast.Module) -> list[str]:
    """Lines importing what the swapped-in methods read from the function's file's absolute
    imports and the context (`tree`) does not bind (the context holds what the function itself
    reads: a constructor may use `np` where the method does not). Each is guarded, so that one
    that fails leaves the rest of the program as it was."""
    used: set[str] = set()
    for src in sources:
        try:
            used |= {n.id for n in ast.walk(ast.parse(textwrap.dedent(src))) if isinstance(n, ast.Name)}
        except SyntaxError:
            continue
    bound: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= _import_binds(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            bound |= _assigned_names(node)
    wanted = used - bound
    out: list[str] = []
    for stmt in record.imports:
        try:
            node = ast.parse(stmt).body[0]
        except (SyntaxError, IndexError):
            continue
        if isinstance(node, ast.ImportFrom) and (node.level or node.module == "__future__"):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)) and _import_binds(node) & wanted:
            out += ["try:", *("    " + ln for ln in stmt.split("\n")), "except ImportError:", "    pass"]
    return out


def _assigned_names(node: ast.Assign | ast.AnnAssign) -> set[str]:
    """The names an assignment binds (`a, (b, c) = …` binds a, b and c)."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _import_binds(node: ast.Import | ast.ImportFrom) -> set[str]:
    """The names an import statement binds (`import os.path` binds `os`)."""
    return {a.asname or a.name.split(".")[0] for a in node.names}


# ---------------------------------------------------------------- entry point

def generate(
    record_or_row: FunctionRecord | Mapping[str, Any],
    *,
    python: str | None = None,
    seeds: tuple[int, ...] = DEFAULT_SEEDS,
    timeout: float = 10.0,
) -> HarnessPlan | Untestable:
    """A harness for one Python item, or why none can be made. Runs the probe in the sandbox.
    When the class skeleton stubs sibling methods the function calls, the program uses their real
    source (`expand_methods`); when no harness comes of that, or it is not validated (`retry`),
    the stubbed context is tried."""
    record = hc.as_record(record_or_row)
    context = record.context_code or ""
    if hc.marker_count(context) != 1:
        return Untestable(hc.NO_MARKER, f"{hc.marker_count(context)} marker lines")
    if record.python2:
        return Untestable(hc.CONTEXT_BROKEN, "python 2 source")
    expanded = expand_methods(context, record)
    if expanded != context:
        plan = _generate(record, expanded, python=python, seeds=seeds, timeout=timeout)
        if isinstance(plan, HarnessPlan):
            plan.retry = lambda: _generate(record, context, python=python, seeds=seeds, timeout=timeout)
            return plan
    return _generate(record, context, python=python, seeds=seeds, timeout=timeout)


def _generate(record: FunctionRecord, context: str, *, python: str | None, seeds: tuple[int, ...],
              timeout: float) -> HarnessPlan | Untestable:
    reference = normalize_solution(record.code)
    program_ref = hc.insert_solution(context, reference)
    target = analyse(record, program_ref, context)
    if isinstance(target, Untestable):
        return target
    need = needs(record)
    if need:
        return Untestable(need[0], need[1])
    known = constructible_classes(program_ref)
    doc_types = docstring_types(record.docstring)
    keys, cands, bad = _rank_all([("", target.params)], doc_types, known)
    if bad:
        return Untestable(*bad)
    if target.call_kind in ("method", "property"):
        # two ways to the instance, the real constructor first: `init` (constructor arguments and
        # the skeleton's placeholder attributes generated) and `bare` (no __init__; the attributes
        # the method reads generated)
        choices = []
        init_keys, init_cands, init_bad = _rank_all([("init.", target.ctor_params), ("attr.", target.attr_params)],
                                                    {}, known)
        if not init_bad:
            choices += [{OBJ_KEY: "init", **c} for c in _variants(init_keys + keys, {**cands, **init_cands})]
        bare_keys, bare_cands, bare_bad = _rank_all([("self.", target.self_attrs)], {}, known)
        if not bare_bad:
            choices += [{OBJ_KEY: "bare", **c} for c in _variants(bare_keys + keys, {**cands, **bare_cands})]
        if not choices:
            return Untestable(*(init_bad or bare_bad))
        cands.update(init_cands)
        cands.update(bare_cands)
        keys += init_keys + bare_keys
    else:
        choices = _variants(keys, cands)
    def probe(choices: list[dict[str, str]]) -> tuple[int | None, str, str, bool]:
        """(variant, reason, detail, whether the variant's output varies over the seeds)."""
        program = build_program(context, target, choices, probe=True, seeds=seeds,
                                call_limit=min(PROBE_CALL_LIMIT, timeout))
        run = hc.run_seeds("python", hc.insert_solution(program, reference), [0], python=python,
                           timeout=max(timeout * 3, 30.0))[0][0]
        recs = _parse_probe(run.output)
        if not recs:
            return None, *crash_reason(run.stderr, run.status), False
        v, reason, detail = choose(recs, len(choices), len(seeds))
        return v, reason, detail, v is not None and len({r.get("o") for r in recs if r["v"] == v}) > 1

    v, reason, detail, varied = probe(choices)
    if v is None and reason == hc.GENERATOR_FAILED or v is not None and not varied and keys:
        # no ranked combination worked, or none varied the output: a second probe over generic
        # candidates for every key (validation still asks for varying output and failing stubs)
        wider = _wider_variants(choices, cands, numpy="numpy" in program_ref, known=known)
        if wider:
            v2, _, _, varied2 = probe(wider)
            if v2 is not None and (v is None or varied2):
                choices, v = wider, v2
    if v is None:
        if reason == hc.GENERATOR_FAILED and any(
                all(c.endswith("_path") or c.startswith("open[") for c in cands[k] if c != "default") for k in keys):
            reason = hc.UNKNOWN_FILE_FORMAT
        return Untestable(reason, detail, build_program(context, target, choices[:1], probe=False))
    program = build_program(context, target, [choices[v]], probe=False)
    first = next((p.name for p in target.params), None)
    stubs = stubs_for(record.code, record.body, first if target.call_kind != "property" else None)
    return HarnessPlan(language="python", program=program, reference=reference, stubs=stubs,
                       has_inputs=any(c != "default" for k, c in choices[v].items() if k != OBJ_KEY),
                       generators=dict(choices[v]))


def _rank_all(groups: list[tuple[str, list[Param]]], doc_types: Mapping[str, str], known: Mapping[str, tuple[str, ...]],
              ) -> tuple[list[str], dict[str, list[str]], tuple[str, str] | None]:
    """(keys, ranked generator specs per key, why not) for groups of (key prefix, parameters).
    Attributes are ranked by their name without leading underscores."""
    keys: list[str] = []
    cands: dict[str, list[str]] = {}
    for prefix, params in groups:
        for p in params:
            ranked_as = Param(p.name.lstrip("_") or p.name, p.kind, p.annotation, p.default, keys=p.keys,
                              attrs=p.attrs, indexed=p.indexed) \
                if p.kind == "attribute" else p
            ranked = rank_candidates(ranked_as, doc_types if not prefix else {}, known)
            usable = [c for c in ranked if not c.startswith("!")]
            if not usable:
                bad = ranked[0] if ranked else _UNSUPPORTED
                if bad.startswith(_OBJECT):
                    return keys, cands, (hc.NEEDS_UNCONSTRUCTIBLE_OBJECT, f"{p.name}: {bad[len(_OBJECT):]}")
                return keys, cands, (hc.UNSUPPORTED_TYPE, f"{p.name}: {p.annotation or doc_types.get(p.name)}")
            cands[prefix + p.name] = usable
            keys.append(prefix + p.name)
    return keys, cands, None


MAX_CTOR_ARGS = 3


def constructible_classes(program: str) -> dict[str, tuple[str, ...]]:
    """Classes of the program the harness can build, each with the generator specs of its
    constructor's required arguments: none, or at most three whose annotation or name gives a
    simple generator (`DNA(sequence)` → ("dna",)). Inherited constructors count."""
    try:
        tree = ast.parse(program)
    except SyntaxError:
        return {}
    classes = _class_index(tree)
    out: dict[str, tuple[str, ...]] = {}
    for name, cls in classes.items():
        params = _class_params(cls, program, classes) or []
        required = [p for p in params if not p.has_default]
        if len(required) > MAX_CTOR_ARGS or any(p.kind != "positional" for p in required):
            continue
        specs = []
        for p in required:
            found = [x for x in type_specs(p.annotation) or name_specs(p.name)
                     if not x.startswith(("!", "new[", "open["))]
            if not found:
                break
            specs.append(found[0])
        else:
            out[name] = tuple(specs)
    return out
