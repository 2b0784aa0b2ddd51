"""The ASGI app of one subgraph: POST /graphql, GraphiQL on GET /graphql, /health.

`create_schema` builds a Federation v2 schema (`_service { sdl }` with its `@link`) that knows
the data-standard scalars; `create_subgraph_app` serves it with the app's sources opened at
startup and closed at shutdown.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Final

import strawberry
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from federation.telemetry.tracing import TracingMiddleware, tracer_provider
from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.rest import RestSource
from subgraphs.kit.scalars import SCALAR_MAP
from subgraphs.kit.sql import SqlSource

# Apollo Federation v2.3: @key, @shareable, @external, @requires, @provides, @inaccessible, @tag …
FEDERATION_VERSION: Final = "2.3"

logger = logging.getLogger("splp.subgraph")


class SubgraphSchema(strawberry.federation.Schema):
    """Logs only unexpected errors: a refused NIK or transition is the client's, not a fault."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            original = error.original_error
            if original is not None and not isinstance(original, GraphQLError):
                logger.error("resolver failed", exc_info=original)


def create_schema(
    query: type, mutation: type | None = None, types: Iterable[type] = ()
) -> strawberry.federation.Schema:
    return SubgraphSchema(
        query=query,
        mutation=mutation,
        types=list(types),
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        federation_version=FEDERATION_VERSION,
    )


class _GraphQLEndpoint(GraphQL[SubgraphContext, None]):
    def __init__(self, schema: strawberry.federation.Schema, sql: SqlSource | None,
                 rest: Sequence[RestSource]) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=False)
        self.sql = sql
        self.rest = {source.name: source for source in rest}

    async def get_context(self, request: Request | WebSocket, response: Any) -> SubgraphContext:
        return SubgraphContext(request=request if isinstance(request, Request) else None,
                               sql=self.sql, rest=self.rest)


def create_subgraph_app(
    name: str,
    schema: strawberry.federation.Schema,
    *,
    database_url: str | None = None,
    rest: Sequence[RestSource] = (),
) -> Starlette:
    """A Starlette app serving `schema`; `database_url` (any of the three databases) feeds SqlEntity."""
    sql = SqlSource(database_url) if database_url is not None else None
    endpoint = _GraphQLEndpoint(schema, sql, rest)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        for source in rest:
            await source.open()
        try:
            yield
        finally:
            for source in rest:
                await source.close()
            if sql is not None:
                await sql.dispose()
            if provider is not None:
                provider.shutdown()

    async def health(request: Request) -> Response:
        if sql is not None:
            try:
                await sql.ping()
            except Exception as error:  # the database is down: say so, don't crash
                return JSONResponse(
                    {"status": "unavailable", "subgraph": name, "reason": f"database: {error}"},
                    status_code=503,
                )
        return JSONResponse({"status": "ok", "subgraph": name})

    app = Starlette(
        routes=[
            Route("/graphql", endpoint, methods=["GET", "POST"]),
            Route("/health", health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    # Traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, continuing the gateway's trace.
    provider = tracer_provider(f"splp-{name}")
    if provider is not None:
        app.add_middleware(TracingMiddleware, provider=provider)
    app.state.tracer_provider = provider
    app.state.subgraph = name
    app.state.sql = sql
    app.state.schema = schema
    return app
