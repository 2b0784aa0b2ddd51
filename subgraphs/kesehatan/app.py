"""The kesehatan subgraph app: its own database plus BPJS Kesehatan's membership API."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs.kesehatan.schema import schema
from subgraphs.kit import RestSource, create_subgraph_app


def create_app(database_url: str, bpjs_url: str, *, timeout: float = 5.0) -> Starlette:
    bpjs = RestSource("bpjs", bpjs_url, timeout=timeout)
    return create_subgraph_app("kesehatan", schema, database_url=database_url, rest=[bpjs])
