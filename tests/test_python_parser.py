"""parsers/python.py: every def, exact code, spans, signatures, docstrings, Python 2, errors."""

from __future__ import annotations

import ast

import pytest

from parsers.python import parse_functions, summarize_python, unquote_docstring

SRC = '''import os

@decorator(1)
@other
def top(a, b: int = 2, *args, c=None, **kw) -> str:
    r"""Raw \\d docstring."""
    def nested(x):
        return x + a
    return nested(b)


async def fetch(url):
    """Fetch."""
    return url


class Outer(Base):
    attr = 1

    def method(self):
        return self.attr

    @staticmethod
    def smethod(x):
        return x

    @classmethod
    def cmethod(cls):
        return cls()

    @property
    def prop(self):
        return 1

    class Inner:
        def deep(self):
            pass
'''


def by_name(fns):
    return {f.qualname: f for f in fns}


def test_every_def_found_with_kinds_and_scopes():
    fns = by_name(parse_functions(SRC))
    assert set(fns) == {"top", "top.<locals>.nested", "fetch", "Outer.method", "Outer.smethod",
                        "Outer.cmethod", "Outer.prop", "Outer.Inner.deep"}
    assert fns["top"].kind == "function" and fns["top"].scope == "module"
    assert fns["top.<locals>.nested"].scope == "function"
    assert fns["Outer.method"].kind == "method" and fns["Outer.method"].scope == "class"
    assert fns["Outer.smethod"].kind == "staticmethod"
    assert fns["Outer.cmethod"].kind == "classmethod"
    assert fns["Outer.prop"].kind == "property"
    assert fns["Outer.Inner.deep"].class_qualname == "Outer.Inner"
    assert fns["fetch"].is_async and fns["fetch"].signature == "async def fetch(url):"
    n_ast = sum(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in ast.walk(ast.parse(SRC)))
    assert n_ast == len(fns)


def test_code_is_exact_slice_with_decorators_and_spans():
    fns = by_name(parse_functions(SRC))
    top = fns["top"]
    lines = SRC.split("\n")
    assert top.start_line == 3 and top.code.startswith("@decorator(1)\n@other\ndef top(")
    assert top.code == "\n".join(lines[top.start_line - 1:top.end_line])
    assert top.code.endswith("return nested(b)")
    assert SRC.encode()[top.start_byte:top.end_byte].decode() == top.code
    assert top.decorators == ["@decorator(1)", "@other"]
    assert [(p.name, p.type, p.default) for p in top.parameters] == [
        ("a", None, None), ("b", "int", "2"), ("*args", None, None), ("c", None, "None"), ("**kw", None, None)]
    assert top.return_type == "str"
    assert top.docstring == "Raw \\d docstring."
    assert fns["fetch"].docstring == "Fetch."
    assert top.refs == {"decorator", "other", "int", "str"}  # a/b are params, nested is local
    assert fns["top.<locals>.nested"].refs == {"a"}


def test_non_ascii_byte_offsets():
    src = "def f():\n    return 'ÄÖÜ → ✓'\n\ndef g():\n    return 1\n"
    fns = by_name(parse_functions(src))
    assert fns["f"].code == "def f():\n    return 'ÄÖÜ → ✓'"
    assert fns["g"].code == "def g():\n    return 1"


def test_python2_file_yields_functions_flagged():
    src = b"def main():\n    try:\n        x = 1\n    except ValueError, e:\n        print 'bad', e\n    print `x`\n\ndef other():\n    return 0777\n"
    s = summarize_python("p2.py", src)
    assert s.python2
    assert [f.name for f in s.functions] == ["main", "other"]
    for src2 in (b"x = 0777\n", b"exec 'x = 1'\n", b"s = ur'abc'\n", b"print 'a'\n"):
        assert summarize_python("p.py", src2).python2, src2
    assert not summarize_python("p3.py", b"print('x')\nx = 0o777\n").python2


def test_syntax_error_elsewhere_keeps_good_functions():
    src = b"def good_one(a):\n    return a + 1\n\ndef bad(:\n    pass\n\ndef good_two(b):\n    return b * 2\n"
    fns = by_name(parse_functions(src))
    assert "good_one" in fns and "good_two" in fns
    assert not fns["good_one"].has_error and not fns["good_two"].has_error
    assert fns["good_two"].code == "def good_two(b):\n    return b * 2"


def test_truncated_file_ending_in_an_empty_def_keeps_its_functions():
    # a file cut off after `def f():` (a partial download, an editor's backup) used to raise IndexError
    for src, names in ((b"def gc(seq):\n    return seq.count('G')\n\ndef at(seq):\n", {"gc", "at"}),
                       (b"def revcomp(seq):", {"revcomp"}),
                       (b"class Read:\n    def trim(self):\n", {"trim"})):
        assert {f.name for f in parse_functions(src)} == names


@pytest.mark.interpreted
def test_a_file_the_parser_fails_on_is_a_counted_skip(tmp_path, monkeypatch):
    import parsers.python
    import pipeline.context_python as cp
    from pipeline.extract import extract_repo

    (tmp_path / "good.py").write_text("def gc(seq):\n    return seq.count('G')\n")
    (tmp_path / "bad.py").write_text("def at(seq):\n    return seq.count('A')\n")

    def summarize(path, data):
        if path == "bad.py":
            raise IndexError("child index out of range")
        return parsers.python.summarize_python(path, data)

    monkeypatch.setattr(cp, "summarize_python", summarize)
    recs, stats = extract_repo(tmp_path, languages=("python",))
    assert [r.name for r in recs] == ["gc"]
    assert stats.skipped["python:parse_failed: IndexError"] == 1 and ("bad.py", "parse_failed: IndexError") in stats.skipped_files


def test_crlf_and_tabs():
    src = b"class T:\r\n\tdef m(self, x):\r\n\t\treturn self.k * x\r\n\r\n\tk = 2\r\n"
    (m,) = parse_functions(src)
    assert m.code == "def m(self, x):\r\n\t\treturn self.k * x"
    assert m.indent == "\t" and (m.start_line, m.end_line) == (2, 3)
    assert ("self", "k") in m.chains


def test_docstring_unquoting():
    assert unquote_docstring('"""a\n    b"""') == "a\nb"
    assert unquote_docstring("u'x\\ny'") == "x\ny"
    assert unquote_docstring("r'''x\\ty'''") == "x\\ty"


def test_class_members_and_imports():
    src = b'''import numpy as np, os.path
from .sub import thing as t
from pkg import *
__all__ = ["K"]
try:
    import cPickle as pickle
except ImportError:
    import pickle
K = np.zeros(3)

class C(np.ndarray):
    size = 4
    def __init__(self, n):
        self.n = n
        self.z = K
    def get(self):
        return self.n + self.size
'''
    s = summarize_python("m.py", src)
    assert s.import_bindings["np"].module == "numpy"
    assert s.import_bindings["os"].module == "os.path"
    t = s.import_bindings["t"]
    assert (t.level, t.module, t.attr, t.statement) == (1, "sub", "thing", "from .sub import thing as t")
    assert s.star_imports[0].module == "pkg"
    assert s.all_names == ["K"]
    assert s.statements[s.import_bindings["pickle"].top_index].kind == "compound"
    c = s.classes["C"]
    assert c.header == "class C(np.ndarray):"
    assert set(c.class_attrs) == {"size"} and set(c.attributes) == {"n", "z"}
    assert c.attributes["n"].source == "self.n = n"
    assert s.statements[s.bindings["K"][0]].refs == {"np"}


def test_walk_skips_only_bodies_with_nothing_to_find():
    # the statement walk enters a function body only if it holds a def, class, import, Python 2
    # statement, except clause or error (or, in a method, an assignment to an attribute)
    src = b'''class C:
    def m(self, flag):
        if flag:
            for i in range(3):
                self.a, self.b = i, flag
        return self.a

    def plain(self):
        return 1

def f():
    try:
        from json import loads
    except ImportError:
        loads = None
    while True:
        with open("x") as fh:
            def inner():
                return fh
            return inner
'''
    s = summarize_python("w.py", src)
    assert set(s.classes["C"].attributes) == {"a", "b"}
    assert s.classes["C"].attributes["a"].method == "m"
    f = next(fn for fn in s.functions if fn.qualname == "f")
    assert [b.name for b in f.local_imports] == ["loads"]
    assert "f.<locals>.inner" in {fn.qualname for fn in s.functions}
    assert not s.python2
    assert summarize_python("p.py", b"def f():\n    if x:\n        print 'a'\n").python2


def test_python2_literals_only_in_code():
    assert summarize_python("p.py", b"def f():\n    return 10L\n").python2
    assert summarize_python("p.py", b"x = `y`\n").python2
    ok = b'def f():\n    """Use ``x`` and `y`; 0777 and 10L in text."""\n    # 0777 ur"a" `b`\n    return 0\n'
    assert not summarize_python("p3.py", ok).python2
    assert not summarize_python("p3.py", b"x = 0x1F + 0 + 10 + 0.5\n").python2


def test_names_read_in_string_annotations_follow_pyflakes_rules():
    """Forward references (`x: "FastaIndex"`, `Optional["Record"]`, `TypeVar(..., bound="ReadSet")`,
    `cast("Counter[str]", ...)`) are names the code reads for type checkers and pyflakes, kept
    apart from the names it reads when it runs. `Literal` values, `Annotated` metadata, plain
    strings and a function merely named like a helper (`my_cast`) are not annotations."""
    src = (
        "from typing import TYPE_CHECKING, Annotated, Literal, Optional, TypeVar, cast\n"
        "if TYPE_CHECKING:\n    from seqkit.index import FastaIndex\n"
        "T = TypeVar('T', bound='ReadSet')\n"
        "FORMATS = {'fasta': 'Record'}\n"
        "class ReadSet:\n"
        "    index: 'FastaIndex'\n"
        "    mode: Literal['fasta', 'fastq'] = 'fasta'\n"
        "    def __init__(self, index: Optional['FastaIndex'] = None, label: str = 'Record'):\n"
        "        self.index = index\n"
        "        self.cache: 'dict[str, Record]' = {}\n"
        "    def lookup(self, name: Annotated[str, 'Accession']) -> \"Optional['Record']\":\n"
        "        counts = cast('Counter[str]', my_cast('Ignored', {}))\n"
        "        return self.cache.get(name)\n"
        "def plain(seq, alphabet='ACGT'):\n    return set(seq) <= set(alphabet)\n"
    )
    s = summarize_python("seqkit/reads.py", src.encode())
    fns = {f.qualname: f for f in s.functions}
    assert fns["ReadSet.__init__"].string_refs == {"FastaIndex", "dict", "str", "Record"}
    assert fns["ReadSet.lookup"].string_refs == {"Optional", "Record", "Counter", "str"}
    assert fns["plain"].string_refs == frozenset()
    cls = s.classes["ReadSet"]
    assert cls.class_attrs["index"].string_refs == {"FastaIndex"}
    assert cls.class_attrs["mode"].string_refs == frozenset()
    assert cls.attributes["cache"].string_refs == {"dict", "str", "Record"}
    by_line = {st.line: st for st in s.statements}
    assert by_line[4].string_refs == {"ReadSet"} and by_line[5].string_refs == frozenset()
    assert "FastaIndex" not in by_line[6].refs and "FastaIndex" in by_line[6].string_refs


def test_pep695_type_aliases_bind_and_type_parameters_are_not_free_names():
    src = (
        "from collections.abc import Sequence\n"
        "import numpy as np\n"
        "type LegacyRandom = int | np.random.RandomState | None\n"
        "type Pair[T] = tuple[T, T]\n"
        "type Tree = list[Tree] | str\n"
        "def first[T: Sequence, *Ts, **P](reads: list[T], seed: LegacyRandom = None) -> T:\n"
        "    kmer: T = reads[0]\n"
        "    return kmer\n"
        "class Box[K](Base[K]):\n"
        "    type Kmer = str\n"
        "    default: K | None = None\n"
        "    def get(self, k: Kmer) -> K:\n"
        "        return self.default\n"
    )
    s = summarize_python("sim.py", src.encode())
    alias, pair, tree = s.statements[2:5]
    assert (alias.kind, alias.names, alias.refs) == ("assign", ["LegacyRandom"], {"int", "np"})
    assert (pair.names, pair.refs) == (["Pair"], {"tuple"})
    assert (tree.names, tree.refs) == (["Tree"], {"list", "str"})  # reads itself: bound there
    assert s.bindings["LegacyRandom"] == [2]
    first = next(f for f in s.functions if f.name == "first")
    assert first.sig_refs == {"Sequence", "list", "LegacyRandom"} and first.refs == first.sig_refs
    box = s.classes["Box"]
    assert box.header_refs == {"Base"} and "K" not in box.refs
    assert box.class_attrs["Kmer"].refs == {"str"} and box.class_attrs["default"].refs == frozenset()
    assert "K" not in next(f for f in s.functions if f.name == "get").refs
