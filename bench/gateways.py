"""The gateways under test: SPLP and the Node peers, each as a command line."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.install import PEERS_DIR

REPO_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Gateway:
    name: str
    description: str
    command: tuple[str, ...]  # with {supergraph} and {port} to fill in
    path: str  # where it serves GraphQL
    cwd: Path
    deduplicates: bool  # inbound in-flight request deduplication
    is_splp: bool = False
    env: dict[str, str] = field(default_factory=dict)

    def argv(self, supergraph: Path, port: int) -> list[str]:
        return [part.format(supergraph=supergraph, port=port) for part in self.command]


SPLP_COMMAND = (
    sys.executable,
    "-m",
    "federation.cli",
    "gateway",
    "--supergraph",
    "{supergraph}",
    "--host",
    "127.0.0.1",
    "--port",
    "{port}",
)
HIVE_COMMAND = (
    "node",
    "node_modules/.bin/hive-gateway",
    "supergraph",
    "{supergraph}",
    "--host",
    "127.0.0.1",
    "--port",
    "{port}",
    "--fork",
    "1",
)
NODE_ENV = {"NODE_ENV": "production"}


def splp_help() -> str:
    """`splp gateway --help`, or "" while the command does not exist yet."""
    completed = subprocess.run([*SPLP_COMMAND[:4], "--help"], cwd=REPO_DIR, capture_output=True, text=True, check=False)
    return completed.stdout if completed.returncode == 0 else ""


def splp_gateways(extra: tuple[str, ...] = ()) -> list[Gateway]:
    """SPLP's variants that its command line offers: without and with in-flight
    deduplication (on by default, turned off by --no-dedupe)."""
    help_text = splp_help()
    if not help_text:
        return []
    command = SPLP_COMMAND + extra
    if "--no-dedupe" not in help_text:
        return [Gateway("splp", "SPLP gateway", command, "/graphql", REPO_DIR, False, True)]
    return [
        Gateway("splp", "SPLP gateway, --no-dedupe", (*command, "--no-dedupe"), "/graphql", REPO_DIR, False, True),
        Gateway("splp-dedupe", "SPLP gateway, in-flight deduplication", command, "/graphql", REPO_DIR, True, True),
    ]


def peer_gateways() -> list[Gateway]:
    return [
        Gateway(
            "apollo",
            "Apollo Gateway 2 (@apollo/gateway + @apollo/server)",
            ("node", "apollo-gateway.mjs", "{supergraph}", "{port}"),
            "/",
            PEERS_DIR,
            False,
            env=NODE_ENV,
        ),
        Gateway(
            "hive",
            "Hive Gateway 2 (@graphql-hive/gateway)",
            (*HIVE_COMMAND, "-c", "hive-gateway.plain.mjs"),
            "/graphql",
            PEERS_DIR,
            False,
            env=NODE_ENV,
        ),
        Gateway(
            "hive-router",
            "Hive Gateway 2 with Hive Router's Rust query planner (@graphql-hive/router-runtime)",
            (*HIVE_COMMAND, "-c", "hive-gateway.router.mjs"),
            "/graphql",
            PEERS_DIR,
            False,
            env=NODE_ENV,
        ),
        Gateway(
            "hive-dedup",
            "Hive Gateway 2, inboundInflightRequestDeduplication",
            (*HIVE_COMMAND, "-c", "hive-gateway.dedup.mjs"),
            "/graphql",
            PEERS_DIR,
            True,
            env=NODE_ENV,
        ),
    ]
