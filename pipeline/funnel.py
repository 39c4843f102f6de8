"""The funnel: per language, how many records came in, how many each reason dropped (in chain
order), and how many came out. Printed as a table, saved under stats/ as JSON and Parquet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

FUNNEL_SCHEMA = pa.schema([("language", pa.string()), ("stage", pa.string()), ("count", pa.int64())])


def reason_key(reason: str) -> str:
    """The counted part of a drop reason: `"test_code: path tests/x.py"` -> `"test_code"`."""
    return reason.split(":", 1)[0].strip()


@dataclass
class Funnel:
    reasons: list[str] = field(default_factory=list)  # drop reasons in chain order
    n_in: dict[str, int] = field(default_factory=dict)  # language -> records in
    dropped: dict[str, dict[str, int]] = field(default_factory=dict)  # language -> reason -> n

    def add_reasons(self, reasons: list[str] | tuple[str, ...]) -> None:
        """Declare reasons up front so zero counts show, in chain order."""
        for r in reasons:
            if r not in self.reasons:
                self.reasons.append(r)

    def add_in(self, language: str, n: int = 1) -> None:
        self.n_in[language] = self.n_in.get(language, 0) + n
        self.dropped.setdefault(language, {})

    def drop(self, language: str, reason: str, n: int = 1) -> None:
        key = reason_key(reason)
        self.add_reasons([key])
        per = self.dropped.setdefault(language, {})
        per[key] = per.get(key, 0) + n

    @property
    def languages(self) -> list[str]:
        return sorted(set(self.n_in) | set(self.dropped))

    def n_out(self, language: str) -> int:
        return self.n_in.get(language, 0) - sum(self.dropped.get(language, {}).values())

    def to_dict(self) -> dict[str, Any]:
        langs = {
            lang: {
                "in": self.n_in.get(lang, 0),
                "dropped": {r: self.dropped.get(lang, {}).get(r, 0) for r in self.reasons},
                "out": self.n_out(lang),
            }
            for lang in self.languages
        }
        total = {
            "in": sum(v["in"] for v in langs.values()),
            "dropped": {r: sum(v["dropped"][r] for v in langs.values()) for r in self.reasons},
            "out": sum(v["out"] for v in langs.values()),
        }
        return {"reasons": list(self.reasons), "languages": langs, "total": total}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Funnel":
        f = cls(reasons=list(data.get("reasons", [])))
        for lang, v in data.get("languages", {}).items():
            f.n_in[lang] = int(v["in"])
            f.dropped[lang] = {r: int(n) for r, n in v.get("dropped", {}).items() if n}
        return f

    def rows(self) -> list[dict[str, Any]]:
        """Long form: (language, stage, count) with stages in, <reasons…>, out; language "all" totals."""
        d = self.to_dict()
        out: list[dict[str, Any]] = []
        for lang, v in [*d["languages"].items(), ("all", d["total"])]:
            out.append({"language": lang, "stage": "in", "count": v["in"]})
            out.extend({"language": lang, "stage": r, "count": v["dropped"][r]} for r in self.reasons)
            out.append({"language": lang, "stage": "out", "count": v["out"]})
        return out

    def markdown(self) -> str:
        d = self.to_dict()
        langs = list(d["languages"])
        head = "| stage | " + " | ".join(langs + ["all"]) + " |"
        sep = "|---|" + "---:|" * (len(langs) + 1)
        lines = [head, sep]
        cols = [d["languages"][lang] for lang in langs] + [d["total"]]
        lines.append("| in | " + " | ".join(str(c["in"]) for c in cols) + " |")
        for r in self.reasons:
            lines.append(f"| dropped: {r} | " + " | ".join(str(c["dropped"][r]) for c in cols) + " |")
        lines.append("| out | " + " | ".join(str(c["out"]) for c in cols) + " |")
        return "\n".join(lines)

    def table(self) -> "Any":
        """A rich Table of the funnel."""
        from rich.table import Table

        d = self.to_dict()
        langs = list(d["languages"])
        t = Table(title="Funnel")
        t.add_column("stage")
        for lang in langs + ["all"]:
            t.add_column(lang, justify="right")
        cols = [d["languages"][lang] for lang in langs] + [d["total"]]
        t.add_row("in", *(str(c["in"]) for c in cols))
        for r in self.reasons:
            t.add_row(f"- {r}", *(str(c["dropped"][r]) for c in cols))
        t.add_row("out", *(str(c["out"]) for c in cols), style="bold")
        return t

    def print(self, console: Any = None) -> None:
        from rich.console import Console

        (console or Console()).print(self.table())

    def save(self, stats_dir: Path) -> None:
        """stats/funnel.json and stats/funnel.parquet, each written atomically."""
        from pipeline.writer import atomic_write_bytes, atomic_write_table

        stats_dir = Path(stats_dir)
        stats_dir.mkdir(parents=True, exist_ok=True)
        data = json.dumps(self.to_dict(), indent=2, sort_keys=False).encode("utf-8") + b"\n"
        atomic_write_bytes(stats_dir / "funnel.json", data)
        atomic_write_table(stats_dir / "funnel.parquet", pa.Table.from_pylist(self.rows(), schema=FUNNEL_SCHEMA))
