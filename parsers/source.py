"""Reading source files: size cap, binary detection, and decoding with the decision recorded.

Parsers receive UTF-8 bytes. A file that is not UTF-8 is decoded (PEP 263 coding line, else a
fallback) and re-encoded, so tree-sitter byte offsets always refer to the UTF-8 text; for
UTF-8 files (the vast majority) those are the file's own bytes.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_FILE_BYTES = 1_000_000  # generated tables and vendored blobs, not hand-written code

# PEP 263: a coding declaration in the first or second line.
_CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_FALLBACK_ENCODINGS = ("cp1252", "latin-1")  # latin-1 decodes any byte string


class SkipFile(Exception):
    """A file that is not extracted; `reason` becomes a counted skip reason."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(slots=True)
class SourceFile:
    path: str  # repo-relative, `/` separators
    data: bytes  # UTF-8 bytes handed to the parser
    text: str
    encoding: str  # e.g. "utf-8", "utf-8-sig", "latin-1 (coding line)", "cp1252 (fallback)"


# Bytes that are not control characters (tab, newline, form feed, CR and escape count as text):
# deleting them from a byte string leaves its control characters, counted in C.
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13, 27))


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    # Many control characters (other than tab/newline/form feed/escape) mean not text.
    controls = len(head.translate(None, _NOT_CONTROL))
    return controls > max(8, len(head) // 100)


def first_lines(data: bytes, n: int) -> list[bytes]:
    """`data.splitlines()[:n]`, splitting only as much of `data` as that needs."""
    k = 512
    while True:
        lines = data[:k].splitlines()
        if len(lines) > n or k >= len(data):  # line n ends before the cut, so it is whole
            return lines[:n]
        k *= 4


def coding_declaration(data: bytes) -> str | None:
    for line in first_lines(data, 2):
        m = _CODING_RE.match(line)
        if m:
            return m.group(1).decode("ascii", "replace")
    return None


def decode(data: bytes, language: str) -> tuple[str, str]:
    """Decode source bytes; return (text, how it was decoded)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    declared = coding_declaration(data) if language == "python" else None
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            codec = None
        if codec and codec != "utf-8":
            try:
                return data.decode(codec), f"{codec} (coding line)"
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for codec in _FALLBACK_ENCODINGS:
        try:
            return data.decode(codec), f"{codec} (fallback)"
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")


def read_source(path: Path, relpath: str, language: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> SourceFile:
    """Read one file for extraction, or raise SkipFile(reason) for empty/binary/too large/unreadable."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SkipFile("too_large", f"{size} bytes > {max_bytes}")
        data = path.read_bytes()
    except OSError as exc:
        raise SkipFile("unreadable", str(exc)) from exc
    return source_from_bytes(data, relpath, language)


def source_from_bytes(data: bytes, relpath: str, language: str) -> SourceFile:
    if not data.strip():
        raise SkipFile("empty")
    if looks_binary(data):
        raise SkipFile("binary")
    text, encoding = decode(data, language)
    utf8 = data if encoding == "utf-8" else text.encode("utf-8")
    return SourceFile(path=relpath, data=utf8, text=text, encoding=encoding)
