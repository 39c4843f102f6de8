"""Language-aware text helpers shared by filters and dedup: comment/docstring stripping, an
offline tokenizer, identifier splitting, docstring summaries. Pure functions of strings.
"""

from __future__ import annotations

import io
import functools
import re
import textwrap
import tokenize

# One offline tokenizer for both languages: string literals, identifiers, numbers, and single punctuation
# characters (operators are split into characters, which is stable and good enough for counts
# and shingles). Whitespace and comments are never tokens.
_TOKEN_RE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''  # string literals
    r"|[A-Za-z_$][A-Za-z0-9_$]*|\d+(?:\.\d+)?|\S"
)
# Words inside identifiers: HTTPServer -> HTTP, Server; readFastq2 -> read, Fastq2; gc_content -> gc, content
_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+[A-Za-z]*")


def strip_java_comments(code: str) -> str:
    """Remove // and /* */ comments (Javadoc included) outside string and char literals."""
    out: list[str] = []
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if c == "/" and i + 1 < n and code[i + 1] == "/":
            j = code.find("\n", i)
            i = n if j < 0 else j
        elif c == "/" and i + 1 < n and code[i + 1] == "*":
            j = code.find("*/", i + 2)
            out.append(" ")
            i = n if j < 0 else j + 2
        elif code.startswith('"""', i):  # text block
            j = code.find('"""', i + 3)
            j = n if j < 0 else j + 3
            out.append(code[i:j])
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and code[j] != c and code[j] != "\n":
                j += 2 if code[j] == "\\" else 1
            out.append(code[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _python_tokens(code: str) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(textwrap.dedent(code)).readline))


_PY_STRING_STMT_BEFORE = {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT}


def strip_python_comments(code: str) -> str:
    """Remove comments and docstrings (string literals standing alone as statements).

    Uses the tokenize module; code it cannot tokenize (Python 2, truncated) falls back to
    regexes that remove triple-quoted strings and `#` comments.
    """
    try:
        toks = _python_tokens(code)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        text = re.sub(r'("""|\'\'\')(?:.|\n)*?\1', " ", code)
        return re.sub(r"#[^\n]*", "", text)
    kept: list[str] = []
    prev_type = tokenize.NEWLINE
    significant = [t for t in toks if t.type not in (tokenize.COMMENT, tokenize.NL)]
    for k, tok in enumerate(significant):
        if tok.type == tokenize.STRING and prev_type in _PY_STRING_STMT_BEFORE:
            nxt = significant[k + 1].type if k + 1 < len(significant) else tokenize.ENDMARKER
            if nxt in (tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.DEDENT):
                prev_type = tok.type
                continue
        if tok.type == tokenize.NEWLINE:
            kept.append("\n")
        elif tok.type not in (tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            kept.append(tok.string)
        prev_type = tok.type
    return " ".join(kept)


def strip_comments(code: str, language: str) -> str:
    return strip_python_comments(code) if language == "python" else strip_java_comments(code)


def code_tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text)


def normalize_code(code: str, language: str) -> str:
    """Comments, docstrings and whitespace removed; tokens joined by single spaces."""
    return " ".join(code_tokens(strip_comments(code, language)))


def count_code_lines(code: str, language: str) -> int:
    """Non-blank lines once comments and docstrings are gone (BioCoder: lines - comment lines)."""
    if language == "python":
        try:
            toks = _python_tokens(code)
        except (tokenize.TokenError, IndentationError, SyntaxError):
            return sum(1 for line in strip_python_comments(code).splitlines() if line.strip())
        lines: set[int] = set()
        prev_type = tokenize.NEWLINE
        significant = [t for t in toks if t.type not in (tokenize.COMMENT, tokenize.NL)]
        for k, tok in enumerate(significant):
            if tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                prev_type = tok.type
                continue
            if tok.type == tokenize.STRING and prev_type in _PY_STRING_STMT_BEFORE:
                nxt = significant[k + 1].type if k + 1 < len(significant) else tokenize.ENDMARKER
                if nxt in (tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.DEDENT):
                    prev_type = tok.type
                    continue
            lines.update(range(tok.start[0], tok.end[0] + 1))
            prev_type = tok.type
        return len(lines)
    return sum(1 for line in strip_java_comments(code).splitlines() if line.strip())


def split_identifier(text: str) -> list[str]:
    """Lower-cased words of identifiers and prose: snake_case and camelCase are split."""
    return [w.lower() for w in _WORD_RE.findall(text)]


@functools.lru_cache(maxsize=1 << 16)  # the same identifier words recur across a repository
def singular(word: str) -> str:
    """Light singularisation, applied to text and lexicon alike (reads -> read, assemblies -> assembly)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_JAVADOC_INLINE = re.compile(r"\{@\w+\s+([^}]*)\}")
_HTML_TAG = re.compile(r"<[^>]+>")
_SECTION = re.compile(
    r"^\s*(@\w+|:param|:type|:return|:rtype|:raises|(Args|Arguments|Parameters|Params|Returns?|Yields?|Raises|"
    r"Examples?|Notes?|Attributes|See Also|References|Keyword Arguments|Other Parameters)\s*:?\s*$)"
)


def doc_summary(docstring: str | None) -> str:
    """The summary of a docstring/Javadoc: its first paragraph, before any tag or section."""
    if not docstring:
        return ""
    text = docstring.strip()
    for prefix in ('r"""', "r'''", 'u"""', '"""', "'''", "/**", "/*", '"', "'"):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    for suffix in ('"""', "'''", "*/", '"', "'"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^\s*\*+ ?", "", line) if docstring.lstrip().startswith("/*") else line
        if _SECTION.match(line) or re.match(r"^\s*-{3,}\s*$", line):
            break
        if not line.strip():
            if lines:
                break
            continue
        lines.append(line.strip())
    summary = " ".join(lines)
    summary = _JAVADOC_INLINE.sub(r"\1", summary)
    return _HTML_TAG.sub(" ", summary).strip()


def count_words(text: str) -> int:
    return sum(1 for w in text.split() if any(ch.isalpha() for ch in w))
