import csv
import re
import subprocess

import pytest
from typer.testing import CliRunner

from pipeline.acquire import acquire_all, iter_repo_files, read_snapshots
from pipeline.licenses import classify_name, classify_text, detect_license
from pipeline.repolist import read_repo_list
from pipeline.samples import SAMPLE_ROOT, SAMPLES, materialize_samples


@pytest.fixture(scope="module")
def samples_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("samples")
    materialize_samples(d)
    return d


def test_materialize_is_deterministic_and_idempotent(samples_dir, tmp_path):
    rows = list(csv.DictReader(open(samples_dir / "repos.csv")))
    assert [r["repo_name"] for r in rows] == [f"local/{n}" for n in SAMPLES]
    mtime = (samples_dir / "seqtools.git" / "HEAD").stat().st_mtime_ns
    materialize_samples(samples_dir)  # reused, not rebuilt
    assert (samples_dir / "seqtools.git" / "HEAD").stat().st_mtime_ns == mtime
    other = list(csv.DictReader(open(materialize_samples(tmp_path / "elsewhere"))))
    assert [r["commit"] for r in other] == [r["commit"] for r in rows]  # same SHAs anywhere
    for r in rows:
        n = subprocess.run(["git", "--git-dir", r["url"][len("file://"):], "rev-list", "--count", "HEAD"],
                           capture_output=True, text=True, check=True).stdout.strip()
        assert 2 <= int(n) <= 3


def test_samples_clone_like_github(samples_dir, tmp_path):
    entries = read_repo_list(samples_dir / "repos.csv")
    snaps = {s.repo.split("/")[1]: s for s in acquire_all(entries, tmp_path / "cache", jobs=2)}
    assert all(s.status == "ok" for s in snaps.values()), snaps
    assert {n: s.license for n, s in snaps.items()} == {
        "seqtools": "MIT", "vcfkit_py2": "unknown", "alignlib": "GPL-3.0-or-later", "javaseq": "Apache-2.0"}
    assert snaps["javaseq"].java_files >= 7 and snaps["javaseq"].py_files == 0
    assert snaps["seqtools"].py_files >= 10


def test_sample_oddities_are_byte_exact():
    vcf = SAMPLE_ROOT / "vcfkit_py2" / "vcfkit"
    latin = (vcf / "filters.py").read_bytes()
    assert latin.startswith(b"# -*- coding: latin-1 -*-")
    with pytest.raises(UnicodeDecodeError):
        latin.decode("utf-8")
    assert "Qualité" in latin.decode("latin-1")
    assert b"\r\n" in (vcf / "stats.py").read_bytes()
    assert b"\n\t" in (vcf / "genotype.py").read_bytes()
    assert b"\x00" in (vcf / "_speedups.py").read_bytes()
    with pytest.raises(SyntaxError):
        compile((vcf / "broken_merge.py").read_text(), "broken_merge.py", "exec")
    assert b"print " in (vcf / "parser.py").read_bytes() and b"except ValueError, e" in (vcf / "parser.py").read_bytes()


@pytest.mark.parametrize("name", list(SAMPLES))
def test_each_sample_has_10_to_40_documented_functions(name):
    n_funcs = n_docs = 0
    for f in iter_repo_files(SAMPLE_ROOT / name, (".py", ".java")):
        text = f.abspath.read_bytes().decode("latin-1")
        if "/test" in f.path or f.path.startswith("tests/"):
            continue
        if f.path.endswith(".py"):
            n_funcs += len(re.findall(r"^[ \t]*def \w+", text, re.M))
            n_docs += len(re.findall(r"^[ \t]*def [^\n]+\n[ \t]+(\"\"\"|r\"\"\")", text, re.M))
        else:
            sigs = re.findall(r"^ +(?:public |private |protected |static |final |default |abstract )*[\w<>\[\], ?]+ \w+\([^;{]*\)\s*(?:throws [\w, ]+)?\{",
                              text, re.M)
            n_funcs += len(sigs)
            n_docs += text.count("/**")
    assert 10 <= n_funcs <= 60, n_funcs
    assert n_docs >= n_funcs * 0.6


def test_license_heuristics(tmp_path):
    assert classify_text("Apache License\nVersion 2.0, January 2004") == "Apache-2.0"
    assert classify_text("GNU LESSER GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007") == "LGPL-3.0"
    assert classify_text("Redistribution and use in source and binary forms ... Neither the name of the "
                         "copyright holder nor the names of its contributors may be used to endorse") == "BSD-3-Clause"
    assert classify_text("Redistribution and use in source and binary forms, with or without") == "BSD-2-Clause"
    assert classify_text("This is free and unencumbered software released into the public domain.") == "Unlicense"
    assert classify_text("GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991\n TERMS AND CONDITIONS\n"
                         "END OF TERMS AND CONDITIONS\nHow to Apply ... (at your option) any later version") == "GPL-2.0"
    assert classify_name("GPLv3+") == "GPL-3.0-or-later"
    assert classify_name("BSD 3-Clause") == "BSD-3-Clause"
    (tmp_path / "README.md").write_text("# tool\n\n## License\n\nReleased under the MIT license.\n")
    assert detect_license(tmp_path) == "MIT"
    (tmp_path / "setup.py").write_text('setup(name="x", license="Apache 2.0")\n')
    assert detect_license(tmp_path) == "Apache-2.0"
    (tmp_path / "COPYING").write_text("GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n")
    assert detect_license(tmp_path) == "GPL-3.0"
    assert detect_license(tmp_path / "missing") == "unknown"


def test_cli_samples_and_fetch(tmp_path):
    from flows.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["samples", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    repos_csv = res.output.strip().splitlines()[-1]
    with open(repos_csv, "a") as f:
        f.write(f"broken/missing,{(tmp_path / 'nope.git').as_uri()},\n")
    res = runner.invoke(app, ["fetch", repos_csv, "--cache", str(tmp_path / "c"), "--jobs", "2"])
    assert res.exit_code == 0, res.output
    snaps = read_snapshots(tmp_path / "c" / "snapshots.parquet")
    assert [s.status for s in snaps] == ["ok"] * len(SAMPLES) + ["not_found"]
    assert "not_found" in res.output
    (tmp_path / "bad.txt").write_text("a/../b\n")
    res = runner.invoke(app, ["fetch", str(tmp_path / "bad.txt"), "--cache", str(tmp_path / "c")])
    assert res.exit_code == 2 and "bad.txt:1" in res.output
