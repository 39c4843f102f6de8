"""Repository lists: read, normalise, validate and de-duplicate.

A list names repositories to acquire. Accepted files: .csv, .tsv, .txt (one entry per
line, `#` comments, an optional commit after whitespace), .json (a list of strings or
objects, or {"repos": [...]}), .jsonl, .parquet and .xlsx (e.g. the S1 supplement of
Russell et al. 2018, which BioCoder used: a `repo_name` column).

An entry is one of
- `owner/name` (GitHub shorthand),
- a GitHub URL: https://github.com/owner/name(.git), git@github.com:owner/name.git,
  ssh://git@github.com/owner/name.git,
- another host's URL (https://, http://, ssh://, git://, scp-like user@host:path),
- a file:// URL or a local path (absolute, `./`/`../`-relative to the list file, or `~`):
  a git repository (bare or not) or a plain directory.
A bare `a/b` is always GitHub shorthand; write `./a/b` for a relative local path.

Identity (`RepoEntry.repo`) is what every output calls the repository: `owner/name` for
GitHub, `host/path` for other hosts, `local/<dirname>` for local paths. When a row has both
a name and a URL, the URL is where to clone from and the name is the identity, so a local
mirror can stand in for GitHub. Names are made of safe segments only (no `..`, no
absolute paths); the acquisition cache is keyed by a hash anyway, so no name ever chooses
a path outside the cache directory. Local *paths* may contain `..` (they are only read).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import unquote, urlsplit

NAME_COLUMNS = ("repo_name", "repo", "full_name", "repository", "name")
URL_COLUMNS = ("url", "clone_url", "git_url", "html_url", "source")
COMMIT_COLUMNS = ("commit", "sha", "commit_sha", "revision", "rev")

_GITHUB_HOSTS = {"github.com", "www.github.com"}
_OWNER_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_SEGMENT_RE = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,99}$")
_SHA_RE = re.compile(r"^[0-9a-fA-F]{7,64}$")
_SCP_RE = re.compile(r"^(?:(?P<user>[A-Za-z0-9._-]+)@)?(?P<host>[A-Za-z0-9.-]+):(?P<path>[^/].*|/.*)$")


class RepoListError(ValueError):
    """Malformed entries of a repo list; `problems` holds one message per bad entry."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        head = f"{len(problems)} malformed repo list entr{'y' if len(problems) == 1 else 'ies'}:"
        super().__init__("\n  ".join([head, *problems]))


@dataclass(frozen=True, slots=True)
class RepoEntry:
    repo: str  # identity: owner/name (GitHub), host/path (other hosts), local/<dirname>
    source: str  # where to clone from: a URL (file:// for local paths)
    commit: str | None = None  # pinned commit SHA (lower-case hex), None = default branch
    line: int = 0  # line (text formats), row (csv/xlsx/parquet) or item number; 0 = not from a file
    origin: str = ""  # "file:line" for messages

    @property
    def is_github(self) -> bool:
        return self.source.startswith("https://github.com/")

    @property
    def is_local(self) -> bool:
        return self.source.startswith("file://")

    @property
    def local_path(self) -> Path | None:
        return Path(unquote(urlsplit(self.source).path)) if self.is_local else None


# ---------------------------------------------------------------- single entries


def _safe_segments(path: str, what: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        raise ValueError(f"{what}: empty path")
    for p in parts:
        if p in (".", "..") or not _SEGMENT_RE.match(p):
            raise ValueError(f"{what}: unsafe or malformed path segment {p!r}")
    return parts


def _strip_git(name: str) -> str:
    return name[:-4] if name.endswith(".git") else name


def _github(owner: str, name: str, text: str) -> tuple[str, str]:
    name = _strip_git(name)
    if not _OWNER_RE.match(owner):
        raise ValueError(f"malformed GitHub owner {owner!r} in {text!r}")
    if name in (".", "..") or not _SEGMENT_RE.match(name):
        raise ValueError(f"malformed GitHub repository name {name!r} in {text!r}")
    return f"{owner}/{name}", f"https://github.com/{owner}/{name}.git"


def _local(path_text: str, base_dir: Path | None) -> tuple[str, str]:
    p = Path(os.path.expanduser(path_text))
    if not p.is_absolute():
        p = (base_dir or Path.cwd()) / p
    p = Path(os.path.normpath(p))
    name = _strip_git(p.name) or "root"
    slug = re.sub(r"[^A-Za-z0-9_.-]", "_", name).lstrip(".") or "repo"
    return f"local/{slug}", p.as_uri()


def normalize_source(text: str, base_dir: Path | None = None) -> tuple[str, str]:
    """(identity, clone URL) for one entry text; raises ValueError when malformed."""
    t = text.strip()
    if not t:
        raise ValueError("empty entry")
    is_path = t.startswith(("/", "./", "../", "~", "file://")) or t in (".", "..")
    if not is_path and ".." in re.split(r"[/:\\]", t):
        raise ValueError(f"'..' is not allowed in a repository name or URL: {t!r}")
    if any(c.isspace() for c in t) or any(ord(c) < 32 for c in t):
        raise ValueError(f"whitespace or control character in {t!r}")
    if t.startswith("file://"):
        u = urlsplit(t)
        if u.netloc not in ("", "localhost"):
            raise ValueError(f"file:// URL with a remote host: {t!r}")
        return _local(unquote(u.path), None)
    if t.startswith(("/", "./", "../", "~")) or t in (".", ".."):
        return _local(t, base_dir)
    if "://" in t:
        u = urlsplit(t)
        if u.scheme not in ("https", "http", "ssh", "git", "git+ssh"):
            raise ValueError(f"unsupported URL scheme {u.scheme!r} in {t!r}")
        host = (u.hostname or "").lower()
        if not host:
            raise ValueError(f"URL without a host: {t!r}")
        if u.query or u.fragment:
            raise ValueError(f"URL with a query or fragment: {t!r}")
        parts = _safe_segments(unquote(u.path), t)
        if host in _GITHUB_HOSTS:
            if len(parts) != 2:
                raise ValueError(f"GitHub URL must be https://github.com/owner/name: {t!r}")
            return _github(parts[0], parts[1], t)
        parts[-1] = _strip_git(parts[-1]) or parts[-1]
        return "/".join([host, *parts]), t
    m = _SCP_RE.match(t)
    if m and ("." in m["host"] or m["user"]):
        host = m["host"].lower()
        parts = _safe_segments(m["path"], t)
        if host in _GITHUB_HOSTS:
            if len(parts) != 2:
                raise ValueError(f"GitHub SSH address must be git@github.com:owner/name.git: {t!r}")
            return _github(parts[0], parts[1], t)
        parts[-1] = _strip_git(parts[-1]) or parts[-1]
        return "/".join([host, *parts]), t
    parts = t.split("/")
    if len(parts) == 2:
        return _github(parts[0], parts[1], t)
    raise ValueError(f"not owner/name, a URL or a local path (write ./{t} for a relative path): {t!r}")


def normalize_identity(name: str) -> str:
    """A user-given name (repo_name column) as an identity: owner/name or safe segments."""
    n = name.strip()
    if "://" in n or n.startswith("git@"):
        return normalize_source(n)[0]
    if n.startswith("/") or n.startswith("~"):
        raise ValueError(f"repository name must be relative, not a path: {n!r}")
    parts = _safe_segments(n, f"repository name {n!r}")
    if not 1 <= len(parts) <= 4:
        raise ValueError(f"repository name must be owner/name: {n!r}")
    parts[-1] = _strip_git(parts[-1]) or parts[-1]
    return "/".join(parts)


def web_url(repo: str, source: str = "") -> str:
    """The repository's web address from its identity: `owner/name` is GitHub, `host.tld/path`
    that host; local and unknown identities fall back to `source`. A local mirror named
    `owner/name` therefore still gets GitHub permalinks."""
    parts = repo.split("/")
    if parts[0] == "local" or len(parts) < 2:
        return source
    if len(parts) == 2 and "." not in parts[0]:
        return f"https://github.com/{repo}"
    if "." in parts[0]:
        return f"https://{repo}"
    return source


def normalize_commit(commit: Any) -> str | None:
    if commit is None:
        return None
    if isinstance(commit, float) and commit != commit:  # NaN from pandas
        return None
    c = str(commit).strip()
    if not c or c.lower() in ("nan", "none", "null", "head"):
        return None
    if not _SHA_RE.match(c):
        raise ValueError(f"commit must be a hex SHA (7 to 64 digits): {c!r}")
    return c.lower()


def parse_entry(
    text: str | None = None,
    *,
    name: str | None = None,
    url: str | None = None,
    commit: Any = None,
    line: int = 0,
    origin: str = "",
    base_dir: Path | None = None,
) -> RepoEntry:
    """One entry from an entry text, or from a name and/or URL (URL = source, name = identity).

    Raises ValueError with a message (without the line) when the entry is malformed.
    """
    name = (name or "").strip() or None
    url = (url or "").strip() or None
    text = (text or "").strip() or None
    if text and not (name or url):
        name = text
    if url:
        repo, source = normalize_source(url, base_dir)
        if name:
            repo = normalize_identity(name)
    elif name:
        repo, source = normalize_source(name, base_dir)
    else:
        raise ValueError("no repository name or URL")
    return RepoEntry(repo=repo, source=source, commit=normalize_commit(commit), line=line, origin=origin)


# ---------------------------------------------------------------- list files


def _pick(columns: Iterable[str], wanted: tuple[str, ...]) -> str | None:
    low = {c.strip().lower(): c for c in columns if isinstance(c, str)}
    for w in wanted:
        if w in low:
            return low[w]
    return None


def _rows_from_table(header: list[Any], rows: Iterable[tuple[int, list[Any]]], label: str) -> Iterator[tuple[int, dict]]:
    cols = [str(h).strip() if h is not None else "" for h in header]
    name_c, url_c, commit_c = _pick(cols, NAME_COLUMNS), _pick(cols, URL_COLUMNS), _pick(cols, COMMIT_COLUMNS)
    if name_c is None and url_c is None:
        raise RepoListError([f"{label}: no repository column (one of {', '.join(NAME_COLUMNS + URL_COLUMNS)}) in {cols}"])
    idx = {c: i for i, c in enumerate(cols)}
    for line, values in rows:
        get = lambda c: values[idx[c]] if c is not None and idx[c] < len(values) else None  # noqa: E731
        yield line, {"name": _cell(get(name_c)), "url": _cell(get(url_c)), "commit": get(commit_c)}


def _cell(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    s = str(v).strip()
    return s or None


def _is_header(row: list[Any]) -> bool:
    return _pick([str(c) for c in row if c is not None], NAME_COLUMNS + URL_COLUMNS) is not None


def _read_delimited(path: Path, delimiter: str) -> Iterator[tuple[int, dict]]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    for row in reader:
        if not row or all(not c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        rows.append((reader.line_num, row))
    if not rows:
        return
    if _is_header(rows[0][1]):
        yield from _rows_from_table(rows[0][1], rows[1:], str(path))
    else:  # headerless: entry [, commit]
        for line, row in rows:
            yield line, {"text": row[0], "commit": row[1] if len(row) > 1 else None}


def _read_txt(path: Path) -> Iterator[tuple[int, dict]]:
    for i, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        s = re.split(r"\s+#", s, maxsplit=1)[0].strip()
        parts = s.split()
        if len(parts) > 2:
            yield i, {"error": f"expected 'entry [commit]', got {len(parts)} fields"}
            continue
        yield i, {"text": parts[0], "commit": parts[1] if len(parts) > 1 else None}


def _json_item(item: Any) -> dict:
    if isinstance(item, str):
        return {"text": item}
    if isinstance(item, dict):
        keys = list(item)
        n, u, c = _pick(keys, NAME_COLUMNS), _pick(keys, URL_COLUMNS), _pick(keys, COMMIT_COLUMNS)
        return {"name": _cell(item.get(n)) if n else None, "url": _cell(item.get(u)) if u else None,
                "commit": item.get(c) if c else None}
    return {"error": f"expected a string or an object, got {type(item).__name__}"}


def _read_json(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise RepoListError([f"{path}:{exc.lineno}: invalid JSON: {exc.msg}"]) from exc
    if isinstance(data, dict):
        data = data.get("repos", data.get("repositories"))
    if not isinstance(data, list):
        raise RepoListError([f"{path}: expected a JSON list or an object with a 'repos' list"])
    for i, item in enumerate(data, 1):
        yield i, _json_item(item)


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    for i, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            yield i, _json_item(json.loads(raw))
        except json.JSONDecodeError as exc:
            yield i, {"error": f"invalid JSON: {exc.msg}"}


def _read_parquet(path: Path) -> Iterator[tuple[int, dict]]:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    cols = table.column_names
    data = table.to_pydict()
    rows = [(i + 1, [data[c][i] for c in cols]) for i in range(table.num_rows)]
    yield from _rows_from_table(cols, rows, str(path))


def _read_xlsx(path: Path) -> Iterator[tuple[int, dict]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), 1)]
            for k, (_, row) in enumerate(rows[:20]):  # the header may sit under a title row
                if _is_header(row):
                    body = [(i, r) for i, r in rows[k + 1:] if any(v is not None and str(v).strip() for v in r)]
                    yield from _rows_from_table(row, body, f"{path} [{ws.title}]")
                    return
        raise RepoListError([f"{path}: no sheet has a repository column ({', '.join(NAME_COLUMNS + URL_COLUMNS)})"])
    finally:
        wb.close()


READERS = {
    ".csv": lambda p: _read_delimited(p, ","),
    ".tsv": lambda p: _read_delimited(p, "\t"),
    ".txt": _read_txt,
    ".list": _read_txt,
    ".json": _read_json,
    ".jsonl": _read_jsonl,
    ".parquet": _read_parquet,
    ".xlsx": _read_xlsx,
}


def _dedupe_key(e: RepoEntry) -> str:
    return e.repo.casefold() if e.is_github else e.repo


def _same_source(a: RepoEntry, b: RepoEntry) -> bool:
    return a.source.casefold() == b.source.casefold() if a.is_github else a.source == b.source


def dedupe_entries(entries: Iterable[RepoEntry]) -> tuple[list[RepoEntry], list[tuple[RepoEntry, RepoEntry]], list[str]]:
    """(kept, [(dropped duplicate, the entry kept)], conflicts).

    Same identity (case-insensitive for GitHub), same source and same commit: a duplicate,
    dropped. Same identity with a different source or commit: a conflict (an error message),
    because the identity must name one tree in every output.
    """
    kept: list[RepoEntry] = []
    seen: dict[str, RepoEntry] = {}
    dropped: list[tuple[RepoEntry, RepoEntry]] = []
    conflicts: list[str] = []
    for e in entries:
        k = _dedupe_key(e)
        first = seen.get(k)
        if first is None:
            seen[k] = e
            kept.append(e)
        elif _same_source(first, e) and first.commit == e.commit:
            dropped.append((e, first))
        else:
            conflicts.append(
                f"{e.origin or e.line}: {e.repo} already listed at {first.origin or first.line} "
                f"with another source or commit ({first.source} @ {first.commit or 'HEAD'})"
            )
    return kept, dropped, conflicts


def read_repo_list(path: str | os.PathLike, *, duplicates: list | None = None) -> list[RepoEntry]:
    """Entries of a list file, normalised and de-duplicated, in file order.

    Raises RepoListError listing every malformed entry (file and line) at once.
    Dropped duplicates are appended to `duplicates` when given, as (dropped, kept) pairs.
    """
    p = Path(path)
    reader = READERS.get(p.suffix.lower())
    if reader is None:
        raise RepoListError([f"{p}: unsupported list format {p.suffix!r} (use one of {', '.join(READERS)})"])
    if not p.is_file():
        raise RepoListError([f"{p}: no such file"])
    base_dir = p.resolve().parent
    entries: list[RepoEntry] = []
    problems: list[str] = []
    for line, row in reader(p):
        where = f"{p}:{line}"
        if "error" in row:
            problems.append(f"{where}: {row['error']}")
            continue
        try:
            entries.append(parse_entry(row.get("text"), name=row.get("name"), url=row.get("url"),
                                       commit=row.get("commit"), line=line, origin=where, base_dir=base_dir))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    kept, dropped, conflicts = dedupe_entries(entries)
    problems.extend(conflicts)
    if problems:
        raise RepoListError(problems)
    if duplicates is not None:
        duplicates.extend(dropped)
    return kept
