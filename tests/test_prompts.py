from __future__ import annotations

import pytest

from pipeline.prompts import PROMPT_STYLES, build_prompts, prompt_columns, summary_from_docstring
from pipeline.records import (
    MARKER, Callee, ClassContext, FunctionRecord, GlobalUse, ImportUse, Member, Parameter,
)


def make_record(**kw) -> FunctionRecord:
    base = dict(
        id="x1", repo="o/r", repo_url="https://github.com/o/r", commit="c" * 40, path="pkg/m.py",
        language="python", license="MIT", url="", name="gc_content", qualified_name="pkg.m.gc_content",
        kind="function", scope="module", signature="def gc_content(seq, window=10):",
        code="", body="", start_line=1, end_line=5, start_byte=0, end_byte=0,
        parameters=[Parameter("seq"), Parameter("window", None, "10")],
    )
    base.update(kw)
    rec = FunctionRecord(**base)
    if not rec.code:
        rec.code = rec.signature + "\n" + rec.body
    return rec


GOOGLE = '''"""Compute the GC content of a sequence.

    Slides a window along the sequence.

    Args:
        seq (str): the DNA sequence,
            upper or lower case.
        window: window size.

    Returns:
        float: fraction of G and C.

    Raises:
        ValueError: on empty input.
    """'''

NUMPY = '''"""Compute the GC content of a sequence.

    Parameters
    ----------
    seq : str
        The DNA sequence.
    window : int, optional
        Window size.

    Returns
    -------
    float
        Fraction of G and C.
    """'''

SPHINX = '''"""Compute the GC content of a sequence.

    :param seq: the DNA sequence
    :type seq: str
    :param int window: window size
    :returns: fraction of G and C
    :rtype: float
    """'''

JAVADOC = """/**
     * Computes the GC content of a {@code String} sequence.
     * <p>
     * More detail here.
     *
     * @param seq the DNA sequence
     * @param window window size
     * @return fraction of G and C
     * @throws IllegalArgumentException on empty input
     */"""


@pytest.mark.parametrize("doc", [GOOGLE, NUMPY, SPHINX], ids=["google", "numpy", "sphinx"])
def test_python_docstring_styles(doc):
    s = summary_from_docstring(make_record(docstring=doc))
    lines = s.splitlines()
    assert lines[0] == "Compute the GC content of a sequence."
    assert "Parameters:" in lines
    assert any(line.startswith("- seq") and "DNA sequence" in line for line in lines)
    assert any(line.startswith("- window") and "indow size" in line for line in lines)
    assert "Returns:" in lines
    ret = lines[lines.index("Returns:") + 1]
    assert "float" in ret and "fraction of G and C".lower() in ret.lower()
    assert "ValueError" not in s


def test_google_continuation_and_types():
    s = summary_from_docstring(make_record(docstring=GOOGLE))
    assert "- seq (str): the DNA sequence, upper or lower case." in s


def test_javadoc():
    rec = make_record(language="java", docstring=JAVADOC, name="gcContent", signature="public static double gcContent(String seq, int window)",
                      parameters=[Parameter("seq", "String"), Parameter("window", "int")], return_type="double")
    s = summary_from_docstring(rec)
    assert s.splitlines()[0] == "Computes the GC content of a String sequence."
    assert "- seq (String): the DNA sequence" in s
    assert "- window (int): window size" in s
    assert "- double: fraction of G and C" in s
    assert "IllegalArgumentException" not in s


def test_no_docstring_falls_back_to_signature():
    rec = make_record(docstring=None)
    assert summary_from_docstring(rec) == 'Function "gc_content".'
    assert prompt_columns(rec)["summary_source"] == "signature"


BODY = """    \"\"\"Compute the GC content.\"\"\"
    counts = Counter(seq.upper())
    total = sum(counts[b] for b in ALPHABET)
    return (counts["G"] + counts["C"]) / max(total, 1)"""


def python_record() -> FunctionRecord:
    return make_record(
        docstring='"""Compute the GC content."""',
        body=BODY,
        signature="def gc_content(self, seq, window=10):",
        kind="method", scope="class", class_name="pkg.m.Stats",
        parameters=[Parameter("self"), Parameter("seq"), Parameter("window", None, "10")],
        used_imports=[ImportUse("from collections import Counter", "collections", ["Counter"], "stdlib")],
        globals_used=[GlobalUse("ALPHABET", "ALPHABET = 'ACGT'", "pkg/m.py", 3)],
        class_context=ClassContext("pkg.m.Stats", "class Stats(object):", members=[Member("k", "attribute", "self.k = 3")]),
        callees=[
            Callee("helper", "pkg.util.helper", "pkg/util.py", "function", "def helper(x):\n    return x * 2\n"),
            # a recursive reference: its source is the function itself and must not leak
            Callee("gc_content", "pkg.m.Stats.gc_content", "pkg/m.py", "method",
                   "def gc_content(self, seq, window=10):\n" + BODY),
        ],
        context_code=f"from collections import Counter\nALPHABET = 'ACGT'\nclass Stats(object):\n    {MARKER}\n",
    )


def test_five_prompts_shape_python():
    rec = python_record()
    summary = summary_from_docstring(rec)
    prompts = build_prompts(rec, summary)
    assert set(prompts) == set(PROMPT_STYLES)
    sig_end = 'def gc_content(self, seq, window=10):\n    """\n    Compute the GC content.\n    """'
    for style, text in prompts.items():
        assert text.endswith(sig_end), style
    top = prompts["summary_top"]
    assert top.startswith("# This is in python\n# Write a method called \"gc_content\" of class \"Stats\" that takes in 2 arguments")
    order = [top.index(t) for t in ("# Here are the comments and the specifications", "# Here are the imports:",
                                     "# Here are the global variables:", "# Here are the class declarations:",
                                     "# Here are the additional function declarations:", "# Here is the function to complete:")]
    assert order == sorted(order)
    assert "# from collections import Counter" in top
    bottom = prompts["summary_bottom"]
    assert bottom.index("# Here are the additional function declarations:") < bottom.index("# Here are the comments")
    unc = prompts["uncommented"]
    assert "\nfrom collections import Counter\n" in unc and "# Here" not in unc
    assert "Here are the imports:" not in prompts["summary_only"] and "ALPHABET" not in prompts["summary_only"]
    nec = prompts["necessary_only"]
    assert nec.startswith("from collections import Counter\n\nALPHABET = 'ACGT'\n\nclass Stats(object):\n    self.k = 3")
    assert "def helper(x):" in nec and "Here are" not in nec


def test_body_never_in_any_prompt():
    rec = python_record()
    prompts = prompt_columns(rec)
    for style in PROMPT_STYLES:
        assert rec.body.strip() not in prompts[style], style
        assert "counts = Counter(seq.upper())" not in prompts[style], style
    assert prompts["summary"] == "Compute the GC content."
    assert prompts["summary_source"] == "docstring"


def test_java_prompts_use_line_comments_and_end_with_signature():
    body = "{\n        int n = 0;\n        for (char c : seq.toCharArray()) if (c == 'G' || c == 'C') n++;\n        return (double) n / seq.length();\n    }"
    rec = make_record(
        language="java", name="gcContent", qualified_name="org.x.Seq.gcContent(String)", kind="method", scope="class",
        class_name="org.x.Seq", signature="public static double gcContent(String seq)", return_type="double",
        parameters=[Parameter("seq", "String")], body=body, docstring=JAVADOC,
        used_imports=[ImportUse("import java.util.List;", "java.util.List", ["List"], "jdk")],
        class_context=ClassContext("org.x.Seq", "public class Seq {", members=[Member("K", "field", "private static final int K = 3;")]),
    )
    prompts = build_prompts(rec, summary_from_docstring(rec))
    top = prompts["summary_top"]
    assert top.startswith("// This is in java\n// Write a method called \"gcContent\"")
    assert "// import java.util.List;" in top and "#" not in top
    assert "//     private static final int K = 3;" in top
    for style, text in prompts.items():
        assert text.endswith("public static double gcContent(String seq) {"), style
        assert "/**\n * Computes the GC content" in text
        assert "n++" not in text
