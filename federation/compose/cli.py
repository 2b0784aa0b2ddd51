"""`splp compose`: compose the subgraphs of a rover-style config into a supergraph.

splp compose --config supergraph.yaml --output supergraph.graphql
splp compose --config supergraph.yaml --api-output schema.graphql   # write the public API schema
splp compose --config supergraph.yaml --check schema.graphql        # exit 1 with a diff if out of date
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import sys
from pathlib import Path
from typing import Any

from federation.compose import compose
from federation.compose.config import ConfigError, load_config, read_sources
from federation.supergraph import Supergraph, SupergraphError


def add_commands(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "compose",
        help="compose subgraphs (rover's supergraph.yaml format) into a supergraph",
        description="Compose the subgraphs listed in a supergraph config into a supergraph, the way Apollo's "
        "composition does, or check that a public API schema file is up to date.",
    )
    parser.add_argument("--config", required=True, help="supergraph config (rover's supergraph.yaml format)")
    parser.add_argument("--output", help="write the supergraph SDL here (default: standard output)")
    parser.add_argument("--api-output", help="also write the public API schema (what clients see) here")
    parser.add_argument(
        "--check", metavar="FILE", help="compare FILE with the public API schema; exit 1 with a diff when it differs"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each running subgraph")
    parser.set_defaults(func=run_compose)


def run_compose(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
        sources = asyncio.run(read_sources(config, args.timeout))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    result = compose(sources)
    if result.supergraph_sdl is None:
        print(f"error: composition failed with {len(result.errors)} error(s):", file=sys.stderr)
        for problem in result.errors:
            print(f"\n[{problem.code}] {problem.message}", file=sys.stderr)
        return 1
    try:
        api_sdl = _api_sdl(result.supergraph_sdl) if (args.check or args.api_output) else None
    except SupergraphError as error:  # our own output does not load: a bug, reported clearly
        print(f"error: the composed supergraph does not load: {error}", file=sys.stderr)
        return 1
    if args.check:
        return _check(Path(args.check), api_sdl or "")
    try:
        if args.output:
            Path(args.output).write_text(result.supergraph_sdl, encoding="utf-8")
        elif not args.api_output:
            sys.stdout.write(result.supergraph_sdl)
        if args.api_output:
            Path(args.api_output).write_text(api_sdl or "", encoding="utf-8")
    except OSError as error:
        print(f"error: cannot write: {error}", file=sys.stderr)
        return 1
    return 0


def _api_sdl(supergraph_sdl: str) -> str:
    text = Supergraph.from_sdl(supergraph_sdl).api_sdl()
    return text if text.endswith("\n") else text + "\n"


def _check(path: Path, api_sdl: str) -> int:
    try:
        current = path.read_text(encoding="utf-8")
    except OSError as error:
        print(f"error: cannot read {path}: {error.strerror or error}", file=sys.stderr)
        return 1
    if current == api_sdl:
        print(f"{path} is up to date")
        return 0
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        api_sdl.splitlines(keepends=True),
        fromfile=f"{path} (checked in)",
        tofile=f"{path} (composed now)",
    )
    sys.stderr.write(
        f"error: {path} is out of date with the subgraphs; regenerate it with "
        f"`splp compose --config CONFIG --api-output {path}`\n"
    )
    sys.stderr.writelines(diff)
    return 1
