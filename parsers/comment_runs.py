"""Long runs of comment lines, parsed as blank lines.

tree-sitter-python's external scanner decides at each newline whether an indent or dedent
follows by reading ahead past the comment (and blank) lines to the next line of code; when a
dedent may follow (commented-out methods at the end of a class, say), it does so again at each
comment line, so a run costs time quadratic in its length (tree-sitter/tree-sitter-python#245).
Measured: 2.3 s for one 300 KB test file of kb_python, whose 2,758 commented-out lines make it
100 times slower to parse than the rest of its repository, and 0.1 s for a 100 KB file of MACS.
Blank lines are skipped in one token. So a file with a run of at least `MIN_RUN_LINES` comment
lines is parsed with most of them blanked: every byte kept at its offset, newlines kept, the
text from `#` to the end of the line replaced by spaces. The summaries never read comment
nodes (`code` and every other text are sliced from the real bytes), and the tree is otherwise
the same: see `blank_lines` for the lines kept so that every node ends where it did.

That holds only if each blanked line really is a comment, not the inside of a triple-quoted
string. Up to the first blanked line the two texts are identical, so the parser is in the same
state there; if the blanked text puts that line outside any string, the real text reads its
`#` as the start of a comment, which ends at the newline as the blank line does, and so on line
by line. `parse` checks exactly that on the blanked tree, and parses the real bytes when it
fails (or when the blanked tree has a syntax error, where error recovery could differ).
"""

from __future__ import annotations

import functools
import re

from tree_sitter import Node, Parser, Tree

MIN_RUN_LINES = 100  # shorter runs cost less extra than looking for them in Python would
_LINE = re.compile(rb"[ \t\f]*#[^\r\n]*")  # one line of a run, up to its line break
_STRING_TYPES = frozenset({"string", "string_content", "interpolation", "escape_sequence"})


@functools.cache
def _run_pattern(min_lines: int) -> re.Pattern[bytes]:
    # from a `#` on, lines holding only a comment or only blanks (which the scanner reads past
    # as well); one search per file that has enough `#` at all, about 0.05 s over 65 MB of
    # real repositories (possessive: 0.13 s with backtracking into the blanks)
    return re.compile(rb"#[^\n]*\n(?:[ \t\f\r]*+(?:#[^\n]*+)?\n){%d,}" % (min_lines - 1))


def comment_runs(data: bytes, min_lines: int = MIN_RUN_LINES) -> list[tuple[int, int]]:
    """Byte spans (from the first `#` to after the last newline) of the runs of at least
    `min_lines` comment lines, with nothing but blank lines between them."""
    if data.count(b"#") < min_lines:
        return []
    return [m.span() for m in _run_pattern(min_lines).finditer(data)
            if sum(1 for _ in _LINE.finditer(data, *m.span())) >= min_lines]


def blank_lines(data: bytes, runs: list[tuple[int, int]]) -> tuple[bytes, list[int]]:
    """`data` with comment lines of `runs` blanked, and where each of their `#` was.

    The first and last line of each stretch of lines indented alike stay: comments at the end
    of a block belong to it (its node ends with them), and where the indentation changes within
    a run, the block they belong to may change. Lines indented like the lines kept around them
    belong where those do, so every node ends where it did."""
    out = bytearray(data)
    hashes: list[int] = []
    for start, end in runs:
        line_start = data.rfind(b"\n", 0, start) + 1
        if data[line_start:start].strip():  # the run starts with a comment after code
            line_start = data.index(b"\n", start) + 1
        lines = [(m.start(), m.end()) for m in _LINE.finditer(data, line_start, end)]
        indents = [data[s:data.index(b"#", s, e)] for s, e in lines]
        for k in range(1, len(lines) - 1):
            if indents[k - 1] == indents[k] == indents[k + 1]:
                s, e = lines[k]
                at = s + len(indents[k])
                hashes.append(at)
                out[at:e] = b" " * (e - at)
    return bytes(out), hashes


def _outside_strings(tree: Tree, hashes: list[int]) -> bool:
    root: Node = tree.root_node
    if root.has_error:
        return False
    for at in hashes:
        node = root.descendant_for_byte_range(at, at + 1)
        if node is None or node.type in _STRING_TYPES:
            return False
    return True


def parse(parser: Parser, data: bytes, min_lines: int = MIN_RUN_LINES) -> Tree:
    """`parser.parse(data)`, in linear time on long comment runs; the same tree apart from
    those comments' nodes."""
    runs = comment_runs(data, min_lines)
    if runs:
        blanked, hashes = blank_lines(data, runs)
        tree = parser.parse(blanked)
        if _outside_strings(tree, hashes):
            return tree
    return parser.parse(data)
