"""Writing a built dataset: Parquet splits per language, rejected.parquet, stats/, README.md
(the dataset card) and manifest.json, in the layout of DESIGN.md.

Every file is written to a temporary name in the same directory, fsynced and renamed into
place, so a killed run never leaves a truncated file under a final name. manifest.json is the
completion marker: it is removed first and written last, so a directory without it is an
unfinished build (read_dataset refuses it). Rows are sorted by (repo, path, start_line, id) and
written with pipeline.records.ITEM_SCHEMA, so two builds from the same input are byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.config import Config, config_from_dict, config_hash
from pipeline.funnel import Funnel
from pipeline.records import COLUMN_DESCRIPTIONS, ITEM_SCHEMA, rows_to_item_table

MANIFEST = "manifest.json"
REJECTED = "rejected.parquet"
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "row_group_size": 10_000}


def pipeline_version() -> str:
    from pipeline import __version__

    return __version__


# ---------------------------------------------------------------- atomic files

def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_current_umask()  # mkstemp creates 0600; final files get the usual mode


def _atomic(path: Path, write: "Any") -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fchmod(fh.fileno(), _FILE_MODE)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    _atomic(path, lambda fh: fh.write(data))


def atomic_write_table(path: Path, table: pa.Table) -> None:
    _atomic(path, lambda fh: pq.write_table(table, fh, **PARQUET_OPTIONS))


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, default=str).encode("utf-8") + b"\n"


# ---------------------------------------------------------------- rows

def row_sort_key(row: dict[str, Any]) -> tuple[str, str, int, str]:
    return (row.get("repo") or "", row.get("path") or "", int(row.get("start_line") or 0), row.get("id") or "")


SORT_KEYS = [("repo", "ascending"), ("path", "ascending"), ("start_line", "ascending"), ("id", "ascending")]


def sorted_table(rows: Iterable[dict[str, Any]] | pa.Table) -> pa.Table:
    """Rows in (repo, path, start_line, id) order. A table is sorted by Arrow (same order as
    row_sort_key: UTF-8 byte order is code point order), without a trip through Python dicts."""
    if isinstance(rows, pa.Table):
        return rows.cast(ITEM_SCHEMA).sort_by(SORT_KEYS)
    return rows_to_item_table(sorted(rows, key=row_sort_key))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- the dataset

def write_dataset(out_dir: str | Path, kept_rows: list[dict[str, Any]], rejected_rows: list[dict[str, Any]] | pa.Table,
                  manifest: dict[str, Any], funnel: Funnel, config: Config | None = None,
                  title: str = "BioCoder-style bioinformatics code benchmark") -> dict[str, Any]:
    """Write the whole build to `out_dir`; returns the manifest written.

    `manifest` carries what the caller knows (at least `repos`: [{repo, url, commit, status, …}];
    optionally `stages` with per-stage counts or timings); the writer adds version, config, hash,
    counts and the file list. Every configured split gets a file for every configured language,
    empty ones included. Split files of splits no longer configured are removed.
    """
    if config is None:  # the caller put the resolved settings in the manifest
        if "config" not in manifest:
            raise ValueError("write_dataset needs `config` or manifest['config']")
        config = config_from_dict(manifest["config"], source="manifest['config']")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)  # from here until the end, the build is incomplete

    splits = list(config.splits)
    languages = list(config.languages)
    for row in kept_rows:
        if row.get("split") not in config.splits:
            raise ValueError(f"row {row.get('id')} has split {row.get('split')!r}, not one of {splits}")
        if row.get("language") not in languages:
            raise ValueError(f"row {row.get('id')} has language {row.get('language')!r}, not one of {languages}")

    files: dict[str, dict[str, Any]] = {}
    counts: dict[str, dict[str, int]] = {}
    for lang in languages:
        lang_dir = out / lang
        lang_dir.mkdir(exist_ok=True)
        counts[lang] = {}
        for split in splits:
            rows = [r for r in kept_rows if r["language"] == lang and r["split"] == split]
            rel = f"{lang}/{split}.parquet"
            atomic_write_table(out / rel, sorted_table(rows))
            files[rel] = {"rows": len(rows)}
            counts[lang][split] = len(rows)
        for stale in sorted(lang_dir.glob("*.parquet")):
            if stale.stem not in config.splits:
                stale.unlink()
    rejected_table = sorted_table(rejected_rows)
    atomic_write_table(out / REJECTED, rejected_table)
    files[REJECTED] = {"rows": rejected_table.num_rows}
    funnel.save(out / "stats")
    files["stats/funnel.json"] = {}
    files["stats/funnel.parquet"] = {}

    full = {
        "pipeline_version": pipeline_version(),
        "config_hash": config_hash(config),
        "config": config.to_dict(),
        **manifest,
        "counts": {
            "kept": len(kept_rows),
            "rejected": rejected_table.num_rows,
            "per_language_split": counts,
            "rejected_per_reason": dict(sorted(Counter(
                (reason or "").split(":", 1)[0] for reason in rejected_table.column("drop_reason").to_pylist()).items())),
            "funnel": funnel.to_dict(),
        },
    }
    card = dataset_card(title, full, kept_rows, funnel, config)
    atomic_write_bytes(out / "README.md", card.encode("utf-8"))
    files["README.md"] = {}
    for rel, info in files.items():
        info["sha256"] = file_sha256(out / rel)
    full["files"] = files
    atomic_write_bytes(out / MANIFEST, _json_bytes(full))  # completion marker, last
    return full


@dataclass
class Dataset:
    kept: pa.Table  # every split of every language, ITEM_SCHEMA
    rejected: pa.Table
    manifest: dict[str, Any]

    def existing_splits(self) -> dict[str, str]:
        """id -> split, for extending a build without moving its items."""
        return dict(zip(self.kept.column("id").to_pylist(), self.kept.column("split").to_pylist()))


class IncompleteBuild(RuntimeError):
    pass


def read_dataset(out_dir: str | Path) -> Dataset:
    """Read a finished build (raises IncompleteBuild when manifest.json is missing)."""
    out = Path(out_dir)
    if not (out / MANIFEST).is_file():
        raise IncompleteBuild(f"{out}: no {MANIFEST}; the build did not finish")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    parts = [pq.read_table(out / rel, schema=ITEM_SCHEMA) for rel in sorted(manifest["files"])
             if rel.endswith(".parquet") and "/" in rel and not rel.startswith("stats/")]
    kept = pa.concat_tables(parts) if parts else ITEM_SCHEMA.empty_table()
    rejected = pq.read_table(out / REJECTED, schema=ITEM_SCHEMA)
    return Dataset(kept=kept, rejected=rejected, manifest=manifest)


# ---------------------------------------------------------------- dataset card

def _md_table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def dataset_card(title: str, manifest: dict[str, Any], kept_rows: list[dict[str, Any]], funnel: Funnel,
                 config: Config) -> str:
    splits = list(config.splits)
    languages = list(config.languages)
    yaml = ["---", "configs:"]
    for lang in languages:
        yaml.append(f"- config_name: {lang}")
        yaml.append("  data_files:")
        for split in splits:
            yaml += [f"  - split: {split}", f"    path: {lang}/{split}.parquet"]
    licences = sorted({r.get("license") or "unknown" for r in kept_rows})
    yaml += ["license: other", "tags:", "- code", "- bioinformatics", "---", ""]

    counts = manifest["counts"]["per_language_split"]
    split_rows = [[lang, *(counts[lang][s] for s in splits), sum(counts[lang].values())] for lang in languages]
    dep_levels = Counter((r["language"], r.get("dependency_level") or "") for r in kept_rows)
    dep_rows = [[lang, level, n] for (lang, level), n in sorted(dep_levels.items())]
    lic = Counter((r.get("license") or "unknown", r["language"]) for r in kept_rows)
    lic_rows = [[name, *(lic[(name, lang)] for lang in languages)] for name in licences]
    repos = manifest.get("repos", [])
    repo_rows = [[r.get("repo", ""), (r.get("commit") or "")[:12], r.get("status", ""), r.get("license", "")]
                 for r in repos]
    filters = [[f.name, json.dumps(f.params, sort_keys=True) if f.params else ""] for f in config.filters]
    schema_rows = [[f.name, str(f.type).replace("\n", " "), COLUMN_DESCRIPTIONS.get(f.name, "")] for f in ITEM_SCHEMA]

    data_files = ", ".join(f'"{s}": f"{{lang}}/{s}.parquet"' for s in splits)
    first = f"{languages[0]}/{splits[0]}.parquet" if languages and splits else "python/test.parquet"
    parts = [
        *yaml,
        f"# {title}",
        "",
        "Functions and methods taken from public bioinformatics repositories, pinned to a commit, with "
        "their resolved repository context, filtered, deduplicated and split by repository "
        "(no repository appears in two splits).",
        "",
        f"- pipeline version: `{manifest['pipeline_version']}`",
        f"- config hash: `{manifest['config_hash']}`",
        f"- items: {manifest['counts']['kept']} kept, {manifest['counts']['rejected']} rejected "
        "(`rejected.parquet`, each with its `drop_reason`)",
        "",
        "## Loading",
        "",
        "```python",
        "import pandas as pd",
        f'df = pd.read_parquet("{first}")',
        "",
        "from datasets import load_dataset",
        f'lang = "{languages[0] if languages else "python"}"',
        'ds = load_dataset("parquet", data_files={' + data_files + "})",
        "```",
        "",
        "## Counts per language and split",
        "",
        _md_table(["language", *splits, "total"], split_rows),
        "",
        "## Dependency levels (kept items)",
        "",
        _md_table(["language", "dependency_level", "items"], dep_rows) if dep_rows else "(no items)",
        "",
        "## Licences (kept items)",
        "",
        _md_table(["licence", *languages], lic_rows) if lic_rows else "(no items)",
        "",
        "## Funnel",
        "",
        "Records in, dropped per reason (in chain order: filters, then dedup and decontamination), out.",
        "",
        funnel.markdown(),
        "",
        "## Filter chain",
        "",
        _md_table(["filter", "params"], filters),
        "",
        f"Dedup: exact={config.dedup.exact}, near={config.dedup.near} (MinHash, {config.dedup.num_perm} "
        f"permutations, {config.dedup.shingle}-token shingles, Jaccard >= {config.dedup.near_threshold}). "
        f"Decontamination: {config.decontamination.path or 'off'}"
        + (f" ({config.decontamination.action}, Jaccard >= {config.decontamination.threshold})"
           if config.decontamination.path else "") + ".",
        "",
        "## Repositories",
        "",
        _md_table(["repo", "commit", "status", "licence"], repo_rows) if repo_rows else "(none listed)",
        "",
        "## Schema",
        "",
        "Every split file has this Arrow schema (`pipeline.records.ITEM_SCHEMA`).",
        "",
        _md_table(["column", "type", "description"], schema_rows),
        "",
    ]
    return "\n".join(parts)
