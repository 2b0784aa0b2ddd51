"""The per-request context a subgraph's resolvers receive as `info.context`.

It holds the app's sources (shared for the app's lifetime) and the request's DataLoaders
(fresh for every request, so batching and caching never leak between requests).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from strawberry.dataloader import DataLoader

from subgraphs.kit.rest import RestSource
from subgraphs.kit.sql import SqlSource


@dataclass
class SubgraphContext:
    request: Request | None = None
    sql: SqlSource | None = None
    rest: dict[str, RestSource] = field(default_factory=dict)
    loaders: dict[Hashable, DataLoader[Any, Any]] = field(default_factory=dict)

    def loader(
        self, key: Hashable, load: Callable[[list[Any]], Awaitable[Sequence[Any]]]
    ) -> DataLoader[Any, Any]:
        """The request's DataLoader for `key`, created with `load` on first use."""
        existing = self.loaders.get(key)
        if existing is None:
            existing = self.loaders[key] = DataLoader(load_fn=load)
        return existing

    @property
    def database(self) -> SqlSource:
        if self.sql is None:
            raise RuntimeError("this subgraph has no SQL source")
        return self.sql

    def upstream(self, name: str) -> RestSource:
        return self.rest[name]
