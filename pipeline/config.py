"""Build configuration: one typed `Config`, loaded from TOML merged over the shipped defaults.

`pipeline/default_config.toml` holds every default with its source. A user file is merged
over it (tables key by key; `filters` and `splits` replaced wholesale), validated, and turned
into dataclasses. Any bad key or value raises `ConfigError` naming the file and the key.
`config_hash` is the sha256 of the canonical JSON of the resolved config: the cache key of
per-repository work and the build's identity in manifest.json.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.records import LANGUAGES

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.toml")
DECONTAMINATION_ACTIONS = ("flag", "drop")


class ConfigError(ValueError):
    """A configuration file or value that cannot be used; says which file and key."""

    def __init__(self, source: str, key: str, message: str) -> None:
        super().__init__(f"{source}: {key}: {message}")
        self.source = source
        self.key = key


@dataclass(slots=True)
class FilterSpec:
    name: str  # a key of pipeline.filters.FILTERS
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class DedupConfig:
    exact: bool = True
    near: bool = True
    near_threshold: float = 0.7
    num_perm: int = 128
    shingle: int = 5
    seed: int = 1


@dataclass(slots=True)
class DecontaminationConfig:
    path: str | None = None  # None: no decontamination
    action: str = "flag"  # "flag" | "drop"
    threshold: float = 0.7


@dataclass(slots=True)
class AcquireConfig:
    timeout: float = 600.0  # seconds per clone attempt
    max_bytes: int = 2 * 1024**3  # size cap of a checkout
    retries: int = 2  # further attempts for transient failures (timeouts, connection resets)


@dataclass(slots=True)
class HarnessConfig:
    enabled: bool = True  # generate and validate test harnesses
    python: str | None = None  # None: sys.executable
    seeds: int = 5
    require_validated: bool = False
    timeout: float = 10.0


@dataclass(slots=True)
class SummarizerConfig:
    url: str | None = None
    model: str | None = None


@dataclass(slots=True)
class Config:
    filters: list[FilterSpec]
    splits: dict[str, float]  # name -> fraction of repositories, in order
    languages: list[str] = field(default_factory=lambda: list(LANGUAGES))
    max_file_bytes: int = 1_000_000
    keep_python2: bool = False
    allowed_third_party: list[str] = field(default_factory=list)
    license_allowlist: list[str] | None = None  # None: no licence filter
    dedup: DedupConfig = field(default_factory=DedupConfig)
    decontamination: DecontaminationConfig = field(default_factory=DecontaminationConfig)
    harness: HarnessConfig = field(default_factory=HarnessConfig)
    acquire: AcquireConfig = field(default_factory=AcquireConfig)
    summarizer: SummarizerConfig = field(default_factory=SummarizerConfig)
    source: str = "<defaults>"  # where it was loaded from; not part of the hash

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict of the settings (without `source`)."""
        data = dataclasses.asdict(self)
        data.pop("source", None)
        return data


# ---------------------------------------------------------------- loading

_SECTIONS: dict[str, type] = {
    "dedup": DedupConfig,
    "decontamination": DecontaminationConfig,
    "harness": HarnessConfig,
    "acquire": AcquireConfig,
    "summarizer": SummarizerConfig,
}
_REPLACED = ("filters", "splits")  # lists/tables replaced wholesale, never merged
_EMPTY_IS_NONE = {("decontamination", "path"), ("harness", "python"), ("summarizer", "url"), ("summarizer", "model")}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(str(path), "<file>", "no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "<syntax>", str(exc)) from None


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` over `base`: sub-tables merge key by key, except `filters` and `splits`."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if key in _SECTIONS and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = copy.deepcopy(value)
    return out


def _check_type(src: str, key: str, value: Any, expected: type | tuple[type, ...]) -> Any:
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bool) and expected is not bool and bool not in (expected if isinstance(expected, tuple) else (expected,)):
        raise ConfigError(src, key, f"expected {getattr(expected, '__name__', expected)}, got a boolean")
    if not isinstance(value, expected):
        name = getattr(expected, "__name__", str(expected))
        raise ConfigError(src, key, f"expected {name}, got {type(value).__name__} {value!r}")
    return value


_SCALAR_TYPES = {"bool": bool, "int": int, "float": float, "str": str, "str | None": str}


def _section(src: str, name: str, cls: type, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(src, name, f"expected a table, got {type(raw).__name__}")
    known = {f.name: f for f in dataclasses.fields(cls)}
    kw: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(src, f"{name}.{key}", f"unknown key (known: {', '.join(known)})")
        expected = _SCALAR_TYPES[str(known[key].type)]
        if value is None and str(known[key].type).endswith("| None"):
            kw[key] = None  # from Config.to_dict(): round trip
            continue
        value = _check_type(src, f"{name}.{key}", value, expected)
        if (name, key) in _EMPTY_IS_NONE and value == "":
            value = None
        kw[key] = value
    return cls(**kw)


def _string_list(src: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(src, key, f"expected a list of strings, got {value!r}")
    return list(value)


def config_from_dict(data: dict[str, Any], source: str = "<dict>") -> Config:
    """Validate a merged settings dict and build the `Config`."""
    src = source
    known = {"filters", "splits", "languages", "max_file_bytes", "keep_python2", "allowed_third_party",
             "license_allowlist", *_SECTIONS}
    for key in data:
        if key not in known:
            raise ConfigError(src, key, f"unknown key (known: {', '.join(sorted(known))})")

    raw_filters = data.get("filters", [])
    if not isinstance(raw_filters, list):
        raise ConfigError(src, "filters", "expected an array of tables [[filters]]")
    filters: list[FilterSpec] = []
    for i, spec in enumerate(raw_filters):
        key = f"filters[{i}]"
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise ConfigError(src, key, "each filter needs a string `name`")
        extra = set(spec) - {"name", "params"}
        if extra:
            raise ConfigError(src, key, f"unknown keys {sorted(extra)} (a filter has `name` and `params`)")
        params = spec.get("params", {})
        if not isinstance(params, dict):
            raise ConfigError(src, f"{key}.params", "expected a table")
        filters.append(FilterSpec(name=spec["name"], params=dict(params)))

    raw_splits = data.get("splits", {})
    if not isinstance(raw_splits, dict) or not raw_splits:
        raise ConfigError(src, "splits", "expected a non-empty table of name = fraction")
    splits: dict[str, float] = {}
    for name, frac in raw_splits.items():
        frac = _check_type(src, f"splits.{name}", frac, float)
        if not (frac > 0) or not math.isfinite(frac):
            raise ConfigError(src, f"splits.{name}", f"fraction must be > 0, got {frac}")
        if not name.replace("_", "").replace("-", "").isalnum():
            raise ConfigError(src, f"splits.{name}", "split names are letters, digits, - and _")
        splits[name] = float(frac)
    total = sum(splits.values())
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(src, "splits", f"fractions must sum to 1, got {total}")

    languages = _string_list(src, "languages", data.get("languages", list(LANGUAGES)))
    for lang in languages:
        if lang not in LANGUAGES:
            raise ConfigError(src, "languages", f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    allowlist = _string_list(src, "license_allowlist", data.get("license_allowlist") or [])

    cfg = Config(
        filters=filters,
        splits=splits,
        languages=languages,
        max_file_bytes=_check_type(src, "max_file_bytes", data.get("max_file_bytes", 1_000_000), int),
        keep_python2=_check_type(src, "keep_python2", data.get("keep_python2", False), bool),
        allowed_third_party=_string_list(src, "allowed_third_party", data.get("allowed_third_party", [])),
        license_allowlist=allowlist or None,
        source=source,
        **{name: _section(src, name, cls, data.get(name, {})) for name, cls in _SECTIONS.items()},
    )
    if cfg.decontamination.action not in DECONTAMINATION_ACTIONS:
        raise ConfigError(src, "decontamination.action", f"expected one of {DECONTAMINATION_ACTIONS}")
    for key, value in (("dedup.near_threshold", cfg.dedup.near_threshold),
                       ("decontamination.threshold", cfg.decontamination.threshold)):
        if not 0.0 < value <= 1.0:
            raise ConfigError(src, key, f"a Jaccard threshold in (0, 1], got {value}")
    if cfg.dedup.num_perm < 16 or cfg.dedup.shingle < 1:
        raise ConfigError(src, "dedup", "num_perm >= 16 and shingle >= 1 required")

    from pipeline.filters import build_filters  # late import: filters depend on Config

    try:
        build_filters(cfg)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(src, "filters", str(exc).strip("'\"")) from None
    return cfg


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Defaults, then the TOML file at `path` (if any), then `overrides` (a dict, for tests/CLI)."""
    data = _read_toml(DEFAULT_CONFIG_PATH)
    source = str(DEFAULT_CONFIG_PATH)
    if path is not None:
        user = _read_toml(Path(path))
        data = merge(data, user)
        source = str(path)
    if overrides:
        data = merge(data, overrides)
    return config_from_dict(data, source)


def config_hash(config: Config) -> str:
    """sha256 of the canonical JSON of the settings; `source` (a path) is not included."""
    canonical = json.dumps(config.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
