"""The modules setup.py compiles with mypyc, and whether this process imports their builds.

Compiled, the Python parser and context resolver (`COMPILED`) extract with about a fifth fewer
instructions (`benchmarks/bench_instructions.py`) and the same records (tests/test_compiled.py).
A compiled module is a `name.cpython-*.so` beside its source, which Python's import system
prefers to the source. So that an edited source is never shadowed by an older build, the
packages' `__init__` install `SourcesUnlessCompiled`, which imports the sources instead when a
source differs from the one compiled (setup.py writes their sha256 to `MANIFEST`), when a
build is missing, or with `BIOCODER_PURE_PYTHON=1`. Compiled modules call each other directly
and share their classes, so it is all of them or none.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import logging
import os
import sys
from pathlib import Path

COMPILED = ("parsers.python", "pipeline.context_python")
GROUP = "parsers.compiled"  # mypyc's name for the modules compiled together
RUNTIME = f"{GROUP}__mypyc"  # … and the module of their shared code, which mypyc builds too
ROOT = Path(__file__).resolve().parents[1]  # the directory holding the `parsers` and `pipeline` packages
MANIFEST = Path(__file__).with_name("compiled_sources.json")  # {module: sha256 of the source compiled}


def source_of(module: str) -> Path:
    return ROOT.joinpath(*module.split(".")).with_suffix(".py")


def source_sha256(module: str) -> str:
    return hashlib.sha256(source_of(module).read_bytes()).hexdigest()


def builds_of(module: str) -> list[Path]:
    """The module's compiled files (`name.cpython-311-x86_64-linux-gnu.so`, …) present."""
    stem = ROOT.joinpath(*module.split("."))
    return [p for suffix in importlib.machinery.EXTENSION_SUFFIXES if (p := stem.with_name(stem.name + suffix)).is_file()]


@functools.cache
def why_not_compiled() -> str:
    """Why the sources are imported rather than their builds ("" when the builds are). Decided
    once per process: the modules must all come from the same side."""
    if os.environ.get("BIOCODER_PURE_PYTHON", "") not in ("", "0"):
        return "BIOCODER_PURE_PYTHON is set"
    try:
        compiled_from = json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        return "not compiled (see setup.py)"
    for module in (*COMPILED, RUNTIME):
        if not builds_of(module):
            return f"{module} is not compiled (see setup.py)"
    for module in COMPILED:
        if source_of(module).is_file() and source_sha256(module) != compiled_from.get(module):
            # an edited checkout: the build would run the old code
            logging.getLogger(__name__).warning("%s was compiled from an older source; running the sources "
                                                "(rebuild with `pip install -e .`)", module)
            return f"{module} was compiled from an older source: rebuild with `pip install -e .`"
    return ""


def compiled_status() -> str:
    """Whether the parser and context resolver run compiled, and why not, in one line."""
    why = why_not_compiled()
    return f"compiled (mypyc): {', '.join(COMPILED)}" if not why else f"interpreted ({why})"


class SourcesUnlessCompiled(importlib.abc.MetaPathFinder):
    """Imports the sources of `COMPILED` unless their builds are to be used (then the normal
    finders import the builds)."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in COMPILED or not why_not_compiled():
            return None
        return importlib.util.spec_from_file_location(fullname, source_of(fullname))


def install() -> None:
    if not any(isinstance(f, SourcesUnlessCompiled) for f in sys.meta_path):
        sys.meta_path.insert(0, SourcesUnlessCompiled())
