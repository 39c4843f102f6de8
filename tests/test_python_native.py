"""The C identifier pass (parsers/_pyscan.c) against the pure-Python one it replaces.

Both paths must give the same file summary, field for field; the native one is only faster.
Each case is summarized twice in one process, switching `parsers.python._NATIVE`.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

import parsers.python as pp
from parsers.compiled import compiled_status, why_not_compiled
from parsers.native import scanner_status
from tests.pyrepo_fixture import FILES

NATIVE = pp._NATIVE
needs_native = pytest.mark.skipif(NATIVE is None, reason=f"the C pass is not in use here: {scanner_status()}")
ROOT = Path(__file__).resolve().parents[1]


def canon(x):
    """A summary as nested tuples, sets sorted: equal exactly when the summaries are."""
    if dataclasses.is_dataclass(x):
        return type(x).__name__, tuple((f.name, canon(getattr(x, f.name))) for f in dataclasses.fields(x))
    if isinstance(x, (set, frozenset)):
        return "set", tuple(sorted((canon(v) for v in x), key=repr))
    if isinstance(x, dict):
        return "dict", tuple((canon(k), canon(v)) for k, v in x.items())
    if isinstance(x, (list, tuple)):
        return type(x).__name__, tuple(canon(v) for v in x)
    return x


def both(data: bytes, path: str = "m.py"):
    """(pure-Python summary, native summary) of one file."""
    try:
        pp._NATIVE = None
        pure = pp.summarize_python(path, data)
    finally:
        pp._NATIVE = NATIVE
    return pure, pp.summarize_python(path, data)


# Each snippet exercises identifier roles or Python 2 literals the two passes must agree on.
SNIPPETS = {
    "roles": b'''import os, sys as system
from .fasta import read_fasta as rf
K = 3
class Counter(dict):
    alphabet = "ACGT"
    def __init__(self, seq, k=K, *args, step: int = 1, **kw):
        global K
        self.seq, self.k = seq, k
        (self.a, self.b) = [1, 2]
        self.n += 1
        for i, (x, y) in enumerate(zip(seq, seq[1:])):
            total = (n := len(seq)) + i
        with open(seq) as (fh):
            lines = [l for l in fh if l]
        try:
            pass
        except (IOError, OSError) as err:
            raise
        f = lambda q, *r, s=1: q + s
        os . path . join(system.argv[0], rf(seq).name)
        return dict(key=value, other=K)
    def kmers(self):
        def inner(s):
            nonlocal step
            return s[: self.k]
        return [inner(self.seq[i:]) for i in range(len(self.seq))]
''',
    "match_and_patterns": b'''def parse(rec):
    match rec.split("\\t"):
        case [chrom, pos, *rest]:
            return chrom, int(pos), rest
        case {"id": ident, **others}:
            return ident
    a, *b = rec
    [c, d] = b
    return a, c, d
''',
    "python2": b'''def old(seq):
    print "GC:", seq.count("G")
    mask = 0777
    big = 10L
    return `seq`, ur"\\d+"
''',
    "py2_only_long": b"def size(x):\n    return x + 12L\n",
    "py2_only_ur_string": b"PATTERN = ur'^>(\\S+)'\ndef f():\n    return PATTERN\n",
    "broken": b'''def ok(seq):
    return seq.upper()

def broken(seq
    return seq[::-1] +

class Half(:
    def m(self): return self.x
''',
    "unicode_names": "def \u00e9chantillon(s\u00e9q):\n    \u00fcber = s\u00e9q.\u00e7a\n    return \u00fcber\n".encode(),
    "crlf_tabs": b"class T:\r\n\tdef m(self, x):\r\n\t\tself.y = x\r\n\t\treturn self.y . strip()\r\n",
    "truncated": b"import re\ndef f():",
    # error recovery inserts zero-width `MISSING identifier` nodes; the query captures them,
    # except at the very start of the file
    "missing_at_start": b',"\ndef f(seq):\n    return seq\n',
    "missing_assignment_target": b"= 1\n= 2\ndef g(x):\n    return x\n",
    "missing_condition": b"def h(reads):\n    if :\n        pass\n    return reads\n",
}


@needs_native
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_native_pass_matches_pure_python(name):
    pure, native = both(SNIPPETS[name])
    assert canon(native) == canon(pure)


@needs_native
def test_snippets_exercise_what_they_claim():
    # the comparison above is only as good as what the snippets contain
    _, s = both(SNIPPETS["roles"])
    init = next(f for f in s.functions if f.name == "__init__")
    assert {"seq", "k", "args", "step", "kw", "total", "n", "x", "y", "lines", "err", "f"} <= init.locals
    assert "K" not in init.locals and {"K", "os", "system", "rf", "value"} <= init.refs
    assert {("os", "path", "join"), ("system", "argv"), ("self", "n")} <= init.chains
    assert {"a", "b", "k", "n", "seq"} <= set(s.classes["Counter"].attributes)
    for name in ("python2", "py2_only_long", "py2_only_ur_string"):
        assert both(SNIPPETS[name])[1].python2, name
    assert not both(SNIPPETS["roles"])[1].python2
    broken = both(SNIPPETS["broken"])[1]
    assert broken.has_error and [f.name for f in broken.functions][:1] == ["ok"]


@needs_native
def test_native_pass_matches_pure_python_on_repositories():
    files = {f"fixture/{k}": v for k, v in FILES.items() if k.endswith(".py")}
    for path in sorted((ROOT / "pipeline" / "sample_repos").rglob("*.py")):
        files[str(path.relative_to(ROOT))] = path.read_bytes()
    assert len(files) > 20
    for path, data in files.items():
        pure, native = both(data, path)
        assert canon(native) == canon(pure), path


# Trees for the direct subtree walk of `scan` (parsers/_pyscan.c), each with what it exercises.
WALK_CASES = {
    "aliases": b"print(exec, match, async_, type)\nmatch = 1\nwith open(p) as (a, b): pass\n"
               b"case = [x async for x in y]\nfrom a.b import c as d\n",
    "comments_between_children": b"f(a,  # one\n  b,\n  # two\n  c=d)\nx = [  # head\n 1, # tail\n]\n"
                                 b"def g(  # c\n  p, q  # c\n):  # c\n    return (p  # c\n  .q)\n",
    "line_continuations": b"a = b + \\\n    c\nif x and \\\n   y: pass\n",
    "nested_fstrings": b'x = f"{a!r:>{w}} {f\'{b[f"{c}"]}\'} {d=}"\ny = rf"{e}\\d" f"{g}"\n',
    "python2_print": b"print >>sys.stderr, 'x', y\nprint\nexec code in ns\nprint 'a' % b,\n",
    "patterns": b"a, (b, [c, *d]) = e\nfor (i, j), k in z: pass\nself.x, [self.y] = 1, 2\n"
                b"match p:\n    case Point(x=0, y=yy) | [_, *rest] if rest: pass\n",
    "missing_nodes": b",\"\ndef f(x:\n    return x +\nclass C(:\n    y = \n",
    "error_recovery": b"def f(a, b\n    x = )\n    return [1, 2\nclass : pass\n@@\nlambda: (yield\n",
    "deep_nesting": b"x = " + b"(" * 300 + b"a" + b")" * 300 + b"\ny = " + b"[" * 200 + b"]" * 200 + b"\n"
                    + b"".join(b"    " * i + b"if a%d:\n" % i for i in range(100)) + b"    " * 100 + b"pass\n",
    "empty": b"",
    "only_comment": b"# nothing\n",
}


def _walk_inputs():
    yield from WALK_CASES.items()
    yield from SNIPPETS.items()
    yield from ((f"fixture/{k}", v) for k, v in FILES.items() if k.endswith(".py"))
    for path in sorted((ROOT / "pipeline" / "sample_repos").rglob("*.py")):
        yield str(path.relative_to(ROOT)), path.read_bytes()


@needs_native
def test_subtree_walk_matches_the_cursor_walk():
    # `scan` reads tree-sitter's internal subtrees (as tree_cursor.c does); `scan_cursor`, kept
    # as the oracle, walks the same tree with the public TSTreeCursor API. Their outputs must be
    # equal, on whole files and on every prefix and damaged copy of them (error recovery).
    rng = random.Random(11)
    n = 0
    for name, data in _walk_inputs():
        variants = [data] + [data[: rng.randrange(len(data) + 1)] for _ in range(3)]
        for _ in range(3):
            i = rng.randrange(len(data) + 1)
            variants.append(data[:i] + rng.choice([b"(", b":", b",\n", b"[", b"'", b"#", b"\\\n"]) + data[i + 5:])
        for d in variants:
            root = pp._PARSER.parse(d).root_node
            assert NATIVE.scan(root, d) == NATIVE.scan_cursor(root, d), (name, d)
            n += 1
    assert n > 200


@needs_native
def test_walk_cases_contain_what_they_claim():
    def nodes(name):
        stack = [pp._PARSER.parse(WALK_CASES[name]).root_node]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(node.children)

    assert any(n.type == "as_pattern_target" for n in nodes("aliases"))  # an aliased node
    assert any(n.type == "identifier" and n.text in (b"print", b"exec", b"match") for n in nodes("aliases"))
    assert any(n.type == "comment" and n.parent.type in ("argument_list", "list", "parameters")
               for n in nodes("comments_between_children"))  # extras between children
    assert sum(n.type == "interpolation" for n in nodes("nested_fstrings")) >= 4
    assert any(n.type == "print_statement" for n in nodes("python2_print"))
    assert any(n.is_missing and n.start_byte == n.end_byte for n in nodes("missing_nodes"))
    assert any(n.type == "ERROR" for n in nodes("error_recovery"))

    def depth(node):
        d = 0
        while node.parent is not None:
            node, d = node.parent, d + 1
        return d

    assert max(depth(n) for n in nodes("deep_nesting") if n.type == "identifier") > 300  # the 300 parentheses
    assert max(depth(n) for n in nodes("deep_nesting") if n.type == "pass_statement") > 200  # 100 blocks


def _status(env_extra: dict[str, str]) -> str:
    env = {**os.environ, **env_extra}
    out = subprocess.run([sys.executable, "-c", "from parsers.native import scanner_status; print(scanner_status())"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_pure_python_path_can_be_forced():
    assert _status({"BIOCODER_PURE_PYTHON": "1"}) == "pure Python (BIOCODER_PURE_PYTHON is set)"
    expected = "native" if NATIVE is not None else "pure Python"
    assert _status({"BIOCODER_PURE_PYTHON": ""}).startswith(expected)


@needs_native
def test_native_token_count_matches_the_regex():
    from pipeline.context_python import _NATIVE_COUNT, _TOKEN, count_tokens

    rng = random.Random(7)
    alphabet = "ab_Z09 \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x7f.,()[]=+-*/#\"'\\@\x00\x01"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert _NATIVE_COUNT(text) == len(_TOKEN.findall(text)), repr(text)
    assert _NATIVE_COUNT("seq = 'é'") is None  # non-ASCII: the regex counts
    assert count_tokens("def gc(seq):\n    return seq.count('G')  # é\n") == 17  # é is a word


def test_benchmark_script_runs_on_the_sample_repositories():
    samples = ROOT / "pipeline" / "sample_repos"
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_extract.py"), str(samples / "seqtools"),
                          str(samples / "alignlib"), "--repeat", "1", "--phases"],
                         capture_output=True, text=True, check=True).stdout
    assert out.count("extraction + context:") == 3, out  # two directories and their total
    assert "all 2 directories" in out and "directories at >= 5 MB/s:" in out
    assert f"identifier pass: {scanner_status()}" in out
    if why_not_compiled():
        assert out.count("phases (CPU s, one instrumented run): parse ") == 2
    else:
        assert out.count("phases: not measured, the parser and context resolver are compiled") == 2
    assert f"parser and context resolver: {compiled_status()}" in out


@needs_native
def test_native_calls_reject_mismatched_input():
    data = b"def gc(seq):\n    return seq.count('G')\n"
    _, _, _, ids = NATIVE.scan(pp._PARSER.parse(data).root_node, data)
    with pytest.raises(ValueError, match="outside the data"):
        NATIVE.sweep(ids, data[:10], [], [])  # offsets of another (longer) text: no read past the end
    with pytest.raises(TypeError, match="tree_sitter.Node"):
        NATIVE.scan(data, data)


@needs_native
def test_a_module_built_from_another_source_is_not_used(tmp_path, monkeypatch):
    import parsers.native as native

    edited = tmp_path / "_pyscan.c"
    edited.write_bytes(native.SOURCE.read_bytes() + b"/* edited after the build */\n")
    monkeypatch.setattr(native, "SOURCE", edited)
    module, why = native._why_not()
    assert module is None and "older _pyscan.c" in why
    monkeypatch.setattr(native, "SOURCE", tmp_path / "absent.c")  # an installed wheel ships no source
    assert native._why_not()[0] is NATIVE


def test_setup_builds_against_the_pinned_tree_sitter():
    # a tree-sitter bump must bring setup.py's sources along, or the C pass silently goes unused
    text = (ROOT / "setup.py").read_text()
    pinned = re.search(r'"tree-sitter==([^"]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert re.search(r'^TREE_SITTER = "([^"]+)"', text, re.M).group(1) == pinned
    assert f"tree_sitter-{pinned}.tar.gz" in text
