"""Running a subgraph's schema the way its app does, with a context on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import strawberry
from sqlalchemy import event

from subgraphs.kit import RestSource, SqlSource, SubgraphContext


@asynccontextmanager
async def sources(url: str | None, rest: dict[str, str] | None = None) -> AsyncIterator[SubgraphContextFactory]:
    sql = SqlSource(url) if url is not None else None
    apis = [RestSource(name, base, timeout=5.0) for name, base in (rest or {}).items()]
    for api in apis:
        await api.open()
    try:
        yield SubgraphContextFactory(sql, {api.name: api for api in apis})
    finally:
        for api in apis:
            await api.close()
        if sql is not None:
            await sql.dispose()


class SubgraphContextFactory:
    def __init__(self, sql: SqlSource | None, rest: dict[str, RestSource]) -> None:
        self.sql = sql
        self.rest = rest
        self.statements: list[str] = []
        if sql is not None:
            event.listen(sql.engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    def context(self) -> SubgraphContext:
        """A fresh request context (its own DataLoaders) on these sources."""
        return SubgraphContext(sql=self.sql, rest=self.rest)

    async def run(self, schema: strawberry.federation.Schema, query: str, **variables: Any) -> dict[str, Any]:
        """Execute like a request; the answer's data, or AssertionError listing the errors."""
        result = await schema.execute(query, variable_values=variables or None,
                                      context_value=SubgraphContext(sql=self.sql, rest=self.rest))
        if result.errors:
            raise AssertionError([(e.message, e.extensions, e.original_error) for e in result.errors])
        assert result.data is not None
        return result.data

    async def errors(self, schema: strawberry.federation.Schema, query: str, **variables: Any) -> list[Any]:
        """Execute expecting refusal; the errors as (message, extensions)."""
        result = await schema.execute(query, variable_values=variables or None,
                                      context_value=SubgraphContext(sql=self.sql, rest=self.rest))
        assert result.errors, f"expected errors, got {result.data}"
        return [(e.message, e.extensions) for e in result.errors]


def entities(typename: str, fields: str) -> str:
    return ("query($representations: [_Any!]!) { _entities(representations: $representations) "
            f"{{ ... on {typename} {{ {fields} }} }} }}")
