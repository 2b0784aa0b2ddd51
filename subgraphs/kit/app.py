"""The ASGI app of one subgraph: POST /graphql, GraphiQL on GET /graphql (offline), /health.

`create_schema` builds a Federation v2 schema (`_service { sdl }` with its `@link`) that knows
the data-standard scalars; `create_subgraph_app` serves it with the app's sources opened at
startup and closed at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, Final

import strawberry
from graphql import GraphQLError, GraphQLNonNull, GraphQLObjectType
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.extensions import MaskErrors
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from federation.telemetry.tracing import TracingMiddleware, tracer_provider
from subgraphs.kit import graphiql
from subgraphs.kit.context import SubgraphContext
from subgraphs.kit.rest import RestSource
from subgraphs.kit.scalars import SCALAR_MAP
from subgraphs.kit.sdl import use_subgraph_sdl
from subgraphs.kit.signing import RequireGatewaySignature, Verifier, keys_from_env
from subgraphs.kit.sql import SqlSource

# Apollo Federation v2.9: @key, @shareable, @external, …, and the demand-control directives
# @cost and @listSize the gateway estimates a query's cost from.
FEDERATION_VERSION: Final = "2.9"

logger = logging.getLogger("splp.subgraph")


def _unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class HideUnexpectedErrors(MaskErrors):
    """A resolver's own failure (a bug, a driver exception) reaches the client as a coded error
    at its path, never with its text (which can hold SQL, parameters or other people's data);
    the log gets the whole exception."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_unexpected, error_message="Internal error in the subgraph")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        logger.error("resolver failed at %s", ".".join(map(str, error.path or [])), exc_info=error.original_error)
        return GraphQLError(self.error_message, nodes=error.nodes, source=error.source, positions=error.positions,
                            path=error.path, extensions={"code": "INTERNAL_SERVER_ERROR"})


class SubgraphSchema(strawberry.federation.Schema):
    """Logs nothing for the client's errors: a refused NIK or transition is the client's, not a fault."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def create_schema(
    query: type | None = None, mutation: type | None = None, types: Iterable[type] = ()
) -> strawberry.federation.Schema:
    """The subgraph's schema; with no `query`, one of only `_entities` and `_service` (a subgraph
    that only adds fields to entities others own, such as `Penduduk`)."""
    schema = SubgraphSchema(
        query=query,
        mutation=mutation,
        types=list(types),
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        federation_version=FEDERATION_VERSION,
        extensions=[HideUnexpectedErrors],
    )
    _check_extensions_nullable(schema)
    use_subgraph_sdl(schema)
    return schema


def _check_extensions_nullable(schema: strawberry.federation.Schema) -> None:
    """Every field an OPD adds to a shared entity (`@penduduk`) is nullable: one OPD down nulls its part only."""
    for graphql_type in schema._schema.type_map.values():
        definition = getattr(graphql_type, "extensions", {}).get("strawberry-definition")
        origin = getattr(definition, "origin", None)
        key = getattr(origin, "__kit_all_nullable__", None)
        if key is None or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, field in graphql_type.fields.items():
            if field_name != key and isinstance(field.type, GraphQLNonNull):
                raise TypeError(f"{graphql_type.name}.{field_name} must be nullable: it extends an entity "
                                "another subgraph owns, so this subgraph being down must null only it")


class _GraphQLEndpoint(GraphQL[SubgraphContext, None]):
    def __init__(self, name: str, schema: strawberry.federation.Schema, sql: SqlSource | None,
                 rest: Sequence[RestSource]) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=False)
        self.sql = sql
        self.rest = {source.name: source for source in rest}
        self.page = graphiql.page(html.escape(name))

    async def render_graphql_ide(self, request: Request) -> Response:
        # strawberry's own page loads React from a CDN: blank on a network without internet.
        return HTMLResponse(self.page)

    async def get_context(self, request: Request | WebSocket, response: Any) -> SubgraphContext:
        return SubgraphContext(request=request if isinstance(request, Request) else None,
                               sql=self.sql, rest=self.rest)


class CancelOnDisconnect:
    """Cancel a request's execution (and so its database statements) when the client, usually
    the gateway after its own timeout, closes the connection before the answer is sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        messages: asyncio.Queue[Message] = asyncio.Queue()
        answered = False

        async def tracked_send(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True
            await send(message)

        async def listen() -> None:
            while True:
                message = await receive()
                await messages.put(message)
                if message["type"] == "http.disconnect":
                    return

        handler = asyncio.create_task(self.app(scope, messages.get, tracked_send))
        listener = asyncio.create_task(listen())
        try:
            await asyncio.wait({handler, listener}, return_when=asyncio.FIRST_COMPLETED)
            if not handler.done() and not answered:
                logger.info("client left before the answer; cancelling %s", scope.get("path"))
                handler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await handler
        finally:
            listener.cancel()


def create_subgraph_app(
    name: str,
    schema: strawberry.federation.Schema,
    *,
    database_url: str | None = None,
    rest: Sequence[RestSource] = (),
    signing_keys: Mapping[str, bytes] | None = None,
) -> Starlette:
    """A Starlette app serving `schema`; `database_url` (any of the three databases) feeds SqlEntity.

    With `signing_keys` (or `SPLP_SIGNING_KEYS` set), POST /graphql answers only requests the
    gateway signed (`subgraphs.kit.signing`)."""
    sql = SqlSource(database_url) if database_url is not None else None
    endpoint = _GraphQLEndpoint(name, schema, sql, rest)

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
                # The driver's text (host names, users) goes to the log, not to whoever asks.
                logger.warning("health: database unavailable: %s", error)
                return JSONResponse(
                    {"status": "unavailable", "subgraph": name, "reason": "database unavailable"},
                    status_code=503,
                )
        return JSONResponse({"status": "ok", "subgraph": name})

    app = Starlette(
        routes=[
            Route("/graphql", CancelOnDisconnect(endpoint), methods=["GET", "POST"]),
            Route("/graphiql/assets/{name}", graphiql.asset, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    keys = signing_keys if signing_keys is not None else keys_from_env()
    if keys:
        app.add_middleware(RequireGatewaySignature, verifier=Verifier(keys))
    # Traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, continuing the gateway's trace.
    provider = tracer_provider(f"splp-{name}")
    if provider is not None:
        app.add_middleware(TracingMiddleware, provider=provider)
    app.state.tracer_provider = provider
    app.state.subgraph = name
    app.state.sql = sql
    app.state.schema = schema
    return app
