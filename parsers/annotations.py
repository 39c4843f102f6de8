"""Names read inside string annotations: forward references such as `x: "pkg.Type"`,
`Optional["Node"]` or `TypeVar("T", bound="Base")`.

Python never evaluates them, but type checkers and pyflakes read them like code, so a context
that holds such an annotation must bind the names in it (`pipeline/context_python.py` binds them
under `if typing.TYPE_CHECKING:`, as the original code usually does). Which strings count follows
pyflakes: every string in an annotation except inside `Literal[...]` and `Annotated`'s metadata,
and the annotation arguments of the typing helpers (`cast`, `TypeVar`, `NewType`, ...). The
strings are read with Python's own `ast`, on the annotation's text; files without them pay for a
few substring searches.
"""

from __future__ import annotations

import ast
from typing import Iterator

from tree_sitter import Node

# typing helper -> (positional arguments that are annotations, from this index; keywords that are)
_HELPERS: dict[str, tuple[int | None, frozenset[str]]] = {
    "cast": (0, frozenset({"typ"})),  # cast("T", value): only the first positional one
    "assert_type": (1, frozenset()),
    "TypeVar": (1, frozenset({"bound", "default"})),
    "ParamSpec": (None, frozenset({"bound", "default"})),
    "TypeVarTuple": (None, frozenset({"bound", "default"})),
    "NewType": (1, frozenset({"tp"})),
}
_HELPER_CALLS = tuple((name.encode() + b"(", name) for name in _HELPERS)


def _is_named(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name or isinstance(node, ast.Attribute) and node.attr == name


def _forward(value: str) -> ast.expr | None:
    """A string annotation's expression, parsed as pyflakes does (one expression statement)."""
    try:
        body = ast.parse(value).body
    except (SyntaxError, ValueError):
        return None
    return body[0].value if len(body) == 1 and isinstance(body[0], ast.Expr) else None


def _collect(node: ast.AST, out: set[str], in_string: bool) -> None:
    """Names read in the strings of annotation `node` (with `in_string`, inside one already)."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            inner = _forward(node.value)
            if inner is not None:
                _collect(inner, out, True)
    elif isinstance(node, ast.Name):
        if in_string:
            out.add(node.id)
    elif isinstance(node, ast.Subscript) and _is_named(node.value, "Literal"):
        _collect(node.value, out, in_string)
        if in_string:  # Literal's values are values: their names are read, their strings are not types
            out.update(n.id for n in ast.walk(node.slice) if isinstance(n, ast.Name))
    elif isinstance(node, ast.Subscript) and _is_named(node.value, "Annotated") \
            and isinstance(node.slice, ast.Tuple) and node.slice.elts:
        _collect(node.value, out, in_string)
        _collect(node.slice.elts[0], out, in_string)  # the type; the rest is metadata
        if in_string:
            for meta in node.slice.elts[1:]:
                out.update(n.id for n in ast.walk(meta) if isinstance(n, ast.Name))
    else:
        for child in ast.iter_child_nodes(node):
            _collect(child, out, in_string)


def names_in_annotation(text: str | None) -> frozenset[str]:
    """Names read by the strings of an annotation's source text (`Optional["Node"]` -> Node). The
    annotation's own names are ordinary references, found by the parser's identifier pass."""
    if not text or ('"' not in text and "'" not in text):
        return frozenset()
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return frozenset()
    out: set[str] = set()
    _collect(tree.body, out, False)
    return frozenset(out)


def _helper_call(root: Node, pos: int, length: int) -> Node | None:
    """The call whose callee ends with the helper name at `pos` (`cast(` or `typing.cast(`)."""
    node = root.descendant_for_byte_range(pos, pos + length)
    if node is None or node.type != "identifier" or node.end_byte != pos + length:
        return None
    parent = node.parent
    if parent is not None and parent.type == "attribute":
        node, parent = parent, parent.parent
    if parent is None or parent.type != "call" or parent.child_by_field_name("function") != node:
        return None
    return parent


def _call_names(call_text: str, helper: str) -> frozenset[str]:
    try:
        call = ast.parse(call_text, mode="eval").body
    except (SyntaxError, ValueError):
        return frozenset()
    if not isinstance(call, ast.Call):
        return frozenset()
    first, keywords = _HELPERS[helper]
    args: list[ast.expr] = []
    if first is not None:
        args = call.args[first:first + 1] if helper == "cast" else call.args[first:]
    args += [k.value for k in call.keywords if k.arg in keywords]
    out: set[str] = set()
    for a in args:
        _collect(a, out, False)
    return frozenset(out)


def helper_call_annotations(data: bytes, root: Node) -> Iterator[tuple[int, frozenset[str]]]:
    """(start byte, names) of the string annotations passed to the typing helpers in a file."""
    if b"typing" not in data:  # where the helpers come from (typing, typing_extensions)
        return
    for needle, helper in _HELPER_CALLS:
        pos = data.find(needle)
        while pos >= 0:
            if pos == 0 or not (data[pos - 1:pos].isalnum() or data[pos - 1] == 95):  # not `my_cast(`
                call = _helper_call(root, pos, len(needle) - 1)
                if call is not None:
                    text = data[call.start_byte:call.end_byte].decode("utf-8", "replace")
                    names = _call_names(text, helper)
                    if names:
                        yield call.start_byte, names
            pos = data.find(needle, pos + 1)
