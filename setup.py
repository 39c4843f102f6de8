"""Build of the optional C accelerator `parsers._pyscan` (see parsers/native.py).

Everything else is configured in pyproject.toml. The extension reads py-tree-sitter's trees
through tree-sitter's C core, so it is compiled together with the core of the very release
pinned in pyproject.toml, taken from that release's source distribution on PyPI (checked
against its sha256) or from a local copy:

    BIOCODER_TREE_SITTER_SRC=DIR   a tree-sitter sdist (.tar.gz) or its unpacked directory
    BIOCODER_NO_NATIVE=1           do not build the extension

Without a C compiler or the sources, the install goes on without the extension (a warning
says why) and the parser runs its pure-Python path, which gives the same results, slower.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from setuptools import Extension, setup

TREE_SITTER = "0.26.1"  # the tree-sitter pin of pyproject.toml (checked below and by a test)
SDIST_SHA256 = "9919cbaf02d17fa9a4cd0e6da496aecf901b758e6eacf122eee393e3ef08aacd"
SDIST_URL = ("https://files.pythonhosted.org/packages/e6/ca/"
             "3d69b21b2328dadee34a6cae65bc84e2b4e0c72bfb9147b7a2d4ba8110a0/tree_sitter-0.26.1.tar.gz")
HERE = Path(__file__).resolve().parent
CACHE = HERE / "build" / f"tree-sitter-core-{TREE_SITTER}"  # build/ is git-ignored
CORE_IN_SDIST = "tree_sitter/core/lib"
PYSCAN_C = HERE / "parsers" / "_pyscan.c"


def _warn(msg: str) -> None:
    print(f"biocoder-pipeline: {msg}; the Python parser will use its pure-Python path", file=sys.stderr)


def _unpack_core(sdist: Path, dest: Path) -> None:
    """Extract `tree_sitter/core/lib` of an sdist into `dest` (via a temporary directory)."""
    if hashlib.sha256(sdist.read_bytes()).hexdigest() != SDIST_SHA256:
        raise ValueError(f"{sdist} is not tree-sitter {TREE_SITTER}'s sdist (sha256 differs)")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(sdist) as tar:
        prefix = f"tree_sitter-{TREE_SITTER}/{CORE_IN_SDIST}/"
        members = [m for m in tar.getmembers() if m.name.startswith(prefix) and (m.isfile() or m.isdir())]
        tar.extractall(tmp, members=members)  # regular files under one known prefix only
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(Path(tmp, prefix), dest, dirs_exist_ok=True)


def core_dir() -> Path | None:
    """A directory with the tree-sitter core (`include/`, `src/lib.c`), or None with a warning."""
    if (CACHE / "src" / "lib.c").is_file():
        return CACHE
    local = os.environ.get("BIOCODER_TREE_SITTER_SRC")
    try:
        if local:
            p = Path(local)
            if p.is_dir():
                return p / CORE_IN_SDIST if (p / CORE_IN_SDIST).is_dir() else p
            _unpack_core(p, CACHE)
            return CACHE
        with tempfile.TemporaryDirectory() as tmp:
            sdist = Path(tmp, f"tree_sitter-{TREE_SITTER}.tar.gz")
            with urllib.request.urlopen(SDIST_URL, timeout=60) as r:
                sdist.write_bytes(r.read())
            _unpack_core(sdist, CACHE)
        return CACHE
    except (OSError, ValueError, tarfile.TarError) as exc:
        _warn(f"no tree-sitter {TREE_SITTER} C sources ({exc})")
        return None


def pinned_tree_sitter() -> str | None:
    """The tree-sitter version pyproject.toml pins."""
    m = re.search(r'"tree-sitter==([^"]+)"', (HERE / "pyproject.toml").read_text())
    return m.group(1) if m else None


def native_extensions() -> list[Extension]:
    if os.environ.get("BIOCODER_NO_NATIVE", "") not in ("", "0"):
        return []
    pinned = pinned_tree_sitter()
    if pinned != TREE_SITTER:
        _warn(f"pyproject.toml pins tree-sitter {pinned} but setup.py has the sources of {TREE_SITTER} "
              "(update TREE_SITTER, SDIST_SHA256 and SDIST_URL)")
        return []
    core = core_dir()
    if core is None:
        return []
    return [Extension(
        "parsers._pyscan",
        sources=[str(PYSCAN_C.relative_to(HERE)), str(core / "src" / "lib.c")],
        include_dirs=[str(core / "include"), str(core / "src")],
        define_macros=[("_POSIX_C_SOURCE", "200112L"), ("_DEFAULT_SOURCE", None), ("PY_SSIZE_T_CLEAN", None),
                       ("TREE_SITTER_HIDE_SYMBOLS", None), ("PYSCAN_TREE_SITTER_VERSION", f'"{TREE_SITTER}"'),
                       # lets parsers/native.py tell a module built from an older _pyscan.c
                       ("PYSCAN_SOURCE_SHA256", f'"{hashlib.sha256(PYSCAN_C.read_bytes()).hexdigest()}"')],
        extra_compile_args=["-std=c11", "-O2", "-fvisibility=hidden"],
        optional=True,  # a failed compile leaves the pure-Python path, not a failed install
    )]


setup(ext_modules=native_extensions())
