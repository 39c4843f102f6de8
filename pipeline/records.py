"""Records passed between stages, and their Arrow schemas (written once, here).

`FunctionRecord` is one extracted function or method with its resolved context.
`BenchmarkItem` columns extend it with filter scores, dedup, prompts, harness and split.
Writers always use these schemas; nothing infers a schema from the first row.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterable

import pyarrow as pa

MARKER = "<<insert solution here>>"  # BioCoder's insertion marker

LANGUAGES = ("python", "java")

# CoderEval's dependency levels, narrowest first; a function's level is the widest scope it needs.
DEPENDENCY_LEVELS = ("self_contained", "stdlib", "third_party", "class", "file", "project")

IMPORT_KINDS = ("stdlib", "jdk", "third_party", "local")


@dataclass(slots=True)
class Parameter:
    name: str
    type: str | None = None  # Python annotation or Java type, as written
    default: str | None = None  # Python default value, as written


@dataclass(slots=True)
class ImportUse:
    """An import statement of the file whose bound names the function uses."""

    statement: str  # source text of the import statement (Python: narrowed to the used names)
    module: str  # dotted module or Java package/type
    names: list[str] = field(default_factory=list)  # bound names the function uses
    kind: str = "third_party"  # one of IMPORT_KINDS
    resolved_path: str | None = None  # repo-relative file for `local` imports


@dataclass(slots=True)
class GlobalUse:
    name: str
    source: str  # the defining statement(s)
    path: str  # repo-relative file it comes from
    line: int = 0


@dataclass(slots=True)
class Member:
    """A class member the function uses: a field/attribute or a sibling method."""

    name: str
    kind: str  # "field", "attribute", "class_attribute", "class" (nested), "method", "constructor"
    source: str  # declaration (field) or signature (method)


@dataclass(slots=True)
class ClassContext:
    name: str  # qualified class name
    header: str  # `class X(Base):` / `public class X<T> extends Y implements Z {`
    kind: str = "class"  # class, interface, enum, record, annotation
    members: list[Member] = field(default_factory=list)


@dataclass(slots=True)
class Callee:
    """A repository definition the function references, resolved to its source."""

    name: str  # the name as referenced in the function
    qualified_name: str
    path: str  # repo-relative file
    kind: str  # "function", "class", "method", "constructor"
    source: str  # full source (functions, directly called methods) or skeleton (classes)
    start_line: int = 0


@dataclass(slots=True)
class FunctionRecord:
    # identity
    id: str
    repo: str  # owner/name, the repository's identity in every output
    repo_url: str
    commit: str
    path: str  # repo-relative, `/` separators
    language: str
    license: str
    url: str  # permalink …/blob/<commit>/<path>#L<a>-L<b> (empty when the host is unknown)
    # code
    name: str
    qualified_name: str  # python: module.Class.method; java: pkg.Outer.Inner.method(Types)
    kind: str  # function, method, staticmethod, classmethod, property, constructor, compact_constructor
    scope: str  # module, class, function (nested def), anonymous_class, local_class
    signature: str
    code: str  # exact source text, first decorator/annotation/modifier to end of body
    body: str
    start_line: int  # 1-based, inclusive
    end_line: int
    start_byte: int
    end_byte: int
    module: str = ""  # python dotted module name / java package
    class_name: str | None = None  # qualified name of the enclosing class
    parameters: list[Parameter] = field(default_factory=list)
    return_type: str | None = None
    decorators: list[str] = field(default_factory=list)  # python decorators / java annotations
    modifiers: list[str] = field(default_factory=list)  # java modifiers, python `async`
    type_parameters: str | None = None
    throws: list[str] = field(default_factory=list)
    docstring: str | None = None  # python docstring / javadoc (raw comment text)
    # context
    imports: list[str] = field(default_factory=list)  # every import statement of the file
    used_imports: list[ImportUse] = field(default_factory=list)
    globals_used: list[GlobalUse] = field(default_factory=list)
    class_context: ClassContext | None = None
    callees: list[Callee] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # referenced names nothing resolved
    dependency_level: str = "self_contained"
    context_code: str = ""
    context_truncated: bool = False  # a size bound stopped the transitive closure
    # quality
    has_parse_error: bool = False
    python2: bool = False
    encoding: str = "utf-8"  # how the file was decoded, e.g. "utf-8", "latin-1 (coding line)"
    strict_parse: str | None = None  # java: javalang's verdict on the method alone ("ok" / "failed: …"), opt-in
    lines: int = 0
    tokens: int = 0
    n_params: int = 0
    doc_words: int = 0

    def to_row(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "FunctionRecord":
        names = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in row.items() if k in names}
        kw["parameters"] = [Parameter(**p) for p in kw.get("parameters") or []]
        kw["used_imports"] = [ImportUse(**u) for u in kw.get("used_imports") or []]
        kw["globals_used"] = [GlobalUse(**g) for g in kw.get("globals_used") or []]
        kw["callees"] = [Callee(**c) for c in kw.get("callees") or []]
        cc = kw.get("class_context")
        if cc is not None:
            kw["class_context"] = ClassContext(
                name=cc["name"], header=cc["header"], kind=cc.get("kind", "class"),
                members=[Member(**m) for m in cc.get("members") or []],
            )
        for key in ("decorators", "modifiers", "throws", "imports", "unresolved"):
            kw[key] = list(kw.get(key) or [])
        return cls(**kw)


def record_id(repo: str, commit: str, path: str, qualified_signature: str, occurrence: int = 0) -> str:
    """Stable id: same repo, commit, path and qualified signature give the same id anywhere.

    `occurrence` counts earlier definitions with the same qualified signature in the same file
    (a function redefined later), so colliding definitions still get distinct ids.
    """
    key = "\x1f".join([repo, commit, path, qualified_signature, str(occurrence)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def permalink(repo_url: str, commit: str, path: str, start: int, end: int) -> str:
    """GitHub-style permalink, or "" when the URL is not a known web host."""
    url = repo_url.removesuffix(".git").rstrip("/")
    if url.startswith("git@"):
        host, _, rest = url[4:].partition(":")
        url = f"https://{host}/{rest}"
    if not url.startswith(("https://github.com/", "https://gitlab.com/", "https://bitbucket.org/")):
        return ""
    sep = "/-/blob/" if "gitlab.com" in url else "/blob/"
    return f"{url}{sep}{commit}/{path}#L{start}-L{end}"


# ---------------------------------------------------------------- Arrow schemas

_PARAMETER = pa.struct([("name", pa.string()), ("type", pa.string()), ("default", pa.string())])
_IMPORT_USE = pa.struct([
    ("statement", pa.string()), ("module", pa.string()), ("names", pa.list_(pa.string())),
    ("kind", pa.string()), ("resolved_path", pa.string()),
])
_GLOBAL_USE = pa.struct([("name", pa.string()), ("source", pa.string()), ("path", pa.string()), ("line", pa.int32())])
_MEMBER = pa.struct([("name", pa.string()), ("kind", pa.string()), ("source", pa.string())])
_CLASS_CONTEXT = pa.struct([
    ("name", pa.string()), ("header", pa.string()), ("kind", pa.string()), ("members", pa.list_(_MEMBER)),
])
_CALLEE = pa.struct([
    ("name", pa.string()), ("qualified_name", pa.string()), ("path", pa.string()), ("kind", pa.string()),
    ("source", pa.string()), ("start_line", pa.int32()),
])
_STRINGS = pa.list_(pa.string())

# (name, type, description): the description feeds the dataset card.
FUNCTION_FIELDS: list[tuple[str, pa.DataType, str]] = [
    ("id", pa.string(), "stable id: hash of repo, commit, path, qualified signature (and occurrence)"),
    ("repo", pa.string(), "repository identity, owner/name"),
    ("repo_url", pa.string(), "web address from the repository identity (owner/name: GitHub), else where it was cloned from"),
    ("commit", pa.string(), "commit SHA the code was taken from"),
    ("path", pa.string(), "file path relative to the repository root"),
    ("language", pa.string(), "python or java"),
    ("license", pa.string(), "SPDX id of the repository licence, or unknown"),
    ("url", pa.string(), "permalink to the lines at that commit"),
    ("name", pa.string(), "function or method name"),
    ("qualified_name", pa.string(), "module.Class.method (Python) / package.Outer.Inner.method(Types) (Java)"),
    ("kind", pa.string(), "function, method, staticmethod, classmethod, property, constructor, …"),
    ("scope", pa.string(), "module, class, function (nested), anonymous_class, local_class"),
    ("signature", pa.string(), "the declaration line(s) up to the body"),
    ("code", pa.string(), "exact source text of the definition, decorators/annotations included"),
    ("body", pa.string(), "exact source text of the body"),
    ("start_line", pa.int32(), "1-based first line (first decorator/annotation)"),
    ("end_line", pa.int32(), "1-based last line, inclusive"),
    ("start_byte", pa.int64(), "byte offset of the start in the file"),
    ("end_byte", pa.int64(), "byte offset of the end in the file"),
    ("module", pa.string(), "Python dotted module / Java package"),
    ("class_name", pa.string(), "qualified name of the enclosing class, if any"),
    ("parameters", pa.list_(_PARAMETER), "parameters: name, type, default"),
    ("return_type", pa.string(), "return annotation / return type"),
    ("decorators", _STRINGS, "Python decorators / Java annotations"),
    ("modifiers", _STRINGS, "Java modifiers; Python: async"),
    ("type_parameters", pa.string(), "Java type parameters"),
    ("throws", _STRINGS, "Java throws clause"),
    ("docstring", pa.string(), "docstring or Javadoc"),
    ("imports", _STRINGS, "every import statement of the file"),
    ("used_imports", pa.list_(_IMPORT_USE), "imports the function uses, classified stdlib/jdk/third_party/local"),
    ("globals_used", pa.list_(_GLOBAL_USE), "module-level definitions the function reads"),
    ("class_context", _CLASS_CONTEXT, "enclosing class header and the members the function uses"),
    ("callees", pa.list_(_CALLEE), "repository definitions the function references, with source"),
    ("unresolved", _STRINGS, "referenced names that could not be resolved"),
    ("dependency_level", pa.string(), "self_contained, stdlib, third_party, class, file or project"),
    ("context_code", pa.string(), f"runnable context with the marker line {MARKER}"),
    ("context_truncated", pa.bool_(), "a size bound stopped the context closure"),
    ("has_parse_error", pa.bool_(), "the parser reported an error inside the definition"),
    ("python2", pa.bool_(), "the file uses Python 2 syntax"),
    ("encoding", pa.string(), "how the file was decoded"),
    ("strict_parse", pa.string(), "Java: javalang strict parse of the method alone (opt-in: BIOCODER_JAVA_STRICT=1), else null"),
    ("lines", pa.int32(), "lines of code"),
    ("tokens", pa.int32(), "tokens of the code"),
    ("n_params", pa.int32(), "number of parameters (self/this excluded)"),
    ("doc_words", pa.int32(), "words in the docstring/Javadoc summary"),
]

# Columns a benchmark row adds to FUNCTION_FIELDS. Filled by later stages; null until then.
ITEM_FIELDS: list[tuple[str, pa.DataType, str]] = [
    ("split", pa.string(), "split name (assigned by a hash of the repository)"),
    ("bio_score", pa.float64(), "bioinformatics relevance score (lexicon + domain imports)"),
    ("third_party", _STRINGS, "third-party top-level modules/packages the context needs"),
    ("drop_reason", pa.string(), "why a filter dropped the item (rejected.parquet only)"),
    ("dedup_cluster", pa.string(), "id of the duplicate cluster (the representative's id)"),
    ("contaminated", pa.bool_(), "matches an item of a given existing benchmark"),
    ("summary", pa.string(), "natural-language summary used by the prompts"),
    ("summary_source", pa.string(), "docstring or summariser model that wrote the summary"),
    ("summary_top", pa.string(), "prompt: context, summary, then the signature"),
    ("uncommented", pa.string(), "prompt: uncommented context and signature"),
    ("summary_only", pa.string(), "prompt: summary and signature only"),
    ("summary_bottom", pa.string(), "prompt: context, signature, summary at the bottom"),
    ("necessary_only", pa.string(), "prompt: only the necessary context and the signature"),
    ("test_harness", pa.string(), f"test program with the marker line {MARKER}"),
    ("harness_validated", pa.bool_(), "the harness is proved: reference passes, stubs fail"),
    ("harness_reason", pa.string(), "why the harness is or is not validated"),
    ("test_runs", pa.list_(pa.struct([("seed", pa.int64()), ("output", pa.string())])), "seeds and reference outputs"),
    ("context_ok", pa.bool_(), "audit: the context with the function compiles and leaves nothing undefined"),
    ("context_problems", _STRINGS, "audit: problems found in the context"),
]

FUNCTION_SCHEMA = pa.schema([pa.field(n, t) for n, t, _ in FUNCTION_FIELDS])
ITEM_SCHEMA = pa.schema([pa.field(n, t) for n, t, _ in FUNCTION_FIELDS + ITEM_FIELDS])
COLUMN_DESCRIPTIONS = {n: d for n, _, d in FUNCTION_FIELDS + ITEM_FIELDS}


def records_to_table(records: Iterable[FunctionRecord]) -> pa.Table:
    return pa.Table.from_pylist([r.to_row() for r in records], schema=FUNCTION_SCHEMA)


def rows_to_item_table(rows: Iterable[dict[str, Any]]) -> pa.Table:
    """Benchmark rows (FunctionRecord columns + item columns; missing item columns are null)."""
    return pa.Table.from_pylist(list(rows), schema=ITEM_SCHEMA)
