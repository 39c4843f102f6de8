"""Tree-sitter parsers of Python and Java source into per-file summaries."""

from parsers import compiled

compiled.install()  # before any module of `compiled.COMPILED` is imported: an old build must not shadow its source
