from __future__ import annotations

import json
import sys

import pyarrow.parquet as pq
import pytest

from pipeline import audit
from pipeline.audit import assemble, check_item, check_items, java_unit, summarise
from pipeline.records import MARKER, rows_to_item_table

needs_jdk = pytest.mark.skipif(audit.find_javac() is None, reason="no JDK: javac not found")


def py_item(item_id: str, context: str, code: str, **kw) -> dict:
    row = {"id": item_id, "repo": "o/r", "language": "python", "path": "pkg/m.py", "dependency_level": "file",
           "context_code": context, "code": code, "used_imports": []}
    row.update(kw)
    return row


CODE = '''def gc_content(self, seq):
        """GC fraction."""
        counts = Counter(seq.upper())
        return (counts["G"] + counts["C"]) / max(sum(counts[b] for b in ALPHABET), 1) * helper(self.k)'''

COMPLETE = f"""from collections import Counter

ALPHABET = "ACGT"


def helper(x):
    return x * 2


class Stats:
    k = 3

    {MARKER}
"""


def test_assemble_puts_method_in_class_at_marker_indent():
    program, line, problems = assemble(py_item("a", COMPLETE, CODE))
    assert problems == []
    assert "    def gc_content(self, seq):\n" in program and MARKER not in program
    compile(program, "x", "exec")


def test_assemble_decorated_method():
    code = "@staticmethod\n    def f(x):\n        return x"
    program, _, _ = assemble(py_item("a", f"class A:\n    {MARKER}\n", code))
    assert "    @staticmethod\n    def f(x):\n        return x" in program
    compile(program, "x", "exec")


def test_complete_python_context_ok():
    ok, problems = check_item(py_item("a", COMPLETE, CODE))
    assert ok is True and problems == []


def test_missing_global():
    ok, problems = check_item(py_item("b", COMPLETE.replace('ALPHABET = "ACGT"\n', ""), CODE))
    assert ok is False
    assert problems == ["undefined-name: ALPHABET"]


def test_missing_callee():
    ctx = COMPLETE.replace("def helper(x):\n    return x * 2\n", "")
    ok, problems = check_item(py_item("c", ctx, CODE))
    assert ok is False and problems == ["undefined-name: helper"]


def test_syntax_error_and_unimportable_and_no_marker():
    ok, problems = check_item(py_item("d", f"{MARKER}\n", "def f(:\n    pass"))
    assert ok is False and problems[0].startswith("syntax-error: line 1")
    ok, problems = check_item(py_item("e", f"import numpy_not_installed_xyz\nimport os\n{MARKER}\n",
                                      "def f():\n    return os.sep, numpy_not_installed_xyz"))
    assert ok is True and problems == ["unimportable: numpy_not_installed_xyz"]
    ok, problems = check_item(py_item("f", "import os\n", "def f():\n    return os.sep"))
    assert ok is False and problems == ["no-marker: context_code has no marker line"]


def test_configured_interpreter_is_used(tmp_path):
    # An interpreter is queried in a subprocess when it is not this one (same binary via a symlink
    # would be resolved; a wrapper script is not).
    wrapper = tmp_path / "py"
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} \"$@\"\n")
    wrapper.chmod(0o755)
    ok, problems = check_item(py_item("g", f"import json\nimport nopkg_zz\n{MARKER}\n", "def f():\n    return json, nopkg_zz"),
                              python=str(wrapper))
    assert problems == ["unimportable: nopkg_zz"]


JAVA_CONTEXT = f"""package org.example.bio;

import java.util.List;

public class SeqUtil {{
    private static final int K = 3;

    {MARKER}
}}
"""


def java_item(item_id: str, context: str, code: str, **kw) -> dict:
    row = {"id": item_id, "repo": "o/j", "language": "java", "path": "src/SeqUtil.java", "module": "org.example.bio",
           "dependency_level": "class", "context_code": context, "code": code, "used_imports": []}
    row.update(kw)
    return row


JAVA_OK = """public static int count(List<String> xs) {
        return xs.size() * K;
    }"""


@needs_jdk
def test_java_compiles():
    ok, problems = check_item(java_item("j1", JAVA_CONTEXT, JAVA_OK))
    assert ok is True and problems == []


@needs_jdk
def test_java_does_not_compile():
    code = "public static int count(List<String> xs) {\n        return xs.size() * K + missingHelper(xs);\n    }"
    ok, problems = check_item(java_item("j2", JAVA_CONTEXT, code))
    assert ok is False
    assert problems == ["undefined-symbol: method missingHelper"]
    code = "public static int count(List<String> xs) {\n        return xs.size() * K\n    }"
    ok, problems = check_item(java_item("j3", JAVA_CONTEXT, code))
    assert ok is False and problems[0].startswith("compile-error: line")


@needs_jdk
def test_java_third_party_missing_is_reported_not_failed():
    ctx = JAVA_CONTEXT.replace("import java.util.List;", "import java.util.List;\nimport org.apache.commons.math3.util.FastMath;")
    code = "public static double norm(List<String> xs) {\n        return FastMath.sqrt(xs.size() * K);\n    }"
    ok, problems = check_item(java_item("j4", ctx, code))
    assert ok is True
    assert problems == ["third-party-missing: package org.apache.commons.math3.util",
                        "third-party-missing: class org.apache.commons.math3.util.FastMath"]
    # The same gap inside the repository's own packages is a real problem of the context.
    ctx2 = JAVA_CONTEXT.replace("import java.util.List;", "import java.util.List;\nimport org.example.core.Helper;")
    code2 = "public static int n(List<String> xs) {\n        return Helper.size(xs) * K;\n    }"
    ok, problems = check_item(java_item("j5", ctx2, code2))
    assert ok is False
    assert problems == ["missing-repo-symbol: package org.example.core", "missing-repo-symbol: class org.example.core.Helper"]


def test_java_without_jdk_is_skipped(monkeypatch):
    monkeypatch.setattr(audit, "find_javac", lambda: None)
    ok, problems = check_item(java_item("j6", JAVA_CONTEXT, JAVA_OK))
    assert ok is None and problems[0].startswith("skipped: no JDK")


def test_java_unit_names_file_after_public_type_and_demotes_others():
    name, src = java_unit("class A {}\npublic class B { String s = \"public class X {\"; }\npublic interface C {}\n")
    assert name == "B.java"
    assert "public class B" in src and "public interface C" not in src and "interface C" in src


@needs_jdk
def test_check_items_parallel_resume_and_summary(tmp_path):
    rows = [py_item(f"p{i}", COMPLETE, CODE) for i in range(60)]
    rows += [py_item("miss", COMPLETE.replace('ALPHABET = "ACGT"\n', ""), CODE, dependency_level="project")]
    rows += [java_item("j1", JAVA_CONTEXT, JAVA_OK), java_item("j2", JAVA_CONTEXT, JAVA_OK.replace("K;", "Q;"))]
    cache = tmp_path / "stats" / "audit_cache.jsonl"
    calls = []
    results = check_items(rows, jobs=2, cache_path=cache, progress=lambda d, n: calls.append(d))
    assert [r[0] for r in results] == [True] * 60 + [False, True, False]
    assert results[-1][1] == ["undefined-symbol: variable Q"]
    assert len(cache.read_text().splitlines()) == 63 and calls[-1] == 63
    # Resume: everything comes from the cache; a changed item is checked again.
    rows[0] = py_item("p0", COMPLETE, CODE.replace("helper(self.k)", "nothere(self.k)"))
    calls.clear()
    again = check_items(rows, jobs=2, cache_path=cache, progress=lambda d, n: calls.append(d))
    assert again[1:] == results[1:]
    assert again[0] == (False, ["undefined-name: nothere"])
    assert calls == [63]  # only one item was checked
    for row, (ok, problems) in zip(rows, again):
        row["context_ok"], row["context_problems"] = ok, problems
    s = summarise(rows)
    assert s["by_language"]["python"]["items"] == 61 and s["by_language"]["python"]["context_ok"] == 59
    assert s["by_dependency_level"]["python"]["project"]["share_ok"] == 0.0
    assert s["by_language"]["java"]["share_ok"] == 0.5
    assert ["undefined-name: ALPHABET", 1] in s["top_problems"]
    assert s["problem_kinds"]["undefined-name"] == 2


def full_row(row: dict, **kw) -> dict:
    base = {
        "repo_url": "https://github.com/o/r", "commit": "c" * 40, "license": "MIT", "url": "", "name": "f",
        "qualified_name": "m.f", "kind": "function", "scope": "module", "signature": "def f():", "body": "",
        "start_line": 1, "end_line": 2, "start_byte": 0, "end_byte": 1,
    }
    base.update(row)
    base.update(kw)
    return base


def test_store_results_and_manifest(tmp_path):
    out = tmp_path / "ds"
    (out / "python").mkdir(parents=True)
    good = full_row(py_item("a", COMPLETE, CODE), split="train")
    bad = full_row(py_item("b", COMPLETE.replace('ALPHABET = "ACGT"\n', ""), CODE), split="train")
    rej = full_row(py_item("r", COMPLETE, CODE), drop_reason="too_short")
    pq.write_table(rows_to_item_table([good, bad]), out / "python" / "train.parquet")
    pq.write_table(rows_to_item_table([rej]), out / "rejected.parquet")
    (out / "manifest.json").write_text(json.dumps({"counts": {"python": 2}, "files": {
        "python/train.parquet": {"rows": 2, "sha256": "stale"}, "README.md": {"sha256": "stale"}}}))
    (out / "README.md").write_text("# Card\n")
    rows = audit.read_items(out)
    assert [(r["id"], r["_kept"], r["split"]) for r in rows] == [("a", True, "train"), ("b", True, "train"), ("r", False, None)]
    results = dict(zip([r["id"] for r in rows], check_items(rows, jobs=1)))
    assert audit.store_results(out, results) == 3
    table = pq.read_table(out / "python" / "train.parquet")
    assert table.column("context_ok").to_pylist() == [True, False]
    assert table.column("context_problems").to_pylist() == [[], ["undefined-name: ALPHABET"]]
    assert pq.read_table(out / "rejected.parquet").column("context_ok").to_pylist() == [True]
    for row in rows:
        row["context_ok"], row["context_problems"] = results[row["id"]]
    audit.update_manifest_and_card(out, summarise(rows))
    audit.update_manifest_and_card(out, summarise(rows))  # idempotent
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"python": 2} and manifest["audit"]["all"]["context_ok"] == 2
    assert manifest["files"]["python/train.parquet"]["sha256"] == audit.file_sha256(out / "python" / "train.parquet")
    assert manifest["files"]["README.md"]["sha256"] == audit.file_sha256(out / "README.md")
    card = (out / "README.md").read_text()
    assert card.startswith("# Card\n") and card.count("## Context audit") == 1
    assert "| o/r | 3 | 3 | 2 | 66.7% |" in card


def test_repository_module_not_carried_is_an_error():
    row = py_item("h", f"import pkg_local_zz.util\n{MARKER}\n", "def f():\n    return pkg_local_zz.util.x",
                  used_imports=[{"statement": "import pkg_local_zz.util", "module": "pkg_local_zz.util",
                                 "names": ["pkg_local_zz"], "kind": "local", "resolved_path": "pkg_local_zz/util.py"}])
    ok, problems = check_item(row)
    assert ok is False and problems == ["missing-repo-module: pkg_local_zz"]


@needs_jdk
def test_javax_outside_the_jdk_is_third_party():
    ctx = JAVA_CONTEXT.replace("import java.util.List;", "import java.util.List;\nimport javax.vecmath.Point3d;")
    code = "public static double x(List<String> xs) {\n        Point3d p = new Point3d();\n        return p.x * K;\n    }"
    ok, problems = check_item(java_item("j7", ctx, code))
    assert ok is True
    assert problems == ["third-party-missing: package javax.vecmath", "third-party-missing: class javax.vecmath.Point3d"]


@needs_jdk
def test_java_static_import_of_missing_third_party():
    ctx = JAVA_CONTEXT.replace("import java.util.List;", "import java.util.List;\nimport static org.junit.Assert.assertEquals;")
    code = "public static void t(List<String> xs) {\n        assertEquals(K, xs.size());\n    }"
    ok, problems = check_item(java_item("j8", ctx, code))
    assert ok is True
    assert problems == ["third-party-missing: package org.junit", "third-party-missing: member org.junit.Assert.assertEquals"]
