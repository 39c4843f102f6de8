"""Acquisition with real git: bare repositories made here, cloned over file://."""

import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.acquire import (
    MARKER_NAME, SNAPSHOT_SCHEMA, _classify, acquire, acquire_all, cache_key, iter_repo_files,
    read_repo_file, read_snapshots, status_counts, write_snapshots,
)
from pipeline.repolist import parse_entry

GIT_ID = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
          "GIT_COMMITTER_EMAIL": "t@x", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=cwd, env={**os.environ, **GIT_ID},
                          check=True, capture_output=True, text=True).stdout.strip()


def make_repo(root: Path, name: str, commits: list[dict[str, str | bytes]]) -> tuple[Path, list[str]]:
    """A bare repo `root/name.git` with one commit per dict of {path: content}; returns (bare, shas)."""
    work = root / f"{name}-work"
    work.mkdir(parents=True)
    git("init", "-q", cwd=work)
    shas = []
    for i, files in enumerate(commits):
        for rel, content in files.items():
            p = work / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(content if isinstance(content, bytes) else content.encode())
        git("add", "-A", cwd=work)
        git("commit", "-q", "-m", f"c{i}", cwd=work)
        shas.append(git("rev-parse", "HEAD", cwd=work))
    bare = root / f"{name}.git"
    git("clone", "-q", "--bare", str(work), str(bare))
    return bare, shas


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    root = tmp_path_factory.mktemp("remote")
    bare, shas = make_repo(root, "tool", [
        {"a.py": "def f():\n    return 1\n", "LICENSE": "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n"},
        {"b.py": "x = 2\n", "src/Main.java": "class Main {}\n"},
        {"c.py": "y = 3\n"},
    ])
    return {"root": root, "bare": bare, "shas": shas}


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never answers (a hung git server)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            try:
                self.conns.append(self.sock.accept()[0])
            except OSError:
                continue

    def close(self):
        self.stop.set()
        self.thread.join(2)
        for c in self.conns:
            c.close()
        self.sock.close()


class HangUpServer(SilentServer):
    """Accepts and closes at once: git sees the remote end hang up (a transient failure)."""

    def _run(self):
        while not self.stop.is_set():
            try:
                self.sock.accept()[0].close()
            except OSError:
                continue


def _git_processes_with(text: str) -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if "git" in cmd and text in cmd:
                pids.append(int(d.name))
    return pids


def test_default_branch_shallow_clone(repos, tmp_path):
    snap = acquire(parse_entry(repos["bare"].as_uri()), tmp_path)
    assert snap.status == "ok", snap.error
    assert snap.commit == repos["shas"][-1]
    assert (snap.py_files, snap.java_files, snap.license) == (3, 1, "MIT")
    assert snap.py_bytes == sum(len(p.read_bytes()) for p in Path(snap.checkout).glob("*.py"))
    tree = Path(snap.checkout)
    assert (tree / ".git" / "shallow").exists()  # a real shallow clone
    assert git("rev-list", "--count", "HEAD", cwd=tree) == "1"
    config = (tree / ".git" / "config").read_text()
    assert "hooksPath = /dev/null" in config
    assert not list((tree / ".git").glob("hooks/*"))  # no templates, no hooks
    assert Path(snap.checkout).is_relative_to(tmp_path)


def test_pinned_commit_that_is_not_the_tip(repos, tmp_path):
    first = repos["shas"][0]
    snap = acquire(parse_entry(name="lab/tool", url=repos["bare"].as_uri(), commit=first), tmp_path)
    assert snap.status == "ok", snap.error
    assert snap.commit == first and snap.requested_commit == first
    assert snap.repo == "lab/tool"
    assert sorted(p.name for p in Path(snap.checkout).iterdir() if p.name != ".git") == ["LICENSE", "a.py"]
    # an abbreviated SHA cannot be fetched shallowly: the full-fetch fallback resolves it
    snap2 = acquire(parse_entry(repos["bare"].as_uri(), commit=repos["shas"][1][:10]), tmp_path)
    assert snap2.status == "ok", snap2.error
    assert snap2.commit == repos["shas"][1]


def test_missing_repo_and_missing_commit_are_not_found_without_retry(repos, tmp_path):
    snap = acquire(parse_entry((repos["root"] / "nope.git").as_uri()), tmp_path, retries=3)
    assert snap.status == "not_found" and "no such local path" in snap.error
    snap = acquire(parse_entry(repos["bare"].as_uri(), commit="f" * 40), tmp_path, retries=3)
    assert snap.status == "not_found" and snap.attempts == 1, snap.error
    assert snap.checkout is None and snap.commit == ""
    # a remote path that does not exist behind a URL (not a local path check)
    empty = repos["root"] / "not-a-repo"
    empty.mkdir(exist_ok=True)
    (empty / "HEAD").write_text("garbage")
    (empty / "objects").mkdir(exist_ok=True)
    snap = acquire(parse_entry(empty.as_uri()), tmp_path, retries=3)
    assert snap.status in ("not_found", "error") and snap.attempts == 1, snap


def test_silent_server_times_out_and_git_is_killed(tmp_path):
    server = SilentServer()
    try:
        url = f"git://127.0.0.1:{server.port}/x.git"
        t0 = time.monotonic()
        snap = acquire(parse_entry(url), tmp_path, timeout=2.0, retries=1, backoff=0.1)
        elapsed = time.monotonic() - t0
    finally:
        server.close()
    assert snap.status == "timeout", snap
    assert snap.attempts == 2  # a timeout is transient: retried once
    assert 4.0 <= elapsed < 2 * 2.0 + 0.1 + 4.0
    assert "did not finish within 2 s" in snap.error
    assert not _git_processes_with(f"127.0.0.1:{server.port}")
    assert not (tmp_path / "checkouts" / cache_key(parse_entry(url))).exists()


def test_hang_up_is_retried_with_backoff(tmp_path):
    server = HangUpServer()
    try:
        snap = acquire(parse_entry(f"git://127.0.0.1:{server.port}/x.git"), tmp_path, timeout=10, retries=2, backoff=0.05)
    finally:
        server.close()
    assert snap.status in ("error", "timeout") and snap.attempts == 3, snap


def test_classify():
    assert _classify("fatal: repository 'https://github.com/a/b/' not found") == ("not_found", False)
    assert _classify("fatal: could not read Username for 'https://github.com': terminal prompts disabled")[0] == "auth_required"
    assert _classify("error: RPC failed; curl 56 Recv failure: Connection reset by peer") == ("error", True)
    assert _classify("fatal: unable to access: Connection timed out") == ("timeout", True)


def test_cache_reuse_without_network(repos, tmp_path):
    root = tmp_path / "remote"
    bare, shas = make_repo(root, "cached", [{"a.py": "1\n"}, {"b.py": "2\n"}])
    entries = [parse_entry(bare.as_uri()), parse_entry(name="x/pinned", url=bare.as_uri(), commit=shas[0])]
    first = acquire_all(entries, tmp_path / "cache", jobs=2)
    assert [s.status for s in first] == ["ok", "ok"] and not any(s.from_cache for s in first)
    subprocess.run(["rm", "-rf", str(bare)], check=True)  # the "network" is gone
    second = acquire_all(entries, tmp_path / "cache", jobs=2)
    assert [s.status for s in second] == ["ok", "ok"]
    assert all(s.from_cache and s.attempts == 0 for s in second)
    assert [s.commit for s in second] == [shas[1], shas[0]]
    assert [s.checkout for s in second] == [s.checkout for s in first]


def test_half_written_checkout_is_redone(repos, tmp_path):
    entry = parse_entry(repos["bare"].as_uri())
    snap = acquire(entry, tmp_path)
    workdir = Path(snap.checkout).parent
    # what a killed run leaves: a partial tree, no marker
    (workdir / MARKER_NAME).unlink()
    (Path(snap.checkout) / "a.py").unlink()
    (Path(snap.checkout) / "junk.py").write_text("partial")
    again = acquire(entry, tmp_path)
    assert again.status == "ok" and not again.from_cache and again.attempts == 1
    assert (Path(again.checkout) / "a.py").exists() and not (Path(again.checkout) / "junk.py").exists()
    assert (workdir / MARKER_NAME).exists()


def test_killed_process_mid_clone_is_redone(tmp_path):
    """Kill a real acquisition (stuck on a silent server), then check the leftover is not trusted."""
    server = SilentServer()
    url = f"git://127.0.0.1:{server.port}/x.git"
    code = (f"from pipeline.acquire import acquire; from pipeline.repolist import parse_entry; "
            f"acquire(parse_entry({url!r}), {str(tmp_path)!r}, timeout=60)")
    proc = subprocess.Popen([os.sys.executable, "-c", code], start_new_session=True)
    workdir = tmp_path / "checkouts" / cache_key(parse_entry(url))
    try:
        deadline = time.monotonic() + 20
        while not (workdir / "tree" / ".git").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (workdir / "tree" / ".git").exists()
    finally:
        os.killpg(proc.pid, 9)
        proc.wait()
        server.close()
    assert workdir.exists() and not (workdir / MARKER_NAME).exists()
    # the next run does not take the leftover as a checkout: it starts again (and here fails fast)
    snap = acquire(parse_entry(url), tmp_path, timeout=5, retries=0)
    assert snap.status in ("error", "not_found") and snap.attempts == 1 and not snap.from_cache
    assert not workdir.exists()


def test_too_large(tmp_path):
    bare, _ = make_repo(tmp_path / "remote", "big", [{"data.py": os.urandom(300_000).hex()}])
    snap = acquire(parse_entry(bare.as_uri()), tmp_path / "cache", max_bytes=100_000)
    assert snap.status == "too_large", snap
    assert snap.attempts == 1


def test_plain_directory_copied_with_content_hash_and_symlinks_not_followed(tmp_path):
    src = tmp_path / "plain"
    (src / "pkg").mkdir(parents=True)
    (src / "pkg" / "m.py").write_text("def f():\n    pass\n")
    (src / "Util.java").write_text("class Util {}\n")
    (src / "escape.py").symlink_to("/etc/passwd")
    (src / "outside").symlink_to("/etc")
    (src / "inner.py").symlink_to("pkg/m.py")
    snap = acquire(parse_entry(str(src)), tmp_path / "cache")
    assert snap.status == "ok", snap.error
    assert len(snap.commit) == 40 and (snap.py_files, snap.java_files) == (1, 1)
    files = [f.path for f in iter_repo_files(snap.checkout)]
    assert files == ["Util.java", "pkg/m.py"]
    assert (Path(snap.checkout) / "escape.py").is_symlink()  # copied as a link, never followed
    with pytest.raises(ValueError):
        read_repo_file(snap.checkout, "escape.py")
    with pytest.raises(ValueError):
        read_repo_file(snap.checkout, "../../etc/passwd")
    assert read_repo_file(snap.checkout, "pkg/m.py").startswith(b"def f")
    again = acquire(parse_entry(str(src)), tmp_path / "cache")
    assert again.from_cache and again.commit == snap.commit
    (src / "pkg" / "m.py").write_text("changed\n")
    changed = acquire(parse_entry(str(src)), tmp_path / "cache")
    assert not changed.from_cache and changed.commit != snap.commit


def test_acquire_all_many_entries_order_callback_and_table(repos, tmp_path):
    root = tmp_path / "remote"
    good = [make_repo(root, f"r{i}", [{"m.py": f"v = {i}\n"}])[0] for i in range(6)]
    entries = [parse_entry(b.as_uri()) for b in good]
    entries += [parse_entry((root / f"missing{i}.git").as_uri()) for i in range(3)]
    entries.append(parse_entry(name="x/badsha", url=good[0].as_uri(), commit="a" * 40))
    entries.append(parse_entry(name="x/pin", url=repos["bare"].as_uri(), commit=repos["shas"][1]))
    seen = []
    snaps = acquire_all(entries, tmp_path / "cache", jobs=3, on_done=seen.append)
    assert [s.repo for s in snaps] == [e.repo for e in entries]
    assert len(seen) == len(entries)
    assert status_counts(snaps) == {"ok": 7, "not_found": 4, "auth_required": 0, "timeout": 0, "too_large": 0, "error": 0}
    out = write_snapshots(snaps, tmp_path / "out" / "snapshots.parquet")
    table = pq.read_table(out)
    assert table.schema.equals(SNAPSHOT_SCHEMA)
    assert table.num_rows == len(entries)
    assert read_snapshots(out) == snaps
    assert not list((tmp_path / "out").glob(".*tmp*"))
    again = acquire_all(entries, tmp_path / "cache", jobs=3)
    assert all(s.from_cache for s in again if s.status == "ok")
