"""The filter chain: scores computed once per record, then an ordered list of filters from config.

A filter is a small class built from its params (`FILTERS[name](**params, config=config)`);
calling it on a `Candidate` returns `True` (keep) or `(False, reason)`, where the reason is
`"<key>: <detail>"`; the key is what the funnel counts, the whole string goes to `drop_reason`.
The first filter that drops a record gives its reason. Scores (bio_score, third_party, and the
record's lines/tokens/doc_words/n_params) are columns, so re-thresholding never re-parses.
Every filter, its default and its source are described in the README ("Configuration, filters and their sources").
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from pipeline.codetext import (
    code_tokens, count_code_lines, count_words, doc_summary, singular, split_identifier, strip_comments,
    strip_java_comments,
)
from pipeline.funnel import Funnel
from pipeline.records import ITEM_FIELDS, FunctionRecord

if TYPE_CHECKING:
    from pipeline.config import Config

LEXICON_DIR = Path(__file__).with_name("lexicon")
LIBRARY_WEIGHT = 2.0  # one domain-library import counts as two lexicon terms
FilterOutcome = bool | tuple[bool, str]


# ---------------------------------------------------------------- the record with its scores

@dataclass(slots=True)
class Candidate:
    """A record on its way through filters, dedup and splits, with the item columns it gains."""

    record: FunctionRecord
    bio_score: float = 0.0
    third_party: list[str] = field(default_factory=list)
    bio_terms: list[str] = field(default_factory=list)  # matched lexicon terms (not a column; for audit/debug)
    drop_reason: str | None = None
    dedup_cluster: str | None = None
    contaminated: bool | None = None
    split: str | None = None

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def language(self) -> str:
        return self.record.language

    def sort_key(self) -> tuple[str, str, int, str]:
        r = self.record
        return (r.repo, r.path, r.start_line, r.id)

    def to_row(self) -> dict[str, Any]:
        """A row of pipeline.records.ITEM_SCHEMA (item columns this stage does not fill are null)."""
        row = self.record.to_row()
        for name, _, _ in ITEM_FIELDS:
            row.setdefault(name, None)
        row.update(
            bio_score=self.bio_score, third_party=list(self.third_party), drop_reason=self.drop_reason,
            dedup_cluster=self.dedup_cluster, contaminated=self.contaminated, split=self.split,
        )
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Candidate":
        """Back from a written row (rescoring is then unnecessary: the scores are columns)."""
        return cls(
            record=FunctionRecord.from_row(row), bio_score=float(row.get("bio_score") or 0.0),
            third_party=list(row.get("third_party") or []), drop_reason=row.get("drop_reason"),
            dedup_cluster=row.get("dedup_cluster"), contaminated=row.get("contaminated"), split=row.get("split"),
        )


# ---------------------------------------------------------------- lexicon and scores

def _lexicon_lines(name: str) -> list[str]:
    out = []
    for line in (LEXICON_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


@functools.cache
def bio_lexicon() -> dict[str, tuple[tuple[str, ...], ...]]:
    """First word -> lexicon terms (as normalised word tuples) starting with it."""
    index: dict[str, set[tuple[str, ...]]] = {}
    for term in _lexicon_lines("bio_terms.txt"):
        words = tuple(singular(w) for w in re.split(r"[\s\-_]+", term.lower()) if w)
        index.setdefault(words[0], set()).add(words)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}


@functools.cache
def domain_libraries() -> tuple[str, ...]:
    return tuple(sorted(set(_lexicon_lines("bio_libraries.txt"))))


def lexicon_terms(text: str) -> set[str]:
    """Distinct lexicon terms in `text` (identifiers split, words singularised)."""
    words = [singular(w) for w in split_identifier(text)]
    lex = bio_lexicon()
    found: set[str] = set()
    for i, w in enumerate(words):
        for term in lex.get(w, ()):
            if tuple(words[i:i + len(term)]) == term:
                found.add(" ".join(term))
    return found


_PY_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+(.+))", re.M)
_JAVA_IMPORT = re.compile(r"^\s*import\s+(?:static\s+)?([\w.]+)", re.M)


def imported_modules(record: FunctionRecord) -> set[str]:
    """Dotted modules/packages named by the file's imports and the function's used imports."""
    mods = {u.module for u in record.used_imports if u.module}
    for stmt in record.imports:
        if record.language == "java":
            mods.update(_JAVA_IMPORT.findall(stmt))
            continue
        for frm, names in _PY_IMPORT.findall(stmt):
            if frm:
                mods.add(frm)
            else:
                mods.update(part.split(" as ")[0].strip() for part in names.split(","))
    return {m for m in mods if m and not m.startswith(".")}


def libraries_used(modules: Iterable[str]) -> set[str]:
    libs = domain_libraries()
    return {lib for m in modules for lib in libs if m == lib or m.startswith(lib + ".")}


def bio_score(record: FunctionRecord) -> tuple[float, list[str]]:
    """(score, matched): distinct lexicon terms in the path, code, docstring and names,
    plus LIBRARY_WEIGHT per domain library the function uses (its resolved used_imports; a
    library merely imported by the file does not count). A plain count, not normalised, so a
    threshold reads as "at least N terms"."""
    text = "\n".join([record.path, record.qualified_name, record.docstring or "", record.code])
    terms = lexicon_terms(text)
    libs = libraries_used(u.module for u in record.used_imports if u.module)
    matched = sorted(terms) + sorted(f"lib:{lib}" for lib in libs)
    return float(len(terms) + LIBRARY_WEIGHT * len(libs)), matched


_DOMAIN_ROOTS = {"org", "com", "net", "edu", "io", "uk", "de", "fr", "ch", "nl", "au", "ca", "gov", "info", "me", "cn", "jp"}


def package_root(module: str, language: str) -> str:
    """Top-level module (Python) or the package root (Java: `org.apache`, `htsjdk`, `uk.ac.ebi`)."""
    parts = module.split(".")
    if language != "java":
        return parts[0]
    if parts[0] in _DOMAIN_ROOTS and len(parts) > 2 and parts[1] in ("ac", "co", "edu", "gov"):
        return ".".join(parts[:3])
    if parts[0] in _DOMAIN_ROOTS and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


def third_party_modules(record: FunctionRecord) -> list[str]:
    """Sorted roots of the third-party imports the function uses (from the resolved context)."""
    return sorted({package_root(u.module, record.language) for u in record.used_imports
                   if u.kind == "third_party" and u.module})


def _n_params(record: FunctionRecord) -> int:
    params = [p for p in record.parameters if p.name not in ("self", "cls")] if record.language == "python" \
        else list(record.parameters)
    return len(params)


def score_record(record: FunctionRecord) -> Candidate:
    """Fill the record's own counts when the extractor left them at 0, and compute the scores."""
    fill: dict[str, int] = {}
    if not record.lines:
        fill["lines"] = count_code_lines(record.code, record.language)
    if not record.tokens:
        fill["tokens"] = len(code_tokens(strip_comments(record.code, record.language)))
    if not record.doc_words and record.docstring:
        fill["doc_words"] = count_words(doc_summary(record.docstring))
    if not record.n_params and record.parameters:
        fill["n_params"] = _n_params(record)
    if fill:
        record = dataclasses.replace(record, **fill)
    score, matched = bio_score(record)
    return Candidate(record=record, bio_score=score, third_party=third_party_modules(record), bio_terms=matched)


# ---------------------------------------------------------------- filters

class Filter:
    """Base: `name` is the registry key, `reasons` the keys it may drop with (for the funnel)."""

    name: str = ""
    reasons: tuple[str, ...] = ()

    def __call__(self, cand: Candidate) -> FilterOutcome:  # pragma: no cover - abstract
        raise NotImplementedError


class NoParseError(Filter):
    name, reasons = "no_parse_error_v1", ("parse_error",)

    def __init__(self, *, config: "Config | None" = None) -> None:
        pass

    def __call__(self, cand: Candidate) -> FilterOutcome:
        return (False, "parse_error") if cand.record.has_parse_error else True


class Python2(Filter):
    """Drops Python 2 code unless kept; `keep` defaults to config.keep_python2."""

    name, reasons = "python2_v1", ("python2",)

    def __init__(self, *, keep: bool | None = None, config: "Config | None" = None) -> None:
        self.keep = keep if keep is not None else bool(config.keep_python2 if config else False)

    def __call__(self, cand: Candidate) -> FilterOutcome:
        r = cand.record
        return (False, "python2") if (r.language == "python" and r.python2 and not self.keep) else True


class NotTestCode(Filter):
    name, reasons = "not_test_code_v1", ("test_code",)

    def __init__(self, *, path_patterns: list[str], name_patterns: list[str], config: "Config | None" = None) -> None:
        self.path_res = [re.compile(p) for p in path_patterns]
        self.name_res = [re.compile(p) for p in name_patterns]

    def __call__(self, cand: Candidate) -> FilterOutcome:
        r = cand.record
        for rx in self.path_res:
            if rx.search(r.path):
                return False, f"test_code: path {r.path} matches {rx.pattern}"
        for rx in self.name_res:
            if rx.search(r.name):
                return False, f"test_code: name {r.name} matches {rx.pattern}"
        if r.class_name and any(rx.search(r.class_name.rsplit(".", 1)[-1]) for rx in self.name_res[:1]):
            return False, f"test_code: class {r.class_name}"
        return True


class NotMain(Filter):
    name, reasons = "not_main_v1", ("main",)

    def __init__(self, *, names: list[str] = ("main",), config: "Config | None" = None) -> None:  # type: ignore[assignment]
        self.names = set(names)

    def __call__(self, cand: Candidate) -> FilterOutcome:
        r = cand.record
        if r.name not in self.names:
            return True
        if r.language == "java" and "static" not in r.modifiers and "static" not in r.signature:
            return True  # an instance method called main is not an entry point
        return False, f"main: {r.name}"


class NotDunder(Filter):
    name, reasons = "not_dunder_v1", ("dunder",)

    def __init__(self, *, config: "Config | None" = None) -> None:
        pass

    def __call__(self, cand: Candidate) -> FilterOutcome:
        n = cand.record.name
        if cand.record.language == "python" and len(n) > 4 and n.startswith("__") and n.endswith("__"):
            return False, f"dunder: {n}"
        return True


# ---- trivial bodies

def _py_trivial(code: str) -> str | None:
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return None
    funcs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if len(funcs) != 1:
        return None
    fn = funcs[0]
    params = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    params |= {a.arg for a in (fn.args.vararg, fn.args.kwarg) if a is not None}
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    if not body:
        return "stub"
    if len(body) != 1:
        if all(_py_is_field_assign(s, params) for s in body):
            return "setter"
        return None
    s = body[0]
    if isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)):
        return "stub"
    if isinstance(s, ast.Raise) and s.exc is not None:
        exc = s.exc.func if isinstance(s.exc, ast.Call) else s.exc
        if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
            return "stub"
    if isinstance(s, ast.Return):
        v = s.value
        if v is None or isinstance(v, (ast.Constant, ast.Name)) or _py_is_attr_chain(v):
            return "getter"
        if isinstance(v, ast.Call) and _py_forwards(v, params):
            return "delegate"
    if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and _py_forwards(s.value, params):
        return "delegate"
    if _py_is_field_assign(s, params):
        return "setter"
    return None


def _py_is_attr_chain(node: ast.AST) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _py_forwards(call: ast.Call, params: set[str]) -> bool:
    if not _py_is_attr_chain(call.func):
        return False
    args = [a.value if isinstance(a, ast.Starred) else a for a in call.args] + [k.value for k in call.keywords]
    return all(isinstance(a, ast.Name) and a.id in params | {"self", "cls"} or isinstance(a, ast.Constant) for a in args)


def _py_is_field_assign(s: ast.stmt, params: set[str]) -> bool:
    if isinstance(s, (ast.Assign, ast.AnnAssign)):
        targets = s.targets if isinstance(s, ast.Assign) else [s.target]
        value = s.value
        return all(isinstance(t, ast.Attribute) and _py_is_attr_chain(t) for t in targets) and (
            value is None or isinstance(value, ast.Constant) or (isinstance(value, ast.Name) and value.id in params | {"None"})
        )
    return False


_J_ID = r"[A-Za-z_$][\w$]*"
_J_CHAIN = rf"(?:this\.|super\.)?{_J_ID}(?:\.{_J_ID})*"
_J_ARGS = rf"\(\s*(?:(?:{_J_ID}|\d+|true|false|null)\s*(?:,\s*(?:{_J_ID}|\d+|true|false|null)\s*)*)?\)"
_J_LITERAL = r"(?:\d+(?:\.\d+)?[fFdDlL]?|true|false|null|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')"
_J_PATTERNS = [
    ("stub", re.compile(r"^$")),
    ("stub", re.compile(rf"^throw new {_J_ID}(?:\.{_J_ID})*\((?:\"[^\"]*\")?\);$")),
    ("getter", re.compile(rf"^return (?:{_J_CHAIN}|{_J_LITERAL});$")),
    ("setter", re.compile(rf"^(?:{_J_CHAIN} = (?:{_J_ID}|{_J_LITERAL});\s*)+$")),
    ("delegate", re.compile(rf"^(?:return )?(?:new )?{_J_CHAIN}\s*{_J_ARGS};$")),
]


def _java_trivial(record: FunctionRecord) -> str | None:
    code = strip_java_comments(record.code)
    if "{" not in code:
        return "abstract"  # abstract/interface/native declaration: nothing to implement
    text = strip_java_comments(record.body or code[code.find("{"):]).strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*([(),;.])\s*", r"\1", text)
    text = re.sub(r"\s*(?<![=!<>+\-*/%&|^])=(?!=)\s*", " = ", text)
    for kind, rx in _J_PATTERNS:
        if rx.match(text):
            return kind
    return None


class NotTrivial(Filter):
    """Stubs (empty, pass, NotImplementedError), getters (return a field/constant), setters
    (assign parameters to fields), and delegates (one call forwarding the parameters)."""

    name = "not_trivial_v1"
    reasons = ("trivial",)

    def __init__(self, *, config: "Config | None" = None) -> None:
        pass

    # A trivial body is one statement; past this many body lines (docstring aside) it cannot
    # be one in practice, and parsing is skipped (it was half of the filter stage's time).
    MAX_TRIVIAL_BODY_LINES = 12

    def __call__(self, cand: Candidate) -> FilterOutcome:
        r = cand.record
        doc_lines = r.docstring.count("\n") + 1 if r.docstring else 0
        body_lines = sum(1 for line in r.body.splitlines() if line.strip()) - doc_lines
        if body_lines > self.MAX_TRIVIAL_BODY_LINES:
            return True
        kind = _py_trivial(r.code) if r.language == "python" else _java_trivial(r)
        return (False, f"trivial: {kind}") if kind else True


class MinDocWords(Filter):
    name, reasons = "min_doc_words_v1", ("doc_too_short",)

    def __init__(self, *, min_words: int = 5, config: "Config | None" = None) -> None:
        self.min_words = int(min_words)

    def __call__(self, cand: Candidate) -> FilterOutcome:
        n = cand.record.doc_words
        return True if n >= self.min_words else (False, f"doc_too_short: {n} < {self.min_words} words")


class BodyLength(Filter):
    name, reasons = "body_length_v1", ("too_short", "too_long")

    def __init__(self, *, min_lines: int = 0, max_lines: int = 10**9, min_tokens: int = 0,
                 max_tokens: int = 10**9, config: "Config | None" = None) -> None:
        self.min_lines, self.max_lines = int(min_lines), int(max_lines)
        self.min_tokens, self.max_tokens = int(min_tokens), int(max_tokens)

    def __call__(self, cand: Candidate) -> FilterOutcome:
        r = cand.record
        if r.lines < self.min_lines:
            return False, f"too_short: {r.lines} < {self.min_lines} lines"
        if r.tokens < self.min_tokens:
            return False, f"too_short: {r.tokens} < {self.min_tokens} tokens"
        if r.lines > self.max_lines:
            return False, f"too_long: {r.lines} > {self.max_lines} lines"
        if r.tokens > self.max_tokens:
            return False, f"too_long: {r.tokens} > {self.max_tokens} tokens"
        return True


class BioRelevance(Filter):
    name, reasons = "bio_relevance_v1", ("not_bioinformatics",)

    def __init__(self, *, min_score: float = 2.0, config: "Config | None" = None) -> None:
        self.min_score = float(min_score)

    def __call__(self, cand: Candidate) -> FilterOutcome:
        if cand.bio_score >= self.min_score:
            return True
        return False, f"not_bioinformatics: score {cand.bio_score:g} < {self.min_score:g}"


class ThirdPartyAllowed(Filter):
    """Every third-party module the function uses is allowed (prefix match on dotted names)."""

    name, reasons = "third_party_allowed_v1", ("third_party",)

    def __init__(self, *, allowed: list[str] | None = None, config: "Config | None" = None) -> None:
        self.allowed = list(allowed if allowed is not None else (config.allowed_third_party if config else []))

    def ok(self, module: str) -> bool:
        return any(module == a or module.startswith(a + ".") for a in self.allowed)

    def __call__(self, cand: Candidate) -> FilterOutcome:
        r = cand.record
        bad = sorted({package_root(u.module, r.language) for u in r.used_imports
                      if u.kind == "third_party" and u.module and not self.ok(u.module)})
        return (False, f"third_party: {', '.join(bad)}") if bad else True


class LicenseAllowed(Filter):
    name, reasons = "license_allowed_v1", ("license",)

    def __init__(self, *, allowed: list[str] | None = None, config: "Config | None" = None) -> None:
        allowed = allowed if allowed is not None else (config.license_allowlist if config else None)
        self.allowed = {a.lower() for a in allowed} if allowed else None

    def __call__(self, cand: Candidate) -> FilterOutcome:
        lic = cand.record.license or "unknown"
        if self.allowed is None or lic.lower() in self.allowed:
            return True
        return False, f"license: {lic}"


# Explicit registry: versioned name -> filter class.
FILTERS: dict[str, Callable[..., Filter]] = {
    cls.name: cls for cls in (
        NoParseError, Python2, NotTestCode, NotMain, NotDunder, NotTrivial, MinDocWords, BodyLength,
        BioRelevance, ThirdPartyAllowed, LicenseAllowed,
    )
}


def build_filters(config: "Config") -> list[Filter]:
    """Instantiate the configured chain; unknown names and bad params raise KeyError/TypeError."""
    out = []
    for spec in config.filters:
        if spec.name not in FILTERS:
            raise KeyError(f"unknown filter {spec.name!r} (known: {', '.join(FILTERS)})")
        try:
            out.append(FILTERS[spec.name](**spec.params, config=config))
        except TypeError as exc:
            raise TypeError(f"filter {spec.name}: bad params {spec.params}: {exc}") from None
    return out


# ---------------------------------------------------------------- the chain

@dataclass
class FilterResult:
    kept: list[Candidate]
    rejected: list[Candidate]  # each with drop_reason
    funnel: Funnel

    def kept_rows(self) -> list[dict[str, Any]]:
        return [c.to_row() for c in self.kept]

    def rejected_rows(self) -> list[dict[str, Any]]:
        return [c.to_row() for c in self.rejected]

    def __iter__(self):  # `kept_rows, rejected_rows = run_filters(...)` (per-repository row stage)
        return iter((self.kept_rows(), self.rejected_rows()))


def run_filters(records: Iterable[FunctionRecord | Candidate], config: "Config",
                funnel: Funnel | None = None) -> FilterResult:
    """Score each record once, run the chain, count every drop. Candidates are rescored only
    when given as plain records, so rows read back from a build are re-thresholded as they are."""
    chain = build_filters(config)
    funnel = funnel or Funnel()
    for f in chain:
        funnel.add_reasons(f.reasons)
    languages = set(config.languages)
    kept: list[Candidate] = []
    rejected: list[Candidate] = []
    for item in records:
        cand = item if isinstance(item, Candidate) else score_record(item)
        cand.drop_reason = None
        funnel.add_in(cand.language)
        reason: str | None = None
        if cand.language not in languages:
            reason = f"language: {cand.language} not configured"
        else:
            for f in chain:
                outcome = f(cand)
                if outcome is True:
                    continue
                if outcome is False:
                    reason = f.reasons[0] if f.reasons else f.name
                elif isinstance(outcome, tuple) and not outcome[0]:
                    reason = outcome[1]
                else:
                    continue
                break
        if reason is None:
            kept.append(cand)
        else:
            cand.drop_reason = reason
            funnel.drop(cand.language, reason)
            rejected.append(cand)
    return FilterResult(kept=kept, rejected=rejected, funnel=funnel)


def chain_reasons(config: "Config") -> list[str]:
    """Drop reasons of the configured chain, in chain order, then dedup and decontamination."""
    reasons: list[str] = []
    for f in build_filters(config):
        reasons += [r for r in f.reasons if r not in reasons]
    return reasons + ["duplicate_exact", "duplicate_near", "contaminated"]


def funnel_from_rows(kept_rows: Iterable[dict[str, Any]], rejected_rows: Iterable[dict[str, Any]],
                     config: "Config") -> Funnel:
    """The funnel rebuilt from written rows: every row came in, each rejected row's drop_reason
    is counted (reasons unknown to the chain, e.g. from the harness stage, follow in first-seen order)."""
    funnel = Funnel()
    funnel.add_reasons(chain_reasons(config))
    for row in kept_rows:
        funnel.add_in(row["language"])
    for row in sorted(rejected_rows, key=lambda r: (r.get("repo") or "", r.get("path") or "", r.get("id") or "")):
        funnel.add_in(row["language"])
        funnel.drop(row["language"], row.get("drop_reason") or "unknown")
    return funnel
