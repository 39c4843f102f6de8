"""Python extraction with tree-sitter: one parse, one statement walk and one identifier query per file.

`summarize_python(path, data)` is a pure function of a file's UTF-8 bytes. It returns a
`PyFileSummary`: every `def`/`async def` (top-level, methods of nested classes, nested
functions), classes with their members, imports, module-level bindings, `__all__`, and for
each function the names it reads from outside (free names), the `self.x`/`cls.x` attributes
it uses and the dotted chains it reads (`np.linalg.norm`, `m.f`). Context resolution across
files is in `pipeline/context_python.py`; this module never looks at other files.

Speed: tree-sitter parses about 11 MB/s; a Python-level walk over every node would halve
that. So only statements are walked in Python (definitions never hide inside expressions),
and identifiers come from one `Query` over the file, classified by capture name and assigned
to their innermost scope by a single sweep over byte offsets. The same query marks what the
walk must find inside function bodies (defs, imports, `self.x = …`, Python 2 statements), so
bodies and statements without any are not walked, and finds Python 2 integers. Node objects
and their attributes are costly in py-tree-sitter (about 0.1-0.3 us each): the walk asks for
single children (`named_child(0)`) where it can, and Python 2 strings, which would need a
capture of every string, are looked for in the text and confirmed on the tree.

The query and the sweep have a C twin, `parsers/_pyscan.c` (see `parsers/native.py`): one
cursor walk in C instead of the query's Node objects, and the sweep over packed offsets. It is
used when built, gives the same summaries, and makes extraction about a third faster.
"""

from __future__ import annotations

import ast
import inspect
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from operator import attrgetter, gt, itemgetter
from typing import Final, Iterator

import tree_sitter_python as tsp
from tree_sitter import Language, Node, Parser, Query, QueryCursor

from parsers import comment_runs
from parsers.annotations import helper_call_annotations, names_in_annotation
from parsers.native import native_scanner
from pipeline.records import Parameter

PY_LANGUAGE: Final = Language(tsp.language())

# Identifier roles. `id` is every identifier; the others say which of them are not loads
# (attribute names, keyword-argument names) or which bind a name in their scope.
_QUERY_SRC = """
(identifier) @id
(attribute attribute: (identifier) @attr)
(keyword_argument name: (identifier) @kw)
(function_definition name: (identifier) @kw)
(class_definition name: (identifier) @kw)
(global_statement (identifier) @glob)
(nonlocal_statement (identifier) @glob)
(assignment left: (identifier) @bind)
(augmented_assignment left: (identifier) @bind)
(pattern_list (identifier) @bind)
(tuple_pattern (identifier) @bind)
(list_pattern (identifier) @bind)
(list_splat_pattern (identifier) @bind)
(dictionary_splat_pattern (identifier) @bind)
(for_statement left: (identifier) @bind)
(for_in_clause left: (identifier) @bind)
(as_pattern_target (identifier) @bind)
(as_pattern_target (tuple (identifier) @bind))
(as_pattern_target (list (identifier) @bind))
(parameters (identifier) @bind)
(lambda_parameters (identifier) @bind)
(default_parameter name: (identifier) @bind)
(typed_parameter (identifier) @bind)
(typed_default_parameter name: (identifier) @bind)
(named_expression name: (identifier) @bind)
"""
# Python 2 integers (0777, 10L) are checked on these captures in Python: a query predicate
# (#match?) would cost more. Python 2 strings (ur"", backticks) are found in the text instead
# (see `_py2_strings`): capturing every string start would cost more.
_QUERY_SRC += """
(integer) @int
"""
# What the statement walk acts on inside a function body (@walk), plus, inside a method, the
# assignments to attributes (`self.x = …`, @selfattr). A body or a statement in one holding none
# of them is not walked: most function bodies, and the walk would create a node for each of
# their statements.
_QUERY_SRC += """
(function_definition) @walk
(class_definition) @walk
(import_statement) @walk
(import_from_statement) @walk
(future_import_statement) @walk
(print_statement) @walk
(exec_statement) @walk
(except_clause) @walk
(ERROR) @walk
(assignment left: (attribute) @selfattr)
(assignment left: (pattern_list (attribute) @selfattr))
(assignment left: (tuple_pattern (attribute) @selfattr))
(assignment left: (list_pattern (attribute) @selfattr))
(augmented_assignment left: (attribute) @selfattr)
"""
_QUERY: Final = Query(PY_LANGUAGE, _QUERY_SRC)
# The same identifier pass in C (parsers/_pyscan.c), when it was built for this tree-sitter.
_NATIVE = native_scanner()  # not Final: tests switch it to compare the two passes
# identifier roles (else: a load); Final: compiled, constants rather than module lookups
_BIND: Final = 1
_KW: Final = 2
_GLOB: Final = 3
_ATTR: Final = 4
_OCTAL: Final = frozenset(b"01234567")
_START_BYTE: Final = attrgetter("start_byte")


def _py2_integer(text: bytes) -> bool:
    """`^0[0-7]+[lL]?$` (old octal) or `^[0-9]+[lL]$` (long)."""
    body = text[:-1] if text[-1:] in (b"l", b"L") else text
    if body is not text and body.isdigit():
        return True
    return len(body) >= 2 and body[0] == 48 and all(c in _OCTAL for c in body[1:])


def _py2_integers(data: bytes, nodes: list[Node]) -> bool:
    for n in nodes:
        s, e = n.start_byte, n.end_byte
        if e > s and (data[e - 1] in b"lL" or (data[s] == 48 and e - s > 1)) and _py2_integer(data[s:e]):
            return True
    return False


def _py2_string_start(data: bytes, start: int) -> bool:
    """A string start (prefix and quote) at `start` of a backtick repr or a `ur` string."""
    c = data[start:start + 2]
    return c[:1] == b"`" or c in (b"ur", b"uR", b"Ur", b"UR")


_STRING_START_QUERY: Final = Query(PY_LANGUAGE, "(string_start) @strstart")
# For finding `ur` at the start of a word: u, r (any case), other characters that can end an
# identifier or a number (w), anything else (space).
_UR_CLASSES: Final = bytes(
    117 if c in b"uU" else 114 if c in b"rR" else 119 if c >= 128 or chr(c).isalnum() or c in b"_." else 32
    for c in range(256)
)


def _string_start_candidates(data: bytes) -> Iterator[int]:
    """Where a Python 2 string can start in a file that parses without errors: every backtick,
    and every `ur` (any case) not right after a character of an identifier, a number or `.`
    (a string starting there would extend the identifier, or be an error)."""
    p = data.find(b"`")
    while p >= 0:
        yield p
        p = data.find(b"`", p + 1)
    t = data.translate(_UR_CLASSES)
    if t.startswith(b"ur"):
        yield 0
    p = t.find(b" ur")
    while p >= 0:
        yield p + 1
        p = t.find(b" ur", p + 1)


def _py2_strings(data: bytes, root: Node) -> bool:
    """Whether a string starts with a backtick or `ur`: the few candidates in the text are
    checked against the tree; in a tree with errors, every string start is."""
    if root.has_error:
        starts = QueryCursor(_STRING_START_QUERY).captures(root).get("strstart", ())
        return any(_py2_string_start(data, n.start_byte) for n in starts)
    # a candidate inside a string's content or a comment found so far starts no string: most
    # backticks are in docstrings (reST), several to one
    skip_start, skip_end = 0, 0
    for p in _string_start_candidates(data):
        if skip_start <= p < skip_end:
            continue
        n = root.descendant_for_byte_range(p, p + 1)
        if n is None:
            continue
        t = n.type
        if t == "string_start":
            if n.start_byte == p and _py2_string_start(data, p):
                return True
        elif t == "string_content" or t == "comment":
            skip_start, skip_end = n.start_byte, n.end_byte
    return False


_BLOCK_FIELDS: Final = ("body", "consequence", "alternative")
_COMPOUND: Final = {
    "if_statement", "elif_clause", "else_clause", "try_statement", "except_clause", "except_group_clause",
    "finally_clause", "with_statement", "for_statement", "while_statement", "match_statement",
    "case_clause", "block",
}
_PROPERTY_DECORATORS: Final = {"property", "cached_property", "functools.cached_property", "abc.abstractproperty",
                               "abstractproperty"}
_PY2_TEXT: Final = re.compile(rb"^[ \t]*(?:except[ \t]+[\w.]+[ \t]*,[ \t]*\w+[ \t]*:|raise[ \t]+[\w.]+[ \t]*,[ \t]*\S)",
                              re.MULTILINE)
_MAIN_GUARD: Final = re.compile(rb"if\s+__name__\s*==\s*['\"]__main__['\"]")
_TOP_KINDS: Final = {"function_definition": "function", "class_definition": "class", "import_statement": "import",
                     "import_from_statement": "import", "future_import_statement": "import",
                     "expression_statement": "assign", "type_alias_statement": "assign"}  # else "compound"
_ALL_ITEM: Final = re.compile(r"""['"]([A-Za-z_]\w*)['"]""")
_STR_PREFIX: Final = re.compile(r"^[rRuUbBfF]{0,2}")


@dataclass(slots=True)
class ImportBinding:
    """One name bound by an import statement."""

    name: str  # bound name (`np`, `os`, `d` in `from a import c as d`)
    module: str  # module as written, without the leading dots ("" for `from . import x`)
    level: int  # leading dots of a relative import
    attr: str | None  # from-import: the imported name; None for `import a.b`
    statement: str  # the import narrowed to this name, e.g. `from .a import c as d`
    line: int
    star: bool = False
    top_index: int = -1  # module-level statement holding it (a try/if block, or the import itself)

    @property
    def dotted(self) -> str:
        """For `import a.b.c` (binding `a`), the full module imported."""
        return self.module


@dataclass(slots=True)
class TopStatement:
    """A module-level statement that binds names (import, assignment, def, class, if/try block)."""

    kind: str  # import, assign, function, class, compound
    text: str
    line: int
    start_byte: int
    end_byte: int
    names: list[str] = field(default_factory=list)
    refs: frozenset[str] = frozenset()
    string_refs: frozenset[str] = frozenset()  # names read only inside string annotations


@dataclass(slots=True)
class PyFunction:
    name: str
    qualname: str  # relative to the module: f, Class.method, outer.<locals>.inner
    kind: str  # function, method, staticmethod, classmethod, property
    scope: str  # module, class, function
    class_qualname: str | None
    parents: list[tuple[str, str]]  # enclosing (kind, qualname) outermost first: ("class"|"function", q)
    start_byte: int  # first decorator
    end_byte: int
    def_start_byte: int
    start_line: int
    end_line: int
    signature: str
    code: str
    body: str
    indent: str  # whitespace before the first line in the file
    parameters: list[Parameter]
    return_type: str | None
    decorators: list[str]
    is_async: bool
    docstring: str | None
    has_error: bool
    top_index: int  # index of the TopStatement holding it (-1: inside `if __name__ == "__main__"` etc.)
    refs: frozenset[str] = frozenset()  # free names: read here, bound outside
    sig_refs: frozenset[str] = frozenset()  # free names of decorators, annotations, defaults
    chains: frozenset[tuple[str, ...]] = frozenset()  # dotted reads: ("self", "x"), ("np", "array")
    local_imports: list[ImportBinding] = field(default_factory=list)
    locals: frozenset[str] = frozenset()
    string_refs: frozenset[str] = frozenset()  # names read in its string annotations (`x: "Node"`)


@dataclass(slots=True)
class ClassAttr:
    name: str
    source: str  # the statement, dedented to column 0
    refs: frozenset[str]
    kind: str  # class_attribute, attribute (self.x assigned in a method)
    method: str = ""  # for attributes: the method assigning it
    start_byte: int = 0  # of the statement, for keeping source order in skeletons
    string_refs: frozenset[str] = frozenset()  # names read in its string annotation (`gi: "Galaxy"`)


@dataclass(slots=True)
class PyClass:
    name: str
    qualname: str
    header: str  # `class X(Base):` (decorators excluded)
    decorators: list[str]
    start_byte: int
    end_byte: int
    start_line: int
    code: str
    indent: str
    header_refs: frozenset[str] = frozenset()  # bases, keywords, decorators
    refs: frozenset[str] = frozenset()  # free names of the whole class
    methods: dict[str, int] = field(default_factory=dict)  # name -> index in functions (first definition)
    class_attrs: dict[str, ClassAttr] = field(default_factory=dict)
    attributes: dict[str, ClassAttr] = field(default_factory=dict)  # self.x = … (first, __init__ preferred)
    top_index: int = -1
    parents: list[tuple[str, str]] = field(default_factory=list)
    chains: frozenset[tuple[str, ...]] = frozenset()


@dataclass(slots=True)
class PyFileSummary:
    path: str
    python2: bool
    has_error: bool
    imports: list[str] = field(default_factory=list)  # every module-level import statement, as written
    import_bindings: dict[str, ImportBinding] = field(default_factory=dict)  # module level, last wins
    # module-level bindings a later import of the same name replaced in `import_bindings`: the
    # later one may rebind only on some paths (`import unittest` / `try: unittest.skip` /
    # `except AttributeError: import unittest2 as unittest`)
    earlier_imports: dict[str, list[ImportBinding]] = field(default_factory=dict)
    star_imports: list[ImportBinding] = field(default_factory=list)
    statements: list[TopStatement] = field(default_factory=list)
    bindings: dict[str, list[int]] = field(default_factory=dict)  # name -> statement indices
    functions: list[PyFunction] = field(default_factory=list)
    classes: dict[str, PyClass] = field(default_factory=dict)  # qualname -> class
    all_names: list[str] | None = None
    n_bytes: int = 0
    global_declared: set[str] = field(default_factory=set)  # names a `global` statement declares


# ---------------------------------------------------------------- helpers


def _text(data: bytes, node: Node) -> str:
    return data[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _field_text(data: bytes, node: Node, name: str) -> str:
    """The text of a field the grammar requires (an aliased import's name and alias)."""
    child = node.child_by_field_name(name)
    assert child is not None
    return _text(data, child)


def _dedent_block(text: str, indent: str) -> str:
    """Remove `indent` from the start of every line after the first (the first was sliced at the
    statement start, so it has none)."""
    if not indent:
        return text
    lines = text.split("\n")
    n = len(indent)
    return "\n".join([lines[0]] + [ln[n:] if ln.startswith(indent) else ln for ln in lines[1:]])


def unquote_docstring(literal: str) -> str:
    """The value of a docstring literal (r/u prefixes, triple quotes), cleaned like ast.get_docstring."""
    m = _STR_PREFIX.match(literal)  # always matches (possibly empty)
    prefix = m.group(0) if m is not None else ""
    rest = literal[len(prefix):]
    q = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
    value = rest[len(q):len(rest) - len(q)] if rest.endswith(q) and len(rest) >= 2 * len(q) else rest[len(q):]
    if "\\" in value and "r" not in prefix.lower():
        try:
            value = ast.literal_eval(q + value + q)
        except (SyntaxError, ValueError):
            pass
    return inspect.cleandoc(value)


def _string_literal(node: Node) -> Node | None:
    if node.type == "string":
        return node
    if node.type == "concatenated_string" and node.named_child_count:
        return node.named_children[0]
    return None


def _import_bindings(node: Node, data: bytes, line: int) -> tuple[list[ImportBinding], bool]:
    """Bindings of an import statement; second value: it is a __future__ import."""
    out: list[ImportBinding] = []
    if node.type == "future_import_statement":
        return out, True
    if node.type == "import_statement":
        for child in node.children_by_field_name("name"):
            if child.type == "aliased_import":
                dotted = _field_text(data, child, "name")
                alias = _field_text(data, child, "alias")
                out.append(ImportBinding(alias, dotted, 0, None, f"import {dotted} as {alias}", line))
            else:
                dotted = _text(data, child)
                out.append(ImportBinding(dotted.split(".")[0], dotted, 0, None, f"import {dotted}", line))
        return out, False
    # import_from_statement
    mod = node.child_by_field_name("module_name")
    level, module = 0, ""
    if mod is not None:
        if mod.type == "relative_import":
            for c in mod.children:
                if c.type == "import_prefix":
                    level = c.end_byte - c.start_byte
                elif c.type == "dotted_name":
                    module = _text(data, c)
        else:
            module = _text(data, mod)
    module = "".join(module.split())
    src_mod = "." * level + module
    names = node.children_by_field_name("name")
    if not names:
        for c in node.children:
            if c.type == "wildcard_import":
                out.append(ImportBinding("*", module, level, "*", f"from {src_mod} import *", line, star=True))
        return out, False
    for child in names:
        if child.type == "aliased_import":
            orig = _field_text(data, child, "name")
            alias = _field_text(data, child, "alias")
            out.append(ImportBinding(alias, module, level, orig, f"from {src_mod} import {orig} as {alias}", line))
        else:
            orig = _text(data, child)
            out.append(ImportBinding(orig, module, level, orig, f"from {src_mod} import {orig}", line))
    return out, False


def _parameters(node: Node | None, data: bytes) -> list[Parameter]:
    params: list[Parameter] = []
    if node is None:
        return params
    for c in node.named_children:
        t = c.type
        if t == "identifier":
            params.append(Parameter(_text(data, c)))
        elif t in ("default_parameter", "typed_default_parameter"):
            name = c.child_by_field_name("name")
            typ = c.child_by_field_name("type")
            val = c.child_by_field_name("value")
            params.append(Parameter(_text(data, name) if name else "", _text(data, typ) if typ else None,
                                    _text(data, val) if val else None))
        elif t == "typed_parameter":
            inner = c.named_children[0] if c.named_child_count else None
            typ = c.child_by_field_name("type")
            params.append(Parameter(_text(data, inner) if inner else "", _text(data, typ) if typ else None))
        elif t in ("list_splat_pattern", "dictionary_splat_pattern"):
            params.append(Parameter(_text(data, c)))
        elif t == "tuple_pattern":  # Python 2: def f(a, (b, c)):
            params.append(Parameter(_text(data, c)))
    return params


def _decorator_name(dec: str) -> str:
    d = dec.lstrip("@").strip()
    return d.split("(", 1)[0].strip()


# ---------------------------------------------------------------- the walk


class _Scope:
    __slots__ = ("start", "end", "kind", "index", "loads", "binds", "globs", "chains", "children", "sig_end")

    def __init__(self, start: int, end: int, kind: str, index: int) -> None:
        # no link to the parent: scopes stay acyclic, so they are freed without the cycle collector
        self.start, self.end, self.kind, self.index = start, end, kind, index
        self.loads: set[str] = set()
        self.binds: set[str] = set()
        self.globs: set[str] = set()
        self.chains: set[tuple[str, ...]] = set()
        self.children: list[_Scope] = []
        self.sig_end = start  # byte where the body starts (function) / the class body starts


class _Walker:
    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.data = data
        self.summary = PyFileSummary(path=path, python2=False, has_error=False, n_bytes=len(data))
        self.scopes: list[_Scope] = []
        self.import_spans: list[tuple[int, int]] = []
        # `self.x = …` in methods: (class qualname, attr, start, end, method, plain names the targets bind)
        self.pending_attrs: list[tuple[str, str, int, int, str, frozenset[str]]] = []
        self.class_scope_of: dict[str, _Scope] = {}
        self.class_attr_stmts: list[tuple[str, str, int, int]] = []  # (class qualname, name, start, end)
        # PEP 695 type parameters (`def first[T](xs: list[T]) -> T`, `type Pair[T] = …`): names
        # bound for the code of one definition only, (start, end, names)
        self.type_param_spans: list[tuple[int, int, frozenset[str]]] = []
        self.type_aliases: dict[int, str] = {}  # start of a `type X = …` statement: X, which it binds
        self.python2 = False
        self.walk_pos: list[int] = []  # starts of @walk / @selfattr captures
        self.selfattr_pos: list[int] = []
        self.line_byte = 0  # line_of(): a byte and its line, where the last count ended
        # (start byte, names) of string annotations: `x: "Node"` (see parsers/annotations.py)
        self.string_annotations: list[tuple[int, frozenset[str]]] = []
        self.line_no = 1

    # -- positions
    def line_of(self, byte: int) -> int:
        """1-based line of a byte offset: 1 + the line breaks before it, counted from where the
        previous call was (the walk asks in nearly increasing order)."""
        data, last = self.data, self.line_byte
        if byte >= last:
            self.line_no += data.count(b"\n", last, byte)
        else:
            self.line_no -= data.count(b"\n", byte, last)
        self.line_byte = byte
        return self.line_no

    def indent_of(self, byte: int) -> str:
        prefix = self.data[self.data.rfind(b"\n", 0, byte) + 1:byte]
        return prefix.decode("utf-8", "replace") if not prefix.strip() else ""

    def text(self, node: Node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    # -- statements
    def walk_block(self, node: Node, scope: _Scope | None, qual: str, parents: list[tuple[str, str]],
                   top_index: int, in_class: str | None, method: str | None) -> None:
        for child in node.named_children:
            self.statement(child, scope, qual, parents, top_index, in_class, method)

    def statement(self, node: Node, scope: _Scope | None, qual: str, parents: list[tuple[str, str]],
                  top_index: int, in_class: str | None, method: str | None) -> None:
        if scope is not None and scope.kind == "function" and \
                not self.needs_walk(node.start_byte, node.end_byte, method is not None):
            return  # in a function, a statement holding nothing the walk acts on
        t = node.type
        if t == "decorated_definition":
            definition = node.child_by_field_name("definition")
            if definition is None:
                return
            decorators = [self.text(c) for c in node.children if c.type == "decorator"]
            if definition.type == "function_definition":
                self.function(definition, node, decorators, scope, qual, parents, top_index, in_class)
            elif definition.type == "class_definition":
                self.klass(definition, node, decorators, scope, qual, parents, top_index)
        elif t == "function_definition":
            self.function(node, node, [], scope, qual, parents, top_index, in_class)
        elif t == "class_definition":
            self.klass(node, node, [], scope, qual, parents, top_index)
        elif t in ("import_statement", "import_from_statement", "future_import_statement"):
            self.import_spans.append((node.start_byte, node.end_byte))
            bindings, _future = _import_bindings(node, self.data, self.line_of(node.start_byte))
            if scope is None:
                self.summary.imports.append(self.text(node))
                for b in bindings:
                    b.top_index = top_index
                    if b.star:
                        self.summary.star_imports.append(b)
                    else:
                        older = self.summary.import_bindings.get(b.name)
                        if older is not None:
                            self.summary.earlier_imports.setdefault(b.name, []).append(older)
                        self.summary.import_bindings[b.name] = b
                        self.bind_top(b.name, top_index)
            else:
                for b in bindings:
                    if not b.star:
                        scope.binds.add(b.name)
                if scope.kind == "function":
                    self.summary.functions[scope.index].local_imports.extend(bindings)
        elif t == "expression_statement":
            # an assignment binds a module name, a class attribute or (in a method) `self.x`;
            # in any other function it binds a local, which the identifier query sees
            if scope is not None and method is None and scope.kind == "function":
                return
            inner = node.named_child(0)
            if inner is not None and inner.type in ("assignment", "augmented_assignment"):
                self.assignment(node, inner, scope, top_index, in_class, method)
        elif t == "type_alias_statement":
            self.type_alias(node, scope, top_index, in_class)
        elif t in ("print_statement", "exec_statement"):
            self.python2 = True
        elif t == "block" or t == "ERROR":
            for child in node.named_children:
                self.statement(child, scope, qual, parents, top_index, in_class, method)
        elif t in _COMPOUND:
            if t == "except_clause" and _PY2_TEXT.match(self.data, node.start_byte):
                self.python2 = True
            # statements sit only in the blocks and clauses of a compound statement (the
            # grammar puts even `if x: y` in a block); the other children are expressions
            for child in node.children:
                ct = child.type
                if ct in _COMPOUND or ct == "ERROR":
                    self.statement(child, scope, qual, parents, top_index, in_class, method)

    def type_params(self, node: Node | None, start: int, end: int) -> None:
        """Note the names a PEP 695 type parameter list (`[T: int, *Ts, **P]`) binds for [start, end)."""
        if node is None:
            return
        names = []
        for item in node.named_children:
            c: Node | None = item
            while c is not None and c.type in ("type", "constrained_type", "splat_type"):
                c = c.named_child(0)
            if c is not None and c.type == "identifier":
                names.append(self.text(c))
        if names:
            self.type_param_spans.append((start, end, frozenset(names)))

    def type_alias(self, node: Node, scope: _Scope | None, top_index: int, in_class: str | None) -> None:
        """`type Reads = list[str]` (PEP 695) binds `Reads` like an assignment; in a function the
        walk does not reach it (its statements are walked only for what `_QUERY_SRC` marks)."""
        left = node.child_by_field_name("left")
        head = left.named_child(0) if left is not None and left.named_child_count else None
        if head is not None and head.type == "generic_type":  # `type Pair[T] = tuple[T, T]`
            params = next((c for c in head.named_children if c.type == "type_parameter"), None)
            self.type_params(params, node.start_byte, node.end_byte)
            head = head.named_child(0)
        if head is None or head.type != "identifier":
            return
        name = self.type_aliases[node.start_byte] = self.text(head)
        if scope is None:
            self.bind_top(name, top_index)
        else:
            scope.binds.add(name)
            if scope.kind == "class" and in_class is not None:
                self.class_attr_stmts.append((in_class, name, node.start_byte, node.end_byte))

    def bind_top(self, name: str, top_index: int) -> None:
        if top_index >= 0:
            idxs = self.summary.bindings.setdefault(name, [])
            if not idxs or idxs[-1] != top_index:
                idxs.append(top_index)

    def assignment(self, stmt: Node, node: Node, scope: _Scope | None, top_index: int, in_class: str | None,
                   method: str | None) -> None:
        left = node.child_by_field_name("left")
        if left is None:
            return
        names: list[str] = []
        attrs: list[str] = []
        targets: list[Node | None] = [left]
        right = node.child_by_field_name("right")
        while right is not None and right.type == "assignment":  # a = b = 1
            targets.append(right.child_by_field_name("left"))
            right = right.child_by_field_name("right")
        for tgt in targets:
            if tgt is None:
                continue
            items = tgt.named_children if tgt.type in ("pattern_list", "tuple_pattern", "list_pattern") else [tgt]
            for it in items:
                if it.type == "identifier":
                    names.append(self.text(it))
                elif it.type == "attribute":
                    obj = it.child_by_field_name("object")
                    attr = it.child_by_field_name("attribute")
                    if obj is not None and attr is not None and obj.type == "identifier" and self.text(obj) == "self":
                        attrs.append(self.text(attr))
        typ = node.child_by_field_name("type") if node.type == "assignment" else None
        if typ is not None:
            forward = names_in_annotation(self.text(typ))
            if forward:
                self.string_annotations.append((stmt.start_byte, forward))
        if scope is None:
            if node.type == "assignment" and node.child_by_field_name("right") is None:
                # `strict: bool` declares an annotation and binds nothing (a settings module that
                # sets its values at run time): a context must not take it for the definition
                return
            for n in names:
                self.bind_top(n, top_index)
                if n == "__all__":
                    found = _ALL_ITEM.findall(self.text(node.child_by_field_name("right") or node))
                    if node.type == "augmented_assignment" and self.summary.all_names is not None:
                        self.summary.all_names.extend(found)
                    else:
                        self.summary.all_names = found
        elif scope.kind == "class" and in_class is not None:
            for n in names:
                self.class_attr_stmts.append((in_class, n, stmt.start_byte, stmt.end_byte))
        if attrs and method is not None and in_class is not None:
            for a in attrs:
                self.pending_attrs.append((in_class, a, stmt.start_byte, stmt.end_byte, method, frozenset(names)))

    def function(self, node: Node, outer: Node, decorators: list[str], scope: _Scope | None, qual: str,
                 parents: list[tuple[str, str]], top_index: int, in_class: str | None) -> None:
        data = self.data
        name_node = node.child_by_field_name("name")
        name = self.text(name_node) if name_node is not None else "<anonymous>"
        body = node.child_by_field_name("body")
        params_node = node.child_by_field_name("parameters")
        rtype = node.child_by_field_name("return_type")
        is_async = data.startswith(b"async", node.start_byte)
        if scope is None:
            fqual, fscope = name, "module"
        elif scope.kind == "class":
            fqual, fscope = f"{qual}.{name}", "class"
        else:
            fqual, fscope = f"{qual}.<locals>.{name}", "function"
        kind = "function"
        if fscope == "class":
            kind = "method"
            for d in decorators:
                dn = _decorator_name(d)
                if dn == "staticmethod":
                    kind = "staticmethod"
                elif dn == "classmethod":
                    kind = "classmethod"
                elif dn in _PROPERTY_DECORATORS or dn.endswith((".setter", ".getter", ".deleter")):
                    kind = "property"
        # signature: from `def`/`async` to the colon before the body (the last `:` child)
        node_start, node_end = node.start_byte, node.end_byte
        body_start = body.start_byte if body is not None else node_end
        colon_end = self.last_colon_end(node, body)
        sig_end_b = colon_end if colon_end is not None and colon_end <= body_start else body_start
        start, end = outer.start_byte, node_end
        while end > start and data[end - 1] in b" \t\r\n":
            end -= 1
        docstring = None
        # a truncated file ends in `def f():` with an empty body (named_child(0) would raise)
        first = body.named_child(0) if body is not None and body.named_child_count else None
        if first is not None:
            if first.type == "expression_statement" and first.named_child_count == 1:
                lit = _string_literal(first.named_child(0))
                if lit is not None:
                    docstring = unquote_docstring(self.text(lit))
        indent = self.indent_of(start)
        index = len(self.summary.functions)
        fn = PyFunction(
            name=name, qualname=fqual, kind=kind, scope=fscope,
            class_qualname=qual if fscope == "class" else None,
            parents=list(parents), start_byte=start, end_byte=end, def_start_byte=node_start,
            start_line=self.line_of(start), end_line=self.line_of(max(end - 1, start)),
            signature=data[node_start:sig_end_b].decode("utf-8", "replace"),
            code=data[start:end].decode("utf-8", "replace"),
            body=data[body_start:end].decode("utf-8", "replace") if body is not None else "",
            indent=indent, parameters=_parameters(params_node, data),
            return_type=self.text(rtype) if rtype is not None else None,
            decorators=decorators, is_async=is_async, docstring=docstring, has_error=node.has_error,
            top_index=top_index,
        )
        self.summary.functions.append(fn)
        self.type_params(node.child_by_field_name("type_parameters"), start, end)
        if '"' in fn.signature or "'" in fn.signature:
            forward = frozenset().union(*(names_in_annotation(p.type) for p in fn.parameters),
                                        names_in_annotation(fn.return_type))
            if forward:
                self.string_annotations.append((node_start, forward))
        if scope is None:
            self.bind_top(name, top_index)
        else:
            scope.binds.add(name)
        sc = _Scope(start, end, "function", index)
        sc.sig_end = body_start if body is not None else end
        self.scopes.append(sc)
        if scope is not None:
            scope.children.append(sc)
        if body is not None and self.needs_walk(body_start, body.end_byte, fscope == "class"):
            self.walk_block(body, sc, fqual, parents + [("function", fqual)], top_index, in_class,
                            name if fscope == "class" else None)

    @staticmethod
    def last_colon_end(node: Node, body: Node | None) -> int | None:
        """End of the last `:` child of a definition. Usually the one just before a body that
        ends the definition: asking for the body's siblings creates two nodes, not all children."""
        if body is not None and body.next_sibling is None:
            prev = body.prev_sibling
            if prev is not None and prev.type == ":":
                return prev.end_byte
        colon_end = None
        for c in node.children:
            if c.type == ":":
                colon_end = c.end_byte
        return colon_end

    def needs_walk(self, start: int, end: int, method: bool) -> bool:
        """Whether a function body, or a statement in one, holds anything `statement` acts on
        there (see `_QUERY_SRC`)."""
        for pos in (self.walk_pos, self.selfattr_pos) if method else (self.walk_pos,):
            i = bisect_left(pos, start)
            if i < len(pos) and pos[i] < end:
                return True
        return False

    def klass(self, node: Node, outer: Node, decorators: list[str], scope: _Scope | None, qual: str,
              parents: list[tuple[str, str]], top_index: int) -> None:
        data = self.data
        name_node = node.child_by_field_name("name")
        name = self.text(name_node) if name_node is not None else "<anonymous>"
        body = node.child_by_field_name("body")
        if scope is None:
            cqual = name
        elif scope.kind == "class":
            cqual = f"{qual}.{name}"
        else:
            cqual = f"{qual}.<locals>.{name}"
        header_end = body.start_byte if body is not None else node.end_byte
        header = data[node.start_byte:header_end].decode("utf-8", "replace").rstrip()
        start, end = outer.start_byte, node.end_byte
        while end > start and data[end - 1] in b" \t\r\n":
            end -= 1
        cls = PyClass(name=name, qualname=cqual, header=header, decorators=decorators, start_byte=start,
                      end_byte=end, start_line=self.line_of(start),
                      code=data[start:end].decode("utf-8", "replace"), indent=self.indent_of(start),
                      top_index=top_index, parents=list(parents))
        self.summary.classes[cqual] = cls
        self.type_params(node.child_by_field_name("type_parameters"), start, end)
        if scope is None:
            self.bind_top(name, top_index)
        else:
            scope.binds.add(name)
        sc = _Scope(start, end, "class", -1)
        sc.sig_end = header_end
        sc.index = len(self.scopes)
        self.scopes.append(sc)
        self.class_scope_of[cqual] = sc
        if scope is not None:
            scope.children.append(sc)
        if body is not None:
            first_fn = len(self.summary.functions)
            self.walk_block(body, sc, cqual, parents + [("class", cqual)], top_index, cqual, None)
            for i in range(first_fn, len(self.summary.functions)):
                f = self.summary.functions[i]
                if f.class_qualname == cqual and f.name not in cls.methods:
                    cls.methods[f.name] = i

    # -- the module
    def run(self, root: Node) -> PyFileSummary:
        summary = self.summary
        summary.has_error = root.has_error
        data = self.data
        if _NATIVE is not None:
            self.walk_pos, self.selfattr_pos, py2_literal, ids = _NATIVE.scan(root, data)
        else:
            caps = QueryCursor(_QUERY).captures(root)
            self.walk_pos = sorted([n.start_byte for n in caps.get("walk", ())])
            self.selfattr_pos = sorted([n.start_byte for n in caps.get("selfattr", ())])
        for child in root.children:
            t = child.type
            if not child.is_named or t == "comment":
                continue
            kind = _TOP_KINDS.get(t, "compound")
            if t == "decorated_definition":
                d = child.child_by_field_name("definition")
                kind = "class" if d is not None and d.type == "class_definition" else "function"
            index = len(summary.statements)
            start = child.start_byte
            if t == "if_statement" and _MAIN_GUARD.match(data[start:start + 40]):
                index = -1  # names bound under the main guard are not importable context
            else:
                end = child.end_byte
                while end > start and data[end - 1] in b" \t\r\n":
                    end -= 1
                summary.statements.append(TopStatement(kind, data[start:end].decode("utf-8", "replace"),
                                                       self.line_of(start), start, end))
            self.statement(child, None, "", [], index, None, None)
        self.string_annotations += helper_call_annotations(data, root)
        if _NATIVE is not None:
            self.python2 = self.python2 or py2_literal
            self.finish(*_NATIVE.sweep(ids, data, self.sorted_scopes(), sorted(self.import_spans)))
        else:
            if not self.python2:
                self.python2 = _py2_integers(data, caps.get("int", [])) or _py2_strings(data, root)
            self.identifiers(caps)
        summary.python2 = self.python2 or bool(summary.has_error and _PY2_TEXT.search(data))
        return summary

    # -- identifiers
    def identifiers(self, caps: dict[str, list[Node]]) -> None:
        # one role per identifier start; later roles win: attr > glob > kw > bind (else: a load)
        roles: dict[int, int] = {}
        for role, key in ((_BIND, "bind"), (_KW, "kw"), (_GLOB, "glob"), (_ATTR, "attr")):
            nodes = caps.get(key)
            if nodes:
                roles.update(dict.fromkeys(map(_START_BYTE, nodes), role))
        ids = caps.get("id", [])
        starts = [n.start_byte for n in ids]
        # the captures of one name are not always in byte order (then a stable sort by start)
        if any(map(gt, starts, starts[1:])):
            order = sorted(range(len(ids)), key=starts.__getitem__)
            ids = [ids[j] for j in order]
            starts = [starts[j] for j in order]
        self._sweep(ids, starts, roles)

    def sorted_scopes(self) -> list[_Scope]:
        """Scopes by start, an enclosing one before those it holds."""
        return sorted(self.scopes, key=lambda s: (s.start, -s.end))

    def _sweep(self, ids: list[Node], starts: list[int], roles: dict[int, int]) -> None:
        """Give each identifier (in byte order; `starts`: their start bytes) to its innermost
        scope as a load, bind or global, and collect dotted chains."""
        data = self.data
        text = data.decode("ascii") if data.isascii() else None  # then names are slices of it
        inf = len(data) + 1
        scopes = self.sorted_scopes()
        n_scopes = len(scopes)
        imports = sorted(self.import_spans)
        imports.append((inf, inf))
        ii = 0
        imp_start, imp_end = imports[0]
        stack: list[_Scope] = []
        si = 0
        next_start = scopes[0].start if scopes else inf
        cur: _Scope | None = None
        cur_end = inf
        load_pos: list[int] = []  # loads and binds of all scopes, by position (for statement refs)
        load_names: list[str] = []
        bind_pos: list[int] = []
        bind_names: list[str] = []
        chain: tuple[str, ...] | None = None
        chain_scope: _Scope | None = None
        prev_end = 0  # end of the chain's last identifier
        get_role = roles.get
        for k, n in enumerate(ids):
            s = starts[k]
            if s >= imp_start:  # identifiers of import statements are handled by the walk
                while s >= imp_end:
                    ii += 1
                    imp_start, imp_end = imports[ii]
                if s >= imp_start:
                    continue
            if s >= cur_end or s >= next_start:
                while stack and stack[-1].end <= s:
                    stack.pop()
                while si < n_scopes and scopes[si].start <= s:
                    sc = scopes[si]
                    si += 1
                    if sc.end > s:
                        stack.append(sc)
                if stack:
                    cur = stack[-1]
                    cur_end = cur.end
                else:
                    cur = None
                    cur_end = inf
                next_start = scopes[si].start if si < n_scopes else inf
            role = get_role(s)
            if role is None:  # a load
                e = n.end_byte
                name = text[s:e] if text is not None else data[s:e].decode("utf-8", "replace")
                if cur is not None:
                    cur.loads.add(name)
                load_pos.append(s)
                load_names.append(name)
                chain = (name,)
                chain_scope = cur
                prev_end = e
            elif role == _ATTR:
                if chain is not None:
                    # `a.b`, else a dot between spaces or line breaks
                    if chain_scope is cur and (s == prev_end + 1 and data[prev_end] == 46
                                               or data[prev_end:s].strip() == b"."):
                        e = n.end_byte
                        chain += (text[s:e] if text is not None else data[s:e].decode("utf-8", "replace"),)
                        prev_end = e
                        if cur is not None:
                            cur.chains.add(chain)
                    else:
                        chain = None
            else:
                chain = None
                if role == _BIND:
                    e = n.end_byte
                    name = text[s:e] if text is not None else data[s:e].decode("utf-8", "replace")
                    if cur is not None:
                        cur.binds.add(name)
                    bind_pos.append(s)
                    bind_names.append(name)
                elif role == _GLOB and cur is not None:
                    cur.globs.add(data[s:n.end_byte].decode("utf-8", "replace"))
        self.finish(load_pos, load_names, bind_pos, bind_names)

    def finish(self, load_pos: list[int], load_names: list[str], bind_pos: list[int], bind_names: list[str]) -> None:
        summary = self.summary

        def range_loads(start: int, end: int) -> frozenset[str]:
            return frozenset(load_names[bisect_left(load_pos, start):bisect_left(load_pos, end)])

        def range_binds(start: int, end: int) -> list[str]:
            return bind_names[bisect_left(bind_pos, start):bisect_left(bind_pos, end)]

        spans = self.type_param_spans  # none in most files

        def type_params(at: int) -> frozenset[str]:
            """Type parameters in scope at byte `at`."""
            return frozenset().union(*(names for s, e, names in spans if s <= at < e)) if spans else frozenset()

        def range_refs(start: int, end: int) -> frozenset[str]:
            """Names read in [start, end) and not bound there."""
            refs = range_loads(start, end).difference(range_binds(start, end))
            return refs - type_params(start) if spans else refs

        forward = sorted(self.string_annotations, key=itemgetter(0))
        forward_pos = [p for p, _ in forward]

        def range_forward(start: int, end: int) -> frozenset[str]:
            """Names read in the string annotations in [start, end)."""
            if not forward:
                return frozenset()
            return frozenset().union(*(names for _, names in
                                       forward[bisect_left(forward_pos, start):bisect_left(forward_pos, end)]))

        # Class attributes. One that reads its own name (`VAR_TYPES = VAR_TYPES`) reads the outer
        # binding (a class body looks a name up outside until it binds it): a reference of the
        # attribute and of its class scope.
        outer_reads: dict[int, set[str]] = {}
        aliases = self.type_aliases  # their name is a binding, which the identifier pass takes for a read
        for cq, name, s, e in self.class_attr_stmts:
            own = name in range_loads(s, e) and s not in aliases
            if own:
                outer_reads.setdefault(id(self.class_scope_of[cq]), set()).add(name)
            cls = summary.classes[cq]
            if name not in cls.class_attrs:
                src = _dedent_block(self.data[s:e].decode("utf-8", "replace"), self.indent_of(s))
                refs = range_refs(s, e)
                if own:
                    refs |= {name}
                elif s in aliases:
                    refs -= {name}
                cls.class_attrs[name] = ClassAttr(name, src, refs, "class_attribute", start_byte=s,
                                                  string_refs=range_forward(s, e))

        # free names bottom-up: children close before their parents
        free: dict[int, frozenset[str]] = {}
        for sc in sorted(self.scopes, key=lambda s: (s.end - s.start)):
            inner: set[str] = set()
            for ch in sc.children:
                inner |= free[id(ch)]
                sc.chains |= ch.chains
            if sc.kind == "function":
                summary.global_declared |= sc.globs
                fn = summary.functions[sc.index]
                fn.locals = frozenset(sc.binds - sc.globs)
                # decorators, defaults and annotations run in the enclosing scope: there a parameter's
                # name is the outer one (`def parse(data, endian_prefix=endian_prefix)`)
                params = {p.name.lstrip("*") for p in fn.parameters}
                bound_in_sig = set(range_binds(fn.start_byte, sc.sig_end)) - params  # lambdas, walruses
                bound_in_sig |= type_params(fn.start_byte)
                fn.sig_refs = range_loads(fn.start_byte, sc.sig_end) - bound_in_sig
                fn.refs = free[id(sc)] = (frozenset(sc.loads | inner) - fn.locals - type_params(fn.start_byte)) \
                    | fn.sig_refs
                fn.chains = frozenset(sc.chains)
            else:
                free[id(sc)] = frozenset((sc.loads - sc.binds) | inner | outer_reads.get(id(sc), set())) \
                    - type_params(sc.start)
        for cls in summary.classes.values():
            sc = self.class_scope_of[cls.qualname]
            cls.refs = free[id(sc)]
            cls.chains = frozenset(sc.chains)
            cls.header_refs = range_refs(cls.start_byte, sc.sig_end)
        for cq, attr, s, e, meth, targets in self.pending_attrs:
            cls = summary.classes[cq]
            old = cls.attributes.get(attr)
            if old is None or (meth == "__init__" and old.method != "__init__"):
                src = _dedent_block(self.data[s:e].decode("utf-8", "replace"), self.indent_of(s))
                # `self.choices = choices = tuple(choices)` (qiime2) reads the method's `choices`,
                # which the statement also binds
                refs = range_refs(s, e) | (targets & range_loads(s, e)) if targets else range_refs(s, e)
                cls.attributes[attr] = ClassAttr(attr, src, refs - {"self"}, "attribute", meth, s, range_forward(s, e))
        for st in summary.statements:
            if forward:
                st.string_refs = range_forward(st.start_byte, st.end_byte)
            if st.kind == "function" or st.kind == "class":
                continue
            st.refs = range_refs(st.start_byte, st.end_byte)
            if st.start_byte in aliases:
                st.refs -= {aliases[st.start_byte]}
        if forward:
            for fn in summary.functions:
                fn.string_refs = range_forward(fn.start_byte, fn.end_byte)
        for i, st in enumerate(summary.statements):
            st.names = []
        for name, idxs in summary.bindings.items():
            for i in idxs:
                summary.statements[i].names.append(name)
        # defs at top level: refs are the scope's free names
        for fn in summary.functions:
            if fn.scope == "module" and fn.top_index >= 0:
                st = summary.statements[fn.top_index]
                if st.kind == "function":
                    st.refs = st.refs | fn.refs
        for cls in summary.classes.values():
            if not cls.parents and cls.top_index >= 0:
                st = summary.statements[cls.top_index]
                if st.kind == "class":
                    st.refs = st.refs | cls.refs


_PARSER = Parser(PY_LANGUAGE)


def summarize_python(path: str, data: bytes) -> PyFileSummary:
    """Parse one file (UTF-8 bytes) and summarize it; the tree is dropped before returning."""
    tree = comment_runs.parse(_PARSER, data)
    return _Walker(path, data).run(tree.root_node)


def parse_functions(source: str | bytes, path: str = "<string>") -> list[PyFunction]:
    """Convenience for tests and notebooks: the functions of one source text."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    return summarize_python(path, data).functions
