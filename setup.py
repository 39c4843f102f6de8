"""Build of the optional accelerators of extraction: the C module `parsers._pyscan` (see
parsers/native.py) and mypyc builds of the modules `parsers.compiled.COMPILED` (see
parsers/compiled.py). Everything else is configured in pyproject.toml.

The C module reads py-tree-sitter's trees through tree-sitter's C core, so it is compiled
together with the core of the very release pinned in pyproject.toml, taken from that release's
source distribution on PyPI (checked against its sha256) or from a local copy:

    BIOCODER_TREE_SITTER_SRC=DIR   a tree-sitter sdist (.tar.gz) or its unpacked directory
    BIOCODER_NO_NATIVE=1           build neither accelerator

Without a C compiler or the sources, the install goes on without the extension (a warning
says why) and the parser runs its pure-Python path, which gives the same results, slower.
Likewise when mypyc (a build requirement) cannot compile the modules: the sources run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
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


def _warn(msg: str, fallback: str = "the Python parser will use its pure-Python path") -> None:
    print(f"biocoder-pipeline: {msg}; {fallback}", file=sys.stderr)


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


def _compiled_module():
    """parsers/compiled.py, loaded by path: the package itself may not import in the build environment."""
    spec = importlib.util.spec_from_file_location("_biocoder_compiled", HERE / "parsers" / "compiled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD_COMMANDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install"}


def compiled_extensions() -> list[Extension]:
    """mypyc builds of `COMPILED`, with the sha256 of each source compiled written to the
    manifest that parsers/compiled.py checks. Old builds and the old manifest go first, so a
    failed build leaves the sources in use, never an older build."""
    if os.environ.get("BIOCODER_NO_NATIVE", "") not in ("", "0") or not BUILD_COMMANDS & set(sys.argv[1:]):
        return []  # pip also runs this file to read metadata: type-check and compile only to build
    compiled = _compiled_module()
    compiled.MANIFEST.unlink(missing_ok=True)
    for module in (*compiled.COMPILED, compiled.RUNTIME):
        for old in compiled.builds_of(module):
            old.unlink()
    fallback = "the parser and context resolver will run interpreted"
    try:
        from mypyc.build import mypycify
    except ImportError as exc:
        _warn(f"mypyc is not installed ({exc})", fallback)
        return []
    sources = [str(compiled.source_of(m).relative_to(HERE)) for m in compiled.COMPILED]
    try:
        # third-party packages are not installed where this builds: typed as Any
        extensions = mypycify(["--ignore-missing-imports", *sources], group_name=compiled.GROUP)
    except (Exception, SystemExit) as exc:  # mypy reports type errors by exiting
        why = "mypy reported the errors above" if isinstance(exc, SystemExit) else exc
        _warn(f"mypyc could not compile {', '.join(sources)} ({why})", fallback)
        return []
    for ext in extensions:
        ext.optional = True  # a failed compile leaves the sources in use, not a failed install
    compiled.MANIFEST.write_text(json.dumps({m: compiled.source_sha256(m) for m in compiled.COMPILED}, indent=1) + "\n")
    return extensions


setup(ext_modules=native_extensions() + compiled_extensions())
