"""The `biocoder` command. Each sub-command lives in `flows/commands/<name>.py` and
registers itself through `register(app)`; heavy imports (Prefect) stay inside commands."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    help="Build, extend, evaluate and audit a BioCoder-style bioinformatics code benchmark.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Explicit registry: module names under flows.commands, in help order.
COMMANDS = ["extract", "fetch", "build", "evaluate", "audit"]

for _name in COMMANDS:
    try:
        _module = importlib.import_module(f"flows.commands.{_name}")
    except ModuleNotFoundError as exc:  # a command not written yet must not break the others
        if exc.name != f"flows.commands.{_name}":
            raise
        continue
    _module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
