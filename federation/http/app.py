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
from urllib.parse import parse_qsl

import orjson
from graphql import OperationType
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from federation.gateway import Gateway, GraphQLRequest, RequestError
from federation.open311 import open311_app
from federation.subscriptions import GraphQLWebSocket, Subscriptions, with_event_stream
from federation.supergraph import Supergraph
from federation.telemetry import Telemetry, TelemetryMiddleware, gateway_routes, note_operation
from federation.trail.http import history_endpoint

log = logging.getLogger("splp.http")

GRAPHQL_RESPONSE = "application/graphql-response+json"
PARTIAL_SUCCESS = 294  # the GraphQL-over-HTTP draft's status for data with errors
JSON = "application/json"
STATIC = Path(__file__).parent / "static"
GRAPHQL_PATHS = ("/graphql", "/")
ASSETS = {
    "graphiql.min.js": "text/javascript",
    "graphiql.min.css": "text/css",
    "react.production.min.js": "text/javascript",
    "react-dom.production.min.js": "text/javascript",
    "roles.js": "text/javascript",  # the demo's role picker (federation.security.demo)
}


class BadRequest(Exception):
    """Not a well-formed GraphQL-over-HTTP request, or one refused before it is read as GraphQL."""

    def __init__(
        self,
        message: str,
        status: int = 400,
        headers: dict[str, str] | None = None,
        code: str | None = None,
        **extensions: Any,
    ) -> None:
        self.message = message
        self.status = status
        self.headers = headers or {}
        self.code = code
        self.extensions = extensions
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
    if isinstance(params.get("documentId"), str):  # a trusted document by id (GraphQL over HTTP proposal)
        params["extensions"] = {**(params.get("extensions") or {}), "documentId": params["documentId"]}
    extensions_sent = params.get("extensions")
    persisted = isinstance(extensions_sent, dict) and bool({"persistedQuery", "documentId"} & extensions_sent.keys())
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


def _wants_graphiql(scope: Scope, headers: dict[str, str]) -> bool:
    if "text/html" not in headers.get("accept", ""):
        return False
    return "query" not in _query_params(scope.get("query_string", b""))


@dataclass(frozen=True)
class HttpOptions:
    """Limits and protections of the GraphQL endpoint, each on by default."""

    max_body_bytes: int = 2 * 1024 * 1024  # Apollo Router's default; 413 past it
    max_in_flight: int = 1024  # requests being answered at once per worker; 503 past it
    # Cross-site request forgery: a request a browser sends without a preflight (GET, or a
    # POST of a "simple" content type) must carry one of these headers to be served.
    csrf_prevention: bool = True
    csrf_headers: tuple[str, ...] = ("graphql-require-preflight", "apollo-require-preflight", "x-apollo-operation-name")
    # The GraphQL-over-HTTP draft's `294 Partial Success` for an application/graphql-response+json
    # answer carrying both `data` and `errors`; off by default, since clients and proxies that
    # know only 200 would treat a partial answer as a failure.
    partial_success_status: bool = False


# A browser sends these content types cross-site without asking the server first.
SIMPLE_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")


@dataclass
class Reply:
    status: int
    body: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


class TooLarge(Exception):
    pass


class GraphQLEndpoint:
    """POST/GET /graphql as one ASGI app, behind the same middleware (CORS, tracing) whatever
    the method, and as one straight line:

        HTTP ─► read (body cap) ─► CSRF ─► authenticate ─► prepare ─► plan+execute ─► serialize

    With `dedupe`, identical queries in flight at the same moment (same document, operation,
    variables, media type and credentials) share one execution and one serialized response."""

    def __init__(self, gateway: Gateway, dedupe: bool = False, options: HttpOptions | None = None) -> None:
        self.gateway = gateway
        self.dedupe = dedupe
        self.options = options or HttpOptions()
        self.in_flight = 0
        self.guards: list[RequestGuard] = []
        self._in_flight: dict[tuple[Any, ...], asyncio.Future[tuple[int, bytes]]] = {}
        self._waiters: dict[asyncio.Future[tuple[int, bytes]], int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if method == "GET" and _wants_graphiql(scope, headers):
            await _send(send, Reply(200, GRAPHIQL_HTML.encode(), "text/html"))
            return
        if self.in_flight >= self.options.max_in_flight:
            message = f"The gateway is answering {self.options.max_in_flight} requests; retry shortly."
            overloaded = {"message": message, "extensions": {"code": "SERVICE_OVERLOADED"}}
            await _send(send, Reply(503, orjson.dumps({"errors": [overloaded]}), JSON, {"retry-after": "1"}))
            return
        self.in_flight += 1
        try:
            body: bytes | None = None
            if method == "POST":
                try:
                    body = await self._read_body(headers, receive)
                except TooLarge:
                    limit = self.options.max_body_bytes
                    message = f"The request body is larger than {limit} bytes."
                    error = {"message": message, "extensions": {"code": "REQUEST_TOO_LARGE", "limit": limit}}
                    # the rest of the body is never read: the connection cannot be reused
                    await _send(send, Reply(413, orjson.dumps({"errors": [error]}), JSON, {"connection": "close"}))
                    return
                if body is None:
                    return  # the client went away
            client = scope.get("client")
            # A client that goes away cancels its work: the subgraph requests it was waiting
            # for are cancelled, closing their connections, so the subgraphs see it too.
            # (One watcher task cancelling this one: cheaper than running the work apart.)
            this = asyncio.current_task()
            gone = asyncio.ensure_future(_disconnected(receive))
            if this is not None:
                gone.add_done_callback(lambda watcher: watcher.cancelled() or this.cancel())
            try:
                reply = await self.respond(
                    method, headers, body, scope.get("query_string", b""), client[0] if client else ""
                )
            except asyncio.CancelledError:
                if gone.done() and not gone.cancelled():
                    return  # the client is gone: nobody to answer
                raise
            except Exception:
                log.exception("unexpected error answering a GraphQL request")
                reply = Reply(500, b'{"errors":[{"message":"Internal server error"}]}', JSON)
            finally:
                gone.cancel()
        finally:
            self.in_flight -= 1
        await _send(send, reply)

    async def _read_body(self, headers: dict[str, str], receive: Receive) -> bytes | None:
        """The request body, refused (TooLarge) before reading past the cap; None if the client left."""
        limit = self.options.max_body_bytes
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise TooLarge
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def respond(
        self,
        method: str,
        headers: dict[str, str],
        body: bytes | None,
        query_string: bytes | str = b"",
        client_address: str = "",
    ) -> Reply:
        media_type = negotiate(headers.get("accept"))
        if media_type is None:
            message = f"Cannot respond in any type that Accept lists; use {GRAPHQL_RESPONSE} or {JSON}."
            return Reply(406, orjson.dumps({"errors": [{"message": message}]}), JSON)
        try:
            if body is not None:
                graphql_request = _request_from_body(headers.get("content-type", ""), body)
            else:
                graphql_request = _request_from_query(_query_params(query_string))
            self._prevent_csrf(headers)
            graphql_request.headers = headers
            graphql_request.method = method
            graphql_request.client_address = client_address
            for guard in self.guards:
                await guard.before(graphql_request)
            await self.gateway.authenticate(graphql_request)
            prepared = self.gateway.prepare(graphql_request)
            note_operation(prepared)
            is_query = prepared.kind is OperationType.QUERY
            if method == "GET" and not is_query:
                raise BadRequest("Only queries can be sent with GET; use POST for mutations.", 405, {"allow": "POST"})
            for guard in self.guards:
                await guard.prepared(graphql_request)
        except BadRequest as e:
            error: dict[str, Any] = {"message": e.message}
            if e.code:
                error["extensions"] = {"code": e.code, **e.extensions}
            return Reply(e.status, orjson.dumps({"errors": [error]}), media_type, e.headers)
        except RequestError as e:
            return Reply(_request_error_status(e, media_type), orjson.dumps({"errors": e.errors}), media_type)
        if self.dedupe and is_query and not self._recorded(graphql_request):
            status, payload = await self._shared(graphql_request, media_type)
        else:
            status, payload = await self._execute(graphql_request, media_type)
        return Reply(status, payload, media_type)

    def _recorded(self, graphql_request: GraphQLRequest) -> bool:
        """Whether the access trail may have to record this request: each such request is its
        own processing of personal data with its own record, so it is never shared (deduplicated)."""
        principal = graphql_request.principal
        return self.gateway.trail is not None and principal is not None and principal.authenticated

    def _prevent_csrf(self, headers: dict[str, str]) -> None:
        """Apollo Router's CSRF prevention: a request is served when a browser would have had to
        ask first (a non-simple content type) or it carries a header only scripts can set."""
        if not self.options.csrf_prevention:
            return
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type and content_type not in SIMPLE_CONTENT_TYPES:
            return
        if any(headers.get(name) for name in self.options.csrf_headers):
            return
        raise BadRequest(
            "This request has been blocked as a potential Cross-Site Request Forgery (CSRF): send it with "
            "Content-Type: application/json, or with a non-empty header of "
            + ", ".join(self.options.csrf_headers)
            + ".",
            400,
            code="CSRF_PREVENTION",
        )

    async def _execute(self, graphql_request: GraphQLRequest, media_type: str) -> tuple[int, bytes]:
        try:
            response = await self.gateway.execute(graphql_request)
            payload = orjson.dumps(response)
            for guard in self.guards:
                await guard.completed(graphql_request, response, payload)
            partial = "errors" in response and "data" in response
            if partial and self.options.partial_success_status and media_type == GRAPHQL_RESPONSE:
                return PARTIAL_SUCCESS, payload
            return 200, payload
        except RequestError as e:
            return _request_error_status(e, media_type), orjson.dumps({"errors": e.errors})

    async def _shared(self, graphql_request: GraphQLRequest, media_type: str) -> tuple[int, bytes]:
        headers = graphql_request.headers
        key = (
            media_type,
            graphql_request.query,
            graphql_request.operation_name,
            orjson.dumps(graphql_request.variables, option=orjson.OPT_SORT_KEYS) if graphql_request.variables else b"",
            graphql_request.principal,
            headers.get("authorization"),
            headers.get("cookie"),
            *(headers.get(name) for name in self.gateway.propagate_headers),
        )
        shared = self._in_flight.get(key)
        if shared is None:
            # A task of its own, so that the first client going away cancels nobody's answer.
            shared = asyncio.ensure_future(self._execute(graphql_request, media_type))
            self._in_flight[key] = shared
            self._waiters[shared] = 0
            shared.add_done_callback(lambda _: self._in_flight.pop(key, None))
            shared.add_done_callback(self._waiters.pop)
        self._waiters[shared] += 1
        try:
            return await asyncio.shield(shared)
        except asyncio.CancelledError:
            # the last client waiting for it went away: nobody needs the work any more
            if shared in self._waiters:
                self._waiters[shared] -= 1
                if self._waiters[shared] == 0:
                    shared.cancel()
            raise


class RequestGuard:
    """A check on the way in (rate limits, trusted documents, demand control): raise
    `BadRequest` or a `RequestError` to refuse. `before` runs before the document is
    parsed, `prepared` once it is (with `request.prepared` set)."""

    async def before(self, request: GraphQLRequest) -> None:
        return None

    async def prepared(self, request: GraphQLRequest) -> None:
        return None

    async def completed(self, request: GraphQLRequest, response: dict[str, Any], payload: bytes) -> None:
        """After execution, with the response and its serialized bytes (e.g. to measure it)."""
        return None

    def health(self) -> dict[str, Any]:
        """What /health reports of this guard (nothing by default)."""
        return {}


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _send(send: Send, reply: Reply) -> None:
    media = reply.media_type if reply.media_type.startswith("text/") else f"{reply.media_type}; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": reply.status,
            "headers": [
                (b"content-type", media.encode()),
                (b"content-length", str(len(reply.body)).encode()),
                *((k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers.items()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": reply.body})


def _query_params(query_string: bytes | str) -> dict[str, str]:
    text = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    # the first value of each name, as Starlette's QueryParams gives
    params: dict[str, str] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        params.setdefault(name, value)
    return params


def _request_error_status(e: RequestError, media_type: str) -> int:
    if e.always:
        return e.status  # e.g. credentials that do not verify: 401 whatever the media type
    # graphql-response+json: a request that cannot execute is a 4xx; legacy
    # application/json: 200 for every well-formed request (spec, 6.4.1).
    return e.status if media_type == GRAPHQL_RESPONSE else 200


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
<style>
body { margin: 0; height: 100vh; display: flex; flex-direction: column; } #graphiql { flex: 1; min-height: 0; }
#splp-roles { display: none; gap: .5em; padding: .4em .8em; font: 14px sans-serif; align-items: center; }
</style>
</head>
<body>
<div id="splp-roles">Role: <select id="splp-role"></select>
<input id="splp-nik" placeholder="NIK" size="18"> <select id="splp-opd"></select></div>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/assets/react.production.min.js"></script>
<script src="/graphiql/assets/react-dom.production.min.js"></script>
<script src="/graphiql/assets/graphiql.min.js"></script>
<script src="/graphiql/assets/roles.js"></script>
</body>
</html>
"""


class GatewayApp(Starlette):
    """Starlette, with GET and POST /graphql dispatched to the endpoint straight from the
    middleware stack (CORS, tracing...: the same for both methods) instead of through the
    router and Starlette's error middlewares, which cost a deduplicated request about a
    third of its time; every other path takes Starlette's usual way."""

    def __init__(self, endpoint: ASGIApp, middleware: list[Middleware], **kwargs: Any) -> None:
        self.endpoint = endpoint
        self.outer_middleware = middleware
        super().__init__(**kwargs)

    def build_middleware_stack(self) -> ASGIApp:
        usual = super().build_middleware_stack()
        endpoint = self.endpoint

        async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and scope["path"] in GRAPHQL_PATHS and scope["method"] in ("GET", "POST"):
                await endpoint(scope, receive, send)
            else:
                await usual(scope, receive, send)

        app: ASGIApp = dispatch
        for cls, args, kwargs in reversed(self.outer_middleware):
            app = cls(app, *args, **kwargs)
        return app


@dataclass(frozen=True)
class CorsOptions:
    """Cross-origin access for browsers (off unless origins are listed)."""

    allow_origins: tuple[str, ...] = ()
    allow_credentials: bool = False
    allow_headers: tuple[str, ...] = (
        "content-type",
        "authorization",
        "graphql-require-preflight",
        "apollo-require-preflight",
        "x-apollo-operation-name",
        "apollographql-client-name",
        "apollographql-client-version",
    )
    max_age: int = 600


def create_app(
    sdl: str | Supergraph,
    *,
    subgraph_urls: dict[str, str] | None = None,
    subgraph_timeout: float = 30.0,
    gateway: Gateway | None = None,
    dedupe_requests: bool = False,
    http_options: HttpOptions | None = None,
    cors: CorsOptions | None = None,
    guards: list[RequestGuard] | None = None,
    telemetry: Telemetry | None = None,
) -> Starlette:
    """The gateway's ASGI app for a supergraph (its SDL, or an already read `Supergraph`).

    `telemetry` (metrics, access log, traces), when given, observes every GraphQL request."""
    if gateway is None:
        supergraph = sdl if isinstance(sdl, Supergraph) else Supergraph.from_sdl(sdl)
        gateway = Gateway(supergraph, subgraph_urls=subgraph_urls, subgraph_timeout=subgraph_timeout)
    endpoint = GraphQLEndpoint(gateway, dedupe=dedupe_requests, options=http_options)
    endpoint.guards.extend(guards or ())
    gw = gateway

    async def health(request: Request) -> Response:
        body: dict[str, Any] = {"status": "UP"}
        report = getattr(gw.current.client, "health", None)
        details: dict[str, Any] = dict(report() if report else {})
        for guard in endpoint.guards:
            details.update(guard.health())
        if details:
            body["details"] = details
        # what else the gateway has to say, e.g. where its supergraph came from (registry or saved copy)
        body.update(getattr(request.app.state, "health", {}))
        return _json_response(body, 200, JSON)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if gw.trail is not None:
            await gw.trail.start()
        yield
        await gw.close()
        if gw.trail is not None:
            await gw.trail.close()

    middleware: list[Middleware] = []
    if telemetry is not None:
        middleware.append(Middleware(TelemetryMiddleware, telemetry=telemetry))
    if cors is not None and cors.allow_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors.allow_origins),
                allow_methods=["GET", "POST"],
                allow_headers=list(cors.allow_headers),
                allow_credentials=cors.allow_credentials,
                max_age=cors.max_age,
            )
        )
    # Subscriptions (federation.subscriptions): graphql-ws on the WebSocket, graphql-sse on POST.
    subscriptions = Subscriptions(gateway)
    graphql = with_event_stream(endpoint, subscriptions)
    app = GatewayApp(
        graphql,
        middleware,
        routes=[
            WebSocketRoute("/graphql", GraphQLWebSocket(subscriptions)),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/", graphql, methods=["GET", "POST"]),
            Route("/graphiql/assets/{name}", asset, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
            *gateway_routes(gw),
            Mount("/open311/v2", open311_app(gateway)),
            Route("/trail/me", history_endpoint(gateway), methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.gateway = gateway
    app.state.subscriptions = subscriptions
    app.state.endpoint = endpoint
    app.state.telemetry = telemetry
    app.state.subscriptions = subscriptions
    return app
