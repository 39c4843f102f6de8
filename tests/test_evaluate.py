"""End to end: a tiny dataset with a real gc_content harness, samples that pass, fail and
misbehave, the results file, resume, and the pass@k table that follows."""

import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline import sandbox
from pipeline.evaluate import SampleError, evaluate, format_table, load_results, read_samples
from pipeline.harness_run import (HarnessError, compare_outputs, insert_solution, jdk_available, run_harness,
                                  run_tests)
from pipeline.records import MARKER, rows_to_item_table

PY_HARNESS = f"""import random
import sys


class Seq:
    {MARKER}


def main():
    rng = random.Random(int(sys.argv[1]))
    for _ in range(5):
        dna = "".join(rng.choice("ACGTN") for _ in range(rng.randint(0, 30)))
        print(repr(dna), round(Seq.gc_content(dna), 6))


if __name__ == "__main__":
    main()
"""

REFERENCE = '''@staticmethod
def gc_content(seq):
    """Fraction of G and C among the A/C/G/T bases of seq."""
    acgt = [b for b in seq.upper() if b in "ACGT"]
    if not acgt:
        return 0.0
    return sum(b in "GC" for b in acgt) / len(acgt)
'''
STUB_PASS = "@staticmethod\ndef gc_content(seq):\n    pass\n"
STUB_NONE = "@staticmethod\ndef gc_content(seq):\n    return None\n"
WRONG = "@staticmethod\ndef gc_content(seq):\n    return seq.count('G') / max(len(seq), 1)\n"
HOSTILE = "@staticmethod\ndef gc_content(seq):\n    while True:\n        pass\n"

JAVA_HARNESS = f"""import java.util.Random;

public class Main {{
    {MARKER}

    public static void main(String[] args) {{
        Random rng = new Random(Long.parseLong(args[0]));
        for (int i = 0; i < 3; i++) {{
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < 12; j++) sb.append("ACGT".charAt(rng.nextInt(4)));
            System.out.println(sb + " " + gcCount(sb.toString()));
        }}
    }}
}}
"""
JAVA_REFERENCE = """static int gcCount(String s) {
    int n = 0;
    for (char c : s.toCharArray()) if (c == 'G' || c == 'C') n++;
    return n;
}"""

SEEDS = [1, 2, 3]


def sandbox_python() -> str:
    if sandbox.bwrap_available() or not sandbox.is_root() or sandbox._runnable_by(sys.executable, sandbox.UID_BASE):
        return sys.executable
    return "/usr/bin/python3"


def _item(id_, language, harness, runs, validated=True, split="test"):
    return {"id": id_, "language": language, "split": split, "test_harness": harness,
            "test_runs": runs, "harness_validated": validated}


def _reference_runs(language, harness, solution):
    runs = []
    for seed in SEEDS:
        r = run_harness(language, insert_solution(harness, solution, language=language), seed, python=sandbox_python())
        assert r.ok, r.stderr
        runs.append({"seed": seed, "output": r.stdout})
    return runs


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dataset")
    py_runs = _reference_runs("python", PY_HARNESS, REFERENCE)
    rows = [_item("gc", "python", PY_HARNESS, py_runs),
            _item("unvalidated", "python", PY_HARNESS, py_runs, validated=False)]
    (root / "python").mkdir()
    pq.write_table(rows_to_item_table(rows), root / "python" / "test.parquet")
    if jdk_available():
        (root / "java").mkdir()
        java_rows = [_item("jgc", "java", JAVA_HARNESS, _reference_runs("java", JAVA_HARNESS, JAVA_REFERENCE))]
        pq.write_table(rows_to_item_table(java_rows), root / "java" / "test.parquet")
    return root


def _write_samples(path: Path, samples: list[dict]) -> Path:
    path.write_text("".join(json.dumps(s) + "\n" for s in samples))
    return path


# ---------------------------------------------------------------- insertion / comparison

def test_insert_solution_reindents():
    program = "class A:\n    <<insert solution here>>\n\nprint(A().f())\n"
    solution = "\n\n        def f(self):\n            return 1\n\n"
    out = insert_solution(program, solution)
    assert out == "class A:\n    def f(self):\n        return 1\n\nprint(A().f())\n"


def test_insert_solution_tabs_and_crlf():
    program = "class A:\r\n\t<<insert solution here>>\r\nx = 1\r\n"
    out = insert_solution(program, "def f(self):\r\n\tif True:\r\n\t\treturn 1\r\n")
    assert out == "class A:\r\n\tdef f(self):\r\n\t        if True:\r\n\t                return 1\r\nx = 1\r\n"
    ns: dict = {}
    exec(out.replace("\r\n", "\n"), ns)
    assert ns["A"]().f() == 1


def test_insert_decorated_method_with_nested_def_twice():
    # A record's slice starts at the decorator (column 0) while the `def` keeps its indentation.
    # Normalising it again must not take the indentation of a nested `def` further down.
    program = "class A:\n    <<insert solution here>>\n"
    code = "@classmethod\n    def f(cls):\n        def g():\n            return 2\n        return g()"
    once = insert_solution(program, code)
    twice = insert_solution(program, insert_solution("<<insert solution here>>\n", code))
    assert once == twice
    ns: dict = {}
    exec(twice, ns)
    assert ns["A"].f() == 2


def test_insert_solution_needs_one_marker():
    with pytest.raises(HarnessError):
        insert_solution("print(1)\n", "def f(): pass")
    with pytest.raises(HarnessError):
        insert_solution(f"{MARKER}\n{MARKER}\n", "def f(): pass")


def test_compare_outputs():
    assert compare_outputs("a  \nb\n\n", "a\nb")
    assert compare_outputs("a\r\nb\r\n", "a\nb\n")
    assert not compare_outputs(" a\n", "a\n")
    assert not compare_outputs("a\n\nb", "a\nb")


def test_run_tests_reasons(dataset):
    runs = [{"seed": 1, "output": "nope"}]
    assert run_tests("python", PY_HARNESS, REFERENCE, runs, python=sandbox_python()).reason == "wrong_output"
    bad = run_tests("python", PY_HARNESS, "def gc_content(:\n", runs, python=sandbox_python())
    assert bad.reason == "error" and "SyntaxError" in bad.detail


@pytest.mark.skipif(not jdk_available(), reason="no JDK")
def test_java_compile_error():
    out = run_tests("java", JAVA_HARNESS, "static int gcCount(String s) { return 0 }", [{"seed": 1, "output": ""}])
    assert out.reason == "compile_error"


# ---------------------------------------------------------------- samples file

def test_malformed_samples_report_line_numbers(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "gc", "completion": "x"}\n\nnot json\n{"id": 3, "completion": "x"}\n'
                    '{"id": "gc"}\n{"id": "gc", "completion": "x", "prompt_style": "bogus"}\n[1]\n')
    with pytest.raises(SampleError) as exc:
        read_samples(path)
    assert [line for line, _ in exc.value.errors] == [3, 4, 5, 6, 7]
    assert exc.value.line == 3 and "s.jsonl:3" in str(exc.value)


def test_sample_index_counts_per_id(tmp_path):
    path = _write_samples(tmp_path / "s.jsonl", [{"id": "a", "completion": "1"}, {"id": "b", "completion": "2"},
                                                  {"id": "a", "completion": "3"}])
    assert [s.key for s in read_samples(path)] == [("a", 0), ("b", 0), ("a", 1)]


# ---------------------------------------------------------------- end to end

def test_end_to_end(dataset, tmp_path):
    samples = [{"id": "gc", "completion": c} for c in (REFERENCE, STUB_PASS, STUB_NONE, WRONG, HOSTILE)]
    samples += [{"id": "gc", "completion": REFERENCE, "prompt_style": "summary_only"},
                {"id": "unvalidated", "completion": REFERENCE}, {"id": "missing", "completion": REFERENCE}]
    java = jdk_available()
    if java:
        samples += [{"id": "jgc", "completion": JAVA_REFERENCE},
                    {"id": "jgc", "completion": "static int gcCount(String s) {\n    return 0;\n}"}]
    path = _write_samples(tmp_path / "samples.jsonl", samples)
    report = evaluate(dataset, path, ks=[1, 2, 5, 10], timeout=2, python=sandbox_python())

    reasons = [(r["id"], r["passed"], r["reason"]) for r in report.results]
    assert reasons[:8] == [
        ("gc", True, "passed"), ("gc", False, "error"), ("gc", False, "error"), ("gc", False, "wrong_output"),
        ("gc", False, "timeout"), ("gc", True, "passed"),
        ("unvalidated", False, "no_validated_harness"), ("missing", False, "unknown_id"),
    ]
    if java:
        assert reasons[8:] == [("jgc", True, "passed"), ("jgc", False, "wrong_output")]
    assert report.skipped == {"no_validated_harness": 1, "unknown_id": 1}

    lines = (tmp_path / "results.jsonl").read_text().splitlines()
    assert len(lines) == len(samples)
    assert {"id", "sample", "passed", "reason", "seconds"} <= set(json.loads(lines[0]))

    table = {row["group"]: row for row in report.table}
    py = table[("python", "default")]  # n=5, c=1
    assert (py["n_items"], py["n_samples"]) == (1, 5)
    assert py["pass@1"] == pytest.approx(0.2)
    assert py["pass@2"] == pytest.approx(0.4)  # 1 - C(4,2)/C(5,2) = 1 - 6/10
    assert py["pass@5"] == pytest.approx(1.0)
    assert py["pass@10"] is None  # k > n: not available
    assert table[("python", "summary_only")]["pass@1"] == 1.0
    if java:
        assert table[("java", "default")]["pass@1"] == pytest.approx(0.5)
    text = format_table(report)
    assert "n/a" in text and "20.00" in text

    # resume: nothing re-runs; an edited completion re-runs just that sample
    again = evaluate(dataset, path, ks=[1], timeout=2, python=sandbox_python())
    assert (again.resumed, again.ran) == (len(samples), 0)
    samples[3] = {"id": "gc", "completion": REFERENCE}
    _write_samples(path, samples)
    edited = evaluate(dataset, path, ks=[1], timeout=2, python=sandbox_python())
    assert edited.ran == 1 and edited.results[3]["passed"]
    assert {r["group"]: r for r in edited.table}[("python", "default")]["pass@1"] == pytest.approx(0.4)


def test_resume_drops_a_truncated_last_line(dataset, tmp_path):
    path = _write_samples(tmp_path / "samples.jsonl", [{"id": "gc", "completion": REFERENCE}] * 2)
    out = tmp_path / "res" / "out.jsonl"
    first = evaluate(dataset, path, out=out, ks=[1], python=sandbox_python())
    assert first.ran == 2
    data = out.read_bytes()
    out.write_bytes(data[:-10])  # crash mid-write
    assert len(load_results(out)) == 1
    second = evaluate(dataset, path, out=out, ks=[1], python=sandbox_python())
    assert (second.resumed, second.ran) == (1, 1)
    assert all(json.loads(line) for line in out.read_text().splitlines())


def test_cli(dataset, tmp_path):
    import typer
    from typer.testing import CliRunner

    from flows.commands.evaluate import register

    app = typer.Typer()  # as in flows/cli.py, but independent of which other commands exist yet
    register(app)
    app.command("noop")(lambda: None)  # two commands: typer keeps sub-command names
    runner = CliRunner()
    good = _write_samples(tmp_path / "samples.jsonl", [{"id": "gc", "completion": REFERENCE},
                                                        {"id": "gc", "completion": STUB_PASS}])
    res = runner.invoke(app, ["evaluate", str(dataset), str(good), "--k", "1,2,5", "--jobs", "2",
                              "--python", sandbox_python()])
    assert res.exit_code == 0, res.output
    assert "pass@1" in res.output and "50.00" in res.output and "n/a" in res.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "gc", "completion": "x"}\n{"id": "gc",\n')
    res = runner.invoke(app, ["evaluate", str(dataset), str(bad)])
    assert res.exit_code == 2
    assert "bad.jsonl:2" in res.output.replace("\n", "")
