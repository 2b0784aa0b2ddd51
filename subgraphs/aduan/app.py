"""The aduan subgraph app."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs.aduan.schema import schema
from subgraphs.kit import create_subgraph_app


def create_app(database_url: str) -> Starlette:
    return create_subgraph_app("aduan", schema, database_url=database_url)
