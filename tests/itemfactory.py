"""A small FunctionRecord factory for the filter/dedup/split/writer tests (no extractor needed)."""

from __future__ import annotations

import textwrap
from typing import Any

from pipeline.records import FunctionRecord, ImportUse, Parameter, record_id

BIO_PY = '''\
def gc_content(seq, window=100):
    """Compute the GC content of a DNA sequence in sliding windows along the genome."""
    seq = seq.upper()
    values = []
    for start in range(0, max(len(seq) - window + 1, 1)):
        chunk = seq[start:start + window]
        gc = chunk.count("G") + chunk.count("C")
        values.append(gc / float(len(chunk)))
    return values
'''

BIO_JAVA = '''\
/**
 * Returns the reverse complement of a DNA sequence, keeping IUPAC ambiguity codes.
 */
public static String reverseComplement(String sequence) {
    StringBuilder out = new StringBuilder(sequence.length());
    for (int i = sequence.length() - 1; i >= 0; i--) {
        char base = sequence.charAt(i);
        switch (base) {
            case 'A': out.append('T'); break;
            case 'T': out.append('A'); break;
            case 'G': out.append('C'); break;
            case 'C': out.append('G'); break;
            default: out.append('N');
        }
    }
    return out.toString();
}
'''


def _docstring(code: str, language: str) -> str | None:
    if language == "java":
        start = code.find("/**")
        return code[start:code.find("*/") + 2] if start >= 0 else None
    for quote in ('"""', "'''"):
        i = code.find(quote)
        if i >= 0:
            j = code.find(quote, i + 3)
            return code[i:j + 3]
    return None


def make_record(code: str | None = None, language: str = "python", repo: str = "lab/seqtools",
                path: str | None = None, name: str | None = None, **kw: Any) -> FunctionRecord:
    code = textwrap.dedent(code if code is not None else (BIO_PY if language == "python" else BIO_JAVA))
    path = path or ("seqtools/gc.py" if language == "python" else "src/main/java/org/lab/Seq.java")
    if name is None:
        head = code.split("(")[0].split()
        name = head[-1] if head else "f"
    start = kw.pop("start_line", 10)
    n_lines = code.count("\n")
    body = code[code.find("{"):] if language == "java" else code.split(":\n", 1)[-1]
    fields: dict[str, Any] = dict(
        id=record_id(repo, "c0ffee", path, f"{name}:{start}"), repo=repo, repo_url=f"https://github.com/{repo}",
        commit="c0ffee", path=path, language=language, license="MIT",
        url=f"https://github.com/{repo}/blob/c0ffee/{path}#L{start}-L{start + n_lines}",
        name=name, qualified_name=f"seqtools.{name}", kind="function" if language == "python" else "method",
        scope="module" if language == "python" else "class", signature=code.splitlines()[0], code=code, body=body,
        start_line=start, end_line=start + n_lines, start_byte=0, end_byte=len(code.encode()),
        docstring=_docstring(code, language), parameters=[Parameter("seq")],
        modifiers=["public", "static"] if language == "java" else [],
    )
    fields.update(kw)
    return FunctionRecord(**fields)


def third_party(module: str) -> ImportUse:
    return ImportUse(statement=f"import {module}", module=module, names=[module.split(".")[-1]], kind="third_party")
