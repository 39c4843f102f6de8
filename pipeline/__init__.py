"""biocoder-pipeline stages as plain Python (no Prefect import here)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("biocoder-pipeline")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

from parsers import compiled  # noqa: E402

compiled.install()  # `pipeline.context_python` may be imported before anything of `parsers`
