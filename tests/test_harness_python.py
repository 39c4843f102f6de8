"""Python harness generation: generator choice (annotations, docstrings, defaults, names), the
harness program, and validation of fixture functions, including the ones it must reject and a
mutation check through the evaluation path (pipeline.harness_run.run_tests)."""

from __future__ import annotations

import textwrap

import pytest

import harness_fixtures as fx
from pipeline import harness_common as hc
from pipeline import harness_python as hp
from pipeline.harness_run import run_tests
from pipeline.records import MARKER
from pipeline.validate import validate_items

GOOD = {
    "gc_content": lambda: fx.py_record(fx.GC_CONTENT),
    "reverse_complement": lambda: fx.py_record(fx.REVERSE_COMPLEMENT),
    "kmer_counts": lambda: fx.py_record(fx.KMER_COUNTS),
    "phred_to_prob": lambda: fx.py_record(fx.PHRED_TO_PROB),
    "parse_cigar": lambda: fx.py_record(fx.PARSE_CIGAR),
    "hamming": lambda: fx.py_record(fx.HAMMING),
    "count_above": lambda: fx.py_record(fx.MEAN_ABOVE),
    "fasta_lengths": lambda: fx.py_record(fx.FASTA_COUNT),
    "trim_low": lambda: fx.py_record(fx.TRIM_IN_PLACE),
    "kmers": lambda: fx.py_record(fx.KMER_METHOD, fx.KMER_METHOD_CONTEXT, kind="method", class_name="m.KmerIndex"),
    "windows": lambda: fx.py_record(fx.WINDOW_METHOD, fx.WINDOW_CONTEXT, kind="method", class_name="m.Windower"),
    "total": lambda: fx.py_record(fx.ABSTRACT_BASE_METHOD, fx.ABSTRACT_BASE_CONTEXT, kind="method",
                                  class_name="m.Profile"),
    "extend": lambda: fx.py_record(fx.BROKEN_INIT_METHOD, fx.BROKEN_INIT_CONTEXT, kind="method",
                                   class_name="m.ReadExtender"),
    "total_covered": lambda: fx.py_record(fx.INTERVAL_FRAME),
    "is_sorted_by_start": lambda: fx.py_record(fx.LOCAL_IMPORT, fx.LOCAL_IMPORT_CONTEXT),
    "score_pair": lambda: fx.py_record(fx.ENUM_MODE, fx.ENUM_MODE_CONTEXT),
    "gc_skew": lambda: fx.py_record(fx.SEQUENCE_OBJECT, fx.SEQUENCE_OBJECT_CONTEXT),
    "index_path": lambda: fx.py_record(fx.DATA_PATH, fx.DATA_PATH_CONTEXT, imports=(("import os", "os"),)),
    "subsample_reads": lambda: fx.py_record(fx.SEEDED_SAMPLE, fx.SEEDED_SAMPLE_CONTEXT,
                                            imports=(("import random", "random"),)),
    "get_fragment_from_read": lambda: fx.py_record(fx.READ_FRAGMENT, fx.READ_FRAGMENT_CONTEXT,
                                                   imports=(("import pysam", "pysam"),)),
    "range_normalization": lambda: fx.py_record(fx.UNDECORATED_STATIC, fx.UNDECORATED_STATIC_CONTEXT, kind="method",
                                                class_name="m.TADClassifier.MP_Matrix"),
    "sv_summary": lambda: fx.py_record(fx.INFO_KEYS),
    "thick_fraction": lambda: fx.py_record(fx.FRAME_COLUMNS),
    "gc_fraction": lambda: fx.py_record(fx.MEMBER_CHAIN, fx.MEMBER_CHAIN_CONTEXT, kind="method", class_name="m.Read"),
    "mapped_reads_per_chrom": lambda: fx.py_record(fx.BAM_HANDLE, fx.BAM_HANDLE_CONTEXT,
                                                   imports=(("import pysam", "pysam"),)),
    "explained": lambda: fx.py_record(fx.ESTIMATOR_ATTRS, fx.ESTIMATOR_ATTRS_CONTEXT, kind="property",
                                      class_name="m.OrdinationResult"),
    "reverse_complement_method": lambda: fx.py_record(fx.SIBLING_METHOD, fx.SIBLING_CONTEXT, kind="method",
                                                      class_name="m.Complementer", methods=fx.SIBLING_CALLEES),
    "cigar_op_lengths": lambda: fx.py_record(fx.BYTES_CIGAR),
    "tick_labels": lambda: fx.py_record(fx.INDEXED_ATTRS_METHOD, fx.INDEXED_ATTRS_CONTEXT, kind="method",
                                        class_name="m.TickLabeller"),
    "reverse": lambda: fx.py_record(fx.OWN_CLASS_METHOD, fx.OWN_CLASS_CONTEXT, kind="method",
                                    class_name="m.Sequence", methods=(fx.OWN_CLASS_INIT,)),
    "count_overlaps": lambda: fx.py_record(fx.TWO_FRAMES, imports=(("import pandas as pd", "pandas"),)),
    "branch_label": lambda: fx.py_record(fx.ABSTRACT_ARG, fx.ABSTRACT_ARG_CONTEXT),
    "count_in": lambda: fx.py_record(fx.FILE_IMPORT_METHOD, fx.FILE_IMPORT_CONTEXT, kind="method",
                                     class_name="m.Motif", methods=(fx.FILE_IMPORT_INIT,),
                                     file_imports=("import os", "import re", "from . import io")),
    "clip_to_chromsizes": lambda: fx.py_record(fx.CHROMSIZES),
    "assign_region": lambda: fx.py_record(fx.VIEW_FRAME),
}
BAD = {  # name -> expected reason key
    "sample_base": (lambda: fx.py_record(fx.UNSEEDED_RANDOM), hc.NONDETERMINISTIC),
    "stamp": (lambda: fx.py_record(fx.CLOCK), hc.NONDETERMINISTIC),
    "distinct": (lambda: fx.py_record(fx.HASH_ORDER), hc.NONDETERMINISTIC),
    "version": (lambda: fx.py_record(fx.CONSTANT), hc.OUTPUT_IGNORES_INPUTS),
    "fetch_record": (lambda: fx.py_record(fx.NETWORK, fx.NETWORK_CONTEXT,
                                          imports=(("import urllib.request", "urllib.request"),)), hc.NEEDS_NETWORK),
}


@pytest.fixture(scope="module")
def outcomes():
    """Every fixture validated once, two at a time (sandbox runs are subprocesses)."""
    names = list(GOOD) + list(BAD)
    records = [GOOD[n]() for n in GOOD] + [BAD[n][0]() for n in BAD]
    mutant_records = [fx.py_record(code) for code, _ in fx.MUTANTS.values()]
    results = validate_items(records + mutant_records, jobs=2)
    by_name = dict(zip(names, results[: len(names)]))
    for name, res in zip(fx.MUTANTS, results[len(names):]):
        by_name.setdefault(name, res)
    return by_name


# ---------------------------------------------------------------- generator choice (no sandbox)

def test_type_specs_from_annotations():
    assert hp.type_specs("int") == ["int"]
    assert hp.type_specs("Optional[str]") == ["str"]
    assert hp.type_specs("str | None") == ["str"]
    assert hp.type_specs("List[int]")[0] == "list[int]"
    assert hp.type_specs("dict[str, float]")[0] == "dict[str,float]"
    assert hp.type_specs("Tuple[int, str]") == ["tuple[int,str]"]
    assert hp.type_specs("np.ndarray")[0] == "ndarray_float"
    assert hp.type_specs("Callable[[int], int]") == ["!unsupported"]
    assert hp.type_specs("pysam.AlignedSegment") == ["aligned_read"]
    assert hp.type_specs("SamRecord")[0].startswith("!object:")


def test_docstring_types_google_numpy_sphinx():
    google = "Do it.\n\nArgs:\n    seq (str): the sequence\n    k (int): k-mer size\n"
    numpy = "Do it.\n\nParameters\n----------\nvalues : list of float\n    The values.\n"
    sphinx = "Do it.\n\n:param str seq: the sequence\n:type k: int\n"
    assert hp.docstring_types(google) == {"seq": "str", "k": "int"}
    assert hp.docstring_types(numpy)["values"] == "list of float"
    assert hp.docstring_types(sphinx) == {"seq": "str", "k": "int"}
    assert hp._doc_type_specs("list of float", set())[0] == "list[float]"
    assert hp._doc_type_specs("int, optional", set()) == ["int"]


def test_domain_names_rank_first_and_defaults_are_tried_first():
    seq = hp.Param("seq", "positional", "str")
    assert hp.rank_candidates(seq, {}, set())[0] == "dna"
    assert hp.rank_candidates(hp.Param("cigar", "positional"), {}, set())[0] == "cigar"
    assert hp.rank_candidates(hp.Param("fasta_file", "positional"), {}, set())[0] == "fasta_path"
    assert hp.rank_candidates(hp.Param("k", "positional", None, "3"), {}, set())[:2] == ["default", "int_small"]
    unknown = hp.rank_candidates(hp.Param("filename", "positional"), {}, set())
    assert set(unknown) >= {"fasta_path", "fastq_path", "bed_path", "vcf_path"}


def test_harness_program_has_one_marker_and_a_seeded_main():
    plan = hp.generate(fx.py_record(fx.GC_CONTENT))
    assert isinstance(plan, hc.HarnessPlan)
    assert hc.marker_count(plan.program) == 1
    assert plan.program.index(MARKER) < plan.program.index("_h_main(")
    assert "_h_probe" not in plan.program  # the probe stays out of the stored harness
    assert plan.generators == {"seq": "dna"}
    assert set(plan.stubs) == {"pass", "return_none", "raise", "return_first_arg"}


def test_unbuildable_parameters_are_untestable_with_reason():
    code = "def apply(fn: Callable[[int], int], x: int) -> int:\n    return fn(x)\n"
    res = hp.generate(fx.py_record(code))
    assert isinstance(res, hc.Untestable) and res.reason == hc.UNSUPPORTED_TYPE
    code = "def read_name(read: VariantRecord) -> str:\n    return read.id\n"
    res = hp.generate(fx.py_record(code))
    assert isinstance(res, hc.Untestable) and res.reason == hc.NEEDS_UNCONSTRUCTIBLE_OBJECT
    plot = "def show(xs):\n    plt.plot(xs)\n"
    res = hp.generate(fx.py_record(plot, f"import matplotlib.pyplot as plt\n\n{MARKER}\n"))
    assert isinstance(res, hc.Untestable) and res.reason == hc.NEEDS_GUI
    res = hp.generate(fx.py_record(plot, f"from matplotlib import pyplot as plt\n\n{MARKER}\n",
                                   imports=(("from matplotlib import pyplot as plt", "matplotlib"),)))
    assert isinstance(res, hc.Untestable) and res.reason == hc.NEEDS_GUI
    colour = "def to_hex(c):\n    return colors.to_hex(c)\n"  # matplotlib without plotting is not GUI
    assert hp.needs(fx.py_record(colour, f"from matplotlib import colors\n\n{MARKER}\n",
                                 imports=(("from matplotlib import colors", "matplotlib"),))) is None


def test_missing_module_is_reported():
    ctx = f"import not_a_real_module_xyz\n\n{MARKER}\n"
    res = hp.generate(fx.py_record(fx.GC_CONTENT, ctx))
    assert isinstance(res, hc.Untestable) and res.reason == f"{hc.MISSING_MODULE}:not_a_real_module_xyz"


def test_stubs_keep_the_signature():
    stubs = hp.stubs_for(fx.py_record(fx.HAMMING).code, fx.py_record(fx.HAMMING).body, "s1")
    assert stubs["return_first_arg"].startswith("def hamming(s1, s2):")
    assert stubs["return_first_arg"].rstrip().endswith("return s1")


# ---------------------------------------------------------------- validation in the sandbox

@pytest.mark.parametrize("name", list(GOOD))
def test_fixture_functions_validate(outcomes, name):
    out = outcomes[name]
    assert out.harness_validated, out.harness_reason
    assert out.harness_reason == hc.VALIDATED
    assert len(out.test_runs) >= 5
    assert len({r["output"] for r in out.test_runs}) > 1
    assert hc.marker_count(out.test_harness) == 1


@pytest.mark.parametrize("name", list(BAD))
def test_bad_functions_are_rejected(outcomes, name):
    out = outcomes[name]
    assert not out.harness_validated
    assert out.harness_reason.split(" (")[0] == BAD[name][1]


def test_in_place_mutation_is_printed(outcomes):
    assert any("changed quals:" in r["output"] for r in outcomes["trim_low"].test_runs)


def test_identity_stub_is_caught_or_avoided():
    """`seq.upper()` equals its input on clean DNA: the probe prefers inputs where it does not."""
    out = validate_items([fx.py_record(fx.UPPER)], jobs=1)[0]
    assert out.harness_validated, out.harness_reason


@pytest.mark.parametrize("name", list(fx.MUTANTS))
def test_mutants_fail_the_validated_harness(outcomes, name):
    out = outcomes[name]
    assert out.harness_validated, out.harness_reason
    code, mutations = fx.MUTANTS[name]
    record = fx.py_record(code)
    assert run_tests("python", out.test_harness, record.code, out.test_runs).passed  # the reference passes
    for old, new in mutations:
        assert old in record.code
        mutant = record.code.replace(old, new, 1)
        result = run_tests("python", out.test_harness, mutant, out.test_runs)
        assert not result.passed, f"mutant {old!r} -> {new!r} passed"


# ---------------------------------------------------------------- methods: building the instance

def test_constructor_arguments_are_generated_own_or_inherited():
    plan = hp.generate(GOOD["windows"]())
    assert isinstance(plan, hc.HarnessPlan)
    assert plan.generators[hp.OBJ_KEY] == "init" and "init.size" in plan.generators
    assert "_h_concrete(Windower)(" in plan.program
    inherited = hp.analyse(GOOD["total"](), hc.insert_solution(fx.ABSTRACT_BASE_CONTEXT, GOOD["total"]().code))
    assert [p.name for p in inherited.ctor_params] == ["counts"]  # BioObject.__init__


def test_broken_skeleton_init_falls_back_to_a_bare_instance(outcomes):
    plan = hp.generate(GOOD["extend"]())
    assert isinstance(plan, hc.HarnessPlan)
    assert plan.generators[hp.OBJ_KEY] == "bare" and "self.fragment_length" in plan.generators
    assert "_h_new(ReadExtender)" in plan.program
    mutant = GOOD["extend"]().code.replace("start + self.fragment_length", "start + self.fragment_length - 1")
    out = outcomes["extend"]
    assert not run_tests("python", out.test_harness, mutant, out.test_runs).passed


def test_self_attributes_are_the_ones_read_and_not_defined_on_the_class():
    context = f"""
class Counter:
    LIMIT = 3

    def __init__(self, k: int):
        self.k = k

    def helper(self):
        ...

    {MARKER}
"""
    code = "def run(self, seq):\n    self.total += 1\n    self.helper()\n    return seq[:self.k] * self.LIMIT\n"
    rec = fx.py_record(code, context, kind="method", class_name="m.Counter")
    target = hp.analyse(rec, hc.insert_solution(rec.context_code, rec.code))
    assert [(p.name, p.annotation) for p in target.self_attrs] == [("total", None), ("k", "int")]


def test_docstring_containers_rank_before_the_scalar_named_beside_them():
    assert hp._doc_type_specs("1-D array_like, int", set())[:2] == ["ndarray_int", "ndarray_float"]
    assert hp._doc_type_specs("function or str", set()) == ["str"]
    assert hp._doc_type_specs("callable", set()) == ["!unsupported"]
    assert hp.rank_candidates(hp.Param("row_idx", "positional"), {}, set())[0] == "int_index"


def test_docstring_type_alternatives_and_file_like_strings():
    # skbio: `seq1 : DNA, RNA, or TabularMSA[DNA|RNA]` names repository classes, not a string
    assert hp._doc_type_specs("DNA, RNA, or TabularMSA[DNA|RNA]", {"DNA": ("dna",)}) == [
        "new[DNA,dna]", "!object:RNA", "!object:TabularMSA"]
    assert hp._doc_type_specs("int, float", {}) == ["int", "float"]
    # bioframe: `filepath_or : str or file-like` is a string naming a file of some format
    assert hp._doc_type_specs("str or file-like", {}) == ["!unknown_file", "str"]
    ranked = hp.rank_candidates(hp.Param("filepath_or", "positional"), {"filepath_or": "str or file-like"}, {})
    assert ranked and all(c.endswith("_path") for c in ranked)
    assert hp.rank_candidates(hp.Param("name", "positional"), {"name": "str"}, {}) == ["word", "str"]


def test_numpy_docstrings_name_several_parameters_and_sets_of_values():
    doc = ("Parameters\n----------\nseq1, seq2 : {DNA, RNA}\n    Aligned sequences.\n"
           "fmt : {'fasta', 'fastq'}, optional\n    Output format.\n")
    types = hp.docstring_types(doc)
    assert types["seq1"] == types["seq2"] == "{DNA, RNA}"
    assert hp._doc_type_specs(types["seq1"], {"DNA": ("dna",)}) == ["new[DNA,dna]", "!object:RNA"]
    assert hp.rank_candidates(hp.Param("fmt", "positional"), types, {})[0] == "choice['fasta','fastq']"


def test_bytes_and_positional_reads_shape_the_candidates():
    import ast

    # `cigar: bytes`: the CIGAR text encoded, before arbitrary bytes
    ranked = hp.rank_candidates(hp.Param("cigar", "positional", "bytes"), {}, {})
    assert ranked[:2] == ["enc[cigar]", "bytes"]
    assert hp.spec_expr("enc[cigar]", set()) == "_g_cigar(r, a).encode()"
    fn = ast.parse(textwrap.dedent(fx.INDEXED_ATTRS_METHOD)).body[0]
    assert hp.indexed_reads(fn) == {"self.end_label", "self.start_label", "self.reference_label"}
    assert hp.indexed_reads(ast.parse("def f(d, m):\n    return d['chrom'], m[0, 1]").body[0]) == set()
    label = hp.Param("start_label", "attribute", indexed=True)
    assert hp.rank_candidates(label, {}, {})[0] == "indexed[int_pos]"
    assert "_g_size(r, a)" in hp.spec_expr("indexed[int_pos]", set())


def test_dicts_keyed_by_chromosome():
    assert hp.rank_candidates(hp.Param("chromsizes", "positional"), {}, {})[0] == "chrommap[int_pos]"
    assert hp.rank_candidates(hp.Param("fasta_records", "positional"), {"fasta_records": "OrderedDict"},
                              {})[0] == "chrommap[dna]"
    assert hp.spec_expr("chrommap[int_pos]", set()) == "{c: _g_int_pos(r, a) for c in _g_chroms(r, a)}"


def test_wider_probe_extends_every_key_with_generic_candidates():
    choices = [{"x": "int"}]
    wider = hp._wider_variants(choices, {"x": ["int"]}, numpy=True)
    specs = {c["x"] for c in wider}
    assert {"list[int]", "list[float]", "word", "ndarray_float", "dict[str,int]"} <= specs
    assert {"x": "int"} not in wider and len(wider) <= hp.MAX_WIDER_VARIANTS


def test_stubbed_sibling_methods_are_replaced_by_their_source(outcomes):
    rec = GOOD["reverse_complement_method"]()
    expanded = hp.expand_methods(rec.context_code, rec)
    assert "    def complement(self, base):\n        return self._pairs()" in expanded
    assert "    @staticmethod\n    def _pairs():" in expanded  # called only by a sibling: added
    assert expanded.index("def _pairs") < expanded.index(MARKER) and hc.marker_count(expanded) == 1
    assert "_pairs" in outcomes["reverse_complement_method"].test_harness
    rec.callees[0].source = "def complement(self, base:\n    return base\n"  # does not parse: left stubbed
    rec.callees = rec.callees[:1]
    assert hp.expand_methods(rec.context_code, rec) == rec.context_code


def test_swapped_in_methods_bring_the_file_imports_they_read(outcomes):
    harness = outcomes["count_in"].test_harness
    assert "try:\n    import re\nexcept ImportError:\n    pass" in harness
    assert "    import os\n" not in harness and "from . import io" not in harness  # unread; relative


def test_literals_the_body_tests_a_parameter_against_become_its_first_candidate():
    import ast

    code = fx.ENUM_MODE_CONTEXT.replace(MARKER, fx.ENUM_MODE)
    tree = ast.parse(code)
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
    assert hp.literal_values(fn, tree) == {"scheme": ["'blastn'", "'megablast'", "'transition'"]}
    p = hp.Param("scheme", "positional", literals=["'blastn'", "'megablast'"])
    assert hp.rank_candidates(p, {}, {})[0] == "choice['blastn','megablast']"
    assert hp._split_top("'a,b', 'c\\'d', 3") == ["'a,b'", "'c\\'d'", "3"]


def test_classes_with_simple_constructors_are_generated_from_their_arguments():
    known = hp.constructible_classes(fx.SEQUENCE_OBJECT_CONTEXT.replace(MARKER, ""))
    assert known == {"DNASequence": ("dna",)}
    assert hp.type_specs("DNASequence", known) == ["new[DNASequence,dna]"]
    assert hp.spec_expr("new[DNASequence,dna]", set()) == "_h_concrete(DNASequence)(_g_dna(r, a))"


def test_seed_parameters_get_a_value_before_their_default():
    assert hp.rank_candidates(hp.Param("seed", "positional", default="None"), {}, {})[0] == "int"


def test_generated_harnesses_for_the_new_generators(outcomes):
    assert outcomes["score_pair"].harness_validated
    assert "choice" in outcomes["score_pair"].test_harness
    assert "_h_concrete(DNASequence)(_g_dna(r, a))" in outcomes["gc_skew"].test_harness
    assert all("<rundir>/" in r["output"] for r in outcomes["index_path"].test_runs)
    assert "a['seed'] = " in outcomes["subsample_reads"].test_harness
    assert "_g_bedframe(r, a)" in outcomes["total_covered"].test_harness


def test_rendering_is_canonical_for_values_a_function_returns(tmp_path):
    # run in a subprocess: the runtime installs its import shim in the interpreter it runs in
    import subprocess
    import sys

    from pipeline.harness_runtime_py import RUNTIME

    script = tmp_path / "render.py"
    script.write_text(RUNTIME + '''
import collections
CallData = collections.namedtuple("CallData", ["GT", "DP"])
print(_h_render(CallData))
print(_h_render(CallData("0/1", 12)))
print(_h_render({"b": {2, 1}, "a": [0.1 + 0.2, float("nan")]}))
''')
    out = subprocess.run([sys.executable, str(script), "1"], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["class CallData['GT', 'DP']", "CallData('0/1', 12)", "{'a': [0.3, nan], 'b': {1, 2}}"]
