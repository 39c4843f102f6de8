"""parsers/comment_runs.py: long comment runs parsed as blank lines, with the same summaries."""

from __future__ import annotations

import dataclasses

from parsers import comment_runs
from parsers import python as py


def _commented_out(n: int, indent: str) -> str:
    """`n` comment lines of commented-out tests, like the ones left in real test suites, a blank
    line between two tests."""
    body = [
        "# def test_count_velocity(self):",
        "#     with mock.patch('kb_python.count.stream_fastqs') as stream_fastqs,\\",
        "#             mock.patch('kb_python.count.bustools_sort') as bustools_sort:",
        "#         reads = {'R1': 'ACGTACGTNNAC', 'R2': 'TTGACCA'}  # k-mer 31",
        "#         self.assertEqual(f'{out_dir}/counts.mtx', count.count(reads))",
    ]
    return "".join(indent + body[i % 5] + "\n" + ("\n" if i % 5 == 4 and i < n - 1 else "") for i in range(n))


CLASS_WITH_RUNS = (
    "import unittest\n\n\n"
    "class TestCount(unittest.TestCase):\n\n"
    "    def test_kmers(self):\n"
    "        seq = 'ACGTTGCA'\n"
    "        kmers = [seq[i:i + 3] for i in range(len(seq) - 2)]\n"
    "        self.assertEqual(len(kmers), 6)\n"
    + _commented_out(40, "        ")  # trailing comments of the method: they end its node
    + _commented_out(150, "    ")  # commented-out methods at class level
    + "\n    def test_gc(self):\n"
    "        return gc_content('GGCC')\n"
    + _commented_out(60, "\t")  # odd indentation, at the end of the class
)


def _summary(source: str, min_lines: int) -> py.PyFileSummary:
    data = source.encode("utf-8")
    real = comment_runs.parse

    def parse(parser, data):
        return real(parser, data, min_lines)

    comment_runs.parse = parse
    try:
        return py.summarize_python("tests/test_count.py", data)
    finally:
        comment_runs.parse = real


def _comment_nodes(tree) -> int:
    count, stack = 0, [tree.root_node]
    while stack:
        node = stack.pop()
        count += node.type == "comment"
        stack.extend(node.children)
    return count


def test_runs_found_from_their_first_line():
    data = CLASS_WITH_RUNS.encode()
    runs = comment_runs.comment_runs(data)
    assert len(runs) == 1  # 40 + 150 lines in one run; the 60 tab-indented lines are too few
    start, end = runs[0]
    assert data[start:start + 32] == b"# def test_count_velocity(self):"
    assert data[:start].endswith(b"self.assertEqual(len(kmers), 6)\n        ")
    assert data[end:].startswith(b"    def test_gc")  # the blank line before it is in the run
    assert comment_runs.comment_runs(data, min_lines=300) == []
    assert len(comment_runs.comment_runs(data, min_lines=3)) == 2


def test_blanked_lines_keep_offsets_and_the_lines_where_indentation_changes():
    data = CLASS_WITH_RUNS.encode()
    blanked, hashes = comment_runs.blank_lines(data, comment_runs.comment_runs(data))
    assert len(blanked) == len(data) and blanked.count(b"\n") == data.count(b"\n")
    assert len(hashes) == 40 + 150 - 4  # each stretch indented alike keeps its first and last line
    lines = blanked.decode().splitlines()
    run = [i for i, line in enumerate(data.decode().splitlines()) if line.lstrip().startswith("#")][:190]
    kept = [i for i in run if lines[i].strip()]
    assert kept == [run[0], run[39], run[40], run[189]]
    assert all(data[at:at + 1] == b"#" and blanked[at:at + 1] == b" " for at in hashes)


def test_summaries_are_those_of_the_plain_parse():
    plain = _summary(CLASS_WITH_RUNS, min_lines=10**6)
    quick = _summary(CLASS_WITH_RUNS, min_lines=3)
    assert dataclasses.asdict(quick) == dataclasses.asdict(plain)
    method = next(f for f in plain.functions if f.name == "test_kmers")
    assert method.code.endswith("#         self.assertEqual(f'{out_dir}/counts.mtx', count.count(reads))")
    assert method.end_line == 9 + 40 + 7  # its trailing comments are part of it, as tree-sitter has it
    # and the blanked parse was the one used (only the kept lines are comment nodes)
    data = CLASS_WITH_RUNS.encode()
    assert _comment_nodes(comment_runs.parse(py._PARSER, data, 3)) == 4 + 2
    assert _comment_nodes(py._PARSER.parse(data)) == 40 + 150 + 60


def test_lines_inside_a_string_are_parsed_as_they_are():
    """`#` lines inside a triple-quoted string are not comments: the blanked tree shows them in
    a string, and the real bytes are parsed."""
    template = 'HEADER = f"""##fileformat=VCFv4.2\n' + "".join(
        f"##INFO=<ID=DP{i},Number=1,Type=Integer,Description=\"{{depth}} {i}\">\n" for i in range(120)) + '"""\n'
    source = "depth = 'Total Depth'\n" + template + "\n\ndef header():\n    return HEADER\n"
    data = source.encode()
    runs = comment_runs.comment_runs(data)
    assert runs
    blanked, hashes = comment_runs.blank_lines(data, runs)
    assert not comment_runs._outside_strings(py._PARSER.parse(blanked), hashes)
    tree = comment_runs.parse(py._PARSER, data)
    assert str(tree.root_node) == str(py._PARSER.parse(data).root_node)
    summary = py.summarize_python("vcf_header.py", data)
    assert summary.statements[1].text == template.rstrip("\n")
    assert "depth" in summary.statements[1].refs  # the f-string's interpolations are still read


def test_a_file_with_a_syntax_error_is_parsed_as_it_is():
    source = "def broken(:\n    pass\n" + _commented_out(120, "") + "def fine():\n    return 1\n"
    data = source.encode()
    tree = comment_runs.parse(py._PARSER, data)
    assert _comment_nodes(tree) == 120
    assert [f.name for f in py.summarize_python("broken.py", data).functions][-1] == "fine"
