"""pipeline/context_python.py over a fixture repository: imports, globals, class context,
callees across files (relative, absolute, aliases, __init__ re-exports, star imports, cycles),
dependency levels, and context_code that compiles with no undefined names."""

from __future__ import annotations

import ast
import collections
import sys

import pytest
from pyflakes import checker, messages

from parsers.python import summarize_python
from pipeline.extract import extract_repo
from pipeline.records import MARKER, FunctionRecord
from tests.pyrepo_fixture import write_repo


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    root = write_repo(tmp_path_factory.mktemp("pyrepo"))
    records, stats = extract_repo(root, repo="bio/seqtools", commit="c0ffee", languages=("python",),
                                  repo_url="https://github.com/bio/seqtools")
    return {r.qualified_name: r for r in records}, stats, root


def insert(rec: FunctionRecord, original_indent: str) -> str:
    lines = rec.context_code.split("\n")
    i = next(i for i, ln in enumerate(lines) if ln.strip() == MARKER)
    pad = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    code = rec.code.replace("\r\n", "\n").split("\n")
    body = [pad + code[0]] + [pad + ln[len(original_indent):] if ln.startswith(original_indent) else ln
                              for ln in code[1:]]
    return "\n".join(lines[:i] + body + lines[i + 1:])


def undefined(src: str) -> list[str]:
    w = checker.Checker(ast.parse(src), filename="ctx.py")
    return [m.message_args[0] for m in w.messages if isinstance(m, messages.UndefinedName)]


def test_skips_counted_and_encodings(extracted):
    _, stats, _ = extracted
    assert stats.skipped["python:binary"] == 1 and stats.skipped["python:empty"] >= 2
    assert any("coding line" in e for e in stats.encodings)  # latin-1 is reported as iso8859-1
    assert stats.python2_files == 1


def test_python2_latin1_crlf_broken(extracted):
    recs, _, _ = extracted
    assert recs["py2_tool.main"].python2 and recs["py2_tool.helper"].python2
    assert not recs["fasta.read_fasta" if "fasta.read_fasta" in recs else "seqtools.fasta.read_fasta"].python2
    greet = recs["latin.greet"]
    assert "Grüße aus Köln." == greet.docstring and "coding line" in greet.encoding
    rc = recs["crlf_tabs.reverse_complement"]
    assert rc.code.startswith("def reverse_complement(seq):\r\n\tcomp")
    assert {"broken.good_one", "broken.good_two"} <= set(recs)
    assert not recs["broken.good_two"].has_parse_error


def test_module_names_ids_and_permalinks(extracted):
    recs, _, _ = extracted
    r = recs["seqtools.fasta.read_fasta"]
    assert r.path == "seqtools/fasta.py" and r.module == "seqtools.fasta"
    assert r.url == f"https://github.com/bio/seqtools/blob/c0ffee/seqtools/fasta.py#L{r.start_line}-L{r.end_line}"
    assert len({x.id for x in recs.values()}) == len(recs)
    assert recs["seqtools.io.vcf.parse_info"].module == "seqtools.io.vcf"  # empty io/__init__.py still a package


def test_imports_globals_and_levels(extracted):
    recs, _, _ = extracted
    r = recs["seqtools.fasta.read_fasta"]
    assert {g.name for g in r.globals_used} >= {"HEADER_RE", "FastaRecord"}
    assert {c.name for c in r.callees} == {"_open"}
    assert r.dependency_level == "file"
    o = recs["seqtools.fasta._open"]
    (imp,) = o.used_imports
    assert (imp.statement, imp.kind, imp.names) == ("import gzip as gz", "stdlib", ["gz"])
    assert o.dependency_level == "stdlib"
    a = recs["seqtools.fasta.as_array"]
    assert a.used_imports[0].kind == "third_party" and a.dependency_level == "third_party"
    assert recs["seqtools.kmers.count_kmers"].dependency_level == "stdlib"
    assert recs["seqtools.kmers.KmerCounter.canonical"].dependency_level == "self_contained"
    w = recs["seqtools.fasta.wrap"]
    assert "WRAP = DEFAULT_WIDTH * 2" in w.context_code and "DEFAULT_WIDTH = 60" in w.context_code
    assert w.context_code.index("DEFAULT_WIDTH = 60") < w.context_code.index("WRAP = DEFAULT_WIDTH * 2")


def test_cross_file_resolution(extracted):
    recs, _, _ = extracted
    vg = recs["seqtools.io.vcf.variant_gc"]  # from ..fasta import gc_content
    (c,) = vg.callees
    assert (c.qualified_name, c.path) == ("seqtools.fasta.gc_content", "seqtools/fasta.py")
    assert vg.used_imports[0].kind == "local" and vg.used_imports[0].resolved_path == "seqtools/fasta.py"
    assert vg.dependency_level == "project"
    kp = recs["seqtools.io.vcf.kmer_profile"]  # from .. import kmers; kmers.count_kmers()
    assert [c.qualified_name for c in kp.callees] == ["seqtools.kmers.count_kmers"]
    assert "kmers = types.SimpleNamespace(count_kmers=count_kmers)" in kp.context_code
    wr = recs["seqtools.io.vcf.wrapped"]  # import seqtools.fasta as fa
    assert [c.qualified_name for c in wr.callees] == ["seqtools.fasta.wrap"]
    fr = recs["seqtools.io.vcf.first_record"]  # `from seqtools import read_fasta`: __init__ re-export
    assert {c.qualified_name for c in fr.callees} >= {"seqtools.fasta.read_fasta"}
    pr = recs["seqtools.io.vcf.profile"]  # count_kmers re-exported by a star import in __init__
    assert [c.qualified_name for c in pr.callees] == ["seqtools.kmers.count_kmers"]
    ff = recs["seqtools.kmers.KmerCounter.from_fasta"]  # aliased relative import
    # … and, as it builds its own class (`cls(k)`), the real constructor for the harness
    assert [c.qualified_name for c in ff.callees] == ["seqtools.fasta.read_fasta", "seqtools.kmers.KmerCounter.__init__"]
    assert "rf = read_fasta" in ff.context_code


def test_circular_imports_terminate(extracted):
    recs, _, _ = extracted
    f = recs["circ.a.f"]
    assert [c.qualified_name for c in f.callees] == ["circ.b.g"]
    assert "def g(x)" in f.context_code and "def f(x)" not in f.context_code.replace(MARKER, "")
    v = recs["seqtools.io.records.Variant.__init__"]
    assert [c.qualified_name for c in v.callees] == ["seqtools.io.vcf.parse_info"]


def test_class_context(extracted):
    recs, _, _ = extracted
    add = recs["seqtools.kmers.KmerCounter.add"]
    cc = add.class_context
    assert cc.header == "class KmerCounter(object):"
    kinds = {(m.name, m.kind) for m in cc.members}
    assert kinds == {("alphabet", "class_attribute"), ("k", "attribute"), ("counts", "attribute"),
                     ("canonical", "method")}
    assert add.dependency_level == "class" or add.dependency_level == "file"
    assert "    @staticmethod\n    def canonical(kmer):\n        ..." in add.context_code
    # the stub's real source, and the constructor's, for the harness
    methods = {c.name: c for c in add.callees if c.kind == "method"}
    assert [(c.name, c.qualified_name, c.path) for c in methods.values()] == [
        ("__init__", "seqtools.kmers.KmerCounter.__init__", "seqtools/kmers.py"),
        ("canonical", "seqtools.kmers.KmerCounter.canonical", "seqtools/kmers.py")]
    assert methods["canonical"].source.startswith("@staticmethod\ndef canonical(kmer):\n    comp = ")
    assert methods["canonical"].start_line == recs["seqtools.kmers.KmerCounter.canonical"].start_line
    assert add.context_code.rstrip().endswith("    " + MARKER)
    deep = recs["seqtools.kmers.KmerCounter.Stats.summary.<locals>.top"]
    assert deep.scope == "function"
    assert deep.context_code.rstrip().endswith(" " * 12 + MARKER)
    tab = recs["crlf_tabs.Tabbed.method"]
    assert "\tscale = 2" in tab.context_code and tab.context_code.rstrip().endswith("\t" + MARKER)


def test_every_python3_context_compiles_without_undefined_names(extracted):
    recs, _, root = extracted
    checked = 0
    for r in recs.values():
        if r.python2 or r.path.startswith("scripts/broken"):
            continue
        line = (root / r.path).read_bytes().decode("utf-8", "replace").splitlines()[r.start_line - 1]
        indent = line[: len(line) - len(line.lstrip())]
        src = insert(r, indent)
        assert undefined(src) == [], (r.qualified_name, src)
        checked += 1
    assert checked >= 25


def test_python2_items_still_have_context(extracted):
    recs, _, _ = extracted
    assert MARKER in recs["py2_tool.main"].context_code


def test_token_count_matches_regex():
    from pipeline.context_python import _TOKEN, count_tokens

    for code in ("", "a", " a", "x=1", "def f(a, b):\n\treturn a+b  # c\n", "s = 'ÄÖ' + x\n", "\x1c\x1fa.b",
                 "__init__(self)\r\n", "1.5e-3 ** 2", "a\u00a0b", "x\x0b\x0cy", "£"):
        assert count_tokens(code) == len(_TOKEN.findall(code)), repr(code)


def test_records_do_not_depend_on_hash_seed(tmp_path):
    # sets of names and dotted chains must never reach the output in their iteration order
    import os
    import subprocess
    import sys

    pkg = tmp_path / "repo" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(12)))
    (pkg / "b.py").write_text("from pkg import a\n\n\ndef use(x):\n    return "
                              + " + ".join(f"a.f{i}(x)" for i in range(12)) + "\n")
    script = ("import sys, hashlib; from pipeline.extract import extract_repo\n"
              "rs, _ = extract_repo(sys.argv[1], languages=('python',))\n"
              "print(hashlib.sha256(repr([(r.id, r.context_code, r.callees, r.used_imports, r.globals_used, "
              "r.unresolved) for r in rs]).encode()).hexdigest())\n")
    digests = set()
    for seed in ("1", "2", "3", "4"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "repo")], capture_output=True, text=True,
                             env=env, check=True, timeout=120)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def _write(root, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def _run(tmp_path, files: dict[str, str], name: str) -> tuple[FunctionRecord, dict]:
    """The record `name` of a repository written from `files`, and the namespace of its context
    run with the function inserted."""
    _write(tmp_path, files)
    rec = {r.qualified_name: r for r in extract_repo(tmp_path, languages=("python",))[0]}[name]
    scope: dict = {}
    exec(compile(insert(rec, ""), "ctx.py", "exec"), scope)
    return rec, scope


def test_skeletons_keep_descriptor_decorators_and_constant_properties(tmp_path):
    """A large base class becomes a skeleton: `classproperty` members stay class properties
    (with their short bodies: they are constants read at class creation), other decorators go."""
    filler = "\n".join(f"    def method_{i}(self):\n        return {i}\n" for i in range(400))
    _write(tmp_path, {
        "seqkit/__init__.py": "",
        "seqkit/util.py": "class classproperty(property):\n    def __get__(self, obj, owner):\n"
                          "        return self.fget(owner)\n\n\ndef experimental(f):\n    return f\n",
        "seqkit/grammar.py": (
            "from .util import classproperty, experimental\n\n\n"
            "class GrammaredSequence:\n"
            "    @classproperty\n    def gap_chars(cls):\n        return set('-.')\n\n"
            "    @experimental\n    def degap(self):\n        return ''.join(c for c in self.seq if c not in self.gap_chars)\n\n"
            + filler + "\n\n"
            "class DNA(GrammaredSequence):\n"
            "    def has_gaps(self, seq):\n        \"\"\"Whether seq holds a gap character.\"\"\"\n"
            "        return any(c in self.gap_chars for c in seq)\n"),
    })
    recs = {r.qualified_name: r for r in extract_repo(tmp_path, languages=("python",))[0]}
    ctx = recs["seqkit.grammar.DNA.has_gaps"].context_code
    assert "@classproperty\n    def gap_chars(cls):\n        return set('-.')" in ctx
    assert "@experimental" not in ctx and "def degap(self):\n        ..." in ctx
    assert "class classproperty(property):" in ctx
    program = insert(recs["seqkit.grammar.DNA.has_gaps"], "    ")
    assert undefined(program) == []
    scope: dict = {}
    exec(compile(program, "ctx.py", "exec"), scope)
    assert scope["DNA"]().has_gaps("AC-GT") is True


def test_repository_imports_inside_a_function_are_in_its_context_unless_they_cycle(tmp_path):
    _write(tmp_path, {
        "ivl/__init__.py": "",
        "ivl/ops.py": "def sort_starts(starts):\n    return sorted(starts)\n",
        "ivl/report.py": "from .checks import Frame\n\n\nclass Report(Frame):\n    pass\n",
        "ivl/checks.py": (
            "class Frame:\n    pass\n\n\n"
            "def is_sorted(starts):\n    \"\"\"Whether starts are sorted.\"\"\"\n"
            "    from .ops import sort_starts\n\n    return list(starts) == sort_starts(starts)\n\n\n"
            "def report(x):\n    \"\"\"A report (imported here: report.py imports this module's names).\"\"\"\n"
            "    from .report import Report\n\n    return Report()\n"),
    })
    recs = {r.qualified_name: r for r in extract_repo(tmp_path, languages=("python",))[0]}
    rec = recs["ivl.checks.is_sorted"]
    assert "def sort_starts(starts):" in rec.context_code
    assert [c.qualified_name for c in rec.callees] == ["ivl.ops.sort_starts"]
    assert rec.dependency_level == "project"
    # Report needs the home module's Frame (an import cycle): it comes after the function
    # with what it needs (the import runs only when the function is called)
    ctx = recs["ivl.checks.report"].context_code
    assert ctx.index(MARKER) < ctx.index("class Frame:") < ctx.index("class Report(Frame):")
    assert [c.qualified_name for c in recs["ivl.checks.report"].callees] == ["ivl.report.Report"]
    scope: dict = {}
    exec(compile(insert(recs["ivl.checks.report"], ""), "ctx.py", "exec"), scope)
    assert isinstance(scope["Report"](), scope["Frame"])


def test_module_code_that_runs_the_function_s_own_class_comes_after_it(tmp_path):
    # skbio-style: a registry of matrices built from the class the method belongs to, defined
    # after the class; the method reads the registry
    _write(tmp_path, {
        "subst/__init__.py": "",
        "subst/matrix.py": (
            "class SubstitutionMatrix:\n"
            "    def __init__(self, alphabet, score):\n        self.alphabet = alphabet\n        self.score = score\n\n"
            "    @classmethod\n    def get_names(cls):\n        \"\"\"Names of the predefined matrices.\"\"\"\n"
            "        return sorted(_named_matrices)\n\n\n"
            "_named_matrices = {\n    'NUC.4.4': SubstitutionMatrix('ACGT', 5),\n"
            "    'IDENTITY': SubstitutionMatrix('ACGTN', 1),\n}\n"),
    })
    rec = {r.qualified_name: r for r in extract_repo(tmp_path, languages=("python",))[0]}[
        "subst.matrix.SubstitutionMatrix.get_names"]
    ctx = rec.context_code
    assert ctx.index("class SubstitutionMatrix:") < ctx.index(MARKER) < ctx.index("_named_matrices = {")
    program = insert(rec, "    ")
    assert undefined(program) == []
    scope: dict = {}
    exec(compile(program, "ctx.py", "exec"), scope)
    assert scope["SubstitutionMatrix"].get_names() == ["IDENTITY", "NUC.4.4"]


def test_python2_implicit_relative_import_resolves_to_the_sibling_module(tmp_path):
    # PyVCF-style: vcf/parser.py says `from model import _Record`, meaning vcf/model.py
    _write(tmp_path, {
        "vcf/__init__.py": "",
        "vcf/model.py": "class _Record(object):\n    def __init__(self, chrom, pos):\n"
                        "        self.CHROM = chrom\n        self.POS = pos\n",
        "vcf/parser.py": "import re\nfrom model import _Record\n\n\n"
                         "def parse_line(line):\n    \"\"\"A record from a VCF data line.\"\"\"\n"
                         "    chrom, pos = re.split(r'\\t', line)[:2]\n    return _Record(chrom, int(pos))\n",
    })
    rec = {r.qualified_name: r for r in extract_repo(tmp_path, languages=("python",))[0]}["vcf.parser.parse_line"]
    use = next(u for u in rec.used_imports if u.names == ["_Record"])
    assert (use.kind, use.module, use.resolved_path) == ("local", "vcf.model", "vcf/model.py")
    assert [c.qualified_name for c in rec.callees] == ["vcf.model._Record"]
    scope: dict = {}
    exec(compile(insert(rec, ""), "ctx.py", "exec"), scope)
    assert scope["parse_line"]("chr1\t42\tx").POS == 42


def test_one_module_name_read_from_two_files_gets_the_members_of_both(tmp_path):
    # bioframe-style: ops.py reads checks.is_bedframe, and the helper it calls (in another file)
    # reads checks.is_viewframe; the context binds `checks` once with both members
    _write(tmp_path, {
        "ivl/__init__.py": "",
        "ivl/checks.py": "def is_bedframe(df):\n    return {'chrom', 'start', 'end'} <= set(df)\n\n\n"
                         "def is_viewframe(df):\n    return 'name' in df\n",
        "ivl/construction.py": "from . import checks\n\n\n"
                               "def make_viewframe(regions):\n    view = dict(regions, name='view')\n"
                               "    assert checks.is_viewframe(view)\n    return view\n",
        "ivl/ops.py": "from . import checks, construction\n\n\n"
                      "def sort_bedframe(df):\n    \"\"\"Sorted intervals, with their view.\"\"\"\n"
                      "    if not checks.is_bedframe(df):\n        raise ValueError('not a bedframe')\n"
                      "    view = construction.make_viewframe(df)\n"
                      "    return sorted(zip(df['chrom'], df['start'])), view['name']\n",
    })
    rec = {r.qualified_name: r for r in extract_repo(tmp_path, languages=("python",))[0]}["ivl.ops.sort_bedframe"]
    program = insert(rec, "")
    assert undefined(program) == []
    scope: dict = {}
    exec(compile(program, "ctx.py", "exec"), scope)
    df = {"chrom": ["chr2", "chr1"], "start": [5, 9], "end": [7, 12]}
    assert scope["sort_bedframe"](df) == ([("chr1", 9), ("chr2", 5)], "view")


def test_a_module_imported_inside_the_function_is_a_namespace_after_it(tmp_path):
    # gffutils-style: `from gffutils import feature` inside the body (against an import cycle);
    # the context binds `feature` to a namespace of what the function reads, after the function
    _write(tmp_path, {
        "gffkit/__init__.py": "",
        "gffkit/feature.py": "class Feature:\n    def __init__(self, seqid, start, end):\n"
                             "        self.seqid, self.start, self.end = seqid, start, end\n",
        "gffkit/helpers.py": "def to_feature(line):\n    \"\"\"A Feature from a GFF line.\"\"\"\n"
                             "    from gffkit import feature\n\n"
                             "    seqid, start, end = line.split('\\t')[:3]\n"
                             "    return feature.Feature(seqid, int(start), int(end))\n",
    })
    rec = {r.qualified_name: r for r in extract_repo(tmp_path, languages=("python",))[0]}["gffkit.helpers.to_feature"]
    ctx = rec.context_code
    assert ctx.index(MARKER) < ctx.index("class Feature:") < ctx.index("feature = types.SimpleNamespace(Feature=Feature)")
    assert [c.qualified_name for c in rec.callees] == ["gffkit.feature.Feature"]
    assert undefined(insert(rec, "")) == []


def test_a_module_level_assignment_reading_a_module_member_gets_that_member(tmp_path):
    # skbio-style: `DEFAULT_MISSING = _missing.DEFAULT_MISSING`, then a default argument uses it
    rec, scope = _run(tmp_path, {
        "meta/__init__.py": "",
        "meta/missing.py": "DEFAULT_MISSING = 'blank'\n",
        "meta/columns.py": "from meta import missing as _missing\n\n"
                           "DEFAULT_MISSING = _missing.DEFAULT_MISSING\n\n\n"
                           "def encode(values, scheme=DEFAULT_MISSING):\n"
                           "    \"\"\"Missing values of a metadata column encoded by a scheme.\"\"\"\n"
                           "    return [scheme if v is None else v for v in values]\n",
    }, "meta.columns.encode")
    assert scope["encode"](["a", None]) == ["a", "blank"]


def test_a_callee_s_body_imports_are_in_the_context(tmp_path):
    # bioframe-style: the function calls a helper that imports `merge` inside its body (the
    # two modules import each other); the context defines merge too, so the import is served
    _write(tmp_path, {
        "ivl/__init__.py": "",
        "ivl/ops.py": "from .checks import is_sorted\n\n\n"
                      "def merge(starts):\n    assert is_sorted(sorted(starts))\n    return sorted(set(starts))\n",
        "ivl/checks.py": "def is_sorted(starts):\n    return list(starts) == sorted(starts)\n\n\n"
                         "def is_merged(starts):\n    from .ops import merge\n\n    return list(starts) == merge(starts)\n",
        "ivl/report.py": "from .checks import is_merged\n\n\n"
                         "def describe(starts):\n    \"\"\"Whether interval starts are sorted and distinct, in words.\"\"\"\n"
                         "    return 'merged' if is_merged(starts) else 'not merged'\n",
    })
    rec = {r.qualified_name: r for r in extract_repo(tmp_path, languages=("python",))[0]}["ivl.report.describe"]
    ctx = rec.context_code
    assert ctx.index("def is_merged(starts):") < ctx.index("def merge(starts):") < ctx.index(MARKER)
    assert undefined(insert(rec, "")) == []


def test_methods_have_the_real_constructor_as_a_callee(tmp_path):
    # the skeleton's placeholder `__init__` takes no arguments: the harness builds instances with
    # the real one (a method callee), for an instance method, and for a class method that builds
    # its own class (skbio-style `cls(…)`, `klass(…)`)
    _write(tmp_path, {
        "seqkit/__init__.py": "",
        "seqkit/seq.py": "class Sequence(object):\n"
                         "    def __init__(self, name, seq, start=None):\n"
                         "        self.name = name\n        self.seq = self._clean(seq)\n"
                         "        self.start = start\n\n"
                         "    def _clean(self, seq):\n        return seq.upper()\n\n"
                         "    def reverse(self):\n        \"\"\"Reversed copy.\"\"\"\n"
                         "        return self.__class__(self.name, self.seq[::-1], start=self.start)\n\n"
                         "    @classmethod\n    def from_line(klass, line):\n        \"\"\"From `name seq`.\"\"\"\n"
                         "        name, seq = line.split()\n        return klass(name, seq)\n\n"
                         "    @classmethod\n    def alphabet(cls):\n        \"\"\"Its letters.\"\"\"\n"
                         "        return 'ACGT'  # not Sequence('ACGT')\n",
    })
    recs = {r.qualified_name: r for r in extract_repo(tmp_path, languages=("python",))[0]}
    for name in ("seqkit.seq.Sequence.reverse", "seqkit.seq.Sequence.from_line"):
        methods = [c.name for c in recs[name].callees if c.kind == "method"]
        assert methods == ["__init__", "_clean"], name  # and what the constructor calls
    assert [c.name for c in recs["seqkit.seq.Sequence.alphabet"].callees] == []


def test_a_module_read_by_several_callees_holds_every_member_they_read(tmp_path):
    # bioframe-style: ops.py's callees read `checks.is_cataloged` and `checks.is_bedframe`; the
    # one `checks` namespace of the context must hold both, not just the first reader's
    rec, scope = _run(tmp_path, {
        "ivk/__init__.py": "",
        "ivk/checks.py": "def is_bedframe(df):\n    return all(k in df for k in ('chrom', 'start', 'end'))\n\n\n"
                         "def is_cataloged(df, sizes):\n    return set(df['chrom']) <= set(sizes)\n",
        "ivk/ops.py": "from . import checks\n\n\n"
                      "def catalog_ok(df, sizes):\n    return checks.is_cataloged(df, sizes)\n\n\n"
                      "def bed_ok(df):\n    return checks.is_bedframe(df)\n",
        "ivk/extras.py": "from . import ops\n\n\n"
                         "def arms(df, sizes):\n    \"\"\"Check a frame.\"\"\"\n"
                         "    return ops.catalog_ok(df, sizes) and ops.bed_ok(df)\n",
    }, "ivk.extras.arms")
    df = {"chrom": ["chr1"], "start": [0], "end": [5]}
    assert scope["arms"](df, {"chr1": 9}) is True
    assert scope["arms"](df, {"chr2": 9}) is False


def test_special_methods_of_the_instance_are_callees(tmp_path):
    # pyfaidx-style `len(self)` and `for line in self:` run __len__ and __iter__, and skbio's
    # `str(kmer)` of a k-mer the method makes runs __str__; the skeleton leaves them out: the
    # harness needs their source too
    _write(tmp_path, {
        "fa/__init__.py": "",
        "fa/record.py": "class Record(object):\n"
                        "    def __init__(self, lines):\n        self.lines = lines\n\n"
                        "    def __len__(self):\n        return sum(len(x) for x in self.lines)\n\n"
                        "    def __iter__(self):\n        return iter(self.lines)\n\n"
                        "    def __str__(self):\n        return ''.join(self.lines)\n\n"
                        "    def unpadded_len(self):\n        \"\"\"Length without N runs at either end.\"\"\"\n"
                        "        text = ''.join(line for line in self)\n"
                        "        return len(self) - (len(text) - len(text.strip('N')))\n",
    })
    rec = {r.qualified_name: r for r in extract_repo(tmp_path, languages=("python",))[0]}["fa.record.Record.unpadded_len"]
    assert [c.name for c in rec.callees if c.kind == "method"] == ["__init__", "__len__", "__iter__", "__str__"]


def test_what_a_dependency_needs_only_when_called_comes_after_what_needs_it(tmp_path):
    # cutadapt-style: `Statistics` needs `EndStatistics` first (a return annotation), whose method
    # builds a `SingleStatistics(Statistics)`; placed while `Statistics` waits for `EndStatistics`,
    # the subclass came before its base (NameError)
    rec, scope = _run(tmp_path, {
        "trim/__init__.py": "",
        "trim/stats.py": "from abc import ABC\n\n\n"
                         "class EndStatistics:\n    def single(self):\n        return SingleStatistics(self)\n\n\n"
                         "class Statistics(ABC):\n    def end_statistics(self) -> EndStatistics:\n"
                         "        return EndStatistics()\n\n\n"
                         "class SingleStatistics(Statistics):\n    def __init__(self, end):\n        self.end = end\n",
        "trim/report.py": "from .stats import Statistics\n\n\n"
                          "def describe(stats: Statistics):\n    \"\"\"Its class name.\"\"\"\n"
                          "    return type(stats.end_statistics().single()).__name__\n",
    }, "trim.report.describe")
    ctx = rec.context_code
    assert ctx.index("class Statistics(ABC)") < ctx.index("class SingleStatistics(Statistics)")
    assert scope["describe"](scope["Statistics"]()) == "SingleStatistics"


def test_a_decorator_factory_runs_at_import_with_what_its_body_calls(tmp_path):
    # skbio-style `@array_api_doc(...)`: the factory's body runs when the decorated function is
    # defined, so what it calls (defined further down its file) must come before that function
    rec, scope = _run(tmp_path, {
        "comp/__init__.py": "",
        "comp/_doc.py": "def doc_note(backends):\n    def deco(fn):\n"
                        "        fn.__doc__ = (fn.__doc__ or '') + _section(backends)\n        return fn\n"
                        "    return deco\n\n\n"
                        "def _section(backends):\n    return '\\nBackends: ' + ', '.join(backends)\n",
        "comp/ops.py": "from ._doc import doc_note\n\n\n"
                       "@doc_note(['numpy', 'cupy'])\ndef closure(xs):\n    \"\"\"Proportions.\"\"\"\n"
                       "    total = sum(xs)\n    return [x / total for x in xs]\n\n\n"
                       "def centralize(rows):\n    \"\"\"Each row's proportions.\"\"\"\n"
                       "    return [closure(r) for r in rows]\n",
    }, "comp.ops.centralize")
    assert scope["centralize"]([[1, 3]]) == [[0.25, 0.75]]
    assert scope["closure"].__doc__.endswith("Backends: numpy, cupy")


def test_an_annotation_without_value_is_not_a_definition(tmp_path):
    """A settings module declares `strict: bool` and sets the values at run time (MultiQC's
    config): the declaration binds nothing, so a context must not define `strict` by it, nor
    build the module's namespace from it (that raised NameError when the context ran)."""
    files = {
        "qc/__init__.py": "",
        "qc/config.py": "strict: bool\nmin_reads: int = 100\n\ndef load(values):\n    globals().update(values)\n",
        "qc/report.py": "from qc import config\n\n\ndef passes(n_reads):\n"
                        "    if config.strict:\n        return n_reads >= 2 * config.min_reads\n"
                        "    return n_reads >= config.min_reads\n",
    }
    rec, scope = _run(tmp_path, files, "qc.report.passes")
    assert "strict: bool" not in rec.context_code and "min_reads: int = 100" in rec.context_code
    assert scope["config"].min_reads == 100 and not hasattr(scope["config"], "strict")
    summary = summarize_python("qc/config.py", files["qc/config.py"].encode())
    assert "strict" not in summary.bindings and "min_reads" in summary.bindings


def test_a_class_skeleton_keeps_its_members_in_source_order(tmp_path):
    """generateDS-style classes rebind a method after defining it (`factory =
    staticmethod(factory)`). A skeleton that put class attributes before the method stubs raised
    NameError when the context ran (ete's nexml bindings: 693 contexts)."""
    padding = "".join(f"    def export_{i}(self, outfile):\n        outfile.write('<tag{i}/>')\n" for i in range(120))
    files = {
        "nexml/__init__.py": "",
        "nexml/_nexml.py": "class Nexml(object):\n    subclass = None\n"
                           "    def factory(*args_, **kwargs_):\n        return Nexml(*args_, **kwargs_)\n"
                           "    factory = staticmethod(factory)\n" + padding,
        "nexml/io.py": "from nexml._nexml import Nexml\n\n\ndef new_document():\n    return Nexml.factory()\n",
    }
    rec, scope = _run(tmp_path, files, "nexml.io.new_document")
    assert len(files["nexml/_nexml.py"]) > 6_000  # given as a skeleton, not whole
    assert rec.context_code.index("def factory") < rec.context_code.index("factory = staticmethod(factory)")
    assert isinstance(scope["Nexml"].__dict__["factory"], staticmethod)


def test_a_class_attribute_that_rebinds_a_module_name_reads_it(tmp_path):
    """`VAR_TYPES = VAR_TYPES` in a class body reads the module's VAR_TYPES (qiime2's
    UsageVariable): the context must define it before the class."""
    files = {
        "q2/__init__.py": "",
        "q2/usage.py": "VAR_TYPES = ('artifact', 'visualization', 'metadata')\n\n\n"
                       "class UsageVariable:\n    VAR_TYPES = VAR_TYPES\n\n"
                       "    def __init__(self, name, var_type):\n        assert var_type in self.VAR_TYPES\n"
                       "        self.name, self.var_type = name, var_type\n",
        "q2/plugins.py": "from q2 import usage\n\n\nclass ArtifactVariable(usage.UsageVariable):\n"
                         "    def is_artifact(self):\n        return self.var_type == self.VAR_TYPES[0]\n",
    }
    rec, scope = _run(tmp_path, files, "q2.plugins.ArtifactVariable.is_artifact")
    assert rec.context_code.index("VAR_TYPES = ('artifact'") < rec.context_code.index("class UsageVariable")
    assert scope["UsageVariable"].VAR_TYPES[0] == "artifact"


def test_a_conditional_reimport_keeps_the_import_it_may_leave_in_place(tmp_path):
    """`import unittest` then `try: unittest.skip` / `except AttributeError: import unittest2 as
    unittest` (PyVCF's tests): the try statement reads the first import, and keeps it when
    nothing fails. Taking only the try statement left `unittest` undefined."""
    files = {
        "vcf/__init__.py": "",
        "vcf/test_vcf.py": "import unittest\ntry:\n    unittest.skip\nexcept AttributeError:\n"
                           "    import unittest2 as unittest\n\n\nclass TestVcfSpecs(unittest.TestCase):\n"
                           "    def test_records(self):\n        self.assertEqual(len(['chr1', 'chr2']), 2)\n",
    }
    rec, scope = _run(tmp_path, files, "vcf.test_vcf.TestVcfSpecs.test_records")
    code = rec.context_code
    assert code.index("import unittest\n") < code.index("try:\n    unittest.skip")
    assert issubclass(scope["TestVcfSpecs"], scope["unittest"].TestCase)


def test_names_read_only_in_string_annotations_are_bound_for_type_checkers_only(tmp_path):
    """`index: "FastaIndex"` under `if TYPE_CHECKING: from seqkit.index import FastaIndex`
    (bioblend's `gi: "GalaxyInstance"`, MultiQC's `TypeVar(bound="BaseDataset")`): Python never
    evaluates these names, pyflakes and type checkers do. The context binds them as the original
    does, in a `typing.TYPE_CHECKING` block that does not run: no NameError for pyflakes, and no
    import of the repository (nor the definition's closure) when the context runs. Before, 10.6%
    of bioblend's contexts passed pyflakes."""
    files = {
        "seqkit/__init__.py": "",
        "seqkit/index.py": "import os\n\n\nclass FastaIndex:\n    def __init__(self, path):\n"
                           "        self.path = os.path.abspath(path)\n        self.offsets = {}\n",
        "seqkit/reads.py": (
            "from typing import TYPE_CHECKING, Literal, Optional, TypeVar\n"
            "if TYPE_CHECKING:\n    from seqkit.index import FastaIndex\n\n"
            "T = TypeVar('T', bound='ReadSet')\n\n\n"
            "class ReadSet:\n"
            "    index: 'FastaIndex'\n"
            "    mode: Literal['fasta', 'fastq'] = 'fasta'\n\n"
            "    def __init__(self, index: Optional['FastaIndex'] = None):\n"
            "        self.index = index\n        self.records = {}\n\n"
            "    def lookup(self, name: str) -> Optional['Record']:\n"
            "        if self.mode == 'fasta' and self.index is not None:\n"
            "            return self.records.get(name)\n        return None\n\n"
            "    def same(self: T) -> T:\n        return self\n\n\n"
            "class Record:\n    def __init__(self, name, seq):\n        self.name, self.seq = name, seq\n\n\n"
            "def gc_content(rs: 'ReadSet', name: str) -> float:\n"
            "    rec = rs.lookup(name)\n    return (rec.seq.count('G') + rec.seq.count('C')) / len(rec.seq)\n"
        ),
    }
    rec, scope = _run(tmp_path, files, "seqkit.reads.ReadSet.lookup")
    code = rec.context_code
    block = code[code.index("if typing.TYPE_CHECKING:"):].split("\n\n")[0]
    assert "    from seqkit.index import FastaIndex" in block and "    from seqkit.reads import Record" in block
    assert "fasta" not in block and "class FastaIndex" not in code  # a binding, not the definition
    assert undefined(insert(rec, "    ")) == []
    assert "FastaIndex" not in scope and scope["ReadSet"].mode == "fasta"  # the block did not run
    # a module function naming a class of its own module in a string: imported from there too
    rec, scope = _run(tmp_path, files, "seqkit.reads.gc_content")
    assert "    from seqkit.reads import ReadSet" in rec.context_code and "class ReadSet" not in rec.context_code
    assert undefined(insert(rec, "")) == []
    # the method reads TypeVar T for real; T's own string annotation names the class being defined
    rec, scope = _run(tmp_path, files, "seqkit.reads.ReadSet.same")
    assert "T = TypeVar('T', bound='ReadSet')" in rec.context_code and "TYPE_CHECKING" not in rec.context_code
    assert undefined(insert(rec, "    ")) == []


def test_a_default_naming_its_own_parameter_reads_the_module_binding(tmp_path):
    """`def bam_parse(data, endian_prefix=endian_prefix)` (MACS3): the default runs where the def
    does, so it reads the module's `endian_prefix`, which the parameter's name does not hide.
    The context left out the `if sys.byteorder == ...` block defining it."""
    files = {
        "macs/__init__.py": "",
        "macs/parser.py": "import sys\nfrom struct import unpack\n\nif sys.byteorder == 'little':\n"
                          "    endian_prefix = '<'\nelse:\n    endian_prefix = '>'\n\n\n"
                          "def bam_ref_and_start(data, endian_prefix=endian_prefix):\n"
                          "    return unpack(endian_prefix + 'ii', data[0:8])\n",
    }
    rec, scope = _run(tmp_path, files, "macs.parser.bam_ref_and_start")
    assert "if sys.byteorder == 'little':" in rec.context_code and rec.unresolved == []
    assert scope["bam_ref_and_start"](b"\x01\x00\x00\x00\x02\x00\x00\x00" if sys.byteorder == "little"
                                      else b"\x00\x00\x00\x01\x00\x00\x00\x02") == (1, 2)


def test_names_a_signature_reads_from_the_class_body_are_in_the_skeleton(tmp_path):
    """A method's decorators, defaults and annotations run in the class body: `@chrom.setter`
    reads the getter above it (gffutils, pbcore, bioblend), `-> Optional[FileType]` and
    `sep=SEP` read class attributes (pybedtools), `-> Span` a nested class (MultiQC). The skeleton holds those members, above the
    function; before, they were looked up among the module's names and left undefined."""
    files = {
        "gff/__init__.py": "",
        "gff/feature.py": (
            "from typing import Literal, NamedTuple, Optional\n\n\n"
            "class Feature:\n"
            "    class Span(NamedTuple):\n        start: int\n        end: int\n\n"
            "    FileType = Literal['gff', 'gtf']\n"
            "    SEP = '\\t'\n"
            "    ROOT = '/data/'\n"
            "    INDEX = ROOT + 'features.idx'\n\n"
            "    def __init__(self, chrom, start, ftype='gff'):\n"
            "        self._chrom, self.start, self.ftype = chrom, start, ftype\n\n"
            "    @property\n    def chrom(self):\n        return self._chrom\n\n"
            "    @chrom.setter\n    def chrom(self, value):\n        self._chrom = value.replace('chr', '')\n\n"
            "    def file_type(self) -> Optional[FileType]:\n        return self.ftype\n\n"
            "    def is_gtf(self):\n        return self.file_type() == 'gtf'\n\n"
            "    def render(self, sep=SEP):\n        return sep.join([self._chrom, str(self.start)])\n\n"
            "    def index_path(self):\n        return self.INDEX\n\n"
            "    def span(self, length: int) -> Span:\n        return Feature.Span(self.start, self.start + length)\n"
        ),
    }
    _write(tmp_path, files)
    getter, setter = [r for r in extract_repo(tmp_path, languages=("python",))[0]
                      if r.qualified_name == "gff.feature.Feature.chrom"]
    assert "@chrom.setter" in setter.code
    code = insert(setter, "    ")
    assert undefined(code) == [] and setter.unresolved == []
    assert code.index("@property") < code.index("@chrom.setter")
    scope: dict = {}
    exec(compile(code, "ctx.py", "exec"), scope)
    feature = object.__new__(scope["Feature"])
    feature.chrom = "chr7"
    assert feature.chrom == "7"
    for name in ("gff.feature.Feature.is_gtf", "gff.feature.Feature.render", "gff.feature.Feature.file_type"):
        rec, scope = _run(tmp_path, files, name)
        assert undefined(insert(rec, "    ")) == [] and rec.unresolved == [], name
    rec, _ = _run(tmp_path, files, "gff.feature.Feature.render")
    assert "    SEP = '\\t'" in rec.context_code and rec.dependency_level == "class"
    # a class attribute shown reads another one: both, in the class's order
    rec, scope = _run(tmp_path, files, "gff.feature.Feature.index_path")
    assert rec.context_code.index("ROOT = '/data/'") < rec.context_code.index("INDEX = ROOT")
    assert object.__new__(scope["Feature"]).index_path() == "/data/features.idx"
    # a nested class the signature names (MultiQC's `-> ApiResponse`): in the skeleton, whole
    rec, scope = _run(tmp_path, files, "gff.feature.Feature.span")
    assert "    class Span(NamedTuple):\n        start: int" in rec.context_code
    assert [m.kind for m in rec.class_context.members if m.name == "Span"] == ["class"]
    feature = object.__new__(scope["Feature"])
    feature.start = 10
    assert feature.span(5) == (10, 15) and undefined(insert(rec, "    ")) == []


def test_statements_held_back_for_a_cycle_are_placed_when_the_first_statement_is_held(tmp_path):
    """cutadapt's adapters: a class reached through a method body (`LinkedStatistics`, read by
    `Statistics.front_only`) needs a class still being placed (`FrontStatistics`), so it is held
    back until that one is in. When the first statement of the closure (`Adapter`, whose
    annotations name it) then needs the held class, it is held too, and nothing placed either:
    both were missing (cutadapt: `FrontAdapter` in 22 contexts; NameError when the function ran)."""
    files = {
        "trim/__init__.py": "",
        "trim/adapters.py": (
            "class Statistics:\n    def front_only(self):\n        return LinkedStatistics()\n\n\n"
            "class FrontStatistics(Statistics):\n    pass\n\n\n"
            "class LinkedStatistics(FrontStatistics):\n    pass\n\n\n"
            "class Adapter:\n"
            "    def front_statistics(self) -> FrontStatistics:\n        return FrontStatistics()\n\n"
            "    def linked_statistics(self) -> LinkedStatistics:\n        return LinkedStatistics()\n"
        ),
        "trim/report.py": "from trim.adapters import Adapter\n\n\n"
                          "def collect(n):\n    return [type(Adapter().linked_statistics()).__name__ for _ in range(n)]\n",
    }
    rec, scope = _run(tmp_path, files, "trim.report.collect")
    code = rec.context_code
    positions = [code.index(f"class {c}") for c in ("Statistics", "FrontStatistics", "LinkedStatistics", "Adapter")]
    assert positions == sorted(positions)  # each after the classes it needs
    assert scope["collect"](2) == ["LinkedStatistics", "LinkedStatistics"]


def test_a_module_namespace_naming_a_class_being_placed_comes_after_it(tmp_path):
    """hgvs: `class SequenceVariant` reads `hgvs.global_config` when defined and
    `hgvs.sequencevariant.SequenceVariant` in a method. Placing the class builds the `hgvs`
    namespace, which names the class itself: written before the class, it raised NameError
    (142 of hgvs's contexts). The namespace now comes before the class with what is in, and the
    class is added to it after its definition."""
    files = {
        "hgvs/__init__.py": "from hgvs.config import global_config\n",
        "hgvs/config.py": "class Config:\n    max_ref_length = 1000\n\n\nglobal_config = Config()\n",
        "hgvs/sequencevariant.py": (
            "import hgvs\n\n\nclass SequenceVariant:\n"
            "    max_ref_length = hgvs.global_config.max_ref_length\n\n"
            "    def __init__(self, ac, type, posedit):\n        self.ac, self.type, self.posedit = ac, type, posedit\n\n"
            "    def same_as(self, other):\n"
            "        return isinstance(other, hgvs.sequencevariant.SequenceVariant) and other.ac == self.ac\n"
        ),
        "hgvs/easy.py": "from hgvs.sequencevariant import SequenceVariant\n\n\n"
                        "def parse_g(ac, posedit):\n    return SequenceVariant(ac, 'g', posedit)\n",
    }
    rec, scope = _run(tmp_path, files, "hgvs.easy.parse_g")
    code = rec.context_code
    assert code.index("hgvs = types.SimpleNamespace(global_config=global_config") < code.index("class SequenceVariant") \
        < code.index("hgvs.sequencevariant.SequenceVariant = SequenceVariant")
    assert undefined(insert(rec, "")) == []
    var = scope["parse_g"]("NC_000007.13", "36561662C>T")
    assert var.same_as(scope["parse_g"]("NC_000007.13", "36561662C>G")) and var.max_ref_length == 1000


def test_namespaces_of_one_module_name_merge_at_every_depth(tmp_path):
    """Two files read members of the same sub-module through one package name (`hgvs.edit.Dup`,
    then `hgvs.edit.NARefAlt`): the second namespace piece replaced `hgvs.edit` whole, so the
    first member was gone when the function ran (AttributeError, which pyflakes cannot see)."""
    files = {
        "hgvs/__init__.py": "\"\"\"HGVS variant representation.\"\"\"\n",
        "hgvs/edit.py": "class Dup:\n    kind = 'dup'\n\n\nclass NARefAlt:\n    kind = 'delins'\n",
        "hgvs/normalizer.py": "import hgvs\n\n\ndef is_dup(e):\n    return isinstance(e, hgvs.edit.Dup)\n",
        "hgvs/validator.py": "import hgvs\nfrom hgvs.normalizer import is_dup\n\n\n"
                             "def kinds(edits):\n"
                             "    return [('dup' if is_dup(e) else hgvs.edit.NARefAlt.kind) for e in edits]\n",
    }
    rec, scope = _run(tmp_path, files, "hgvs.validator.kinds")
    edit = scope["hgvs"].edit
    assert scope["kinds"]([edit.Dup(), edit.NARefAlt()]) == ["dup", "delins"]
    assert "**vars(" not in rec.context_code


def test_an_alias_of_a_name_a_compound_statement_binds_is_bound_too(tmp_path):
    """`from .compat import awkward as ak`, where compat binds `awkward` under `if find_spec(…)`
    (anndata): the context holds that statement, and `ak` must name what it binds."""
    files = {
        "annkit/__init__.py": "",
        "annkit/compat.py": "try:\n    import gzip as fastq_gz\nexcept ImportError:\n    fastq_gz = None\n",
        "annkit/reads.py": "from annkit.compat import fastq_gz as gz\n\n\n"
                           "def open_reads(path):\n    return gz.open(path, 'rt')\n",
    }
    rec, scope = _run(tmp_path, files, "annkit.reads.open_reads")
    assert "gz = fastq_gz" in rec.context_code
    assert scope["gz"] is scope["fastq_gz"] and scope["gz"].__name__ == "gzip"


def test_a_type_alias_statement_is_the_definition_of_its_name(tmp_path):
    """`type LegacyRandom = int | np.random.RandomState | None` (PEP 695, scanpy) binds the name
    an annotation elsewhere reads; its type parameters are no names of the module. (This Python
    may not run `type` statements: the context is checked as text.)"""
    files = {
        "simkit/__init__.py": "",
        "simkit/random.py": "import random\n\ntype LegacyRandom = int | random.Random | None\n"
                            "type Pair[T] = tuple[T, T]\n",
        "simkit/reads.py": "from simkit.random import LegacyRandom, Pair\n\n\n"
                           "def simulate_pair(seed: LegacyRandom = None) -> Pair[str]:\n"
                           "    return ('ACGT', 'TGCA')\n",
    }
    _write(tmp_path, files)
    rec = {r.qualified_name: r for r in extract_repo(tmp_path, languages=("python",))[0]}["simkit.reads.simulate_pair"]
    code = rec.context_code
    assert "type LegacyRandom = int | random.Random | None" in code and "type Pair[T] = tuple[T, T]" in code
    assert code.index("import random") < code.index("type LegacyRandom") < code.index(MARKER)
    assert rec.dependency_level == "project"


def test_a_class_inside_a_function_may_derive_from_another_local_class(tmp_path):
    """`class ColourlessFormatter(SpecialFormatter)` where both are classes of `logger_setup`
    (GTDBTk): the header reads a local of the enclosing function, which the context binds there
    like the closure variables the method reads, not among the module's names."""
    files = {
        "fastkit/__init__.py": "",
        "fastkit/parsers.py": (
            "def make_parser(strict):\n"
            "    class RecordParser(object):\n"
            "        def parse(self, line):\n            return line.split()\n\n"
            "    class FastaParser(RecordParser):\n"
            "        def parse(self, line):\n            return line.lstrip('>').strip() if strict else line\n\n"
            "    return FastaParser()\n"
        ),
    }
    _write(tmp_path, files)
    recs = {r.qualified_name: r for r in extract_repo(tmp_path, languages=("python",))[0]}
    rec = recs["fastkit.parsers.make_parser.<locals>.FastaParser.parse"]
    assert "    RecordParser = None\n    class FastaParser(RecordParser):" in rec.context_code
    assert undefined(insert(rec, "        ")) == []
    assert not any("RecordParser" in u for u in rec.unresolved)


def test_a_package_reading_its_own_path_gets_a_placeholder(tmp_path):
    """`pkgutil.iter_modules(__path__)` in a package's `__init__` (bioconda-utils' lint plugins):
    `__path__` exists in a package only, and a context is a plain module."""
    files = {
        "seqlint/__init__.py": "import pkgutil\n\n\ndef check_names():\n"
                               "    return sorted(name for _, name, _ in pkgutil.iter_modules(__path__))\n",
        "seqlint/cli.py": "from seqlint import check_names\n\n\ndef list_checks():\n"
                          "    return ', '.join(check_names())\n",
    }
    for name in ("seqlint.check_names", "seqlint.cli.list_checks"):
        rec, scope = _run(tmp_path, files, name)
        assert "__path__ = []  # the package path of seqlint/__init__.py" in rec.context_code
        assert undefined(insert(rec, "")) == []
    assert scope["list_checks"]() == ""


def test_a_class_attribute_comes_after_the_methods_it_reads(tmp_path):
    """`field_names = property(_get_field_names, _set_field_names)` below its accessors (CheckM's
    prettytable): the skeleton keeps the class's order, so the property finds them."""
    files = {
        "bintable/__init__.py": "",
        "bintable/table.py": (
            "class BinTable(object):\n"
            "    def __init__(self):\n        self._field_names = []\n\n"
            "    def _get_field_names(self):\n        return self._field_names\n\n"
            "    def _set_field_names(self, val):\n        self._field_names = list(val)\n\n"
            "    field_names = property(_get_field_names, _set_field_names)\n\n"
            "    def add_marker(self, marker):\n"
            "        self.field_names = self.field_names + [marker]\n        return len(self._field_names)\n"
        ),
    }
    rec, scope = _run(tmp_path, files, "bintable.table.BinTable.add_marker")
    code = rec.context_code
    assert code.index("def _get_field_names") < code.index("def _set_field_names") < code.index("field_names = property")
    assert code.index("def __init__(self):") < code.index("def _get_field_names")
    assert isinstance(scope["BinTable"].__dict__["field_names"], property)


def test_a_class_that_rebinds_the_name_of_its_base_keeps_the_import(tmp_path):
    """`from multiprocessing.queues import Queue` then `class Queue(Queue):` (jcvi): the header
    reads the imported class before the new one takes its name."""
    files = {
        "gridkit/__init__.py": "",
        "gridkit/jobs.py": "from collections import OrderedDict\n\n\n"
                           "class OrderedDict(OrderedDict):\n"
                           "    def last_job(self):\n        return next(reversed(self))\n",
    }
    rec, scope = _run(tmp_path, files, "gridkit.jobs.OrderedDict.last_job")
    assert rec.context_code.index("from collections import OrderedDict") < rec.context_code.index("class OrderedDict")
    assert scope["OrderedDict"].__mro__[1] is collections.OrderedDict
    assert scope["OrderedDict"]([("bwa", 1), ("samtools", 2)]).last_job() == "samtools"


def test_an_attribute_chained_with_a_local_reads_that_local(tmp_path):
    """`self.choices = choices = tuple(choices)` (qiime2): the statement reads the constructor's
    `choices` as well as binding it, so the skeleton's constructor cannot hold it as written."""
    files = {
        "qkit/__init__.py": "",
        "qkit/primitive.py": (
            "class Choices:\n"
            "    def __init__(self, *choices):\n"
            "        self.choices = choices = tuple(choices)\n"
            "        self.n = len(choices)\n\n"
            "    def __repr__(self):\n"
            "        return 'Choices(%s)' % ', '.join(map(repr, self.choices))\n"
        ),
    }
    rec, scope = _run(tmp_path, files, "qkit.primitive.Choices.__repr__")
    assert "self.choices = None" in rec.context_code and "choices = tuple" not in rec.context_code
    assert undefined(insert(rec, "    ")) == []
    assert scope["Choices"]().choices is None  # the constructor runs (before: NameError)


def _held_back_repo(tmp_path) -> None:
    """Groups of classes shaped like cutadapt's adapters (classes reached through a method body
    need one still being placed, so they are held back, one of them before a class it needs),
    several groups per context: past a small item bound, held statements become stubs."""
    groups = []
    for i in range(6):
        groups.append(
            f"class Statistics{i}:\n    def front_only(self):\n"
            f"        return Linked{i}(), Combined{i}(), Single{i}()\n\n\n"
            f"class Front{i}(Statistics{i}):\n    pass\n\n\n"
            f"class Linked{i}(Front{i}):\n    pass\n\n\n"
            # held before the class it derives from: stubbed after it
            f"class Combined{i}(Single{i}, Front{i}):\n    pass\n\n\n"
            f"class Single{i}(Front{i}):\n    pass\n\n\n"
            f"class Adapter{i}:\n"
            f"    def front(self) -> Front{i}:\n        return Front{i}()\n\n"
            f"    def linked(self) -> Linked{i}:\n        return Linked{i}()\n")
    names = ", ".join(f"Adapter{i}" for i in range(6))
    _write(tmp_path, {
        "trim/__init__.py": "",
        "trim/adapters.py": "\n\n".join(groups),
        "trim/report.py": f"from trim.adapters import {names}\n\n\n"
                          f"def collect():\n    return [a().linked() for a in ({names})]\n\n\n"
                          f"def first_two():\n    return Adapter0().front(), Adapter1().linked()\n\n\n"
                          f"def last():\n    return Adapter5().linked()\n",
    })


@pytest.mark.interpreted
@pytest.mark.parametrize("max_items", [3, 5, 40])
def test_memo_timing_and_stubbing_held_statements_do_not_change_records(tmp_path, monkeypatch, max_items):
    """Memoized closures are merged only where including the statement gives the same pieces,
    and past the item bound held statements are stubbed in one pass (`_stub_held`) in the order
    the placing loop gives. So records are the same whether memos are made at once, after one
    use (the default) or never, and with the placing loop alone."""
    from pipeline import context_python as cp

    _held_back_repo(tmp_path)
    monkeypatch.setattr(cp, "MAX_CONTEXT_ITEMS", max_items)
    calls = collections.Counter()
    stub_held, merge = cp.ContextBuilder._stub_held, cp.ContextBuilder.merge

    def counted_stub_held(self):
        calls["stub_held"] += 1
        calls["held"] += len(self.held)
        stub_held(self)

    def counted_merge(self, step):
        merged = merge(self, step)
        calls["merged"] += merged
        return merged

    monkeypatch.setattr(cp.ContextBuilder, "_stub_held", counted_stub_held)
    monkeypatch.setattr(cp.ContextBuilder, "merge", counted_merge)

    def records() -> list[FunctionRecord]:
        return extract_repo(tmp_path, repo="bio/trim", commit="c0ffee", languages=("python",))[0]

    default = records()
    assert any(r.context_truncated for r in default) == (max_items < 40)
    if max_items == 3:
        assert calls["stub_held"] and calls["held"] > calls["stub_held"]  # several held at once
        code = next(r.context_code for r in default if r.name == "last")
        # `Combined5` was held first, but needs `Single5`
        assert code.index("class Single5:\n    pass") < code.index("class Combined5:\n    pass")
    calls.clear()
    monkeypatch.setattr(cp, "MEMO_AFTER_USES", 0)
    assert records() == default
    assert (calls["merged"] > 0) == (max_items == 40)  # truncated closures are never merged
    monkeypatch.setattr(cp, "MEMO_AFTER_USES", 10 ** 9)
    calls.clear()
    assert records() == default
    assert calls["merged"] == 0

    def placing_loop_only(self):  # `_place_held` before `_stub_held`: one scan per statement placed
        held = self.held
        while held:
            first = next((st for st in held if held.keys().isdisjoint(cp._needs_other(st))), next(iter(held)))
            del held[first]
            self._include(first, hold=False)

    monkeypatch.setattr(cp.ContextBuilder, "_stub_held", placing_loop_only)
    monkeypatch.setattr(cp, "MEMO_AFTER_USES", 1)
    assert records() == default
