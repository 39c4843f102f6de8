"""Licence detection: an SPDX id from a checkout's licence files, or "unknown".

Heuristics over text, in this order: top-level LICENSE*/LICENCE*/COPYING*/COPYRIGHT*/UNLICENSE
files (full licence texts and standard notices), then package metadata (pyproject.toml,
setup.cfg, setup.py, pom.xml, DESCRIPTION), then README* (an `SPDX-License-Identifier`, or a
licence name near the word "licence"). GPL/LGPL/AGPL versions get `-or-later` when the
"(at your option) any later version" notice is present outside the licence's own
"How to Apply" appendix, `-only` when a text says "version N only"; otherwise the bare
(deprecated) SPDX id, e.g. `GPL-3.0`, which means "version 3, later versions unknown".
"""

from __future__ import annotations

import os
import re
from pathlib import Path

UNKNOWN = "unknown"

_LICENSE_FILE = re.compile(r"^(licen[cs]e|copying|copyright|unlicense)([-._].*)?$", re.I)
_README_FILE = re.compile(r"^readme([-._].*)?$", re.I)
_META_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "pom.xml", "DESCRIPTION", "package.json")
_MAX_READ = 200_000

# (SPDX id, all of these regexes must match the normalised text), most specific first.
_FULL_TEXT: list[tuple[str, tuple[str, ...]]] = [
    ("AGPL-3.0", (r"gnu affero general public license",)),
    ("LGPL-3.0", (r"gnu lesser general public license", r"version 3")),
    ("LGPL-2.1", (r"gnu lesser general public license", r"version 2\.1")),
    ("LGPL-2.0", (r"gnu library general public license",)),
    ("GPL-3.0", (r"gnu general public license", r"version 3")),
    ("GPL-2.0", (r"gnu general public license", r"version 2")),
    ("GPL-1.0", (r"gnu general public license", r"version 1")),
    ("Apache-2.0", (r"apache license", r"version 2\.0")),
    ("Apache-1.1", (r"apache software license", r"version 1\.1")),
    ("MPL-2.0", (r"mozilla public license,? (version |v\. ?)2\.0",)),
    ("MPL-1.1", (r"mozilla public license,? (version |v\. ?)1\.1",)),
    ("EPL-2.0", (r"eclipse public license ?-? ?v(ersion)? ?2\.0",)),
    ("EPL-1.0", (r"eclipse public license ?-? ?v(ersion)? ?1\.0",)),
    ("CDDL-1.0", (r"common development and distribution license",)),
    ("BSL-1.0", (r"boost software license",)),
    ("CC0-1.0", (r"cc0 1\.0 universal|creative commons zero|\bcc0\b",)),
    ("CC-BY-SA-4.0", (r"attribution-sharealike 4\.0 international",)),
    ("CC-BY-4.0", (r"creative commons attribution 4\.0 international",)),
    ("Unlicense", (r"this is free and unencumbered software released into the public domain",)),
    ("WTFPL", (r"do what the fuck you want to public license",)),
    ("Artistic-2.0", (r"the artistic license 2\.0",)),
    ("Artistic-1.0", (r"the .?artistic license.?",)),
    ("ISC", (r"permission to use, copy, modify, and(/or)? distribute this software for any purpose with or without fee",)),
    ("MIT", (r"permission is hereby granted, free of charge, to any person obtaining a copy",)),
    ("BSD-4-Clause", (r"redistribution and use in source and binary forms", r"all advertising materials")),
    ("BSD-3-Clause", (r"redistribution and use in source and binary forms",
                      r"(neither the name|names of its contributors|name of the copyright holder).{0,200}(endorse|promote)")),
    ("BSD-2-Clause", (r"redistribution and use in source and binary forms",)),
    ("Zlib", (r"this software is provided 'as-is', without any express or implied warranty",
              r"altered source versions must be plainly marked")),
    ("PSF-2.0", (r"python software foundation license",)),
]

# Short names as written in READMEs and package metadata.
_SHORT: list[tuple[str, str]] = [
    ("AGPL-3.0", r"\bagpl[- ]?v?3|affero general public license"),
    ("LGPL-3.0", r"\blgpl[- ]?v?3|lesser general public license,? (version |v)?3"),
    ("LGPL-2.1", r"\blgpl[- ]?v?2\.1|lesser general public license,? (version |v)?2\.1"),
    ("LGPL", r"\blgpl\b|lesser general public license"),
    ("GPL-3.0", r"\bgpl[- ]?v?3|gnu general public license,? (version |v)?3|\bgnu gpl ?v?3|gpl-3"),
    ("GPL-2.0", r"\bgpl[- ]?v?2|gnu general public license,? (version |v)?2|\bgnu gpl ?v?2|gpl-2"),
    ("Apache-2.0", r"apache[- ]?(license|software license)?,? ?(version |v)?2(\.0)?\b|apache-2\.0"),
    ("MPL-2.0", r"mozilla public license,? (version |v)?2(\.0)?|\bmpl[- ]?2(\.0)?"),
    ("BSD-3-Clause", r"\bbsd[- ]?3[- ]?clause|\b(new|modified|revised) bsd|\b3-clause bsd"),
    ("BSD-2-Clause", r"\bbsd[- ]?2[- ]?clause|simplified bsd|freebsd license|\b2-clause bsd"),
    ("MIT", r"\bmit\b(/x11)?( |-)?(license|licence)?"),
    ("ISC", r"\bisc (license|licence)"),
    ("CC0-1.0", r"\bcc0\b|creative commons zero"),
    ("Unlicense", r"\bthe unlicense\b|\bunlicense\b"),
    ("Artistic-2.0", r"artistic license,? (version )?2\.0|artistic-2\.0"),
    ("EPL-2.0", r"eclipse public license,? (version |v)?2\.0|\bepl[- ]?2"),
    ("BSL-1.0", r"boost software license"),
    ("BSD", r"\bbsd (license|licence)"),
]

_SPDX_LINE = re.compile(r"spdx-license-identifier:\s*([A-Za-z0-9.+-]+(?:\s+(?:or|and|with)\s+[A-Za-z0-9.+-]+)*)", re.I)
_LATER = re.compile(r"\(at your option\)\s*any later version|or any later version", re.I)
_ONLY = re.compile(r"version [123](\.\d)? only|-only\b", re.I)
_META_LICENSE = re.compile(
    r"""(?:^|[\s,{(])license\s*[=:]\s*(?:\{\s*text\s*=\s*)?["']?([^"'\n}]+)|<license>\s*<name>([^<]+)</name>|^license:\s*(.+)$""",
    re.I | re.M)


def _norm(text: str) -> str:
    return re.sub(r"[\s*#/>|]+", " ", text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')).lower()


def _read(path: Path) -> str:
    try:
        if path.is_symlink() or not path.is_file():
            return ""
        with open(path, "rb") as f:
            data = f.read(_MAX_READ)
    except OSError:
        return ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _gpl_suffix(spdx: str, text: str, extra: str = "") -> str:
    if not spdx.startswith(("GPL-", "LGPL-", "AGPL-")):
        return spdx
    body = text
    for end in ("end of terms and conditions", "how to apply these terms"):
        i = body.lower().find(end)
        if i >= 0:
            body = body[:i] + " "
            break
    notice = body + " " + extra
    # The full licence texts quote "or any later version" in their terms; a real notice says
    # "either version N ... or (at your option) any later version".
    if re.search(r"\(at your option\)\s*any later version", notice, re.I):
        return spdx + "-or-later"
    if _ONLY.search(notice):
        return spdx + "-only"
    return spdx


def classify_text(text: str) -> str | None:
    """SPDX id for a licence file's text (full text or standard notice), or None."""
    m = _SPDX_LINE.search(text)
    if m:
        return m.group(1).strip()
    t = _norm(text)
    for spdx, patterns in _FULL_TEXT:
        if all(re.search(p, t) for p in patterns):
            return _gpl_suffix(spdx, t)
    return None


def classify_name(text: str) -> str | None:
    """SPDX id for a short licence name ("MIT", "GPLv3", "Apache License 2.0"), or None."""
    t = _norm(text)
    exact = {"mit": "MIT", "isc": "ISC", "unlicense": "Unlicense", "bsd": "BSD-3-Clause"}
    if t.strip() in exact:
        return exact[t.strip()]
    for spdx, pattern in _SHORT:
        if re.search(pattern, t):
            if spdx in ("GPL-3.0", "GPL-2.0", "LGPL-3.0", "LGPL-2.1", "AGPL-3.0"):
                if re.search(r"\+|or[- ]later|any later", t):
                    return spdx + "-or-later"
                if re.search(r"-only|\bonly\b", t):
                    return spdx + "-only"
            if spdx == "BSD":
                return "BSD-3-Clause"
            return spdx
    return None


def _readme_license(text: str) -> str | None:
    m = _SPDX_LINE.search(text)
    if m:
        return m.group(1).strip()
    full = classify_text(text)  # a README that embeds the licence text
    if full and not full.startswith(("CC0", "BSD-2")):
        return full
    for m in re.finditer(r"licen[cs]", text, re.I):
        window = text[max(0, m.start() - 120): m.end() + 200]
        name = classify_name(window)
        if name:
            return name
    return None


def detect_license(checkout: str | os.PathLike) -> str:
    """SPDX id of the repository's licence, or "unknown". Reads top-level files only."""
    root = Path(checkout)
    try:
        names = sorted(e.name for e in os.scandir(root) if e.is_file(follow_symlinks=False))
    except OSError:
        return UNKNOWN
    readme_text = " ".join(_read(root / n)[:20_000] for n in names if _README_FILE.match(n))
    for n in sorted((n for n in names if _LICENSE_FILE.match(n)), key=lambda n: (len(n), n)):
        text = _read(root / n)
        spdx = classify_text(text)
        if spdx:
            if spdx in ("GPL-3.0", "GPL-2.0", "LGPL-3.0", "LGPL-2.1", "AGPL-3.0"):
                spdx = _gpl_suffix(spdx, "", readme_text)
            return spdx
        spdx = classify_name(text[:200]) if len(text) < 300 else None  # LICENSE containing just "MIT"
        if spdx:
            return spdx
    for n in _META_FILES:
        if n in names:
            for m in _META_LICENSE.finditer(_read(root / n)):
                value = next(g for g in m.groups() if g)
                spdx = classify_name(value)
                if spdx:
                    return spdx
    if readme_text:
        spdx = _readme_license(readme_text)
        if spdx:
            return spdx
    return UNKNOWN
