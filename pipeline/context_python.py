"""Python backend: summarize every file, build the repository symbol index, resolve context.

`extract_python_files(files, info, stats)` is registered in `pipeline.extract.BACKENDS`.
Each file is parsed once (`parsers.python.summarize_python`); its tree is dropped at once and
only the summary (the symbol index) is kept. Each function's free names are then resolved:
module-level definitions of its file, imports (stdlib / third party / repo-local, following
relative imports, aliases, package `__init__` re-exports and star imports, with a guard
against import cycles), class members for methods. `context_code` is the transitive closure
of what the function needs, in dependency order, bounded by `MAX_CONTEXT_ITEMS` and
`MAX_CONTEXT_BYTES` (beyond which `context_truncated` is set).

Speed: resolving a name or a module-level statement gives the same answer for every function
that needs it, so each is compiled once into a step (`_NameStep`, `_StmtStep`) and a function's
closure is a walk over steps. The closure of a module-level statement is itself memoized
(`_Closure`) and merged whole into the contexts that need it, when that gives the same result.
The output never depends on set iteration order: references are visited sorted, definitions
and imports in first-use order.
"""

from __future__ import annotations

import builtins
import heapq
import re
import sys
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Collection, Final, Iterator, cast

from parsers.native import native_scanner
from parsers.python import ImportBinding, PyClass, PyFileSummary, PyFunction, summarize_python
from parsers.source import SourceFile
from pipeline.records import (
    MARKER, Callee, ClassContext, FunctionRecord, GlobalUse, ImportUse, Member, Parameter, permalink, record_id,
)

MAX_CONTEXT_ITEMS: Final = 40  # definitions (globals, callees) in one context
MAX_CONTEXT_BYTES: Final = 60_000
CLASS_FULL_MAX_BYTES: Final = 6_000  # a callee class bigger than this is given as a skeleton
# A statement's closure is memoized (`ContextBuilder.merge`) once it was included this many times
# without: about half are used once, and making a memo costs more than the include it saves.
# Any value gives the same records (tests check 0 and "never").
MEMO_AFTER_USES: Final = 1

STDLIB: Final = frozenset(sys.stdlib_module_names) | {"__future__"}
BUILTINS: Final = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__path__", "__package__",
                                              "__loader__", "__builtins__", "__debug__"}
_FUTURE: Final = re.compile(r"from\s+__future__\s+import\s+(.*)", re.S)
_SOURCE_ROOTS: Final = ("src", "lib", "python", "py")
_TOKEN: Final = re.compile(r"\w+|[^\w\s]")
# For ASCII text, `_TOKEN` counted without a regex: each character classified as word (a),
# space or other (.) the way `re` classifies it (str.isalnum/_ and str.isspace), by one
# `bytes.translate`. Tokens are the "." characters plus the runs of "a".
_TOKEN_CLASSES: Final = bytes(97 if chr(i).isalnum() or i == 95 else 32 if chr(i).isspace() else 46 for i in range(128)) \
    + b"." * 128
_DOT_TO_SPACE: Final = bytes.maketrans(b".", b" ")  # then a word starts at each " a" (or at the start)


_NATIVE_COUNT: Final = getattr(native_scanner(), "count_ascii_tokens", None)  # the same count in C (parsers/_pyscan.c)


def count_tokens(code: str) -> int:
    """`len(_TOKEN.findall(code))`, five times faster for ASCII code (fifty in C)."""
    if _NATIVE_COUNT is not None:
        n = _NATIVE_COUNT(code)  # None for non-ASCII code
        if n is not None:
            return n
    if not code.isascii():
        return len(_TOKEN.findall(code))
    t = code.encode("ascii").translate(_TOKEN_CLASSES)
    w = t.translate(_DOT_TO_SPACE)
    return t.count(b".") + w.count(b" a") + (t[:1] == b"a")


_NOTHING: Final[frozenset[str]] = frozenset()


@dataclass(slots=True)
class FileCtx:
    path: str
    module: str
    is_package: bool
    summary: PyFileSummary
    encoding: str
    top_level: dict[int, PyFunction | PyClass] = field(default_factory=dict)  # statement index -> def
    futures: frozenset[str] = frozenset()  # `from __future__ import …` features (annotations, …)
    # compiled context steps (see `_NameStep`), built on first use: part of the symbol index
    name_steps: dict[str, "_NameStep"] = field(default_factory=dict)
    stmt_steps: dict[int, "_StmtStep"] = field(default_factory=dict)
    # closures of statements included into contexts of this file's functions (see `_home_closure`);
    # kept while this file's records are made
    home_closures: dict["_StmtStep", "_Closure | int"] = field(default_factory=dict)  # or: uses so far

    @property
    def package(self) -> str:
        return self.module if self.is_package else self.module.rpartition(".")[0]


@dataclass(slots=True)
class Target:
    """What a name resolves to."""

    kind: str  # def, module, external, builtin
    file: FileCtx | None = None
    name: str = ""  # name in `file` (def) ...
    binding: ImportBinding | None = None  # the import that brought it (first hop)
    import_kind: str = ""  # stdlib, third_party, local
    module: str = ""  # absolute module of the import
    via: FileCtx | None = None  # file whose import statement is used (external)


# ---------------------------------------------------------------- module names


def module_names(paths: list[str], root: Path | None = None) -> dict[str, list[str]]:
    """Dotted module names of each file: the `__init__.py` package chain first, then the
    path from the repository root (minus a src/lib root) as an alias. Empty `__init__.py`
    files are skipped by the reader, so `root` is checked on disk for them."""
    init_dirs = {p.rpartition("/")[0] for p in paths if p.rpartition("/")[2] == "__init__.py"}
    if root is not None:
        for d in {p.rpartition("/")[0] for p in paths}:
            while d and d not in init_dirs and (root / d / "__init__.py").is_file():
                init_dirs.add(d)
                d = d.rpartition("/")[0]
    out: dict[str, list[str]] = {}
    for p in paths:
        parts = p[:-3].split("/")
        dirs = parts[:-1]
        i = len(dirs)
        while i > 0 and "/".join(dirs[:i]) in init_dirs:
            i -= 1
        names = []
        primary = parts[i:]
        if primary[-1] == "__init__":
            primary = primary[:-1]
        if primary:
            names.append(".".join(primary))
        full = parts[:-1] if parts[-1] == "__init__" else parts
        if full and full[0] in _SOURCE_ROOTS and len(full) > 1:
            full = full[1:]
        alias = ".".join(full)
        if alias and alias not in names:
            names.append(alias)
        if not names:
            names.append(parts[-1])
        out[p] = names
    return out


def import_kind_of(module: str, local_tops: set[str]) -> str:
    top = module.split(".")[0]
    if top in local_tops:
        return "local"
    if top in STDLIB:
        return "stdlib"
    return "third_party"


# ---------------------------------------------------------------- the index


class RepoIndex:
    def __init__(self, files: list[FileCtx]) -> None:
        self.files = files
        self.modules: dict[str, FileCtx] = {}
        for f in files:  # primary names win over aliases
            self.modules.setdefault(f.module, f)
        self.local_tops = {m.split(".")[0] for m in self.modules}
        self._cache: dict[tuple[str, str], Target | None] = {}

    def add_alias(self, name: str, f: FileCtx) -> None:
        self.modules.setdefault(name, f)

    def absolute(self, f: FileCtx, b: ImportBinding) -> str:
        if not b.level:
            # Python 2's implicit relative import (`from model import _Record` in vcf/parser.py
            # means vcf.model) when no top-level module or stdlib module has that name
            top = b.module.partition(".")[0]
            if f.package and top not in self.local_tops and top not in STDLIB:
                sibling = f"{f.package}.{b.module}"
                if sibling in self.modules:
                    return sibling
            return b.module
        base = f.package.split(".") if f.package else []
        if b.level > 1:
            base = base[: max(0, len(base) - (b.level - 1))]
        return ".".join([*base, b.module] if b.module else base)

    def exported(self, f: FileCtx, name: str) -> bool:
        s = f.summary
        if s.all_names is not None:
            return name in s.all_names
        return not name.startswith("_") and (name in s.bindings or name in s.import_bindings)

    def resolve(self, f: FileCtx, name: str, _seen: set | None = None) -> Target | None:
        key = (f.path, name)
        if key in self._cache:
            return self._cache[key]
        seen = _seen if _seen is not None else set()
        if key in seen:  # import cycle
            return None
        seen.add(key)
        t = self._resolve(f, name, seen)
        if _seen is None or t is not None:
            self._cache[key] = t
        return t

    def _resolve(self, f: FileCtx, name: str, seen: set) -> Target | None:
        s = f.summary
        b = s.import_bindings.get(name)
        idxs = s.bindings.get(name)
        if idxs and (b is None or any(s.statements[i].kind != "import" and i != b.top_index for i in idxs)):
            return Target("def", f, name)
        if b is not None:
            return self.resolve_import(f, b, seen)
        for star in s.star_imports:
            mod = self.absolute(f, star)
            tf = self.modules.get(mod)
            if tf is not None:
                if tf is not f and self.exported(tf, name):
                    t = self.resolve(tf, name, seen)
                    if t is not None:
                        return t
        if name in BUILTINS:
            return Target("builtin")
        for star in s.star_imports:
            mod = self.absolute(f, star)
            if mod not in self.modules:
                return Target("external", binding=star, import_kind=import_kind_of(mod, self.local_tops),
                              module=mod, via=f)
        return None

    def resolve_import(self, f: FileCtx, b: ImportBinding, seen: set) -> Target | None:
        mod = self.absolute(f, b)
        if b.attr is None:  # import a.b [as m]
            # `import a.b` binds `a`; `import a.b as m` binds `m` to a.b
            target_mod = mod if b.name != mod.split(".")[0] else mod.split(".")[0]
            tf = self.modules.get(target_mod)
            if tf is not None:
                return Target("module", tf, target_mod, binding=b, import_kind="local", module=mod, via=f)
            return Target("external", binding=b, import_kind=import_kind_of(mod, self.local_tops), module=mod, via=f)
        tf = self.modules.get(mod)
        if tf is not None:
            sub = self.modules.get(f"{mod}.{b.attr}" if mod else b.attr)
            if sub is not None and b.attr not in tf.summary.bindings:
                return Target("module", sub, sub.module, binding=b, import_kind="local", module=mod, via=f)
            t = self.resolve(tf, b.attr, seen)
            if t is not None and t.kind != "builtin":
                return t
            if sub is not None:
                return Target("module", sub, sub.module, binding=b, import_kind="local", module=mod, via=f)
            return Target("external", binding=b, import_kind="local", module=mod, via=f)
        sub = self.modules.get(f"{mod}.{b.attr}" if mod else b.attr)
        if sub is not None:
            return Target("module", sub, sub.module, binding=b, import_kind="local", module=mod, via=f)
        return Target("external", binding=b, import_kind=import_kind_of(mod, self.local_tops), module=mod, via=f)

    def member(self, mod: FileCtx, attr: str) -> Target | None:
        """`m.attr` for a repo module `m`: a submodule or a name of the module."""
        sub = self.modules.get(f"{mod.module}.{attr}")
        if sub is not None and attr not in mod.summary.bindings:
            return Target("module", sub, sub.module, import_kind="local", module=sub.module)
        return self.resolve(mod, attr)


# ---------------------------------------------------------------- context building


def absolute_statement(b: ImportBinding, module: str) -> str:
    """The import with a relative module made absolute (so the context runs outside its package)."""
    if not b.level:
        return b.statement
    if b.attr is None:
        return b.statement
    if b.star:
        return f"from {module} import *"
    alias = f" as {b.name}" if b.name != b.attr else ""
    return f"from {module} import {b.attr}{alias}" if module else f"import {b.attr}{alias}"


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + ln if ln.strip() else ln for ln in text.split("\n"))


def _dedent(text: str, indent: str) -> str:
    if not indent:
        return text
    lines = text.split("\n")
    n = len(indent)
    return "\n".join([lines[0]] + [ln[n:] if ln.startswith(indent) else ln for ln in lines[1:]])


# Per-definition results that every record reaching the definition would recompute, keyed by
# id() and checked by identity; cleared when the backend ends.
_SKELETONS: Final[dict[int, tuple[PyClass, tuple[str, frozenset[str]]]]] = {}
_SIG_NAMES: Final[dict[int, tuple[PyFunction, frozenset[str]]]] = {}
_SELF_CALLS: Final[dict[int, tuple[PyFunction, list[str]]]] = {}
_DEDENTED: Final[dict[int, tuple[PyFunction, str]]] = {}
_HEADER_CHAINS: Final[dict[int, tuple[PyClass, frozenset[tuple[str, ...]]]]] = {}
_BY_QUALNAME: Final[dict[int, tuple[PyFileSummary, dict[str, PyFunction]]]] = {}


def _memo(table: dict, obj, make):
    """`make()` for `obj`, computed once per object (ids are reused only after the object dies;
    the identity check guards against that)."""
    hit = table.get(id(obj))
    if hit is not None and hit[0] is obj:
        return hit[1]
    out = make()
    table[id(obj)] = (obj, out)
    return out


def class_skeleton(cls: PyClass, summary: PyFileSummary) -> tuple[str, frozenset[str]]:
    """Header, class attributes and method stubs (signature + `...`); and the names it reads."""
    return _memo(_SKELETONS, cls, lambda: _class_skeleton(cls, summary))


def _class_skeleton(cls: PyClass, summary: PyFileSummary) -> tuple[str, frozenset[str]]:
    unit = "\t" if "\t" in cls.indent else "    "
    lines = [*cls.decorators, cls.header]
    refs = set(cls.header_refs)
    # members in source order: `factory = staticmethod(factory)` must follow `def factory`
    members: list[tuple[int, str]] = []
    for a in cls.class_attrs.values():
        members.append((a.start_byte, _indent(a.source, unit)))
        refs |= a.refs
    for name, i in cls.methods.items():
        text, member_refs = member_stub(summary.functions[i], unit)
        members.append((summary.functions[i].start_byte, _indent(text, unit)))
        refs |= member_refs
    lines.extend(text for _, text in sorted(members, key=lambda m: m[0]))
    if len(lines) == len(cls.decorators) + 1:
        lines.append(unit + "pass")
    return "\n".join(lines), frozenset(refs)


def _self_calls(caller: PyFunction, cls: PyClass) -> list[str]:
    """Methods of `cls` that method `caller` reads through its receiver (`self.m`, `cls.m`),
    in sorted chain order, repeats included."""
    return _memo(_SELF_CALLS, caller, lambda: _self_calls_uncached(caller, cls))


def _self_calls_uncached(caller: PyFunction, cls: PyClass) -> list[str]:
    receivers = {"self", "cls", cls.name}
    if caller.parameters and caller.kind != "staticmethod":
        receivers.add(caller.parameters[0].name.lstrip("*"))
    calls = [chain[1] for chain in sorted(caller.chains)
             if len(chain) >= 2 and chain[0] in receivers and chain[1] in cls.methods]
    if "__init__" in cls.methods and caller.name != "__init__" and _builds_own_class(caller, cls):
        calls.append("__init__")
    return calls


# the methods that make an instance and define how it behaves as a value (`len(x)`, `str(x)`,
# `x == y`, `for c in x`): a method that has or makes an instance runs them without naming them
_INSTANCE_METHODS: Final = ("__init__", "__len__", "__iter__", "__getitem__", "__contains__", "__eq__", "__hash__",
                            "__bool__", "__str__", "__repr__")


def _builds_own_class(caller: PyFunction, cls: PyClass) -> bool:
    """Whether a method makes instances of its own class (`cls(…)`, `self.__class__(…)`,
    `type(self)(…)`, `Sequence(…)` inside Sequence): then it runs the real constructor. The
    class name counts only when the code reads it (a docstring's example does not)."""
    if ("self", "__class__") in caller.chains:
        return True
    # each alternative only where its literal text occurs: most bodies need no regex at all
    body = caller.body
    names = [r"type\(\s*self\s*\)"] if "type(" in body else []
    if cls.name in caller.refs and cls.name in body:
        names.append(re.escape(cls.name))
    if caller.kind == "classmethod" and caller.parameters and caller.parameters[0].name in body:
        names.append(re.escape(caller.parameters[0].name))
    return bool(names) and re.search(rf"(?<![\w.])(?:{'|'.join(names)})\s*\(", body) is not None


_READS_SELF: Final = re.compile(r"\bself\s*\.")
_DOTTED: Final = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def _dotted_chains(text: str) -> frozenset[tuple[str, ...]]:
    """Attribute chains written in a text (`mod.Base` → ("mod", "Base")); for the statements the
    parser records no chains for: class headers and module-level assignments."""
    return frozenset(tuple(m.split(".")) for m in _DOTTED.findall(text))


def _header_chains(c: PyClass) -> frozenset[tuple[str, ...]]:
    """Attribute chains read by a class's header and decorators (once per class: every method
    of the class and of its nested classes asks)."""
    return _memo(_HEADER_CHAINS, c, lambda: _dotted_chains("\n".join([*c.decorators, c.header])))


def _function_named(s: PyFileSummary, qualname: str) -> PyFunction | None:
    """The first function of the file with this qualified name: the enclosing function of a
    nested one. A table per file, built once (a scan of the file's functions per nested
    function was quadratic in files with many)."""
    table = _memo(_BY_QUALNAME, s, lambda: _first_by_qualname(s.functions))
    return table.get(qualname)


def _first_by_qualname(functions: list[PyFunction]) -> dict[str, PyFunction]:
    table: dict[str, PyFunction] = {}
    for g in functions:
        table.setdefault(g.qualname, g)
    return table


def _dedented_code(fn: PyFunction) -> str:
    return _memo(_DEDENTED, fn, lambda: _dedent(fn.code, fn.indent))


def _decorator_name_simple(d: str) -> str:
    return d.lstrip("@").strip().split("(", 1)[0].strip()


def is_descriptor_decorator(d: str) -> bool:
    """A decorator that says what the member is on its class, kept on the stubs of a skeleton:
    static and class methods, properties and their look-alikes (`classproperty`,
    `functools.cached_property`, `abc.abstractproperty`), and `abstractmethod` (code run at class
    creation may ask which members are abstract). Others are dropped: they wrap behaviour the
    stub does not have, and may name what the context does not define."""
    name = _decorator_name_simple(d).rsplit(".", 1)[-1]
    return name in ("staticmethod", "classmethod", "classonlymethod", "abstractmethod") or name.endswith("property")


_DECORATOR_ROOT: Final = re.compile(r"@\s*([A-Za-z_]\w*)")
MAX_PROPERTY_BODY_BYTES: Final = 1200


def member_stub(fn: PyFunction, unit: str) -> tuple[str, frozenset[str]]:
    """A method as a class skeleton shows it (at column 0; `unit` is the file's indentation
    step), and the names that text reads.

    A stub is the signature with `...` and the descriptor decorators. A property-like member
    with a short body is kept whole: such members are usually constants (`gap_chars` returning
    a set, `degenerate_map` a dict literal), and code run at class creation or by the function
    reads them as values."""
    decs = [d for d in fn.decorators if is_descriptor_decorator(d)]
    refs = set(_names_in_sig(fn))
    for d in decs:
        m = _DECORATOR_ROOT.match(d)
        if m:
            refs.add(m.group(1))
    prop = any(_decorator_name_simple(d).endswith("property") for d in decs)
    if prop and len(fn.body) <= MAX_PROPERTY_BODY_BYTES and not fn.has_error:
        body = _dedented_code(fn).split("\n")
        start = next((k for k, line in enumerate(body) if line.lstrip().startswith(("def ", "async def "))), 0)
        return "\n".join(decs + body[start:]), frozenset(refs | fn.refs)
    sig = _dedent(fn.signature, fn.indent)
    return "\n".join(decs + [sig, unit + "..."]), frozenset(refs)


def _names_in_sig(fn: PyFunction) -> frozenset[str]:
    return _memo(_SIG_NAMES, fn, lambda: frozenset(_names_in_sig_uncached(fn)))


def _names_in_sig_uncached(fn: PyFunction) -> set[str]:
    names: set[str] = set()
    for p in fn.parameters:
        for text in (p.type, p.default):
            if text:
                names.update(re.findall(r"(?<![\w.])([A-Za-z_]\w*)", re.sub(r"(['\"]).*?\1", "", text)))
    if fn.return_type:
        names.update(re.findall(r"(?<![\w.])([A-Za-z_]\w*)", re.sub(r"(['\"]).*?\1", "", fn.return_type)))
    return names & fn.sig_refs


# What `ContextBuilder` does for one (file, name) or one module-level statement depends only on
# the repository, not on the function being resolved (apart from the few checks against the
# home file, done when visiting). So each is compiled once into a step and kept on its FileCtx:
# resolution, statement text, sorted eager/lazy references as further steps. The closure of a
# function is then a walk over these steps with a `done` set of step objects.
# kinds of _NameStep (Final: compiled, they are constants, not module lookups)
_N_NONE: Final = 0
_N_GLOBAL: Final = 1
_N_UNRESOLVED: Final = 2
_N_EXT_STMT: Final = 3
_N_IMPORT: Final = 4
_N_MODULE: Final = 5
_N_DEF: Final = 6


class _NameStep:
    """`need(file, name)`, compiled."""

    __slots__ = ("file", "name", "kind", "ok", "text", "qualified", "stmt", "earlier", "stmts", "tfile", "tname")

    def __init__(self, file: FileCtx, name: str, kind: int) -> None:
        self.file = file
        self.name = name
        self.kind = kind
        self.ok = True  # need() returns the name (else None)
        self.text = ""  # piece (global placeholder, alias) or import statement
        self.qualified = ""  # unresolved: the name as reported outside its home file
        self.stmt: _StmtStep | None = None  # external bound by a compound statement
        # … and the module-level imports of the name before it, which it may leave in place
        self.earlier: list[str] = []
        self.stmts: list[_StmtStep] = []  # definition: its non-import binding statements
        self.tfile: FileCtx | None = None  # definition / module: the file
        self.tname = ""  # definition: its name there


class _StmtStep:
    """`include_statement(file, i)`, compiled; `eager`/`lazy` are filled on first visit."""

    __slots__ = ("file", "index", "text", "futures", "chains", "eager", "lazy", "closure", "forward", "needs", "stub",
                 "uses")

    def __init__(self, file: FileCtx, index: int) -> None:
        self.file = file
        self.index = index
        self.text = ""
        self.futures = file.futures
        self.chains: frozenset[tuple[str, ...]] = frozenset()
        self.eager: list[_NameStep] | None = None
        self.lazy: list[_NameStep] = []
        self.closure: _Closure | None = None  # see `ContextBuilder.merge`, built on first use
        self.forward: list[_NameStep] = []  # names its string annotations read (see `ContextBuilder.text`)
        # the statements binding what `eager` names (definitions, compound statements binding an
        # external): what the hold checks of `ContextBuilder._include` test against the statements
        # being placed or held, as one set operation
        self.needs: frozenset[_StmtStep] = frozenset()
        self.stub = ""  # its placeholder past a context's bound (`ContextBuilder.stub`)
        self.uses = 0  # times included by records before its closure was memoized (`ContextBuilder.merge`)


class _Closure:
    """What including one statement into an empty context adds, for any function whose file
    it does not touch; built for a home file, for that file's functions that define none of
    its `home_names` (`ContextBuilder.merge`)."""

    __slots__ = ("mergeable", "done", "strict", "files", "imports", "pieces", "unresolved", "future",
                 "needs_types", "n_items", "n_bytes", "namespaces", "module_chains", "forward", "home_names")

    def __init__(self, b: "ContextBuilder") -> None:
        # a bounded closure is not the whole closure, nor one with namespace members still to add
        self.mergeable = not b.truncated and not b.waiting
        self.done = frozenset(b.done)
        # steps whose effect is not idempotent (imports are: the same statement text again)
        self.strict = frozenset(x for x in b.done if not (isinstance(x, _NameStep) and x.kind == _N_IMPORT))
        # paths of the files whose names were visited or whose definitions were reached: what
        # happens there depends on whether that is the home file of the function
        self.files = frozenset([x.file.path for x in b.done] +
                               [x.tfile.path for x in b.done if isinstance(x, _NameStep) and x.tfile is not None])
        self.imports = list(b.imports)
        self.pieces = b.pieces
        self.unresolved = b.unresolved
        self.future = frozenset(b.future)
        self.needs_types = b.needs_types
        self.n_items = b.n_items
        self.n_bytes = b.n_bytes
        self.namespaces = b.namespaces
        self.module_chains = b.module_chains
        self.forward = list(b.forward)
        # built with a home file: its names the closure reads or whose definitions it reaches (a
        # function defining one of them itself would leave that out, or place what reads it after)
        home = b.home
        self.home_names = frozenset(
            [x.name for x in b.done if isinstance(x, _NameStep) and x.file is home] +
            [x.tname for x in b.done if isinstance(x, _NameStep) and x.tfile is home]) if home else frozenset()


def _closure_of(index: RepoIndex, step: _StmtStep) -> _Closure:
    """The statement's memoized closure, built when first asked for (`ContextBuilder.merge` asks
    from the statement's `MEMO_AFTER_USES + 1`-th use)."""
    if step.closure is None:
        step.closure = _closure(index, step)
    return step.closure


def _closure(index: RepoIndex, step: _StmtStep) -> _Closure:
    """Include `step` into an empty context of no function."""
    b = ContextBuilder(index, None, None, set())  # no home file: nothing is left out
    b._include(step)
    return _Closure(b)


def _home_closure(index: RepoIndex, home: FileCtx, step: _StmtStep) -> _Closure | None:
    """The closure of a statement that draws on `home`, as contexts of `home`'s functions see
    it (`home`'s unresolved names unqualified), for the functions that define none of the
    home names it reaches; memoized on `home` once used `MEMO_AFTER_USES` times (None before)."""
    c = home.home_closures.get(step, 0)
    if isinstance(c, int):
        if c < MEMO_AFTER_USES:
            home.home_closures[step] = c + 1
            return None
        b = ContextBuilder(index, home, None, set())
        b._include(step)
        c = home.home_closures[step] = _Closure(b)
    return c


def _reaches(index: RepoIndex, df: FileCtx, name: str, home: FileCtx) -> bool:
    """Whether the closure of definition `name` of `df` draws on `home`: imported inside a
    function of `home`, it is an import cycle, and placed before the function it would run
    before what it needs from there is defined."""
    step = _name_step(index, df, name)
    return any(home.path in _closure_of(index, st).files for st in step.stmts or ())


def _stmt_step(f: FileCtx, i: int) -> _StmtStep:
    st = f.stmt_steps.get(i)
    if st is None:
        st = f.stmt_steps[i] = _StmtStep(f, i)
    return st


def _name_step(index: RepoIndex, f: FileCtx, name: str) -> _NameStep:
    step = f.name_steps.get(name)
    if step is not None:
        return step
    t = index.resolve(f, name)
    if t is None and name in f.summary.global_declared:
        step = _NameStep(f, name, _N_GLOBAL)
        step.text = f"{name} = None  # bound by a `global` statement in {f.path}"
    elif t is None:
        step = _NameStep(f, name, _N_NONE if name in BUILTINS else _N_UNRESOLVED)
        step.ok = False
        step.qualified = f"{f.module}.{name}"
    elif t.kind == "builtin" and name == "__path__" and f.is_package:
        # a package's own module attribute (`pkgutil.iter_modules(__path__)`): the context is no package
        step = _NameStep(f, name, _N_GLOBAL)
        step.text = f"__path__ = []  # the package path of {f.path}"
    elif t.kind == "builtin":
        step = _NameStep(f, name, _N_NONE)
    elif t.kind == "external":
        b = t.binding
        via = t.via or f
        step = _NameStep(f, name, _N_NONE)
        if b is not None and b.top_index >= 0 and via.summary.statements[b.top_index].kind == "compound":
            step.kind = _N_EXT_STMT
            step.stmt = _stmt_step(via, b.top_index)
            if b.name != name:  # `from .compat import awkward as ak`: the statement binds `awkward`
                step.text = f"{name} = {b.name}"
            step.earlier = [absolute_statement(e, mod) for e in via.summary.earlier_imports.get(b.name, ())
                            if not e.star and e.top_index < b.top_index
                            and import_kind_of(mod := index.absolute(via, e), index.local_tops) != "local"]
        elif b is not None:
            step.kind = _N_IMPORT
            step.text = absolute_statement(b, t.module)
    elif t.kind == "module":
        step = _NameStep(f, name, _N_MODULE)
        step.tfile = t.file
    else:
        step = _NameStep(f, name, _N_DEF)
        tf = step.tfile = t.file
        assert tf is not None
        step.tname = t.name
        s = tf.summary
        step.stmts = [_stmt_step(tf, i) for i in s.bindings.get(t.name, ()) if s.statements[i].kind != "import"]
        step.ok = bool(step.stmts)
        if t.name != name:
            step.text = f"{name} = {t.name}"
    f.name_steps[name] = step
    return step


def _name_steps(index: RepoIndex, f: FileCtx, names: Collection[str]) -> list[_NameStep]:
    """The steps of names read by code of `f`, in name order; visiting a builtin or an
    unresolvable builtin name changes nothing, so those are left out."""
    return [st for st in (_name_step(index, f, n) for n in sorted(names)) if st.kind != _N_NONE]


def _forward_import(index: RepoIndex, step: _NameStep) -> str | None:
    """An import binding a name of a string annotation as its file binds it: the file's own
    import (made absolute), else one from the module defining it."""
    f, name = step.file, step.name
    t = index.resolve(f, name)
    if t is None or t.kind == "builtin":
        return None
    b = f.summary.import_bindings.get(name)
    if b is not None and not b.star and not (t.kind == "def" and t.file is f):
        return absolute_statement(b, index.absolute(f, b))
    if t.kind == "def" and t.file is not None and t.file.module:
        return f"from {t.file.module} import {t.name}" + (f" as {name}" if name != t.name else "")
    if t.kind == "module" and t.file is not None:
        return f"import {t.file.module}" + (f" as {name}" if name != t.file.module else "")
    if t.kind == "external" and t.binding is not None:
        return absolute_statement(t.binding, t.module)
    return None


def _compile_stmt(index: RepoIndex, step: _StmtStep) -> None:
    f, i = step.file, step.index
    st = f.summary.statements[i]
    text, refs = st.text, st.refs
    chains: frozenset[tuple[str, ...]] = frozenset()
    lazy: frozenset[str] = frozenset()  # read only when called: may be defined after
    d = f.top_level.get(i)
    if isinstance(d, PyClass):
        chains = d.chains
        if len(text) > CLASS_FULL_MAX_BYTES:
            text, refs = class_skeleton(d, f.summary)
        else:
            eager = set(d.header_refs)
            for a in d.class_attrs.values():
                eager |= a.refs
            for j in d.methods.values():
                eager |= f.summary.functions[j].sig_refs
            lazy = refs - eager
            refs = refs & eager
    elif isinstance(d, PyFunction):
        chains = d.chains
        lazy = refs - d.sig_refs
        refs = refs & d.sig_refs
    elif "." in text:  # `DEFAULT = _missing.DEFAULT`: the module members an assignment reads
        chains = frozenset(c for c in _dotted_chains(text) if c[0] in refs)
    step.text = text
    step.chains = chains
    step.lazy = _name_steps(index, f, lazy)
    if isinstance(d, PyFunction):
        step.lazy += _body_import_steps(index, f, [d])
    elif isinstance(d, PyClass) and len(text) <= CLASS_FULL_MAX_BYTES:
        step.lazy += _body_import_steps(index, f, [f.summary.functions[j] for j in d.methods.values()])
    step.eager = _name_steps(index, f, refs)
    step.needs = _bound_by(step.eager)
    if st.string_refs:
        step.forward = _name_steps(index, f, st.string_refs)


def _body_import_steps(index: RepoIndex, f: FileCtx, fns: list[PyFunction]) -> list[_NameStep]:
    """Definitions of the repository that these functions import inside their bodies
    (`from .ops import merge`, often against an import cycle): the context defines them, after
    the function, and the harness's import shim serves the import from there."""
    out: list[_NameStep] = []
    for fn in fns:
        for b in fn.local_imports:
            if b.star or b.attr is None or index.absolute(f, b) not in index.modules:
                continue
            t = index.resolve_import(f, b, set())
            if t is not None and t.kind == "def" and t.name == b.attr and t.file is not None:
                step = _name_step(index, t.file, t.name)
                if step.kind != _N_NONE and step not in out:
                    out.append(step)
    return out


def _tree_at(tree: dict, path: list[str]) -> dict:
    """The sub-namespace at `path` of a namespace tree, made if missing."""
    for attr in path:
        tree = tree.setdefault(attr, {})
    return tree


def _copy_tree(tree: dict) -> dict:
    return {k: _copy_tree(v) if isinstance(v, dict) else v for k, v in tree.items()}


def _merge_tree(have: dict, tree: dict, prefix: str, lines: list[str]) -> None:
    """Add to the namespace `prefix` (whose contents are `have`) what `tree` holds and it lacks:
    one assignment per missing member or sub-namespace; `have` is updated."""
    for k, v in sorted(tree.items()):
        old = have.get(k)
        if isinstance(v, dict) and isinstance(old, dict):
            _merge_tree(old, v, f"{prefix}.{k}", lines)
        elif old != v:
            have[k] = _copy_tree(v) if isinstance(v, dict) else v
            lines.append(f"{prefix}.{k} = {_render_namespace(v) if isinstance(v, dict) else v}")


def _render_namespace(node: dict) -> str:
    items = ", ".join(f"{k}={_render_namespace(v) if isinstance(v, dict) else v}" for k, v in sorted(node.items()))
    return f"types.SimpleNamespace({items})"


def _bound_by(refs: list[_NameStep]) -> frozenset[_StmtStep]:
    """The statements binding what these references name: a definition's statements, the
    compound statement binding an external name."""
    out: set[_StmtStep] = set()
    for r in refs:
        if r.kind == _N_DEF:
            out.update(r.stmts)
        elif r.kind == _N_EXT_STMT and r.stmt is not None:
            out.add(r.stmt)
    return frozenset(out)


def _needs_other(step: _StmtStep) -> frozenset[_StmtStep]:
    """`step.needs` without the statement itself (`x = f(x)` binds what it reads)."""
    return step.needs - {step} if step in step.needs else step.needs


class ContextBuilder:
    """The closure of what one function needs, emitted in dependency order."""

    __slots__ = ("index", "home", "fn", "defined", "imports", "pieces", "done", "n_items", "n_bytes", "truncated",
                 "unresolved", "needs_types", "future", "after", "namespaces", "module_chains", "deferring", "placing",
                 "held", "after_steps", "forward", "waiting")

    def __init__(self, index: RepoIndex, home: FileCtx | None, fn: PyFunction | None, defined: set[str]) -> None:
        self.index = index
        self.home = home
        self.fn = fn
        self.defined = defined  # names the skeleton/solution itself defines (home file)
        self.imports: dict[str, None] = {}
        self.pieces: list[str] = []
        # home-file statements that run the solution's own definition at import time
        # (`MATRICES = {"PAM30": SubstitutionMatrix(…)}`): they go after it
        self.after: list[str] = []
        self.namespaces: dict[str, dict] = {}  # names bound to a module namespace so far: its members
        # per module name step, the chains read through it so far (its namespace holds their members)
        self.module_chains: dict[_NameStep, frozenset[tuple[str, ...]]] = {}
        self.deferring = False  # inside `_later`: everything goes after the function, in order
        self.placing: set[_StmtStep] = set()  # statements whose eager references are being placed (`_include`)
        self.held: dict[_StmtStep, None] = {}  # statements that need one of those: placed once they are
        self.after_steps: set[_StmtStep] = set()  # the statements in `after`
        self.done: set = set()  # steps visited
        self.n_items = 0
        self.n_bytes = 0
        self.truncated = False
        self.unresolved: list[str] = []
        self.needs_types = False
        self.forward: dict[_NameStep, None] = {}  # names read in string annotations of what is in
        # namespace members still being placed or held: (module name, those statements, members)
        self.waiting: list[tuple[str, list[_StmtStep], dict]] = []
        # __future__ features of the files drawn from
        self.future: set[str] = set(home.futures) if home is not None else set()

    def need(self, f: FileCtx, name: str, chains: frozenset[tuple[str, ...]] = frozenset()) -> str | None:
        """Make `name` (as read by code of file `f`) defined in the context; return the name
        under which it is defined there (None if it could not be)."""
        if f is self.home and name in self.defined:
            return name
        return name if self._need(_name_step(self.index, f, name), chains) else None

    def require(self, f: FileCtx, name: str, chains: frozenset[tuple[str, ...]] = frozenset()) -> None:
        """`need`, called at the top level of a record, between closures that are complete: the
        statements of a definition in another file are merged from their memoized closures when
        possible (see `merge`), which is how most of a context is made; those of the home file
        too, unless the function defines the name itself."""
        if f is self.home and name in self.defined:
            return
        step = _name_step(self.index, f, name)
        done = self.done
        if step in done:
            return
        if step.kind == _N_EXT_STMT:  # what `_need` does for these two kinds, with merges
            done.add(step)
            stmt = step.stmt
            assert stmt is not None
            self.imports.update(dict.fromkeys(step.earlier))
            if not self.merge(stmt):
                self._include(stmt)
            if step.text:
                self.pieces.append(step.text)
        elif step.kind == _N_DEF and not (step.tfile is self.home and step.tname in self.defined):
            done.add(step)
            for st in step.stmts:
                if st not in done and not self.merge(st):
                    self._include(st)
            if step.ok and step.text:
                self.pieces.append(step.text)
        else:
            self._need(step, chains)

    def require_after(self, f: FileCtx, name: str) -> None:
        """`require`, with the statements it adds placed after the function."""
        self._later(lambda: self.require(f, name))

    def module_after(self, name: str, mod: FileCtx, chains: frozenset[tuple[str, ...]]) -> None:
        """`include_module` for a module imported inside the function, placed after it."""
        self._later(lambda: self.include_module(name, mod, chains))

    def _later(self, add) -> None:
        n = len(self.pieces)
        self.deferring = True
        try:
            add()
        finally:
            self.deferring = False
        self.after += self.pieces[n:]
        del self.pieces[n:]

    def merge(self, step: _StmtStep) -> bool:
        """Add the memoized closure of a statement, if that gives what `_include` would: the
        context is not bounded yet and stays within its bounds with it, and it shares no step
        with the context so far (except imports, which add nothing twice). A closure touching
        the home file (where names the function defines itself are left out and unresolved
        names are reported unqualified) is taken from the home file's own memo
        (`_home_closure`), unless it reaches a name the function defines. Then `_include` would
        visit exactly the steps of the memo, in the same order. False, and no memo made, while the
        statement was used fewer than `MEMO_AFTER_USES` times."""
        if step.closure is None and step.uses < MEMO_AFTER_USES:
            step.uses += 1
            return False
        c = _closure_of(self.index, step)
        home = cast(FileCtx, self.home)
        if home.path in c.files:
            hc = _home_closure(self.index, home, step)
            if hc is None or not hc.home_names.isdisjoint(self.defined):
                return False
            c = hc
        if not c.mergeable or self.truncated \
                or self.n_items + c.n_items > MAX_CONTEXT_ITEMS or self.n_bytes + c.n_bytes > MAX_CONTEXT_BYTES \
                or not self.done.isdisjoint(c.strict) or not self.namespaces.keys().isdisjoint(c.namespaces):
            return False
        self.namespaces.update(c.namespaces)
        self.module_chains.update(c.module_chains)
        self.done |= c.done
        self.imports.update(dict.fromkeys(c.imports))
        self.pieces += c.pieces
        self.unresolved += c.unresolved
        self.forward.update(dict.fromkeys(c.forward))
        self.future |= c.future
        self.needs_types = self.needs_types or c.needs_types
        self.n_items += c.n_items
        self.n_bytes += c.n_bytes
        return True

    def _need(self, step: _NameStep, chains: frozenset[tuple[str, ...]]) -> bool:
        done = self.done
        if step in done:
            if step.kind == _N_MODULE:
                self._module(step, chains)
            return True
        done.add(step)
        kind = step.kind
        if kind == _N_NONE:
            return step.ok
        if kind == _N_IMPORT:
            self.imports[step.text] = None
            return True
        if kind == _N_DEF:
            if step.tfile is self.home and step.tname in self.defined:  # the solution itself (an import cycle)
                if step.text:
                    self.pieces.append(step.text)
                return True
            for st in step.stmts:
                if st not in done:
                    self._include(st)
            if step.ok and step.text:
                self.pieces.append(step.text)
            return step.ok
        if kind == _N_EXT_STMT:
            stmt = step.stmt
            assert stmt is not None
            self.imports.update(dict.fromkeys(step.earlier))
            self._include(stmt)
            if step.text:
                self.pieces.append(step.text)
        elif kind == _N_MODULE:
            self._module(step, chains)
        elif kind == _N_GLOBAL:
            self.pieces.append(step.text)
        else:  # _N_UNRESOLVED
            self.unresolved.append(step.name if step.file is self.home else step.qualified)
            return False
        return True

    def include_name(self, f: FileCtx, name: str) -> list[_StmtStep]:
        """Include the statements binding `name` in `f` (not its imports); return them. One may
        not be in the pieces yet: being placed (this is reached from its own references) or held."""
        s = f.summary
        steps = [_stmt_step(f, i) for i in s.bindings.get(name, ()) if s.statements[i].kind != "import"]
        for st in steps:
            self._include(st)
        return steps

    def _include(self, step: _StmtStep, hold: bool = True) -> bool:
        done = self.done
        if step in done:
            return True
        done.add(step)
        if step.futures:
            self.future |= step.futures
        eager = step.eager
        if eager is None:
            _compile_stmt(self.index, step)
            eager = cast(list[_NameStep], step.eager)
        needs = step.needs
        if hold and (self.placing or self.held) and (not needs.isdisjoint(self.placing)
                                                     or not self.held.keys().isdisjoint(needs)):
            # reached through what a statement being placed reads only when called, this one needs
            # that statement itself (`class SingleStats(Stats)` while `Stats` waits for what its
            # annotations name), or one held for that reason: it goes in once they are placed
            done.discard(step)
            self.held[step] = None
            return True
        text = step.text
        n_bytes = self.n_bytes + len(text)  # budget_ok(), inlined: this runs for every item of every context
        if self.n_items >= MAX_CONTEXT_ITEMS or n_bytes > MAX_CONTEXT_BYTES:
            self.truncated = True
            self.pieces.append(self.stub(step))
            return True
        self.n_items += 1
        self.n_bytes = n_bytes
        # Names the function's own module defines need nothing from elsewhere.
        defined = self.defined if step.file is self.home else _NOTHING
        self.placing.add(step)
        self._visit(eager, step.chains, defined)
        self.placing.discard(step)
        if hold and self.held and not self.held.keys().isdisjoint(needs):  # what it needs was held meanwhile
            done.discard(step)
            self.held[step] = None
            self.n_items -= 1
            self.n_bytes -= len(text)
            if not self.placing:  # nothing else is being placed that would place them
                self._place_held()
            return True
        if not self.deferring and (defined and any(r.name in defined for r in eager)
                                   or self.after_steps and not needs.isdisjoint(self.after_steps)):
            # it runs the function's own definition, or what runs it: after the function
            self.after.append(text)
            self.after_steps.add(step)
        else:
            self.pieces.append(text)
        if self.waiting:
            self._release_waiting()
        if step.forward:
            self.forward.update(dict.fromkeys(step.forward))
        self._visit(step.lazy, step.chains, defined)
        if self.held and not self.placing:
            self._place_held()
        return True

    def _place_held(self) -> None:
        """The held statements, each after the held ones it needs (in holding order otherwise;
        a cycle among them is broken at the first)."""
        held = self.held
        while held and not self.placing:
            if self.n_items >= MAX_CONTEXT_ITEMS:
                self._stub_held()
                return
            ready = (st for st in held if held.keys().isdisjoint(_needs_other(st)))
            first = next(ready, next(iter(held)))
            del held[first]
            self._include(first, hold=False)

    def _stub_held(self) -> None:
        """`_place_held` past the item bound, where each statement placed is a stub that reads
        nothing, so placing one holds nothing new: the same order (the first held statement that
        needs no other held one, else the first) computed at once, not by a scan per statement
        (quadratic: contexts past the bound hold dozens)."""
        held = self.held
        order = list(held)
        held.clear()
        at = {st: i for i, st in enumerate(order)}
        waiting_on = [0] * len(order)  # held statements each one needs
        needed_by: list[list[int]] = [[] for _ in order]
        for i, st in enumerate(order):
            for other in _needs_other(st):
                j = at.get(other)
                if j is not None:
                    waiting_on[i] += 1
                    needed_by[j].append(i)
        ready = [i for i, n in enumerate(waiting_on) if n == 0]
        heapq.heapify(ready)
        placed = [False] * len(order)
        first_left = 0
        for _ in order:
            if ready:
                i = heapq.heappop(ready)
            else:  # a cycle: broken at the first statement left
                while placed[first_left]:
                    first_left += 1
                i = first_left
            placed[i] = True
            for j in needed_by[i]:
                waiting_on[j] -= 1
                if waiting_on[j] == 0 and not placed[j]:
                    heapq.heappush(ready, j)
            self._include(order[i], hold=False)

    def _visit(self, refs: list[_NameStep], chains: frozenset[tuple[str, ...]],
               defined: set[str] | frozenset[str]) -> None:
        """`_need` for each reference, inlined for the two commonest cases (visited already,
        an import): this runs for every reference of every piece of every context."""
        done, imports, need = self.done, self.imports, self._need
        for r in refs:
            if r not in done:
                if r.name in defined:
                    continue
                if r.kind == _N_IMPORT:
                    done.add(r)
                    imports[r.text] = None
                else:
                    need(r, chains)
            elif r.kind == _N_MODULE and r.name not in defined:
                self._module(r, chains)

    @staticmethod
    def stub(step: _StmtStep) -> str:
        """Past the size bound: a placeholder with no references, so the closure stops here
        (made once per statement: it is the same in every context)."""
        if not step.stub:
            f, i = step.file, step.index
            st = f.summary.statements[i]
            d = f.top_level.get(i)
            note = f"# context bound reached: stub for {f.path} line {st.line}"
            if isinstance(d, PyFunction):
                step.stub = f"{note}\ndef {d.name}(*args, **kwargs):\n    ..."
            elif isinstance(d, PyClass):
                step.stub = f"{note}\nclass {d.name}:\n    pass"
            else:
                step.stub = note + "\n" + "\n".join(f"{n} = None" for n in st.names)
        return step.stub

    def _module(self, step: _NameStep, chains: frozenset[tuple[str, ...]]) -> None:
        """A module name: its namespace, made when first read; a later reader that reads other
        members through it (`checks.is_bedframe` after `checks.is_cataloged`) has them merged in."""
        name = step.name
        wanted = frozenset(c for c in chains if c[0] == name and len(c) > 1)
        have = self.module_chains.get(step)
        if have is not None and wanted <= have:
            return
        full = wanted if have is None else have | wanted
        self.module_chains[step] = full
        self.include_module(name, cast(FileCtx, step.tfile), full)

    def include_module(self, name: str, mod: FileCtx, chains: frozenset[tuple[str, ...]]) -> None:
        """`name` is a repo module: a namespace holding the members the code reads through it.
        A member still being placed (a class whose own references read it through the module:
        `hgvs.sequencevariant.SequenceVariant` in hgvs) or held back is added to the namespace
        once it is in; the rest, now."""
        self.needs_types = True
        ready: dict = {}
        later: dict = {}  # the members not placed yet
        unplaced: list[_StmtStep] = []
        for chain in sorted(chains):  # a set: its order must not reach the output
            if chain[0] != name or len(chain) < 2:
                continue
            path: list[str] = []
            node, cur = ready, mod
            for attr in chain[1:]:
                t = self.index.member(cur, attr)
                if t is None:
                    break
                if t.kind == "module":
                    path.append(attr)
                    node = node.setdefault(attr, {})
                    cur = cast(FileCtx, t.file)
                    continue
                if t.kind == "def":
                    steps = self.include_name(cast(FileCtx, t.file), t.name)
                    not_in = [st for st in steps if self._unplaced(st)]
                    unplaced += not_in
                    if steps:
                        (_tree_at(later, path) if not_in else node)[attr] = t.name
                elif t.kind == "external" and self.need(cur, attr):
                    node[attr] = attr
                break
        self._emit_namespace(name, ready, self.pieces)
        if later:
            self.waiting.append((name, unplaced, later))

    def _emit_namespace(self, name: str, tree: dict, out: list[str]) -> None:
        """Bind `name` to a namespace of `tree`, or, when bound already (another file's module
        under the same name: `checks` of ops.py and of construction.py; members placed later),
        add what it lacks, at any depth."""
        have = self.namespaces.get(name)
        if have is None:
            self.namespaces[name] = tree
            out.append(f"{name} = {_render_namespace(tree)}")
            return
        # trees are shared with memoized closures and waiting entries: changed on a copy
        have = self.namespaces[name] = _copy_tree(have)
        lines: list[str] = []
        _merge_tree(have, tree, name, lines)
        if lines:
            out.append("\n".join(lines))

    def _unplaced(self, st: _StmtStep) -> bool:
        """Whether a statement included is not in the pieces for sure yet: being placed, or held
        (a held statement leaves `done` until it is placed; one reached again meanwhile may be
        back in `done` while its entry in `held` waits)."""
        return st in self.placing or st in self.held or st not in self.done

    def _release_waiting(self) -> None:
        """Add the waiting members whose statements are placed now to their namespaces."""
        still = []
        for name, steps, tree in self.waiting:
            if any(map(self._unplaced, steps)):
                still.append((name, steps, tree))
            else:
                self._emit_namespace(name, tree, self.after if any(st in self.after_steps for st in steps)
                                     else self.pieces)
        self.waiting = still

    def annotate(self, f: FileCtx, names: Collection[str]) -> None:
        """Names read in string annotations of code of `f` that the context holds (the function,
        its class skeleton): `text` binds those the context does not define otherwise."""
        if names:
            self.forward.update(dict.fromkeys(_name_steps(self.index, f, names)))

    def forward_imports(self) -> list[str]:
        """Imports binding the names read only in string annotations (`gi: "GalaxyInstance"`),
        for a `typing.TYPE_CHECKING` block: what the original code usually has, a binding that
        type checkers and pyflakes see and that never runs (nor pulls in the definition)."""
        if not self.forward:
            return []
        done, home = self.done, self.home
        lines: dict[str, None] = {}
        for step in self.forward:
            name = step.name
            # bound already: by that step, by the home file's step of the name, by the skeleton
            if step in done or name in self.defined or name in self.namespaces \
                    or home is not None and home.name_steps.get(name) in done:
                continue
            line = _forward_import(self.index, step)
            if line is not None and line not in self.imports:
                lines[line] = None
        return sorted(lines)

    def text(self, tail: str) -> str:
        imports = list(self.imports)
        if self.needs_types and "import types" not in self.imports:
            imports.insert(0, "import types")
        forward = self.forward_imports()
        if forward and "import typing" not in self.imports:
            imports.insert(0, "import typing")
        parts = []
        if self.future:
            parts.append(f"from __future__ import {', '.join(sorted(self.future))}")
        if imports:
            parts.append("\n".join(imports))
        if forward:
            parts.append("if typing.TYPE_CHECKING:  # names read only in string annotations\n"
                         + "\n".join("    " + line for line in forward))
        parts.extend(self.pieces)
        for name, _, tree in self.waiting:  # not expected: held statements are all placed by now
            self._emit_namespace(name, tree, parts)
        if self.after:
            parts.append(tail)
            parts.extend(self.after[:-1])
            tail = self.after[-1]
        parts.append(tail + "\n")  # not `join(...) + "\n"`: contexts are large, copy them once
        return "\n\n".join(parts)


# ---------------------------------------------------------------- records


def _unit(fn: PyFunction) -> str:
    return "\t" if "\t" in fn.indent else "    "


def _n_params(fn: PyFunction) -> int:
    params = [p for p in fn.parameters if p.name not in ("*", "/")]
    if fn.scope == "class" and fn.kind != "staticmethod" and params and not params[0].name.startswith("*"):
        params = params[1:]
    return len(params)


def _doc_words(doc: str | None) -> int:
    if not doc:
        return 0
    return len(doc.strip().split("\n\n", 1)[0].split())


def _level(levels: set[str]) -> str:
    order = ("project", "file", "class", "third_party", "stdlib")
    for lv in order:
        if lv in levels:
            return lv
    return "self_contained"


class _Resolver:
    def __init__(self, index: RepoIndex, info) -> None:
        self.index = index
        self.info = info

    def record(self, f: FileCtx, fn: PyFunction, occurrence: dict[str, int]) -> FunctionRecord:
        index = self.index
        s = f.summary
        qual = f"{f.module}.{fn.qualname}" if f.module else fn.qualname
        levels: set[str] = set()
        used: dict[str, ImportUse] = {}
        globals_used: list[GlobalUse] = []
        callees: list[Callee] = []
        unresolved: list[str] = []
        members: list[Member] = []
        cls: PyClass | None = s.classes.get(fn.class_qualname) if fn.class_qualname else None

        # names the enclosing chain defines (closure variables, the top-level enclosing def)
        enclosing_locals: set[str] = set()
        for kind, q in fn.parents:
            if kind == "function":
                outer = _function_named(s, q)
                if outer is not None:
                    enclosing_locals |= outer.locals | {p.name.lstrip("*") for p in outer.parameters}
        top_name = (fn.parents[0][1] if fn.parents else fn.qualname).split(".")[0]
        refs = sorted(fn.refs - {top_name} - enclosing_locals) if fn.parents else sorted(fn.refs - {fn.name})
        if fn.parents and (fn.refs & enclosing_locals):
            levels.add("file")

        def add_import(b: ImportBinding, name: str, kind: str, module: str, resolved: str | None) -> None:
            key = b.statement
            u = used.get(key)
            if u is None:
                used[key] = ImportUse(statement=b.statement, module=module, names=[name], kind=kind,
                                      resolved_path=resolved)
            elif name not in u.names:
                u.names.append(name)
            levels.add("project" if kind == "local" else kind)

        for name in refs:
            t = index.resolve(f, name)
            if t is None:
                unresolved.append(name)
                continue
            if t.kind == "builtin":
                continue
            b = s.import_bindings.get(name)
            via_import = b is not None and t.kind != "def" or (t.kind == "def" and t.file is not f)
            if t.kind == "external":
                add_import(cast(ImportBinding, t.binding), name, t.import_kind, t.module, None)
                continue
            tf = t.file
            assert tf is not None  # a module or a definition
            if t.kind == "module":
                add_import(cast(ImportBinding, t.binding or b), name, "local", t.module, tf.path)
                self._module_callees(tf, name, fn.chains, callees)
                continue
            # a definition
            if via_import and b is not None:
                add_import(b, name, "local", index.absolute(f, b), tf.path)
            elif via_import:  # through a star import
                levels.add("project")
            self._def_use(tf, t.name, name, f, globals_used, callees, levels)

        body_defs: list[tuple[FileCtx, str]] = []  # repository definitions imported inside the body
        late_defs: list[tuple[FileCtx, str]] = []  # … whose closure draws on the home file (a cycle)
        body_modules: list[tuple[str, FileCtx]] = []  # repository modules imported inside the body
        for b in fn.local_imports:  # imports inside the function body
            if b.star:
                continue
            mod = index.absolute(f, b)
            kind = "local" if mod in index.modules or (b.attr and f"{mod}.{b.attr}" in index.modules) \
                else import_kind_of(mod, index.local_tops)
            add_import(b, b.name, kind, mod, None)
            t = index.resolve_import(f, b, set()) if kind == "local" else None
            tf = t.file if t is not None else None
            if t is None or tf is None:
                continue
            if t.kind == "def" and t.name == b.attr and (tf is f or b.attr not in s.bindings):
                # `from ..ops import merge` inside the body (against an import cycle): the context
                # defines `merge` itself, under the imported name, unless the home module binds
                # it; after the function when merge's closure needs the home file (the import
                # runs only when the function is called)
                late = tf is not f and _reaches(index, tf, t.name, f)
                (late_defs if late else body_defs).append((tf, t.name))
                self._def_use(tf, t.name, b.name, f, globals_used, callees, levels)
            elif t.kind == "module" and b.name not in s.bindings:
                # `from gffutils import feature` inside the body: a namespace of what it reads
                body_modules.append((b.name, tf))
                self._module_callees(tf, b.name, fn.chains, callees)

        # class context
        class_ctx = None
        init_lines: list[str] = []
        # the skeleton's members, by their place in the class (a class attribute may read another,
        # a property's setter needs its getter above it): (start byte, text)
        stub_lines: list[tuple[int, str]] = []
        attr_lines: list[tuple[int, str]] = []
        attr_refs: set[str] = set()
        forward: set[str] = set(fn.string_refs)  # names read in string annotations of what the context shows
        class_bound: set[str] = set()  # names the signature reads from the class body
        if cls is not None:
            unit = _unit(fn)
            receivers = {"self", "cls", cls.name}
            if fn.parameters and fn.kind != "staticmethod":
                receivers.add(fn.parameters[0].name)
            seen_members: set[str] = set()

            def add_member(attr: str) -> bool:
                """A sibling method (its stub) or class attribute named `attr` into the skeleton."""
                if attr in cls.methods and s.functions[cls.methods[attr]] is not fn:
                    m = s.functions[cls.methods[attr]]
                    members.append(Member(attr, "method", _dedent(m.signature, m.indent)))
                    text, member_refs = member_stub(m, unit)
                    stub_lines.append((m.start_byte, _indent(text, unit)))
                    attr_refs.update(member_refs)
                    forward.update(m.string_refs)
                elif attr in cls.class_attrs:
                    a = cls.class_attrs[attr]
                    members.append(Member(attr, "class_attribute", a.source))
                    attr_lines.append((a.start_byte, a.source))
                    attr_refs.update(a.refs)
                    forward.update(a.string_refs)
                elif (nested := s.classes.get(f"{cls.qualname}.{attr}")) is not None \
                        and len(nested.code) <= CLASS_FULL_MAX_BYTES:
                    text = _dedent(nested.code, nested.indent)  # `class ApiResponse(NamedTuple): ...`
                    members.append(Member(attr, "class", text))
                    attr_lines.append((nested.start_byte, text))
                    attr_refs.update(nested.refs)
                else:
                    return False
                return True

            for chain in sorted(fn.chains):
                if chain[0] not in receivers or len(chain) < 2 or chain[1] in seen_members:
                    continue
                attr = chain[1]
                seen_members.add(attr)
                if add_member(attr):
                    continue
                if attr in cls.attributes:
                    a = cls.attributes[attr]
                    members.append(Member(attr, "attribute", a.source))
                    owner = s.functions[cls.methods[a.method]] if a.method in cls.methods else None
                    local = owner.locals | {p.name.lstrip("*") for p in owner.parameters} if owner else set()
                    if a.refs & local or any(index.resolve(f, r) is None for r in a.refs) or \
                            _READS_SELF.search(a.source.partition("=")[2]):
                        line = f"self.{attr} = None"  # its value needs what the context leaves out
                    else:
                        line = a.source
                        attr_refs |= a.refs
                        forward |= a.string_refs
                    if line not in init_lines:
                        init_lines.append(line)
            # Names the class body binds, read where the class body runs: by the function's own
            # decorators, defaults and annotations (`@metadata.setter` after the getter, `-> FileType`
            # with `FileType = Literal[...]` in the class) or by the members shown. Those members
            # go in the skeleton too, above the function.
            checked: set[str] = set()
            while todo := sorted((fn.sig_refs | attr_refs) - seen_members - checked):
                for attr in todo:  # members added here may read further ones (`matrix = root + "x.gz"`)
                    checked.add(attr)
                    if index.resolve(f, attr) is None and add_member(attr):
                        seen_members.add(attr)
                        class_bound.add(attr)
            attr_refs -= class_bound
            unresolved = [u for u in unresolved if u not in class_bound]
            if members:
                levels.add("class")
            class_ctx = ClassContext(name=f"{f.module}.{cls.qualname}" if f.module else cls.qualname,
                                     header="\n".join([*cls.decorators, cls.header]), members=members)
            if fn.name == "__init__":
                init_lines = []  # the solution is the __init__

        # context code
        defined = {top_name}
        builder = ContextBuilder(index, f, fn, defined)
        # a module read in an enclosing class header (`class C(mod.Base):`) needs that member too
        chains = fn.chains.union(*(_header_chains(s.classes[q]) for kind, q in fn.parents
                                   if kind == "class" and q in s.classes))
        for name in refs:
            if name not in class_bound:
                builder.require(f, name, chains)
        for df, dname in body_defs:
            builder.require(df, dname)
        unit = _unit(fn)
        tail: list[str] = []
        depth = 0
        class_headers = frozenset().union(*(s.classes[q].header_refs for kind, q in fn.parents
                                            if kind == "class" and q in s.classes))
        for kind, q in fn.parents:
            pad = unit * depth
            if kind == "class":
                c = s.classes.get(q)
                if c is None:
                    continue
                for r in sorted(c.header_refs - enclosing_locals):  # those are the closure's below
                    builder.require(f, r, chains)
                if top_name in c.header_refs and not c.parents:
                    self._shadowed_base(f, c, builder)
                tail.extend(_indent(d, pad) for d in c.decorators)
                tail.append(_indent(c.header, pad))
                if c is cls:
                    for r in sorted(attr_refs):
                        builder.require(f, r)
                    inner = unit * (depth + 1)
                    # members in the class's order: `field_names = property(_get_field_names, …)`
                    # after the methods it reads (CheckM's prettytable)
                    shown = [(at, _indent(x, inner)) for at, x in attr_lines]
                    if init_lines:  # where the real constructor is, else after the class attributes
                        at = s.functions[cls.methods["__init__"]].start_byte if "__init__" in cls.methods \
                            else max((at for at, _ in attr_lines), default=-1)
                        shown.append((at, "\n".join([inner + "def __init__(self):",
                                                     *(_indent(x, inner + unit) for x in init_lines)])))
                    elif builder.after and "__init__" in cls.methods and fn.name != "__init__":
                        # module code after the class builds instances: the constructor's signature
                        init = s.functions[cls.methods["__init__"]]
                        text, init_refs = member_stub(init, unit)
                        for r in sorted(init_refs):
                            builder.require(f, r)
                        forward |= init.string_refs
                        stub_lines.append((init.start_byte, _indent(text, unit)))
                    shown += [(at, _indent(x, pad)) for at, x in stub_lines]
                    tail.extend(x for _, x in sorted(shown, key=itemgetter(0)))
            else:
                outer = _function_named(s, q)
                if outer is None:
                    continue
                for r in sorted(_names_in_sig(outer)):
                    builder.require(f, r)
                tail.append(_indent(_dedent(outer.signature, outer.indent), pad))
                forward |= outer.string_refs
                # what the function, or the header of a class around it, reads from this one
                closure = sorted(((fn.refs | class_headers) & (outer.locals | {p.name.lstrip("*") for p in outer.parameters}))
                                 - {p.name.lstrip("*") for p in outer.parameters})
                tail.extend(f"{pad}{unit}{v} = None" for v in closure)
            depth += 1
        tail.append(unit * depth + MARKER if depth else MARKER)
        for df, dname in late_defs:
            builder.require_after(df, dname)
        for name, body_mod in body_modules:  # imported when the function runs: after it is always safe
            builder.module_after(name, body_mod, fn.chains)
        builder.annotate(f, forward)
        context_code = builder.text("\n".join(tail))
        if cls is not None:
            room = (MAX_CONTEXT_ITEMS - len(callees) - len(globals_used), MAX_CONTEXT_BYTES - len(context_code))
            callees.extend(self._method_callees(f, cls, fn, room))
        for u in builder.unresolved:
            if u not in unresolved and "." in u:
                unresolved.append(u)

        params = fn.parameters
        sig_key = f"{qual}({', '.join(p.name for p in params)})"
        occ = occurrence.get(sig_key, 0)
        occurrence[sig_key] = occ + 1
        info = self.info
        return FunctionRecord(
            id=record_id(info.repo, info.commit, f.path, sig_key, occ),
            repo=info.repo, repo_url=info.repo_url, commit=info.commit, path=f.path, language="python",
            license=info.license, url=permalink(info.repo_url, info.commit, f.path, fn.start_line, fn.end_line),
            name=fn.name, qualified_name=qual, kind=fn.kind, scope=fn.scope, signature=fn.signature,
            code=fn.code, body=fn.body, start_line=fn.start_line, end_line=fn.end_line,
            start_byte=fn.start_byte, end_byte=fn.end_byte, module=f.module,
            class_name=(f"{f.module}.{fn.class_qualname}" if f.module else fn.class_qualname)
            if fn.class_qualname else None,
            parameters=[Parameter(p.name, p.type, p.default) for p in params], return_type=fn.return_type,
            decorators=list(fn.decorators), modifiers=["async"] if fn.is_async else [],
            docstring=fn.docstring, imports=list(s.imports), used_imports=list(used.values()),
            globals_used=globals_used, class_context=class_ctx, callees=callees, unresolved=unresolved,
            dependency_level=_level(levels), context_code=context_code, context_truncated=builder.truncated,
            has_parse_error=fn.has_error, python2=s.python2, encoding=f.encoding,
            lines=fn.end_line - fn.start_line + 1, tokens=count_tokens(fn.code),
            n_params=_n_params(fn), doc_words=_doc_words(fn.docstring),
        )

    def _shadowed_base(self, f: FileCtx, c: PyClass, builder: ContextBuilder) -> None:
        """`from multiprocessing.queues import Queue` then `class Queue(Queue):` (jcvi): the header
        reads the import, which the class rebinds only once it is made. An external import is
        kept; a repository definition of that name could not be under the same name."""
        b = f.summary.import_bindings.get(c.name)
        if b is None or b.star or b.top_index >= c.top_index:
            return
        module = self.index.absolute(f, b)
        if import_kind_of(module, self.index.local_tops) != "local":
            builder.imports[absolute_statement(b, module)] = None

    def _def_use(self, df: FileCtx, dname: str, name: str, home: FileCtx, globals_used: list[GlobalUse],
                 callees: list[Callee], levels: set[str]) -> None:
        s = df.summary
        for i in s.bindings.get(dname, ()):
            st = s.statements[i]
            if st.kind == "import":
                continue
            d = df.top_level.get(i)
            if st.kind in ("function", "class") and d is not None:
                qual = f"{df.module}.{d.qualname}" if df.module else d.qualname
                if isinstance(d, PyClass):
                    src = d.code if len(d.code) <= CLASS_FULL_MAX_BYTES else class_skeleton(d, s)[0]
                    callees.append(Callee(name, qual, df.path, "class", src, d.start_line))
                else:
                    callees.append(Callee(name, qual, df.path, "function", d.code, d.start_line))
            else:
                globals_used.append(GlobalUse(name, st.text, df.path, st.line))
            levels.add("file" if df is home else "project")

    def _method_callees(self, f: FileCtx, cls: PyClass, fn: PyFunction, room: tuple[int, int]) -> list[Callee]:
        """Sibling methods `fn` calls through `self`/`cls` (or reads, for properties), and
        transitively what those call, with their full source: the context keeps them as stubs,
        the harness swaps the stubs for these. Breadth first from `fn`, each level in sorted
        chain order, while `room` (items, bytes) lasts; returned in source order."""
        s = f.summary
        items, size = room
        found: list[PyFunction] = []
        seen = {fn.name}
        frontier = [fn]
        while frontier and items > 0:
            nxt: list[PyFunction] = []
            for caller in frontier:
                calls = _self_calls(caller, cls)
                if caller is fn and (fn.kind in ("method", "property") or _builds_own_class(fn, cls)):
                    # the harness builds the instance with the real constructor before the skeleton's
                    calls = [*calls, *(m for m in _INSTANCE_METHODS if m in cls.methods)]
                for name in calls:
                    if name in seen:
                        continue
                    seen.add(name)
                    m = s.functions[cls.methods[name]]
                    if items <= 0 or len(m.code) > size:
                        continue
                    items -= 1
                    size -= len(m.code)
                    found.append(m)
                    nxt.append(m)
            frontier = nxt
        found.sort(key=lambda m: m.start_byte)
        mod = f"{f.module}." if f.module else ""
        return [Callee(m.name, mod + m.qualname, f.path, "method", _dedented_code(m), m.start_line)
                for m in found]

    def _module_callees(self, mod: FileCtx, name: str, chains: frozenset[tuple[str, ...]],
                        callees: list[Callee]) -> None:
        """The callees of the chains read through module `name` (`feature.Feature`)."""
        for chain in sorted(chains):
            if chain[0] == name and len(chain) > 1:
                self._chain_callee(mod, chain, callees)

    def _chain_callee(self, mod: FileCtx, chain: tuple[str, ...], callees: list[Callee]) -> None:
        cur = mod
        for attr in chain[1:]:
            t = self.index.member(cur, attr)
            if t is None or t.kind in ("builtin", "external"):
                return
            tf = t.file
            assert tf is not None  # a module or a definition
            if t.kind == "module":
                cur = tf
                continue
            levels: set[str] = set()
            self._def_use(tf, t.name, ".".join(chain), mod, [], callees, levels)
            return


def extract_python_files(files: list[SourceFile], info, stats) -> Iterator[FunctionRecord]:
    """The Python backend of `pipeline.extract`: records for every function of `files`, file by
    file. The summaries and index of all files are built first (they are the symbol index);
    records are yielded as they are made, so their context never accumulates here."""
    root = getattr(info, "root", None)
    names = module_names([sf.path for sf in files], Path(root) if root else None)
    ctxs: list[FileCtx] = []
    for sf in files:
        try:
            summary = summarize_python(sf.path, sf.data)
        except (RecursionError, IndexError, ValueError) as exc:  # a parser bug costs the file, counted
            stats.skip(sf.path, "python", f"parse_failed: {type(exc).__name__}")
            continue
        mods = names[sf.path]
        ctx = FileCtx(sf.path, mods[0], sf.path.endswith("/__init__.py") or sf.path == "__init__.py", summary,
                      sf.encoding)
        for fn in summary.functions:
            if fn.scope == "module" and fn.top_index >= 0 and summary.statements[fn.top_index].kind == "function":
                ctx.top_level.setdefault(fn.top_index, fn)
        for c in summary.classes.values():
            if not c.parents and c.top_index >= 0 and summary.statements[c.top_index].kind == "class":
                ctx.top_level.setdefault(c.top_index, c)
        feats: set[str] = set()
        for imp in summary.imports:
            m = _FUTURE.match(imp)
            if m:
                feats.update(x.strip() for x in m.group(1).strip("()").split(",") if x.strip())
        ctx.futures = frozenset(feats & {"annotations"})
        ctxs.append(ctx)
        stats.files["python"] += 1
        stats.bytes["python"] += len(sf.data)
        if summary.has_error:
            stats.files_with_errors["python"] += 1
        if summary.python2:
            stats.python2_files += 1
    index = RepoIndex(ctxs)
    for ctx in ctxs:
        for alias in names[ctx.path][1:]:
            index.add_alias(alias, ctx)
    resolver = _Resolver(index, info)
    try:
        for ctx in ctxs:
            occurrence: dict[str, int] = {}
            for fn in ctx.summary.functions:
                yield resolver.record(ctx, fn, occurrence)
            ctx.home_closures.clear()
    finally:
        for cache in (_SKELETONS, _SIG_NAMES, _SELF_CALLS, _DEDENTED, _HEADER_CHAINS, _BY_QUALNAME):
            cache.clear()
        # steps point back to their file, closures to their step, and steps to each other (mutually
        # recursive definitions): break those cycles, or the summaries they reach stay for the cycle
        # collector, whose first pass after extraction then walks everything still alive
        for ctx in ctxs:
            for step in ctx.name_steps.values():
                step.stmts = []
                step.stmt = None
            ctx.name_steps.clear()
            ctx.home_closures.clear()  # left filled when the consumer stopped early
            for st in ctx.stmt_steps.values():
                st.eager = None
                st.lazy = []
                st.needs = frozenset()
                st.closure = None
            ctx.stmt_steps.clear()
