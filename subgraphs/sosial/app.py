"""The sosial subgraph app."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs.kit import create_subgraph_app
from subgraphs.sosial.schema import schema


def create_app(database_url: str) -> Starlette:
    return create_subgraph_app("sosial", schema, database_url=database_url)
