"""The kependudukan subgraph app."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs.kependudukan.schema import schema
from subgraphs.kit import create_subgraph_app


def create_app(database_url: str) -> Starlette:
    return create_subgraph_app("kependudukan", schema, database_url=database_url)
