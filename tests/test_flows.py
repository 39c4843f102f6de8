"""Real Prefect flow runs of `build` / `extend` over the sample repositories made into git repos.

The harness stage is switched off here (it has its own tests) so that the flow mechanics
(caching, resume after a kill, extend, Dask) stay fast; test_golden.py runs the full chain.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.audit import dataset_files
from pipeline.config import load_config

FAST = {"harness": {"enabled": False}}
FAST_TOML = "[harness]\nenabled = false\n"


def all_rows(out: Path) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for f in dataset_files(out):
        for row in pq.read_table(f).to_pylist():
            assert row["id"] not in rows, f"id {row['id']} written twice"
            rows[row["id"]] = row
    return rows


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def write_list(path: Path, sample_list: Path, copies: int = 1, drop: set[str] = frozenset(), extra: list[tuple[str, str]] = ()) -> Path:
    """A repo list of the samples; with copies > 1 each sample appears again under other identities."""
    with open(sample_list, newline="") as fh:
        samples = list(csv.DictReader(fh))
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["repo_name", "url", "commit"])
        for i in range(copies):
            for s in samples:
                name = s["repo_name"] if i == 0 else f"{s['repo_name']}-copy{i}"
                if name not in drop:
                    w.writerow([name, s["url"], s.get("commit", "")])
        for name, url in extra:
            w.writerow([name, url, ""])
    return path


@pytest.fixture(scope="module")
def built(prefect_env, sample_repos, tmp_path_factory):
    """One real flow run with the default task runner (a process pool)."""
    from flows.build import build_flow
    from flows.runtime import make_task_runner
    from pipeline.repolist import read_repo_list

    tmp = tmp_path_factory.mktemp("built")
    os.environ["PREFECT_API_URL"] = prefect_env["PREFECT_API_URL"]  # inherited by worker processes
    entries = read_repo_list(sample_repos)
    config = load_config(overrides=FAST)
    out = tmp / "out"
    summary = build_flow.with_options(task_runner=make_task_runner(2))(
        entries=entries, out_dir=str(out), cache_dir=str(tmp / "cache"), config=config)
    return {"out": out, "summary": summary, "entries": entries, "config": config, "cache": tmp / "cache", "tmp": tmp}


def test_build_flow_writes_parquet_splits(built):
    out, summary = built["out"], built["summary"]
    assert summary["repos"] == len(built["entries"]) and summary["failed_repos"] == 0
    assert summary["processed"] == len(built["entries"]) and summary["from_cache"] == 0
    m = manifest(out)
    assert {r["repo"] for r in m["repos"]} == {e.repo for e in built["entries"]}
    assert all(r["status"] == "ok" and len(r["commit"]) == 40 for r in m["repos"])
    kept = [r for r in all_rows(out).values() if r["drop_reason"] is None]
    assert {r["language"] for r in kept} == {"python", "java"}
    # every kept row is in the file of its language and split, and no repo spans two splits
    for f in dataset_files(out)[:-1]:
        rows = pq.read_table(f).to_pylist()
        assert all(r["language"] == f.parent.name and r["split"] == f.stem for r in rows)
    split_of_repo: dict[str, set] = {}
    for r in kept:
        split_of_repo.setdefault(r["repo"], set()).add(r["split"])
    assert all(len(s) == 1 for s in split_of_repo.values())
    assert m["counts"]["kept"] == len(kept) == summary["items"]


def test_rerun_redoes_nothing_and_gives_same_files(built, prefect_env):
    from flows.build import build_flow
    from flows.runtime import make_task_runner

    before = {p.name + p.parent.name: p.read_bytes() for p in dataset_files(built["out"])}
    summary = build_flow.with_options(task_runner=make_task_runner(2))(
        entries=built["entries"], out_dir=str(built["out"]), cache_dir=str(built["cache"]), config=built["config"])
    assert summary["processed"] == 0 and summary["from_cache"] == len(built["entries"])
    after = {p.name + p.parent.name: p.read_bytes() for p in dataset_files(built["out"])}
    assert after == before


def test_dask_runner_gives_same_rows(built, prefect_env):
    from flows.build import build_flow
    from flows.runtime import make_task_runner

    out = built["tmp"] / "dask_out"
    summary = build_flow.with_options(task_runner=make_task_runner(dask_workers=2))(
        entries=built["entries"], out_dir=str(out), cache_dir=str(built["cache"]), config=built["config"])
    assert summary["processed"] == len(built["entries"])
    assert all_rows(out) == all_rows(built["out"])


def _cli_env(prefect_env) -> dict[str, str]:
    env = dict(os.environ)
    env.update(prefect_env)
    return env


def test_killed_build_resumes_with_same_rows(built, prefect_env, sample_repos, tmp_path):
    """SIGKILL a real `biocoder build` once some repositories are done; the re-run processes
    only the unfinished ones and writes exactly the rows of an uninterrupted build."""
    repo_list = write_list(tmp_path / "repos.csv", sample_repos, copies=3)
    n_repos = sum(1 for _ in open(repo_list)) - 1
    cfg = tmp_path / "fast.toml"
    cfg.write_text(FAST_TOML)
    cmd = [sys.executable, "-m", "flows.cli", "build", str(repo_list), "--config", str(cfg),
           "--cache", str(built["cache"]), "--jobs", "1"]
    out = tmp_path / "out"
    proc = subprocess.Popen(cmd + ["--out", str(out)], env=_cli_env(prefect_env), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while not list(out.glob(".work/*/result.json")):
        assert proc.poll() is None, f"build ended before any repository finished: {proc.stderr.read().decode()[-2000:]}"
        assert time.monotonic() < deadline, "no repository finished in time"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = {p.parent.name for p in out.glob(".work/*/result.json")}
    assert 0 < len(done_before) < n_repos, "the kill must land mid-way"
    assert not (out / "manifest.json").exists()

    rerun = subprocess.run(cmd + ["--out", str(out)], env=_cli_env(prefect_env), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    m = manifest(out)
    from_cache = {r["repo"] for r in m["repos"] if r["from_cache"]}
    assert len(from_cache) == len(done_before)
    assert {r["repo"] for r in m["repos"] if not r["from_cache"]} and len(m["repos"]) == n_repos

    reference = tmp_path / "reference"
    full = subprocess.run(cmd + ["--out", str(reference)], env=_cli_env(prefect_env), capture_output=True, text=True, timeout=600)
    assert full.returncode == 0, full.stderr[-3000:]
    assert all_rows(out) == all_rows(reference)


def test_extend_processes_only_the_new_repository(built, prefect_env, sample_repos, tmp_path):
    entries = built["entries"]
    left_out = entries[-1].repo
    first = write_list(tmp_path / "first.csv", sample_repos, drop={left_out})
    cfg = tmp_path / "fast.toml"
    cfg.write_text(FAST_TOML)
    out = tmp_path / "out"
    runner = CliRunner()
    r = runner.invoke(app, ["build", str(first), "--out", str(out), "--config", str(cfg), "--cache", str(built["cache"]), "--jobs", "2"])
    assert r.exit_code == 0, r.output
    old = {i: row["split"] for i, row in all_rows(out).items() if row["drop_reason"] is None}
    assert old

    full = write_list(tmp_path / "full.csv", sample_repos)
    r = runner.invoke(app, ["extend", str(out), str(full), "--cache", str(built["cache"]), "--jobs", "2"])
    assert r.exit_code == 0, r.output
    m = manifest(out)
    assert m["mode"] == "extend"
    processed = [x["repo"] for x in m["repos"] if not x["from_cache"]]
    assert processed == [left_out]
    new = {i: row["split"] for i, row in all_rows(out).items() if row["drop_reason"] is None}
    assert all(new.get(i) == split for i, split in old.items()), "an existing item changed id or split"
    assert any(row["repo"] == left_out for row in all_rows(out).values())
    # the extended build equals a build of the full list from scratch
    assert all_rows(out) == all_rows(built["out"])


def test_failed_repository_is_recorded_and_build_completes(built, prefect_env, sample_repos, tmp_path):
    repo_list = write_list(tmp_path / "repos.csv", sample_repos, extra=[("lost/repo", (tmp_path / "nowhere").as_uri())])
    cfg = tmp_path / "fast.toml"
    cfg.write_text(FAST_TOML)
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["build", str(repo_list), "--out", str(out), "--config", str(cfg),
                                 "--cache", str(built["cache"]), "--jobs", "2"])
    assert r.exit_code == 3, r.output
    m = manifest(out)
    lost = [x for x in m["repos"] if x["repo"] == "lost/repo"]
    assert lost and lost[0]["status"] == "not_found"
    assert sum(x["status"] == "ok" for x in m["repos"]) == len(built["entries"])
    assert "lost/repo" in r.output


@pytest.mark.parametrize("args, message", [
    (["build", "no/such/list.csv"], "repository list not found"),
    (["build", "--config", "no/such.toml"], "config file not found"),
])
def test_bad_input_gives_clear_error(args, message, tmp_path):
    r = CliRunner().invoke(app, args + ["--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert message in r.output


def test_unreadable_config_and_incompatible_output(built, tmp_path, sample_repos):
    bad = tmp_path / "bad.toml"
    bad.write_text("[dedup]\nnear_threshold = 'high'\n")
    r = CliRunner().invoke(app, ["build", str(sample_repos), "--config", str(bad), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "near_threshold" in r.output
    other = tmp_path / "other.toml"
    other.write_text("[dedup]\nnear_threshold = 0.9\n")
    r = CliRunner().invoke(app, ["build", str(sample_repos), "--config", str(other), "--out", str(built["out"])])
    assert r.exit_code == 2 and "incompatible configuration" in r.output


def test_stats_and_show(built):
    out = built["out"]
    r = CliRunner().invoke(app, ["stats", str(out)])
    assert r.exit_code == 0, r.output
    assert "Funnel" in r.output and "items by split and language" in r.output
    kept = [row for row in all_rows(out).values() if row["drop_reason"] is None]
    rejected = [row for row in all_rows(out).values() if row["drop_reason"] is not None]
    r = CliRunner().invoke(app, ["show", str(out), kept[0]["id"][:10]])
    assert r.exit_code == 0, r.output
    assert kept[0]["qualified_name"] in r.output and "— kept" in r.output
    r = CliRunner().invoke(app, ["show", str(out), rejected[0]["id"]])
    assert r.exit_code == 0 and rejected[0]["drop_reason"].split(":")[0] in r.output
    r = CliRunner().invoke(app, ["show", str(out), "no-such-id"])
    assert r.exit_code == 2 and "no item with id" in r.output
