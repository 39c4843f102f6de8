"""Java extraction with tree-sitter-java: a pure function of (path, bytes) -> JavaFile.

One iterative walk of the syntax tree collects the package, imports, every type (top-level,
member, local, anonymous, enum-constant bodies), their fields, every method, constructor and
compact constructor, and, for each method and field initializer, the names it references
(identifiers, types, calls with their receivers, `this.x` fields, declared locals). Context
resolution (pipeline/context_java.py) works from this summary only; it never re-parses.

Grammar facts relied on:
- a Javadoc is the `block_comment` sibling immediately before the declaration; the
  declaration node itself starts at its first annotation or modifier;
- enum constants with a body carry an anonymous `class_body`; anonymous classes are an
  `object_creation_expression` with a `class_body` child;
- annotation type elements (`int value() default 0;`) are not methods and are not extracted
  (javalang lists them apart too, as AnnotationMethod).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import tree_sitter_java as tsj
from tree_sitter import Language, Node, Parser

JAVA = Language(tsj.language())
_PARSER = Parser(JAVA)

TYPE_DECLS = {
    "class_declaration": "class",
    "interface_declaration": "interface",
    "enum_declaration": "enum",
    "record_declaration": "record",
    "annotation_type_declaration": "annotation",
}
METHOD_DECLS = {
    "method_declaration": "method",
    "constructor_declaration": "constructor",
    "compact_constructor_declaration": "compact_constructor",
}
_BODY_TYPES = {"class_body", "interface_body", "enum_body", "annotation_type_body", "enum_body_declarations"}
_SKIP_REFS = {"line_comment", "block_comment", "string_literal", "character_literal", "text_block"}
_PARAM_NODES = {"formal_parameter", "spread_parameter", "catch_formal_parameter"}
# node types the walk must handle structurally even inside a method body (local and anonymous
# classes, their members); every other node there only contributes references
_STRUCTURE = {*TYPE_DECLS, *METHOD_DECLS, "object_creation_expression", "enum_constant",
              "field_declaration", "constant_declaration", "package_declaration", "import_declaration"}
# node types _Walker._refs records something for
_REF_NODES = {"method_invocation", "field_access", "element_value_pair", "scoped_type_identifier",
              "method_reference", "explicit_constructor_invocation", "local_variable_declaration",
              *_PARAM_NODES, "enhanced_for_statement", "resource", "lambda_expression", "instanceof_expression",
              "type_pattern", "record_pattern_component", "labeled_statement", "break_statement",
              "continue_statement"}
_GENERIC_RE = re.compile(r"<[^<>]*>")
# an annotation with its arguments (one level of nested parentheses), and the space after it
ANNOTATION_RE = re.compile(r"@[\w.]+(\s*\((?:[^()]|\([^()]*\))*\))?\s*")
_WS_RE = re.compile(r"\s+")


@dataclass(slots=True)
class JavaImport:
    statement: str  # `import java.util.List;`
    name: str  # dotted name without `.*`
    static: bool = False
    wildcard: bool = False


@dataclass(slots=True)
class Refs:
    """What a method body (or a field initializer) references, by simple name."""

    names: set[str] = field(default_factory=set)  # identifiers in expression position
    types: set[str] = field(default_factory=set)  # type names as written (`List`, `Outer.Inner`)
    calls: list[tuple[str | None, str, int]] = field(default_factory=list)  # (receiver, name, nargs)
    this_fields: set[str] = field(default_factory=set)  # `this.x`
    member_names: set[str] = field(default_factory=set)  # `expr.x` field accesses
    news: set[str] = field(default_factory=set)  # instantiated types (`new Foo(...)`)
    new_args: set[tuple[str, int]] = field(default_factory=set)  # (type, number of arguments) of each `new`
    locals: dict[str, str] = field(default_factory=dict)  # declared local/parameter -> type ("" unknown)
    tokens: int = 0


@dataclass(slots=True)
class JavaField:
    names: list[str]
    type: str
    source: str  # declaration text, annotations removed
    initializers: dict[str, str]  # name -> initializer text
    modifiers: list[str]
    refs: Refs
    start_byte: int
    end_byte: int


@dataclass(slots=True)
class JavaType:
    name: str  # simple name (anonymous: `Base$N`, enum constant body: the constant)
    qualified_name: str
    kind: str  # class, interface, enum, record, annotation, anonymous
    scope: str  # top, member, local, anonymous
    parent: int | None  # index of the enclosing type in JavaFile.types
    header: str  # declaration up to and including `{`, annotations kept
    modifiers: list[str]
    annotations: list[str]
    type_parameters: str
    type_param_names: list[str]
    superclass: str | None
    interfaces: list[str]
    record_components: str  # `(int a, String b)` for records
    enum_constants: list[str]  # constant source text without bodies (`A(1)`)
    enum_constant_names: list[str]
    start_byte: int
    end_byte: int
    start_line: int
    fields: list[JavaField] = field(default_factory=list)
    methods: list[int] = field(default_factory=list)
    nested: list[int] = field(default_factory=list)  # member types only
    member_of_method: int | None = None  # local/anonymous: the method they appear in
    enum_constant: str | None = None  # enum-constant body: its constant


@dataclass(slots=True)
class JavaMethod:
    name: str
    kind: str  # method, constructor, compact_constructor
    scope: str  # class, anonymous_class, local_class
    type_index: int
    qualified_name: str
    signature: str
    code: str
    body: str
    start_line: int
    end_line: int
    start_byte: int
    end_byte: int
    indent: str  # leading whitespace of the declaration's first line
    parameters: list[tuple[str, str]]  # (type as written, name); varargs `T...`
    return_type: str | None
    annotations: list[str]
    modifiers: list[str]
    type_parameters: str | None
    type_param_names: list[str]
    throws: list[str]
    docstring: str | None
    has_parse_error: bool
    refs: Refs
    param_key: str  # erased parameter types: `String,int[],Object...`
    super_call: str | None = None  # constructors: a leading `super(...);` / `this(...);`


@dataclass(slots=True)
class JavaFile:
    path: str
    package: str
    imports: list[JavaImport]
    types: list[JavaType]
    methods: list[JavaMethod]
    has_error: bool
    error_nodes: int


@functools.lru_cache(maxsize=65536)
def erase(type_text: str) -> str:
    """Simple erased type name: `java.util.Map<K, List<V>>[]` -> `Map[]`, `@NonNull T...` -> `T...`."""
    t = _WS_RE.sub(" ", type_text).strip()
    t = re.sub(r"@[\w.]+(\([^)]*\))?\s*", "", t)
    prev = None
    while prev != t:
        prev, t = t, _GENERIC_RE.sub("", t)
    t = t.replace(" ", "")
    base = t.rstrip("[].")
    suffix = t[len(base):]
    return base.rsplit(".", 1)[-1] + suffix


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _modifiers(node: Node) -> tuple[list[str], list[str], Node | None]:
    for child in node.children:
        if child.type == "modifiers":
            mods, anns = [], []
            for m in child.children:
                if m.type in ("marker_annotation", "annotation"):
                    anns.append(_text(m))
                elif m.type not in ("line_comment", "block_comment"):
                    mods.append(_text(m))
            return mods, anns, child
    return [], [], None


def _javadoc(node: Node) -> str | None:
    prev = node.prev_sibling
    while prev is not None and prev.type == "line_comment":
        prev = prev.prev_sibling
    if prev is not None and prev.type == "block_comment":
        text = _text(prev)
        if text.startswith("/**"):
            return text
    return None


def _type_params(node: Node) -> tuple[str, list[str]]:
    tp = node.child_by_field_name("type_parameters")
    if tp is None:
        return "", []
    names = []
    for c in tp.named_children:
        if c.type == "type_parameter":
            for cc in c.named_children:
                if cc.type in ("type_identifier", "identifier"):
                    names.append(_text(cc))
                    break
    return _text(tp), names


def _parameters(params: Node | None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if params is None:
        return out
    for p in params.named_children:
        if p.type == "formal_parameter":
            t = _text(p.child_by_field_name("type"))
            dims = p.child_by_field_name("dimensions")
            if dims is not None:
                t += _text(dims)
            out.append((t, _text(p.child_by_field_name("name"))))
        elif p.type == "spread_parameter":
            t, name = "", ""
            for c in p.named_children:
                if c.type == "variable_declarator":
                    name = _text(c.child_by_field_name("name"))
                elif c.type not in ("modifiers",) and not t:
                    t = _text(c)
            out.append((t + "...", name))
    return out


def _strip_annotations(node: Node, data: bytes) -> str:
    """Source of `node` with its modifier annotations removed (skeletons must not need them)."""
    start, end = node.start_byte, node.end_byte
    cut: list[tuple[int, int]] = []
    for child in node.children:
        if child.type == "modifiers":
            for m in child.children:
                if m.type in ("marker_annotation", "annotation"):
                    cut.append((m.start_byte, m.end_byte))
    if not cut:
        return data[start:end].decode("utf-8", "replace")
    parts, pos = [], start
    for a, b in cut:
        parts.append(data[pos:a])
        pos = b
    parts.append(data[pos:end])
    return _WS_RE.sub(" ", b"".join(parts).decode("utf-8", "replace")).strip()


def doc_words(javadoc: str | None) -> int:
    """Words of the Javadoc's first paragraph, block tags (@param …) excluded."""
    if not javadoc:
        return 0
    body = javadoc.removeprefix("/**").removesuffix("*/")
    words = 0
    for line in body.splitlines():
        line = line.strip().lstrip("*").strip()
        if line.startswith("@"):
            break
        if not line:
            if words:
                break
            continue
        words += len(re.sub(r"<[^>]+>", " ", line).split())
    return words


def parse_java(path: str, data: bytes) -> JavaFile:
    """Summarise one Java file. `data` is UTF-8; all offsets are byte offsets into it."""
    tree = _PARSER.parse(data)
    root = tree.root_node
    jf = JavaFile(path=path, package="", imports=[], types=[], methods=[], has_error=root.has_error, error_nodes=0)
    _Walker(jf, data).run(root)
    return jf


class _Walker:
    def __init__(self, jf: JavaFile, data: bytes) -> None:
        self.jf = jf
        self.data = data
        self.anon_count: dict[int, int] = {}

    # ---------------------------------------------------------------- structure
    def _line_indent(self, start_byte: int) -> str:
        line_start = self.data.rfind(b"\n", 0, start_byte) + 1
        prefix = self.data[line_start:start_byte]
        return prefix.decode("utf-8", "replace") if not prefix.strip() else ""

    def _qual(self, parent: int | None, name: str) -> str:
        if parent is not None:
            return f"{self.jf.types[parent].qualified_name}.{name}"
        return f"{self.jf.package}.{name}" if self.jf.package else name

    def _add_type(self, node: Node, kind: str, scope: str, parent: int | None, method: int | None) -> int:
        data = self.data
        mods, anns, _ = _modifiers(node)
        name = _text(node.child_by_field_name("name"))
        body = node.child_by_field_name("body")
        head_end = body.start_byte if body is not None else node.end_byte
        header = _WS_RE.sub(" ", data[node.start_byte:head_end].decode("utf-8", "replace")).strip() + " {"
        tp_text, tp_names = _type_params(node)
        superclass = None
        interfaces: list[str] = []
        for c in node.children:
            if c.type == "superclass":
                superclass = _text(c.named_children[-1]) if c.named_children else None
            elif c.type in ("super_interfaces", "extends_interfaces"):
                for tl in c.named_children:
                    interfaces.extend(_text(t) for t in tl.named_children) if tl.type == "type_list" else interfaces.append(_text(tl))
        components = ""
        if kind == "record":
            components = _text(node.child_by_field_name("parameters"))
        constants, constant_names = [], []
        if kind == "enum" and body is not None:
            for c in body.named_children:
                if c.type == "enum_constant":
                    cb = c.child_by_field_name("body")
                    end = cb.start_byte if cb is not None else c.end_byte
                    constants.append(_WS_RE.sub(" ", data[c.start_byte:end].decode("utf-8", "replace")).strip())
                    constant_names.append(_text(c.child_by_field_name("name")))
        if scope == "local":
            assert parent is not None
            n = self.anon_count[parent] = self.anon_count.get(parent, 0) + 1
            qname = f"{self.jf.types[parent].qualified_name}${n}{name}"
        else:
            qname = self._qual(parent, name)
        t = JavaType(
            name=name, qualified_name=qname, kind=kind, scope=scope, parent=parent, header=header,
            modifiers=mods, annotations=anns, type_parameters=tp_text, type_param_names=tp_names,
            superclass=superclass, interfaces=interfaces, record_components=components,
            enum_constants=constants, enum_constant_names=constant_names,
            start_byte=node.start_byte, end_byte=node.end_byte, start_line=node.start_point[0] + 1,
            member_of_method=method,
        )
        self.jf.types.append(t)
        idx = len(self.jf.types) - 1
        if parent is not None and scope == "member":
            self.jf.types[parent].nested.append(idx)
        return idx

    def _add_anonymous(self, node: Node, body: Node, parent: int | None, method: int | None, constant: str | None) -> int:
        base = _text(node.child_by_field_name("type")) if constant is None else constant
        header = _WS_RE.sub(" ", self.data[node.start_byte:body.start_byte].decode("utf-8", "replace")).strip() + " {"
        if parent is None:  # anonymous class in a field of... nothing: cannot happen in valid Java
            qname, name = self._qual(None, erase(base)), erase(base)
        elif constant is not None:
            qname, name = f"{self.jf.types[parent].qualified_name}.{constant}", constant
        else:
            n = self.anon_count[parent] = self.anon_count.get(parent, 0) + 1
            name = f"{erase(base)}${n}"
            qname = f"{self.jf.types[parent].qualified_name}${n}"
        t = JavaType(
            name=name, qualified_name=qname, kind="anonymous", scope="anonymous", parent=parent, header=header,
            modifiers=[], annotations=[], type_parameters="", type_param_names=[],
            superclass=None if constant else erase(base), interfaces=[], record_components="",
            enum_constants=[], enum_constant_names=[], start_byte=node.start_byte, end_byte=node.end_byte,
            start_line=node.start_point[0] + 1, member_of_method=method, enum_constant=constant,
        )
        self.jf.types.append(t)
        return len(self.jf.types) - 1

    def _add_method(self, node: Node, kind: str, type_idx: int) -> JavaMethod:
        data = self.data
        t = self.jf.types[type_idx]
        mods, anns, _ = _modifiers(node)
        name = _text(node.child_by_field_name("name"))
        body = node.child_by_field_name("body")
        params = _parameters(node.child_by_field_name("parameters"))
        tp_text, tp_names = _type_params(node)
        ret = node.child_by_field_name("type")
        ret_text = _text(ret) if ret is not None else None
        if ret is not None and node.child_by_field_name("dimensions") is not None:
            ret_text = (ret_text or "") + _text(node.child_by_field_name("dimensions"))
        throws: list[str] = []
        for c in node.children:
            if c.type == "throws":
                throws = [_text(x) for x in c.named_children]
        if kind == "compact_constructor":
            # the parameters are the record's components
            params = [(p.strip().rsplit(" ", 1)[0], p.strip().rsplit(" ", 1)[-1])
                      for p in t.record_components.strip("()").split(",") if p.strip()] if "<" not in t.record_components else params
        sig_end = body.start_byte if body is not None else node.end_byte
        signature = _WS_RE.sub(" ", data[node.start_byte:sig_end].decode("utf-8", "replace")).strip()
        scope = {"anonymous": "anonymous_class", "local": "local_class"}.get(t.scope, "class")
        key = ",".join(erase(p[0]) for p in params)
        super_call = None
        if kind == "constructor" and body is not None:
            first = next((c for c in body.named_children if c.type not in ("line_comment", "block_comment")), None)
            if first is not None and first.type == "explicit_constructor_invocation":
                super_call = _text(first)
        qname = f"{t.qualified_name}.{name}({key})"
        return JavaMethod(
            name=name, kind=kind, scope=scope, type_index=type_idx, qualified_name=qname, signature=signature,
            code=data[node.start_byte:node.end_byte].decode("utf-8", "replace"),
            body=_text(body) if body is not None else "",
            start_line=node.start_point[0] + 1, end_line=node.end_point[0] + 1,
            start_byte=node.start_byte, end_byte=node.end_byte, indent=self._line_indent(node.start_byte),
            parameters=params, return_type=ret_text, annotations=anns, modifiers=mods,
            type_parameters=tp_text or None, type_param_names=tp_names, throws=throws,
            docstring=_javadoc(node), has_parse_error=node.has_error, refs=Refs(), param_key=key,
            super_call=super_call,
        )

    def _add_field(self, node: Node, type_idx: int) -> Refs:
        mods, _, _ = _modifiers(node)
        names, inits = [], {}
        for c in node.named_children:
            if c.type == "variable_declarator":
                n = _text(c.child_by_field_name("name"))
                names.append(n)
                v = c.child_by_field_name("value")
                if v is not None:
                    inits[n] = _text(v)
        refs = Refs()
        self.jf.types[type_idx].fields.append(JavaField(
            names=names, type=_text(node.child_by_field_name("type")), source=_strip_annotations(node, self.data),
            initializers=inits, modifiers=mods, refs=refs, start_byte=node.start_byte, end_byte=node.end_byte,
        ))
        return refs

    # ---------------------------------------------------------------- walk
    def run(self, root: Node) -> None:
        jf = self.jf
        # stack entries: (node, type_idx, method_idx, collectors)
        stack: list[tuple[Node, int | None, int | None, tuple[Refs, ...]]] = [(root, None, None, ())]
        pop, push = stack.pop, stack.append
        while stack:
            node, tidx, midx, coll = pop()
            nt = node.type
            if nt == "ERROR":
                jf.error_nodes += 1
            if coll and nt not in _STRUCTURE:
                # fast path for code inside a method or initializer: references, then children,
                # with leaf children handled here rather than pushed
                if node.child_count == 0:
                    self._leaf(node, nt, coll)
                    continue
                if nt in _SKIP_REFS:
                    for r in coll:
                        r.tokens += 1
                    continue
                if nt in _REF_NODES and self._refs(node, nt, tidx, midx, coll, stack):
                    continue
                # unnamed children are keyword and punctuation leaves: one token each, nothing
                # else to record; leaf tokens are added to the collectors once per node
                tokens = node.child_count - node.named_child_count
                for c in reversed(node.named_children):
                    if c.child_count:
                        push((c, tidx, midx, coll))
                        continue
                    ct = c.type
                    if ct == "identifier":
                        text = c.text.decode("utf-8", "replace")
                        for r in coll:
                            r.names.add(text)
                    elif ct == "type_identifier":
                        text = c.text.decode("utf-8", "replace")
                        for r in coll:
                            r.types.add(text)
                    elif ct in _SKIP_REFS:
                        continue  # a comment is no token
                    elif ct == "ERROR":
                        jf.error_nodes += 1
                    tokens += 1
                if tokens:
                    for r in coll:
                        r.tokens += tokens
                continue
            if coll:
                if node.child_count == 0:
                    if nt not in _SKIP_REFS:
                        for r in coll:
                            r.tokens += 1
                    if nt == "identifier":
                        for r in coll:
                            r.names.add(_text(node))
                        continue
                    if nt == "type_identifier":
                        for r in coll:
                            r.types.add(_text(node))
                        continue
                    continue
                if nt in _SKIP_REFS:
                    for r in coll:
                        r.tokens += 1
                    continue
            if nt == "package_declaration":
                for c in node.named_children:
                    if c.type in ("scoped_identifier", "identifier"):
                        jf.package = _text(c)
                continue
            if nt == "import_declaration":
                static = any(c.type == "static" for c in node.children)
                wildcard = any(c.type == "asterisk" for c in node.children)
                name = next((_text(c) for c in node.named_children if c.type in ("scoped_identifier", "identifier")), "")
                jf.imports.append(JavaImport(_WS_RE.sub(" ", _text(node)).strip(), name, static, wildcard))
                continue
            children = node.children
            if nt in TYPE_DECLS:
                in_body = node.parent is not None and node.parent.type in _BODY_TYPES
                scope = "top" if tidx is None else ("member" if in_body and midx is None else "local")
                new_t = self._add_type(node, TYPE_DECLS[nt], scope, tidx, midx if scope == "local" else None)
                # header parts (type params, supertypes) are references of enclosing code only when local
                body = node.child_by_field_name("body")
                if body is not None:
                    stack.append((body, new_t, None, coll if scope == "local" else ()))
                continue
            if nt == "object_creation_expression" or nt == "enum_constant":
                body = node.child_by_field_name("body") if nt == "enum_constant" else next(
                    (c for c in children if c.type == "class_body"), None)
                if nt == "object_creation_expression":
                    ty = node.child_by_field_name("type")
                    if coll and ty is not None:
                        args = node.child_by_field_name("arguments")
                        nargs = args.named_child_count if args is not None else 0
                        for r in coll:
                            r.news.add(_text(ty))
                            r.new_args.add((_text(ty), nargs))
                if body is not None:
                    const = _text(node.child_by_field_name("name")) if nt == "enum_constant" else None
                    new_t = self._add_anonymous(node, body, tidx, midx, const)
                    for c in reversed(children):
                        if c != body and c.type != "identifier":
                            stack.append((c, tidx, midx, coll))
                    stack.append((body, new_t, None, coll))
                    continue
            elif nt in METHOD_DECLS and tidx is not None and midx is None:
                m = self._add_method(node, METHOD_DECLS[nt], tidx)
                jf.methods.append(m)
                new_m = len(jf.methods) - 1
                jf.types[tidx].methods.append(new_m)
                for pt, pn in m.parameters:
                    m.refs.locals[pn] = pt
                    for r in coll:
                        r.locals[pn] = pt
                new_coll = coll + (m.refs,)
                for c in reversed(children):
                    if c.type == "modifiers":
                        # annotations are part of the method's code: their types are references
                        for a in c.named_children:
                            if a.type in ("marker_annotation", "annotation"):
                                for r in new_coll:
                                    r.types.add(_WS_RE.sub("", _text(a.child_by_field_name("name"))))
                                args = a.child_by_field_name("arguments")
                                if args is not None:
                                    stack.append((args, tidx, new_m, new_coll))
                        continue
                    if c.type == "identifier" and c == node.child_by_field_name("name"):
                        continue
                    stack.append((c, tidx, new_m, new_coll))
                continue
            elif nt in ("field_declaration", "constant_declaration") and tidx is not None and midx is None:
                refs = self._add_field(node, tidx)
                for c in node.named_children:
                    if c.type == "variable_declarator":
                        v = c.child_by_field_name("value")
                        if v is not None:
                            stack.append((v, tidx, None, coll + (refs,)))
                    elif c.type != "modifiers":
                        stack.append((c, tidx, None, coll + (refs,)))
                continue
            elif coll:
                if self._refs(node, nt, tidx, midx, coll, stack):
                    continue
            for c in reversed(children):
                stack.append((c, tidx, midx, coll))
        if jf.has_error and not jf.error_nodes:
            jf.error_nodes = 1  # MISSING nodes only

    def _leaf(self, node: Node, nt: str, coll: tuple[Refs, ...]) -> None:
        if nt == "identifier":
            text = _text(node)
            for r in coll:
                r.tokens += 1
                r.names.add(text)
        elif nt == "type_identifier":
            text = _text(node)
            for r in coll:
                r.tokens += 1
                r.types.add(text)
        elif nt not in _SKIP_REFS:
            for r in coll:
                r.tokens += 1

    def _refs(self, node: Node, nt: str, tidx: int | None, midx: int | None, coll: tuple[Refs, ...], stack: list) -> bool:
        """Record references of one node; True when its children were already scheduled."""
        if nt == "method_invocation":
            obj = node.child_by_field_name("object")
            name = _text(node.child_by_field_name("name"))
            args = node.child_by_field_name("arguments")
            nargs = args.named_child_count if args is not None else 0
            if obj is None:
                recv = None
            elif obj.type in ("this", "super", "identifier"):
                recv = _text(obj)
            elif obj.type == "field_access" and (o2 := obj.child_by_field_name("object")) is not None and o2.type == "this":
                recv = "this." + _text(obj.child_by_field_name("field"))
            elif obj.type in ("scoped_identifier",):
                recv = _text(obj)
            else:
                recv = "?"
            for r in coll:
                r.calls.append((recv, name, nargs))
            for c in (args, node.child_by_field_name("type_arguments"), obj):
                if c is not None:
                    stack.append((c, tidx, midx, coll))
            return True
        if nt == "field_access":
            obj = node.child_by_field_name("object")
            fld = _text(node.child_by_field_name("field"))
            for r in coll:
                if obj is not None and obj.type == "this":
                    r.this_fields.add(fld)
                else:
                    r.member_names.add(fld)
            if obj is not None:
                stack.append((obj, tidx, midx, coll))
            return True
        if nt == "element_value_pair":  # annotation argument `name = value`: only the value refers
            v = node.child_by_field_name("value")
            if v is not None:
                stack.append((v, tidx, midx, coll))
            return True
        if nt == "scoped_type_identifier":
            for r in coll:
                r.types.add(_WS_RE.sub("", _text(node)))
            return True
        if nt == "method_reference":
            kids = node.children
            recv = _text(kids[0]) if kids else None
            name = _text(kids[-1]) if kids else ""
            for r in coll:
                r.calls.append((recv, name, -1))
            if kids and kids[0].type in ("identifier", "type_identifier", "field_access", "method_invocation",
                                          "generic_type", "scoped_type_identifier"):
                stack.append((kids[0], tidx, midx, coll))
            return True
        if nt == "explicit_constructor_invocation":
            ctor = node.child_by_field_name("constructor")
            args = node.child_by_field_name("arguments")
            for r in coll:
                r.calls.append((_text(ctor), "<init>", args.named_child_count if args is not None else 0))
            if args is not None:
                stack.append((args, tidx, midx, coll))
            return True
        if nt == "local_variable_declaration":
            ty = _text(node.child_by_field_name("type"))
            for c in node.named_children:
                if c.type == "variable_declarator":
                    for r in coll:
                        r.locals[_text(c.child_by_field_name("name"))] = ty
        elif nt in _PARAM_NODES or nt == "enhanced_for_statement" or nt == "resource":
            for p in _parameters_like(node):
                for r in coll:
                    r.locals[p[1]] = p[0]
        elif nt in ("lambda_expression",):
            params = node.child_by_field_name("parameters")
            if params is not None:
                if params.type == "identifier":
                    for r in coll:
                        r.locals[_text(params)] = ""
                else:
                    for c in params.named_children:
                        if c.type == "identifier":
                            for r in coll:
                                r.locals[_text(c)] = ""
                        elif c.type in _PARAM_NODES:
                            for p in _parameters_like(c):
                                for r in coll:
                                    r.locals[p[1]] = p[0]
        elif nt in ("instanceof_expression", "type_pattern", "record_pattern_component"):
            name = node.child_by_field_name("name")
            ty = node.child_by_field_name("right") or node.child_by_field_name("type")
            if name is not None:
                for r in coll:
                    r.locals[_text(name)] = _text(ty)
            elif nt == "type_pattern":
                kids = node.named_children
                if len(kids) >= 2:
                    for r in coll:
                        r.locals[_text(kids[-1])] = _text(kids[-2])
        elif nt in ("labeled_statement", "break_statement", "continue_statement"):
            for c in reversed(node.children):
                if c.type != "identifier":
                    stack.append((c, tidx, midx, coll))
            return True
        return False


def _parameters_like(node: Node) -> list[tuple[str, str]]:
    nt = node.type
    if nt == "formal_parameter" or nt == "catch_formal_parameter" or nt == "resource" or nt == "enhanced_for_statement":
        ty = node.child_by_field_name("type")
        name = node.child_by_field_name("name")
        if nt == "catch_formal_parameter":
            ct = next((c for c in node.named_children if c.type == "catch_type"), None)
            return [(_text(ct), _text(name))] if name is not None else []
        if name is not None:
            return [(_text(ty), _text(name))]
        return []
    if nt == "spread_parameter":
        return _parameters(node.parent) if node.parent is not None else []
    return []
