"""The sample repositories shipped with the package, turned into local git repositories.

`pipeline/sample_repos/<name>/` holds small, hand-written, bioinformatics-flavoured source
trees (see SAMPLES). `materialize_samples(dest)` makes each one a bare git repository
`dest/<name>.git` with 2-3 commits (fixed author, committer and dates, so the SHAs are
the same on every machine) and writes `dest/repos.csv` (repo_name, url, commit), the
default repo list: the build then clones them over file:// exactly as it clones GitHub.

Deliberate oddities, for the later stages to cope with:
- seqtools: Python 3 package, subpackages, relative and star imports, a circular import
  (core.sequence <-> core.translate), compiled regexes, decorators, nested functions,
  Google/NumPy/Sphinx docstrings; MIT LICENSE.
- vcfkit_py2: Python 2 (print statements, `except X, e`), a latin-1 file with a coding
  line, a CRLF file, a tab-indented file, a binary file named `_speedups.py`, a module with
  syntax errors (`broken_merge.py`); no licence.
- alignlib: alignment scoring, CIGAR parsing, Needleman-Wunsch; GPL-3.0-or-later COPYING.
- javaseq: Maven multi-module Java (core/, io/): enum with bodies, interface with default
  and static methods, a record, nested and inner classes, overloads, a generic method,
  varargs, an anonymous class; Apache-2.0 LICENSE.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

SAMPLE_ROOT = Path(__file__).resolve().parent / "sample_repos"
SAMPLE_OWNER = "local"  # local/<name>: an identity with no web home, so no permalinks
STATE_FILE = "biocoder-sample.json"
_FORMAT = 1  # bump when the way commits are made changes

# name -> commits: (message, file patterns); the last commit takes every file left.
SAMPLES: dict[str, list[tuple[str, list[str]]]] = {
    "seqtools": [
        ("Add sequence core and FASTA/FASTQ readers",
         ["LICENSE", "pyproject.toml", "seqtools/__init__.py", "seqtools/core/*", "seqtools/io/*"]),
        ("Add composition and k-mer analysis", ["seqtools/analysis/*"]),
        ("Add tests and README", ["*"]),
    ],
    "vcfkit_py2": [
        ("Initial import of the VCF parser", ["setup.py", "vcfkit/__init__.py", "vcfkit/parser.py"]),
        ("Filters, genotypes and statistics",
         ["vcfkit/filters.py", "vcfkit/genotype.py", "vcfkit/stats.py", "vcfkit/_speedups.py"]),
        ("WIP merge, tests, README", ["*"]),
    ],
    "alignlib": [
        ("Scoring schemes and CIGAR parsing", ["COPYING", "alignlib/scoring.py", "alignlib/cigar.py"]),
        ("Pairwise alignment and tests", ["*"]),
    ],
    "javaseq": [
        ("Core module: sequences and alignment", ["pom.xml", "LICENSE", "core/*"]),
        ("IO module: VCF and FASTA readers", ["io/*"]),
        ("README", ["*"]),
    ],
}

_IDENTITY = {
    "GIT_AUTHOR_NAME": "BioCoder Samples",
    "GIT_AUTHOR_EMAIL": "samples@biocoder-pipeline.invalid",
    "GIT_COMMITTER_NAME": "BioCoder Samples",
    "GIT_COMMITTER_EMAIL": "samples@biocoder-pipeline.invalid",
}


def sample_names() -> list[str]:
    return list(SAMPLES)


def _files(tree: Path) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", ".git", ".pytest_cache"))
        for n in sorted(filenames):
            if n.endswith((".pyc", ".pyo", ".class")):
                continue
            out.append(os.path.relpath(os.path.join(dirpath, n), tree).replace(os.sep, "/"))
    return sorted(out)


def _fingerprint(name: str) -> str:
    tree = SAMPLE_ROOT / name
    h = hashlib.sha256(json.dumps([_FORMAT, SAMPLES[name]]).encode())
    for rel in _files(tree):
        h.update(rel.encode() + b"\0" + (tree / rel).read_bytes() + b"\0")
    return h.hexdigest()


def _git(args: list[str], env: dict[str, str], cwd: Path | None = None) -> str:
    base = ["git", "-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "-c", "core.hooksPath=/dev/null",
            "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]
    res = subprocess.run(base + args, env=env, cwd=cwd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {res.stderr.strip()}")
    return res.stdout.strip()


def _build(name: str, bare: Path, index_dir: Path) -> str:
    tree = SAMPLE_ROOT / name
    files = _files(tree)
    env = {**os.environ, **_IDENTITY, "GIT_DIR": str(bare), "GIT_WORK_TREE": str(tree),
           "GIT_INDEX_FILE": str(index_dir / f"{name}.index"), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0"}
    _git(["init", "--quiet", "--bare", "--template=", str(bare)],
         {k: v for k, v in env.items() if k not in ("GIT_DIR", "GIT_WORK_TREE")})
    remaining = list(files)
    day = sum(map(ord, name)) % 20 + 1  # each sample its own (fixed) dates
    for i, (message, patterns) in enumerate(SAMPLES[name]):
        last = i == len(SAMPLES[name]) - 1
        chosen = remaining if last else [f for f in remaining if any(fnmatch.fnmatch(f, p) for p in patterns)]
        if not chosen:
            raise RuntimeError(f"sample {name}: commit {message!r} matches no file")
        remaining = [f for f in remaining if f not in chosen]
        for start in range(0, len(chosen), 200):
            _git(["add", "--", *chosen[start:start + 200]], env, cwd=tree)
        date = f"2021-03-{day:02d}T{10 + i:02d}:00:00+00:00"
        _git(["commit", "--quiet", "--no-verify", "-m", message], {**env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}, cwd=tree)
    return _git(["rev-parse", "HEAD"], env)


def materialize_samples(dest_dir: str | os.PathLike) -> Path:
    """Make `dest_dir/<name>.git` for every sample and write `dest_dir/repos.csv`; returns its path.

    Idempotent: a repository whose recorded fingerprint (sample files + commit plan) still
    matches is reused; otherwise it is rebuilt (the SHAs come out the same for the same files).
    """
    dest = Path(dest_dir).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in SAMPLES:
        bare = dest / f"{name}.git"
        fp = _fingerprint(name)
        state_path = bare / STATE_FILE
        try:
            state = json.loads(state_path.read_text())
        except (OSError, ValueError):
            state = {}
        if state.get("fingerprint") == fp and state.get("commit"):
            sha = state["commit"]
        else:
            tmp = dest / f".{name}.git.tmp-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            try:
                sha = _build(name, tmp, dest)
                (tmp / STATE_FILE).write_text(json.dumps({"fingerprint": fp, "commit": sha}))
                shutil.rmtree(bare, ignore_errors=True)
                os.replace(tmp, bare)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
                (dest / f"{name}.index").unlink(missing_ok=True)
        rows.append({"repo_name": f"{SAMPLE_OWNER}/{name}", "url": bare.as_uri(), "commit": sha})
    out = dest / "repos.csv"
    tmp_csv = dest / f".repos.csv.tmp-{os.getpid()}"
    with open(tmp_csv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["repo_name", "url", "commit"])
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp_csv, out)
    return out
