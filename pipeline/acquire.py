"""Repository acquisition: clone each list entry at a pinned commit into a cache.

One `RepoSnapshot` per entry, whatever happens: status is one of STATUSES, and a failed
repository never stops the run.

How a repository is fetched (the same for GitHub, other hosts and file:// URLs):
`git init` (no templates, so no hooks) + `remote add origin` + a shallow
`git fetch --depth 1 origin <sha>` (pinned) or `origin HEAD` (default branch) +
`git checkout --detach FETCH_HEAD`. When the server refuses a shallow fetch of an
unadvertised SHA, a full fetch of the branches follows and the SHA is looked up in it.

Safety and bounds: GIT_TERMINAL_PROMPT=0 and ssh BatchMode (never a prompt), a wall-clock
timeout per attempt (the git process group is killed), no submodules, LFS smudging off,
core.hooksPath=/dev/null, and a size cap watched while fetching and checked after checkout.
Network git runs through `subprocess` in its own process group (so a timeout or the size
cap can kill git and its helpers, and git's own stderr is kept for the error text); local
git operations go through gitpython.

Retries with exponential backoff only for transient failures (timeouts, connection
resets, hang-ups); never for not_found, auth_required or too_large.

Cache: `<cache>/checkouts/<slug>-<hash of (source, commit or "HEAD")>/` holds `tree/` (the
checkout) and `snapshot.json`, a marker written last. A directory without the marker is
a checkout a killed run left half-written: it is removed and redone. A default-branch
entry is reused from the cache on later runs (the SHA it resolved to is in the marker);
pass refresh=True to fetch the branch again. Directory names come from a hash, never
from a repository name, so no entry can make acquisition write outside the cache.

Plain local directories (not git repositories) are copied (symlinks copied as links,
never followed); their `commit` is a content hash: the first 40 hex digits of a SHA-256
over the sorted (path, mode, bytes) of the tree. It is stable across machines, but it is
not a git SHA. The copy is reused while the content hash is unchanged.

Later stages walk a checkout with `iter_repo_files`, which yields regular files only,
skips `.git`, and never follows a symbolic link.
"""

from __future__ import annotations

import dataclasses
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import urlsplit, urlunsplit

import git
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.licenses import detect_license
from pipeline.repolist import RepoEntry

STATUSES = ("ok", "not_found", "auth_required", "timeout", "too_large", "error")

DEFAULT_TIMEOUT = 300.0  # seconds per attempt
DEFAULT_MAX_BYTES = 2 * 1024**3  # .git + checkout
DEFAULT_RETRIES = 2
MARKER_NAME = "snapshot.json"
MARKER_VERSION = 1

GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_LFS_SKIP_SMUDGE": "1",
    "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o ConnectTimeout=30",
    "GIT_ASKPASS": "",
    "SSH_ASKPASS": "",
    "LC_ALL": "C",
    "LANGUAGE": "C",
}

# Written into each checkout's .git/config, so later `git` calls in it are safe too.
GIT_REPO_CONFIG = {
    "core.hooksPath": "/dev/null",
    "core.fsmonitor": "false",
    "protocol.file.allow": "always",
    "submodule.recurse": "false",
    "fetch.recurseSubmodules": "false",
    "advice.detachedHead": "false",
    "gc.auto": "0",
}


@dataclass(slots=True)
class RepoSnapshot:
    repo: str  # identity (owner/name), as in every output
    source: str  # where it was cloned from
    commit: str  # resolved commit SHA ("" when not acquired)
    status: str  # one of STATUSES
    error: str = ""
    checkout: str | None = None  # absolute path of the checked-out tree
    license: str = "unknown"
    py_files: int = 0
    py_bytes: int = 0
    java_files: int = 0
    java_bytes: int = 0
    attempts: int = 0  # network attempts made in this run (0 when served from the cache)
    seconds: float = 0.0
    from_cache: bool = False
    requested_commit: str | None = None  # the pinned commit of the entry, if any
    line: int = 0  # line of the entry in its list

    def to_row(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


SNAPSHOT_FIELDS: list[tuple[str, pa.DataType, str]] = [
    ("repo", pa.string(), "repository identity, owner/name"),
    ("source", pa.string(), "URL it was cloned from"),
    ("commit", pa.string(), "resolved commit SHA (content hash for plain directories); empty on failure"),
    ("status", pa.string(), "ok, not_found, auth_required, timeout, too_large or error"),
    ("error", pa.string(), "error text for a failed repository"),
    ("checkout", pa.string(), "local path of the checked-out tree"),
    ("license", pa.string(), "SPDX id of the licence, or unknown"),
    ("py_files", pa.int64(), "number of .py files"),
    ("py_bytes", pa.int64(), "bytes of .py files"),
    ("java_files", pa.int64(), "number of .java files"),
    ("java_bytes", pa.int64(), "bytes of .java files"),
    ("attempts", pa.int32(), "network attempts in this run (0 = served from the cache)"),
    ("seconds", pa.float64(), "wall time spent on the repository"),
    ("from_cache", pa.bool_(), "the checkout was reused from the cache"),
    ("requested_commit", pa.string(), "commit pinned by the list, if any"),
    ("line", pa.int32(), "line of the entry in the repo list"),
]
SNAPSHOT_SCHEMA = pa.schema([pa.field(n, t) for n, t, _ in SNAPSHOT_FIELDS])


# ---------------------------------------------------------------- walking a checkout


@dataclass(frozen=True, slots=True)
class RepoFile:
    path: str  # relative to the checkout, `/` separators
    abspath: Path
    size: int


def iter_repo_files(checkout: str | os.PathLike, suffixes: Iterable[str] | None = None,
                    skip_dirs: Iterable[str] = (".git",)) -> Iterator[RepoFile]:
    """Regular files under `checkout`, sorted by path; what every later stage should walk.

    Symbolic links are never followed and never yielded, whether they point inside the
    checkout or out of it (a link to a file inside is reached under the file's own path;
    a link out of it, e.g. to /etc/passwd, is not reachable at all). Directories named in
    `skip_dirs` (by default `.git`) are skipped. `suffixes` filters by file-name ending.
    """
    root = Path(checkout)
    sfx = tuple(suffixes) if suffixes is not None else None
    skip = set(skip_dirs)

    def walk(d: Path, rel: str) -> Iterator[RepoFile]:
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
            return
        for e in entries:
            if e.is_symlink():
                continue
            r = f"{rel}{e.name}"
            if e.is_dir(follow_symlinks=False):
                if e.name not in skip:
                    yield from walk(Path(e.path), r + "/")
            elif e.is_file(follow_symlinks=False) and (sfx is None or e.name.endswith(sfx)):
                yield RepoFile(r, Path(e.path), e.stat(follow_symlinks=False).st_size)

    yield from walk(root, "")


safe_walk = iter_repo_files


def read_repo_file(checkout: str | os.PathLike, relpath: str, max_bytes: int | None = None) -> bytes:
    """Bytes of a file named by a repo-relative path; refuses symlinks and paths leaving the checkout."""
    root = Path(checkout).resolve()
    target = (root / relpath)
    cur = root
    for part in Path(relpath).parts:
        if part in ("..", "") or os.path.isabs(part):
            raise ValueError(f"unsafe path {relpath!r}")
        cur = cur / part
        if cur.is_symlink():
            raise ValueError(f"{relpath!r} goes through a symbolic link")
    fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise ValueError(f"{relpath!r} is not a regular file")
        return f.read() if max_bytes is None else f.read(max_bytes)


def tree_stats(checkout: str | os.PathLike) -> dict[str, int]:
    out = {"py_files": 0, "py_bytes": 0, "java_files": 0, "java_bytes": 0}
    for f in iter_repo_files(checkout, (".py", ".java")):
        lang = "py" if f.path.endswith(".py") else "java"
        out[f"{lang}_files"] += 1
        out[f"{lang}_bytes"] += f.size
    return out


def _dir_size(path: Path) -> int:
    total = 0
    for dirpath, dirnames, filenames in os.walk(path):
        for n in filenames:
            try:
                total += os.lstat(os.path.join(dirpath, n)).st_size
            except OSError:
                pass
    return total


# ---------------------------------------------------------------- git plumbing


class _Failure(Exception):
    def __init__(self, status: str, message: str, transient: bool = False):
        super().__init__(message)
        self.status, self.message, self.transient = status, message, transient


_NOT_FOUND = re.compile(
    r"repository .* not found|does not appear to be a git repository|not found|no such file or directory"
    r"|could not read from remote repository", re.I)
_AUTH = re.compile(
    r"authentication failed|could not read username|could not read password|terminal prompts disabled"
    r"|permission denied \(publickey|http\S* 40[13]|requested url returned error: 40[13]"
    r"|host key verification failed", re.I)
_TRANSIENT = re.compile(
    r"connection reset|connection timed out|operation timed out|timed out|early eof|rpc failed"
    r"|the remote end hung up unexpectedly|unexpected disconnect|transfer closed|http\S* 5\d\d"
    r"|requested url returned error: 5\d\d|gnutls|ssl_read|temporary failure|broken pipe|packet write failed", re.I)
_REFUSED_SHA = re.compile(
    r"not our ref|couldn't find remote ref|unadvertised object|no such remote ref|unknown revision"
    r"|invalid refspec|server does not allow request", re.I)


def _classify(stderr: str) -> tuple[str, bool]:
    """(status, transient) for a failed git network command's stderr."""
    if _AUTH.search(stderr):
        return "auth_required", False
    if _TRANSIENT.search(stderr):
        return ("timeout" if "timed out" in stderr.lower() else "error"), True
    if _NOT_FOUND.search(stderr):
        return "not_found", False
    return "error", False


def _redact(url: str) -> str:
    try:
        u = urlsplit(url)
    except ValueError:
        return url
    if u.username or u.password:
        host = u.hostname or ""
        return urlunsplit((u.scheme, host + (f":{u.port}" if u.port else ""), u.path, u.query, u.fragment))
    return url


def _git_env() -> dict[str, str]:
    env = os.environ.copy()
    env.update(GIT_ENV)
    return env


def _tail(text: str, n: int = 2000) -> str:
    text = text.strip()
    return text if len(text) <= n else "…" + text[-n:]


def _run_git(args: Sequence[str], cwd: Path, timeout: float, watch: Path | None = None,
             max_bytes: int | None = None) -> tuple[int, str]:
    """Run git in its own process group; kill the group on timeout or when `watch` outgrows max_bytes."""
    cmd = ["git", "-c", "protocol.file.allow=always", "-c", "core.hooksPath=/dev/null", *args]
    proc = subprocess.Popen(cmd, cwd=cwd, env=_git_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + timeout
    next_size_check = time.monotonic() + 1.0
    err = b""
    try:
        while True:
            try:
                _, err = proc.communicate(timeout=max(0.01, min(0.5, deadline - time.monotonic())))
                break
            except subprocess.TimeoutExpired:
                now = time.monotonic()
                if now >= deadline:
                    _kill_group(proc)
                    raise _Failure("timeout", f"git {args[0]} did not finish within {timeout:g} s (killed)",
                                   transient=True)
                if watch is not None and max_bytes and now >= next_size_check:
                    next_size_check = now + 1.0
                    size = _dir_size(watch)
                    if size > max_bytes:
                        _kill_group(proc)
                        raise _Failure("too_large", f"more than {max_bytes} bytes fetched (limit), stopped")
    except BaseException:
        _kill_group(proc)
        raise
    return proc.returncode, err.decode("utf-8", "replace")


def _kill_group(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        proc.communicate(timeout=5)
    except (subprocess.TimeoutExpired, ValueError):
        pass


def _fetch_checkout(entry: RepoEntry, tree: Path, timeout: float, max_bytes: int) -> str:
    """Fetch and check out `entry` into the empty directory `tree`; returns the HEAD SHA."""
    tree.mkdir(parents=True)
    repo = git.Repo.init(tree, template="", initial_branch="main", allow_unsafe_options=True)  # empty template: no hooks
    try:
        with repo.config_writer() as cw:
            for key, value in GIT_REPO_CONFIG.items():
                section, _, option = key.rpartition(".")
                cw.set_value(section, option, value)
        repo.create_remote("origin", entry.source)
        gitdir = tree / ".git"
        base = ["fetch", "--no-tags", "--no-recurse-submodules", "--quiet"]
        want = entry.commit or "HEAD"
        rc, err = _run_git([*base, "--depth", "1", "origin", want], tree, timeout, gitdir, max_bytes)
        target = "FETCH_HEAD"
        if rc != 0:
            status, transient = _classify(err)
            if _REFUSED_SHA.search(err):
                status, transient = "error", False
            if status != "error" or transient:
                raise _Failure(status, f"git fetch {_redact(entry.source)} {want}: {_tail(err)}", transient)
            # The server refused the shallow fetch (an unadvertised or abbreviated SHA, a dumb
            # server): fetch branches and tags in full and look the commit up there.
            refspecs = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]
            args = [*base, "origin", *refspecs] if entry.commit else [*base, "origin", "HEAD"]
            rc2, err2 = _run_git(args, tree, timeout, gitdir, max_bytes)
            if rc2 != 0:
                status2, transient2 = _classify(err2)
                if "couldn't find remote ref head" in err2.lower():
                    status2, err2 = "error", "empty repository (no default branch): " + err2
                raise _Failure(status2, f"git fetch {_redact(entry.source)}: {_tail(err2)}", transient2)
            if entry.commit:
                try:
                    target = repo.git.rev_parse("--verify", "--quiet", f"{entry.commit}^{{commit}}")
                except git.GitCommandError:
                    raise _Failure("not_found", f"commit {entry.commit} not found in {_redact(entry.source)}")
        try:
            repo.git.checkout("--quiet", "--detach", target, env=GIT_ENV, kill_after_timeout=timeout)
        except git.GitCommandError as exc:
            raise _Failure("error", f"git checkout {target}: {_tail(str(exc.stderr or exc))}")
        sha = repo.head.commit.hexsha
        if entry.commit and not sha.startswith(entry.commit):
            raise _Failure("error", f"checked out {sha}, expected {entry.commit}")
        return sha
    finally:
        repo.close()


# ---------------------------------------------------------------- the cache


def cache_key(entry: RepoEntry) -> str:
    """Directory name for (source, commit): a readable slug plus a hash; never a path."""
    src = entry.source.casefold() if entry.is_github else entry.source
    h = hashlib.sha256(f"{src}\n{entry.commit or 'HEAD'}".encode()).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9_.-]", "_", entry.repo.rsplit("/", 1)[-1]).lstrip(".")[:40] or "repo"
    return f"{slug}-{h}"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive flock: serialises two threads or processes working on one cache entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _read_marker(workdir: Path) -> dict | None:
    try:
        m = json.loads((workdir / MARKER_NAME).read_text())
    except (OSError, ValueError):
        return None
    if m.get("version") != MARKER_VERSION or not (workdir / "tree").is_dir():
        return None
    return m


def _write_marker(workdir: Path, data: dict) -> None:
    tmp = workdir / (MARKER_NAME + ".tmp")
    tmp.write_text(json.dumps({"version": MARKER_VERSION, **data}, indent=1, sort_keys=True))
    os.replace(tmp, workdir / MARKER_NAME)


def _rmtree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        def fix(func: Callable, p: str, _exc: Any) -> None:  # read-only directories
            os.chmod(os.path.dirname(p) or ".", stat.S_IRWXU)
            func(p)
        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=fix)
        else:
            shutil.rmtree(path, onerror=fix)


def _is_git_dir(path: Path) -> bool:
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir())


def content_hash(root: Path) -> tuple[str, int]:
    """(first 40 hex of a SHA-256 over sorted (path, mode, bytes or link text), total bytes)."""
    h = hashlib.sha256()
    total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for n in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, root).replace(os.sep, "/")
            st = os.lstat(p)
            h.update(rel.encode("utf-8", "surrogateescape") + b"\0" + oct(st.st_mode).encode() + b"\0")
            if stat.S_ISLNK(st.st_mode):
                h.update(os.readlink(p).encode("utf-8", "surrogateescape"))
            elif stat.S_ISREG(st.st_mode):
                total += st.st_size
                with open(p, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
            h.update(b"\0")
    return h.hexdigest()[:40], total


# ---------------------------------------------------------------- acquisition


def _tree_facts(tree: Path) -> dict:
    """Licence and file counts: computed once per checkout and kept in its marker."""
    return {"license": detect_license(tree), **tree_stats(tree)}


def _finish(entry: RepoEntry, sha: str, tree: Path, t0: float, attempts: int, from_cache: bool,
            facts: dict | None = None) -> RepoSnapshot:
    return RepoSnapshot(
        repo=entry.repo, source=entry.source, commit=sha, status="ok", checkout=str(tree),
        attempts=attempts, seconds=round(time.monotonic() - t0, 3),
        from_cache=from_cache, requested_commit=entry.commit, line=entry.line, **(facts or _tree_facts(tree)),
    )


def cached_snapshot(entry: RepoEntry, cache_dir: str | os.PathLike) -> RepoSnapshot | None:
    """The entry's finished git checkout in the cache, without touching git or the network;
    None when it has to go through acquire() (not cached, or a plain-directory copy whose
    source may have changed)."""
    workdir = Path(cache_dir).resolve() / "checkouts" / cache_key(entry)
    marker = _read_marker(workdir)
    if not marker or marker.get("kind") != "git" or not marker.get("commit"):
        return None
    return _finish(entry, marker["commit"], workdir / "tree", time.monotonic(), 0, True, marker.get("facts"))


def _failed(entry: RepoEntry, status: str, error: str, t0: float, attempts: int) -> RepoSnapshot:
    return RepoSnapshot(repo=entry.repo, source=entry.source, commit="", status=status, error=error,
                        attempts=attempts, seconds=round(time.monotonic() - t0, 3),
                        requested_commit=entry.commit, line=entry.line)


def _copy_dir(entry: RepoEntry, src: Path, workdir: Path, max_bytes: int, t0: float) -> RepoSnapshot:
    digest, total = content_hash(src)
    if total > max_bytes:
        return _failed(entry, "too_large", f"{total} bytes > limit {max_bytes}", t0, 0)
    marker = _read_marker(workdir)
    tree = workdir / "tree"
    if marker and marker.get("commit") == digest:
        return _finish(entry, digest, tree, t0, 0, True)
    _rmtree(workdir)
    workdir.mkdir(parents=True)
    shutil.copytree(src, tree, symlinks=True)
    _write_marker(workdir, {"source": entry.source, "requested": "HEAD", "commit": digest, "kind": "dir"})
    return _finish(entry, digest, tree, t0, 0, False)


def acquire(entry: RepoEntry, cache_dir: str | os.PathLike, *, timeout: float = DEFAULT_TIMEOUT,
            max_bytes: int = DEFAULT_MAX_BYTES, retries: int = DEFAULT_RETRIES, backoff: float = 1.0,
            refresh: bool = False) -> RepoSnapshot:
    """Fetch one entry into the cache (or reuse it) and describe it; never raises for repo problems.

    `timeout` bounds each attempt; a repository takes at most (retries + 1) attempts, waiting
    backoff * 2**k seconds between them, and only after a transient failure.
    """
    t0 = time.monotonic()
    workdir = Path(cache_dir).resolve() / "checkouts" / cache_key(entry)
    with _locked(Path(cache_dir).resolve() / "locks" / (workdir.name + ".lock")):
        marker = _read_marker(workdir)
        tree = workdir / "tree"
        if marker and not refresh and marker.get("commit") and marker.get("kind") == "git":
            return _finish(entry, marker["commit"], tree, t0, 0, True, marker.get("facts"))  # no network, not even a local check
        local = entry.local_path
        if local is not None:
            if not local.exists() and marker and marker.get("kind") == "dir":
                return _finish(entry, marker["commit"], tree, t0, 0, True)  # the copy outlives its source
            if not local.exists():
                return _failed(entry, "not_found", f"no such local path: {local}", t0, 0)
            if not local.is_dir():
                return _failed(entry, "error", f"not a directory: {local}", t0, 0)
            if not _is_git_dir(local):
                try:
                    return _copy_dir(entry, local, workdir, max_bytes, t0)
                except OSError as exc:
                    _rmtree(workdir)
                    return _failed(entry, "error", f"copying {local}: {exc}", t0, 0)
        attempts = 0
        while True:
            attempts += 1
            _rmtree(workdir)  # a half-written checkout of a killed run, or a failed attempt
            workdir.mkdir(parents=True)
            try:
                sha = _fetch_checkout(entry, tree, timeout, max_bytes)
                size = _dir_size(workdir)
                if size > max_bytes:
                    raise _Failure("too_large", f"{size} bytes after checkout > limit {max_bytes}")
                facts = _tree_facts(tree)
                _write_marker(workdir, {"source": entry.source, "requested": entry.commit or "HEAD",
                                        "commit": sha, "kind": "git", "facts": facts})
                return _finish(entry, sha, tree, t0, attempts, False, facts)
            except _Failure as f:
                _rmtree(workdir)
                if f.transient and attempts <= retries:
                    time.sleep(backoff * 2 ** (attempts - 1))
                    continue
                return _failed(entry, f.status, f.message, t0, attempts)
            except OSError as exc:
                _rmtree(workdir)
                status = "too_large" if exc.errno == errno.ENOSPC else "error"
                return _failed(entry, status, f"{type(exc).__name__}: {exc}", t0, attempts)
            except git.GitError as exc:
                _rmtree(workdir)
                return _failed(entry, "error", f"{type(exc).__name__}: {_tail(str(exc))}", t0, attempts)


def _acquire_guarded(entry: RepoEntry, cache_dir: str | os.PathLike, kwargs: dict) -> RepoSnapshot:
    t0 = time.monotonic()
    try:
        return acquire(entry, cache_dir, **kwargs)
    except Exception as exc:  # a bug must not stop the run: counted as an error with its text
        return _failed(entry, "error", f"internal error: {type(exc).__name__}: {exc}", t0, 0)


def acquire_all(entries: Sequence[RepoEntry], cache_dir: str | os.PathLike, jobs: int = 4,
                on_done: Callable[[RepoSnapshot], None] | None = None, **kwargs: Any) -> list[RepoSnapshot]:
    """Acquire every entry with `jobs` threads; snapshots in input order, one per entry.

    `on_done(snapshot)` is called in the calling thread as each entry finishes (progress bars).
    `kwargs` go to `acquire` (timeout, max_bytes, retries, backoff, refresh).
    """
    results: list[RepoSnapshot | None] = [None] * len(entries)
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    ex = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="acquire")
    try:
        futures = {ex.submit(_acquire_guarded, e, cache_dir, kwargs): i for i, e in enumerate(entries)}
        for fut in as_completed(futures):
            snap = fut.result()
            results[futures[fut]] = snap
            if on_done is not None:
                on_done(snap)
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
    return [r for r in results if r is not None]


def status_counts(snapshots: Iterable[RepoSnapshot]) -> dict[str, int]:
    counts = {s: 0 for s in STATUSES}
    for s in snapshots:
        counts[s.status] = counts.get(s.status, 0) + 1
    return counts


def write_snapshots(snapshots: Iterable[RepoSnapshot], path: str | os.PathLike) -> Path:
    """Write the snapshot table atomically (temporary file in the same directory + os.replace)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist([s.to_row() for s in snapshots], schema=SNAPSHOT_SCHEMA)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


def read_snapshots(path: str | os.PathLike) -> list[RepoSnapshot]:
    names = {f.name for f in dataclasses.fields(RepoSnapshot)}
    return [RepoSnapshot(**{k: v for k, v in row.items() if k in names})
            for row in pq.read_table(path, schema=SNAPSHOT_SCHEMA).to_pylist()]
