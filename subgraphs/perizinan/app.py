"""The perizinan subgraph app: no database of its own, it reads the permits system's REST API."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs.kit import RestSource, create_subgraph_app
from subgraphs.perizinan.schema import schema


def create_app(perizinan_api_url: str, *, timeout: float = 5.0) -> Starlette:
    api = RestSource("perizinan", perizinan_api_url, timeout=timeout)
    return create_subgraph_app("perizinan", schema, rest=[api])
