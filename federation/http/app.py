"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/) with Starlette.

- POST with a JSON body, GET with query parameters (queries only: a mutation by GET is 405).
- The response media type follows the Accept header: `application/graphql-response+json`
  (request errors are 4xx) or `application/json` (the legacy type: well-formed requests get
  200 whatever their GraphQL errors).
- A browser's GET without a query gets GraphiQL, with its assets served from here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from graphql import OperationType
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from federation.gateway import Gateway, GraphQLRequest, Prepared, RequestError
from federation.supergraph import Supergraph
from federation.telemetry import Telemetry, gateway_routes, note_operation

log = logging.getLogger("splp.http")

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
STATIC = Path(__file__).parent / "static"
GRAPHQL_PATHS = ("/graphql", "/")
ASSETS = {
    "graphiql.min.js": "text/javascript",
    "graphiql.min.css": "text/css",
    "react.production.min.js": "text/javascript",
    "react-dom.production.min.js": "text/javascript",
}


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400, headers: dict[str, str] | None = None) -> None:
        self.message = message
        self.status = status
        self.headers = headers or {}
        super().__init__(message)


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None when we can serve none it takes."""
    if not accept:
        return JSON
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        q = 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if media == GRAPHQL_RESPONSE:
            candidate = GRAPHQL_RESPONSE
        elif media in (JSON, "application/*", "*/*"):
            candidate = GRAPHQL_RESPONSE if media != JSON else JSON
        else:
            continue
        rank = (q, -position, candidate)
        if best is None or rank[:2] > best[:2]:
            best = rank
    return best[2] if best else None


def _json_response(
    body: dict[str, Any], status: int, media_type: str, headers: dict[str, str] | None = None
) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=f"{media_type}; charset=utf-8", headers=headers)


def _read_params(params: dict[str, Any]) -> GraphQLRequest:
    query = params.get("query")
    persisted = isinstance(params.get("extensions"), dict) and "persistedQuery" in params["extensions"]
    if query is None and persisted:
        query = ""  # the gateway looks the text up by its hash
    elif not isinstance(query, str) or not query.strip():
        raise BadRequest("A GraphQL request must have a `query` string.")
    operation_name = params.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("`operationName` must be a string or null.")
    variables = params.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("`variables` must be an object or null.")
    extensions = params.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise BadRequest("`extensions` must be an object or null.")
    return GraphQLRequest(
        query=query, operation_name=operation_name or None, variables=variables, extensions=extensions
    )


def _request_from_body(content_type: str, body: bytes) -> GraphQLRequest:
    if content_type.split(";")[0].strip().lower() not in (JSON, "application/graphql+json", GRAPHQL_RESPONSE):
        raise BadRequest("POST requests must have Content-Type: application/json.", 415)
    try:
        params = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise BadRequest("The request body must be a JSON object.")
    return _read_params(params)


def _request_from_query(query_params: Mapping[str, str]) -> GraphQLRequest:
    params: dict[str, Any] = dict(query_params)
    for name in ("variables", "extensions"):
        raw = params.get(name)
        if raw is not None and raw != "":
            try:
                params[name] = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise BadRequest(f"The `{name}` query parameter is not valid JSON.") from None
        else:
            params.pop(name, None)
    return _read_params(params)


def _wants_graphiql(request: Request) -> bool:
    return "query" not in request.query_params and "text/html" in request.headers.get("accept", "")


@dataclass
class Reply:
    status: int
    body: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


class GraphQLEndpoint:
    """POST/GET /graphql. With `dedupe`, identical queries in flight at the same moment (same
    document, operation, variables, media type and credentials) share one execution and one
    serialized response.

    `respond` does the work whatever carries the request: Starlette for GET (and GraphiQL),
    and `asgi_post`, a plain ASGI handler, for POST — the hot path, spared Starlette's
    middleware stack, which costs about a third of a deduplicated request."""

    def __init__(self, gateway: Gateway, dedupe: bool = False) -> None:
        self.gateway = gateway
        self.dedupe = dedupe
        self._in_flight: dict[tuple[Any, ...], asyncio.Future[tuple[int, bytes]]] = {}

    async def handle(self, request: Request) -> Response:
        if request.method == "GET" and _wants_graphiql(request):
            return HTMLResponse(GRAPHIQL_HTML)
        headers = {k.lower(): v for k, v in request.headers.items()}
        if request.method == "POST":
            reply = await self.respond("POST", headers, await request.body(), None)
        else:
            reply = await self.respond("GET", headers, None, request.query_params)
        return Response(reply.body, reply.status, reply.headers, f"{reply.media_type}; charset=utf-8")

    async def asgi_post(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            reply = await self.respond("POST", headers, body, None)
        except Exception:
            log.exception("unexpected error answering a GraphQL request")
            reply = Reply(500, b'{"errors":[{"message":"Internal server error"}]}', JSON)
        response_headers = [
            (b"content-type", f"{reply.media_type}; charset=utf-8".encode()),
            (b"content-length", str(len(reply.body)).encode()),
            *((k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers.items()),
        ]
        await send({"type": "http.response.start", "status": reply.status, "headers": response_headers})
        await send({"type": "http.response.body", "body": reply.body})

    async def respond(
        self, method: str, headers: dict[str, str], body: bytes | None, query_params: Mapping[str, str] | None
    ) -> Reply:
        media_type = negotiate(headers.get("accept"))
        if media_type is None:
            message = f"Cannot respond in any type that Accept lists; use {GRAPHQL_RESPONSE} or {JSON}."
            return Reply(406, orjson.dumps({"errors": [{"message": message}]}), JSON)
        try:
            if body is not None:
                graphql_request = _request_from_body(headers.get("content-type", ""), body)
            else:
                graphql_request = _request_from_query(query_params or {})
            graphql_request.headers = headers
            prepared = self.gateway.prepare(graphql_request)
            note_operation(prepared)
            is_query = prepared.kind is OperationType.QUERY
            if method == "GET" and not is_query:
                raise BadRequest("Only queries can be sent with GET; use POST for mutations.", 405, {"allow": "POST"})
        except BadRequest as e:
            return Reply(e.status, orjson.dumps({"errors": [{"message": e.message}]}), media_type, e.headers)
        except RequestError as e:
            return Reply(_request_error_status(e, media_type), orjson.dumps({"errors": e.errors}), media_type)
        if self.dedupe and is_query:
            status, payload = await self._shared(graphql_request, prepared, media_type)
        else:
            status, payload = await self._execute(graphql_request, prepared, media_type)
        return Reply(status, payload, media_type)

    async def _execute(self, graphql_request: GraphQLRequest, prepared: Prepared, media_type: str) -> tuple[int, bytes]:
        try:
            return 200, orjson.dumps(await self.gateway.execute(graphql_request, prepared))
        except RequestError as e:
            return _request_error_status(e, media_type), orjson.dumps({"errors": e.errors})

    async def _shared(self, graphql_request: GraphQLRequest, prepared: Prepared, media_type: str) -> tuple[int, bytes]:
        headers = graphql_request.headers
        key = (
            media_type,
            graphql_request.query,
            graphql_request.operation_name,
            orjson.dumps(graphql_request.variables, option=orjson.OPT_SORT_KEYS) if graphql_request.variables else b"",
            headers.get("authorization"),
            headers.get("cookie"),
            *(headers.get(name) for name in self.gateway.propagate_headers),
        )
        shared = self._in_flight.get(key)
        if shared is None:
            # A task of its own, so that the first client going away cancels nobody's answer.
            shared = asyncio.ensure_future(self._execute(graphql_request, prepared, media_type))
            self._in_flight[key] = shared
            shared.add_done_callback(lambda _: self._in_flight.pop(key, None))
        return await asyncio.shield(shared)


def _request_error_status(e: RequestError, media_type: str) -> int:
    if e.kind == "auth":
        return 401  # credentials that do not verify, whatever the media type
    # graphql-response+json: a request that cannot execute is a 4xx; legacy
    # application/json: 200 for every well-formed request (spec, 6.4.1).
    return 400 if media_type == GRAPHQL_RESPONSE else 200


class GatewayApp(Starlette):
    """Starlette, with POST /graphql answered before the middleware stack (see GraphQLEndpoint).

    `telemetry` (metrics, access log, traces), when set, observes every GraphQL request."""

    def __init__(self, endpoint: GraphQLEndpoint, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.endpoint = endpoint
        self.telemetry: Telemetry | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.telemetry is not None:
            await self.telemetry.serve(scope, receive, send, self._dispatch)
        else:
            await self._dispatch(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in GRAPHQL_PATHS:
            await self.endpoint.asgi_post(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


async def health(request: Request) -> Response:
    # `health` in the app's state: what else the gateway has to say (e.g. where its supergraph came from).
    return _json_response({"status": "UP", **getattr(request.app.state, "health", {})}, 200, JSON)


def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS or not (STATIC / name).is_file():
        return Response("not found", status_code=404)
    return FileResponse(STATIC / name, media_type=ASSETS[name], headers={"cache-control": "public, max-age=86400"})


GRAPHIQL_HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>SPLP GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
<style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/assets/react.production.min.js"></script>
<script src="/graphiql/assets/react-dom.production.min.js"></script>
<script src="/graphiql/assets/graphiql.min.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true })
  );
</script>
</body>
</html>
"""


def create_app(
    sdl: str | Supergraph,
    *,
    subgraph_urls: dict[str, str] | None = None,
    subgraph_timeout: float = 30.0,
    gateway: Gateway | None = None,
    dedupe_requests: bool = False,
) -> Starlette:
    """The gateway's ASGI app for a supergraph (its SDL, or an already read `Supergraph`)."""
    if gateway is None:
        supergraph = sdl if isinstance(sdl, Supergraph) else Supergraph.from_sdl(sdl)
        gateway = Gateway(supergraph, subgraph_urls=subgraph_urls, subgraph_timeout=subgraph_timeout)
    endpoint = GraphQLEndpoint(gateway, dedupe=dedupe_requests)
    gw = gateway

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await gw.close()

    app = GatewayApp(
        endpoint,
        routes=[
            Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
            Route("/", endpoint.handle, methods=["GET", "POST"]),
            Route("/graphiql/assets/{name}", asset, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
            *gateway_routes(gw),
        ],
        lifespan=lifespan,
    )
    app.state.gateway = gateway
    return app
