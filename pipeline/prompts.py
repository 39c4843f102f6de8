"""BioCoder's five prompt styles, built from a record's resolved context and a summary.

The shape follows BioCoder's published prompts: a language line, a one-line task ("Write a
function called ... that takes in ... arguments ..."), context sections (imports, global
variables, class declarations, additional function declarations), the summary ("comments and
specifications") and, last, the signature to complete with the summary as its docstring
(Python) or Javadoc (Java). The reference body never appears in a prompt: context pieces that
contain it (a recursive callee, a member given with its source) are left out.

Styles (one column each):
- summary_top:    task + summary first, then the context sections as comments, then the signature
- uncommented:    the same sections as plain text and code, nothing commented out
- summary_only:   task + summary, then the signature; no context
- summary_bottom: context sections as comments, then the summary, then the signature
- necessary_only: only the code the function needs (imports, globals, class, callees), uncommented,
                  no section titles, then the signature
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

from pipeline.records import FunctionRecord

PROMPT_STYLES = ("summary_top", "uncommented", "summary_only", "summary_bottom", "necessary_only")

_COMMENT = {"python": "#", "java": "//"}

SECTION_TITLES = {
    "imports": "Here are the imports:",
    "globals": "Here are the global variables:",
    "classes": "Here are the class declarations:",
    "functions": "Here are the additional function declarations:",
    "spec": "Here are the comments and the specifications of the function:",
    "target": "Here is the function to complete:",
}

# A body this short ("pass", "return x") may legitimately occur inside other context code.
_MIN_BODY_CHARS_TO_GUARD = 20


# ---------------------------------------------------------------- docstring → summary

def clean_docstring(raw: str | None, language: str) -> str:
    """The text of a docstring or Javadoc without quotes, comment markers or common indent."""
    if not raw:
        return ""
    text = raw.strip()
    if language == "java" or text.startswith("/*"):
        text = re.sub(r"^/\*\*?", "", text)
        text = re.sub(r"\*/$", "", text)
        lines = [re.sub(r"^\s*\* ?", "", line) for line in text.splitlines()]
        text = "\n".join(lines)
        text = re.sub(r"\{@(?:code|literal|link|linkplain|value)\s+([^}]*)\}", r"\1", text)
        text = re.sub(r"</?(?:p|b|i|em|strong|code|pre|br|ul|ol|li|tt)\s*/?>", "", text, flags=re.I)
    else:
        m = re.match(r'^[rRuUbBfF]{0,2}("""|\'\'\'|"|\')(.*)\1$', text, flags=re.S)
        if m:
            text = m.group(2)
    first, _, rest = text.partition("\n")
    return (first.strip() + "\n" + textwrap.dedent(rest)).strip()


_GOOGLE_HEADERS = {
    "args": "params", "arguments": "params", "parameters": "params", "params": "params",
    "keyword args": "params", "keyword arguments": "params", "other parameters": "params",
    "returns": "returns", "return": "returns", "yields": "returns", "yield": "returns",
    "raises": "raises", "raise": "raises", "exceptions": "raises",
    "examples": "other", "example": "other", "notes": "other", "note": "other",
    "see also": "other", "references": "other", "attributes": "other", "warnings": "other",
    "warning": "other", "todo": "other", "methods": "other",
}


def _section_of(line: str, next_line: str) -> tuple[str | None, bool]:
    """(section kind, is NumPy style) if `line` opens a docstring section."""
    stripped = line.strip()
    key = stripped.rstrip(":").strip().lower()
    if key in _GOOGLE_HEADERS:
        if re.fullmatch(r"-{3,}", next_line.strip()):
            return _GOOGLE_HEADERS[key], True
        if stripped.endswith(":"):
            return _GOOGLE_HEADERS[key], False
    return None, False


def _parse_sections(text: str) -> tuple[str, list[tuple[str, str, str]], list[tuple[str, str]]]:
    """(description, params [(name, type, desc)], returns [(type, desc)]) of a docstring."""
    params: list[tuple[str, str, str]] = []
    returns: list[tuple[str, str]] = []
    description: list[str] = []
    # Sphinx / Javadoc tags: one tag per logical line (continuations are indented or untagged).
    sphinx_re = re.compile(r"^\s*:(param|parameter|arg|argument|key|keyword|type|returns?|rtype|raises?|exception)\b([^:]*):\s*(.*)$")
    javadoc_re = re.compile(r"^\s*@(param|returns?|throws|exception)\b\s*(\S*)\s*(.*)$")
    lines = text.splitlines()
    section: str | None = None
    numpy = False
    current: list[Any] | None = None
    types: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        kind, is_numpy = _section_of(line, nxt)
        if kind:
            section, numpy, current = kind, is_numpy, None
            i += 2 if is_numpy else 1
            continue
        sphinx, javadoc = sphinx_re.match(line), javadoc_re.match(line)
        if sphinx or javadoc:
            section = "tags"
            if sphinx:
                name, arg, rest = sphinx.group(1).lower(), sphinx.group(2).strip(), sphinx.group(3)
            else:
                name, arg, rest = javadoc.group(1).lower(), javadoc.group(2), javadoc.group(3)
                if name in ("return", "returns"):
                    arg, rest = "", f"{javadoc.group(2)} {javadoc.group(3)}".strip()
            if name in ("param", "parameter", "arg", "argument", "key", "keyword"):
                parts = arg.split()
                pname = parts[-1] if parts else ""
                ptype = " ".join(parts[:-1])
                current = [pname, ptype, rest.strip()]
                params.append(current)  # type: ignore[arg-type]
            elif name == "type":
                types[arg] = rest.strip()
                current = None
            elif name in ("return", "returns"):
                current = [arg, rest.strip()]
                returns.append(current)  # type: ignore[arg-type]
            elif name == "rtype":
                val = rest.strip()
                if returns:
                    returns[0][0] = val  # type: ignore[index]
                else:
                    current = [val, ""]
                    returns.append(current)  # type: ignore[arg-type]
            else:
                current = None  # raises / throws: not part of the summary
            i += 1
            continue
        if section is None:
            description.append(line)
        elif section == "params" and line.strip():
            indent = len(line) - len(line.lstrip())
            m_g = re.match(r"^\s*\*{0,2}([\w.]+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$", line)
            m_n = re.match(r"^\s*\*{0,2}([\w.]+)\s*(?::\s*(.*))?$", line)
            if numpy and m_n and indent == _base_indent(lines, i, section_start=True):
                current = [m_n.group(1), (m_n.group(2) or "").strip(), ""]
                params.append(current)  # type: ignore[arg-type]
            elif not numpy and m_g and (current is None or indent <= _base_indent(lines, i)):
                current = [m_g.group(1), (m_g.group(2) or "").strip(), m_g.group(3).strip()]
                params.append(current)  # type: ignore[arg-type]
            elif current is not None:
                current[2] = (current[2] + " " + line.strip()).strip()
        elif section == "returns" and line.strip():
            indent = len(line) - len(line.lstrip())
            if numpy and indent == _base_indent(lines, i, section_start=True):
                m = re.match(r"^\s*(?:(\w+)\s*:\s*)?(.*)$", line)
                current = [(m.group(2) if m else line).strip(), ""]
                returns.append(current)  # type: ignore[arg-type]
            elif not numpy and current is None:
                m = re.match(r"^\s*([\w\[\], .|]+?)\s*:\s+(.*)$", line)
                current = [m.group(1), m.group(2).strip()] if m else ["", line.strip()]
                returns.append(current)  # type: ignore[arg-type]
            elif current is not None:
                current[1] = (current[1] + " " + line.strip()).strip()
        elif section == "tags" and line.strip() and current is not None:
            current[-1] = (current[-1] + " " + line.strip()).strip()
        elif section == "tags" and not line.strip():
            current = None
        i += 1
    for p in params:
        if not p[1] and p[0] in types:
            p[1] = types[p[0]]
    para: list[str] = []
    for line in description:
        if not line.strip():
            if para:
                break
            continue
        para.append(line.strip())
    return " ".join(para), [tuple(p) for p in params], [tuple(r) for r in returns]  # type: ignore[misc]


def _base_indent(lines: list[str], i: int, section_start: bool = False) -> int:
    """Indent of the first non-blank line of the section containing line i."""
    j = i
    while j > 0:
        prev, cur = lines[j - 1], lines[j]
        kind, is_numpy = _section_of(prev, cur)
        if kind and not is_numpy:
            break
        if j > 1 and re.fullmatch(r"-{3,}", prev.strip()) and _section_of(lines[j - 2], prev)[0]:
            break
        j -= 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    ref = lines[j] if j < len(lines) else lines[i]
    return len(ref) - len(ref.lstrip())


def summary_from_docstring(record: FunctionRecord) -> str:
    """A summary from the docstring/Javadoc: first paragraph, parameters, return value.

    Understands Google (`Args:`/`Returns:`), NumPy (`Parameters`/`-------`), Sphinx
    (`:param x:`/`:returns:`/`:rtype:`) and Javadoc (`@param`/`@return`) conventions. Without a
    docstring the summary is built from the signature alone (see `summary_source_for`).
    """
    text = clean_docstring(record.docstring, record.language)
    description, params, returns = _parse_sections(text) if text else ("", [], [])
    declared = {p.name: p for p in record.parameters}
    out: list[str] = []
    if description:
        out.append(description)
    elif not text:
        out.append(f'{_kind_word(record).capitalize()} "{record.name}"{_of_class(record)}.')
    if params:
        out.append("Parameters:")
        for name, ptype, desc in params:
            ptype = ptype or (declared[name].type if name in declared and declared[name].type else "")
            head = f"- {name} ({ptype})" if ptype else f"- {name}"
            out.append(f"{head}: {desc}" if desc else head)
    if returns:
        rtype, desc = returns[0]
        rtype = rtype or (record.return_type or "")
        out.append("Returns:")
        out.append(f"- {rtype}: {desc}" if rtype and desc else f"- {rtype or desc}")
    return "\n".join(out).strip()


def summary_source_for(record: FunctionRecord) -> str:
    return "docstring" if clean_docstring(record.docstring, record.language) else "signature"


# ---------------------------------------------------------------- prompts

def _kind_word(record: FunctionRecord) -> str:
    if record.kind in ("constructor", "compact_constructor"):
        return "constructor"
    return "method" if record.class_name else "function"


def _of_class(record: FunctionRecord) -> str:
    return f' of class "{record.class_name.rsplit(".", 1)[-1]}"' if record.class_name else ""


def task_line(record: FunctionRecord) -> str:
    """BioCoder's one-line task: 'Write a function called "X" that takes in ... and returns ...'."""
    params = [p for p in record.parameters if p.name not in ("self", "cls", "this")]
    names = ", ".join(f'"{p.name}"' for p in params)
    if not params:
        takes = "that takes in no arguments"
    elif len(params) == 1:
        takes = f"that takes in one argument, {names}"
    else:
        takes = f"that takes in {len(params)} arguments, {names}"
    returns = ""
    if record.return_type and record.return_type not in ("void", "None"):
        returns = f" and returns a value of type {record.return_type}"
    return f'Write a {_kind_word(record)} called "{record.name}"{_of_class(record)} {takes}{returns}.'


def _contains_body(piece: str, record: FunctionRecord) -> bool:
    body = (record.body or "").strip()
    if len(body) < _MIN_BODY_CHARS_TO_GUARD:
        return False
    if body in piece:
        return True
    # The body re-indented (a callee shown dedented, a member shown at another depth).
    return textwrap.dedent(body) in textwrap.dedent(piece) or _squash(body) in _squash(piece)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def context_sections(record: FunctionRecord) -> dict[str, list[str]]:
    """The code of each context section, without anything that contains the reference body."""
    imports = [u.statement for u in record.used_imports if u.statement]
    globals_ = [g.source for g in record.globals_used if g.source]
    classes: list[str] = []
    cc = record.class_context
    if cc is not None:
        members = [m.source for m in cc.members if m.source and not _contains_body(m.source, record)]
        if record.language == "java":
            inner = "\n".join("    " + line for m in members for line in m.strip().splitlines())
            classes.append(cc.header.rstrip() + ("\n" + inner if inner else "") + "\n    ...\n}")
        else:
            inner = "\n".join("    " + line for m in members for line in textwrap.dedent(m).strip().splitlines())
            classes.append(cc.header.rstrip() + "\n" + (inner or "    ..."))
    functions: list[str] = []
    for c in record.callees:
        if c.qualified_name == record.qualified_name or not c.source:
            continue
        if c.kind == "class":
            classes.append(textwrap.dedent(c.source).strip())
        else:
            functions.append(textwrap.dedent(c.source).strip())
    sections = {"imports": imports, "globals": globals_, "classes": classes, "functions": functions}
    return {k: [p for p in v if not _contains_body(p, record)] for k, v in sections.items()}


def target_code(record: FunctionRecord, summary: str) -> str:
    """The signature to complete, with the summary as its docstring (Python) or Javadoc (Java)."""
    sig = record.signature.strip()
    if record.language == "java":
        sig = sig.rstrip("{").rstrip()
        doc = "/**\n" + "\n".join(f" * {line}".rstrip() for line in summary.splitlines()) + "\n */\n" if summary else ""
        return f"{doc}{sig} {{"
    decorators = []
    for d in record.decorators:
        d = d.strip()
        if d and f"@{d.lstrip('@')}" not in sig:
            decorators.append(d if d.startswith("@") else "@" + d)
    if not sig.endswith(":"):
        sig += ":"
    head = "\n".join(decorators + [sig])
    if not summary:
        return head
    text = summary.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'{head}\n    """\n' + "\n".join(f"    {line}".rstrip() for line in text.splitlines()) + '\n    """'


def _comment(text: str, mark: str) -> str:
    return "\n".join(f"{mark} {line}".rstrip() for line in text.splitlines())


def _sections_text(sections: dict[str, list[str]], mark: str | None) -> list[str]:
    parts = []
    for key in ("imports", "globals", "classes", "functions"):
        if not sections[key]:
            continue
        body = "\n".join(sections[key]) if key in ("imports", "globals") else "\n\n".join(sections[key])
        block = f"{SECTION_TITLES[key]}\n{body}"
        parts.append(_comment(block, mark) if mark else block)
    return parts


def build_prompts(record: FunctionRecord, summary: str) -> dict[str, str]:
    """The five prompt columns for one record. Every prompt ends with the signature to complete."""
    mark = _COMMENT.get(record.language, "#")
    sections = context_sections(record)
    header = f"This is in {record.language}\n{task_line(record)}"
    target = f"{SECTION_TITLES['target']}\n{target_code(record, summary)}"
    commented_target = f"{_comment(SECTION_TITLES['target'], mark)}\n{target_code(record, summary)}"
    spec = f"{SECTION_TITLES['spec']}\n{summary}" if summary else ""

    def join(parts: list[str]) -> str:
        return "\n\n".join(p for p in parts if p)

    prompts = {
        "summary_top": join([_comment(header, mark), _comment(spec, mark) if spec else "",
                             *_sections_text(sections, mark), commented_target]),
        "uncommented": join([header, spec, *_sections_text(sections, None), target]),
        "summary_only": join([_comment(header, mark), _comment(spec, mark) if spec else "", commented_target]),
        "summary_bottom": join([_comment(header, mark), *_sections_text(sections, mark),
                                _comment(spec, mark) if spec else "", commented_target]),
        "necessary_only": join([
            "\n".join(sections["imports"]), "\n".join(sections["globals"]),
            *sections["classes"], *sections["functions"], target_code(record, summary),
        ]),
    }
    return prompts


def prompt_columns(record: FunctionRecord, summary: str | None = None, summary_source: str | None = None) -> dict[str, str]:
    """summary, summary_source and the five prompts, ready to merge into an item row."""
    if summary is None:
        summary = summary_from_docstring(record)
        summary_source = summary_source_for(record)
    return {"summary": summary, "summary_source": summary_source or "docstring", **build_prompts(record, summary)}


def add_prompts(rows: list[dict[str, Any]], config: Any = None, cache_path: str | Path | None = None) -> list[dict[str, Any]]:
    """Fill summary, summary_source and the five prompt columns of item rows (in place; returned).

    The summary comes from the docstring/Javadoc. When `config.summarizer` names an endpoint and a
    model, functions without a docstring are summarised by that model instead (cached in
    `cache_path`, default `$BIOCODER_SUMMARY_CACHE` or ~/.cache/biocoder-pipeline/summaries.sqlite;
    the API key, if the endpoint needs one, is read from `$OPENAI_API_KEY`).
    """
    summariser = None
    settings = getattr(config, "summarizer", None)
    if settings is not None and getattr(settings, "url", None) and getattr(settings, "model", None):
        import os

        from pipeline.summarize import Summariser

        cache = cache_path or os.environ.get("BIOCODER_SUMMARY_CACHE") or (
            Path.home() / ".cache" / "biocoder-pipeline" / "summaries.sqlite")
        summariser = Summariser(settings.url, settings.model, cache, api_key=os.environ.get("OPENAI_API_KEY"))
    try:
        for row in rows:
            record = FunctionRecord.from_row(row)
            if summariser is not None and summary_source_for(record) == "signature":
                summary, source = summariser.summarise(record)
                row.update(prompt_columns(record, summary, source))
            else:
                row.update(prompt_columns(record))
    finally:
        if summariser is not None:
            summariser.close()
    return rows
