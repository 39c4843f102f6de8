"""Same input, same records: extraction must not depend on the process's string-hash seed
(set and dict iteration order), since per-repo work runs in other processes and on other machines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipeline.samples import SAMPLE_ROOT

SCRIPT = """
import sys, json
from pipeline.extract import extract_repo
records, _ = extract_repo(sys.argv[1], repo="samples/x", commit="0" * 40)
print(json.dumps([r.to_row() for r in records], sort_keys=True))
"""


def _extract(root: Path, seed: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(root)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_records_do_not_depend_on_hash_seed():
    for sample in sorted(p for p in Path(SAMPLE_ROOT).iterdir() if p.is_dir()):
        first, second = _extract(sample, "1"), _extract(sample, "2")
        assert first.startswith("[{"), f"{sample.name}: no records"
        assert first == second, f"{sample.name}: records differ between hash seeds"
