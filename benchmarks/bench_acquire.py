"""Acquire a 200-entry list twice: every entry accounted for, run 2 served from the cache.

Builds in a temporary directory: 170 local bare repositories (made with `git fast-import`,
2 commits each; 20 of them listed pinned to their first commit), 10 plain directories,
10 missing paths, 4 corrupt repositories, 3 pinned to a SHA that does not exist,
2 empty repositories and 1 git:// server that never answers (timeout 3 s).

    python benchmarks/bench_acquire.py [--jobs 4]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from pipeline.acquire import acquire_all, status_counts
from pipeline.repolist import read_repo_list

ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def make_bare(path: Path, i: int) -> str:
    """A bare repo with two commits via one fast-import process; returns the first commit's SHA."""
    subprocess.run(["git", "init", "-q", "--bare", "--template=", str(path)], check=True, env=ENV)
    stream = []
    for c in range(2):
        body = f"def f{i}_{c}(seq):\n    \"\"\"GC of seq.\"\"\"\n    return seq.count('G') / max(1, len(seq))\n".encode()
        msg = f"commit {c}".encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"mark :{c + 1}\ncommitter B <b@x> {1600000000 + c} +0000\n".encode())
        stream.append(b"data %d\n%s\n" % (len(msg), msg))
        if c:
            stream.append(b"from :1\n")
        stream.append(f"M 100644 inline mod{c}.py\n".encode() + b"data %d\n%s\n" % (len(body), body))
    subprocess.run(["git", "--git-dir", str(path), "fast-import", "--quiet"], input=b"".join(stream), check=True, env=ENV)
    subprocess.run(["git", "--git-dir", str(path), "symbolic-ref", "HEAD", "refs/heads/main"], check=True, env=ENV)
    return subprocess.run(["git", "--git-dir", str(path), "rev-parse", "main~1"], check=True, env=ENV,
                          capture_output=True, text=True).stdout.strip()


def silent_server() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    conns = []
    threading.Thread(target=lambda: [conns.append(sock.accept()[0]) for _ in iter(int, 1)], daemon=True).start()
    return sock.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=4)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.monotonic()
        rows = ["repo_name,url,commit"]
        for i in range(170):
            first = make_bare(root / f"r{i:03d}.git", i)
            rows.append(f"lab/r{i:03d},{(root / f'r{i:03d}.git').as_uri()},{first if i < 20 else ''}")
        for i in range(10):
            d = root / f"plain{i}" / "pkg"
            d.mkdir(parents=True)
            (d / "m.py").write_text(f"def g{i}():\n    return {i}\n")
            rows.append(f"plain/p{i},{(root / f'plain{i}').as_uri()},")
        for i in range(10):
            rows.append(f"gone/m{i},{(root / f'missing{i}.git').as_uri()},")
        for i in range(4):
            bad = root / f"corrupt{i}.git"
            subprocess.run(["cp", "-r", str(root / "r100.git"), str(bad)], check=True)
            for obj in (bad / "objects").rglob("*"):
                if obj.is_file() and obj.parent.name != "info":
                    obj.write_bytes(b"garbage")
            rows.append(f"bad/c{i},{bad.as_uri()},")
        for i in range(3):
            rows.append(f"bad/sha{i},{(root / f'r{150 + i}.git').as_uri()},{'e' * 40}")
        for i in range(2):
            subprocess.run(["git", "init", "-q", "--bare", str(root / f"empty{i}.git")], check=True, env=ENV)
            rows.append(f"bad/empty{i},{(root / f'empty{i}.git').as_uri()},")
        port = silent_server()
        rows.append(f"slow/hang,git://127.0.0.1:{port}/x.git,")
        (root / "repos.csv").write_text("\n".join(rows) + "\n")
        entries = read_repo_list(root / "repos.csv")
        print(f"list: {len(entries)} entries, built in {time.monotonic() - t0:.1f} s; jobs={args.jobs}")

        for run in (1, 2):
            t = time.monotonic()
            snaps = acquire_all(entries, root / "cache", jobs=args.jobs, timeout=3.0, retries=1, backoff=0.5)
            wall = time.monotonic() - t
            counts = {k: v for k, v in status_counts(snaps).items() if v}
            ok = [s for s in snaps if s.status == "ok"]
            assert [s.repo for s in snaps] == [e.repo for e in entries], "an entry went missing"
            network = sum(s.attempts for s in ok)
            print(f"run {run}: {wall:6.1f} s  {len(snaps)}/{len(entries)} accounted for  {counts}")
            print(f"        ok from cache: {sum(s.from_cache for s in ok)}/{len(ok)}, clone attempts for ok repos: {network}")
            if run == 2:
                assert all(s.from_cache and s.attempts == 0 for s in ok), "run 2 cloned something"
        errors = Counter(s.error.split(":")[0][:60] for s in snaps if s.status != "ok")
        print("failures by first words of the error:")
        for e, n in errors.most_common():
            print(f"  {n:3d}  {e}")


if __name__ == "__main__":
    sys.exit(main())
