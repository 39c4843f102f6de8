"""The optional C accelerator of the Python parser (`parsers/_pyscan.c`).

setup.py builds it at install time when a C compiler and the tree-sitter core sources are at
hand. It is used only with the tree-sitter release it was compiled against (it reads
py-tree-sitter's trees through that release's C core) and, in a source checkout, only when
built from the current `_pyscan.c`. Otherwise, or with `BIOCODER_PURE_PYTHON=1`, the parser
runs its pure-Python path, which gives the same summaries (tests/test_python_native.py);
extraction then takes about 30% longer.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from importlib import metadata
from pathlib import Path
from types import ModuleType

SOURCE = Path(__file__).with_name("_pyscan.c")


def _why_not() -> tuple[ModuleType | None, str]:
    if os.environ.get("BIOCODER_PURE_PYTHON", "") not in ("", "0"):
        return None, "BIOCODER_PURE_PYTHON is set"
    try:
        from parsers import _pyscan
    except ImportError:
        return None, "parsers._pyscan is not built (see setup.py)"
    installed = metadata.version("tree-sitter")
    built_for = getattr(_pyscan, "TREE_SITTER_VERSION", "an unknown release")
    if built_for != installed:
        return None, f"parsers._pyscan was built for tree-sitter {built_for}, not {installed}"
    if SOURCE.is_file() and hashlib.sha256(SOURCE.read_bytes()).hexdigest() != getattr(_pyscan, "SOURCE_SHA256", ""):
        return None, "parsers._pyscan was built from an older _pyscan.c: rebuild with `pip install -e .`"
    return _pyscan, ""


@functools.cache
def native_scanner() -> ModuleType | None:
    """The `_pyscan` module if it can be used here, else None (with a warning when it is built
    but stale or for another tree-sitter: then the speed-up is lost by mistake). Decided once
    per process."""
    module, why = _why_not()
    if module is None and why.startswith("parsers._pyscan was built"):
        logging.getLogger(__name__).warning("%s; using the pure-Python identifier pass", why)
    return module


def scanner_status() -> str:
    """Which identifier pass the Python parser runs, and why, in one line."""
    module = native_scanner()
    if module is not None:
        return f"native (C, tree-sitter {module.TREE_SITTER_VERSION})"
    return f"pure Python ({_why_not()[1]})"
