"""The `splp` command line.

Each area of the project owns its subcommands: a module listed in COMMAND_MODULES
exposes `add_commands(subparsers)`, which adds its subcommands and sets `func` on each
parser to the function that runs it (returning an exit code).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES = [
    "subgraphs.cli",
    "federation.gateway_cli",
    "federation.compose.cli",
    "federation.registry.cli",
    "federation.trail.cli",
    "federation.migrations.cli",
    "federation.security.cli",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="splp", description="SPLP GraphQL federation layer")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except BrokenPipeError:
        # The reader went away (`splp plan ... | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
