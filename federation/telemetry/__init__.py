"""Running the gateway in the city: metrics, the access log, traces, readiness and the super
app's page beside GraphQL.

`gateway_routes(gateway)` is the one call the gateway's app makes to mount the routes:
`/metrics` (Prometheus text), `/ready` and the page at `/app`. A `Telemetry` set on the app
(`create_app(..., telemetry=...)`, as `TelemetryMiddleware`) observes every GraphQL request.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from federation.telemetry.core import Telemetry, TelemetryMiddleware, note_operation

if TYPE_CHECKING:
    from federation.gateway import Gateway

__all__ = ["Readiness", "Telemetry", "TelemetryMiddleware", "gateway_routes", "note_operation", "observe"]

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


class Readiness:
    """Whether the gateway should get traffic: a supergraph is loaded and each required
    subgraph answers `{ __typename }`. Answers are reused for `ttl` seconds, so a probe
    every second does not become a request per second to every subgraph."""

    def __init__(self, gateway: Gateway, required: tuple[str, ...], timeout: float = 2.0, ttl: float = 2.0) -> None:
        self.gateway = gateway
        self.required = required
        self.timeout = timeout
        self.ttl = ttl
        self._checked: tuple[float, dict[str, str | None]] | None = None
        self._lock = asyncio.Lock()

    async def _check(self, session: aiohttp.ClientSession, name: str) -> str | None:
        client = self.gateway.current.client
        url = client.urls.get(name)
        if url is None:
            return "not in the supergraph"
        body = b'{"query":"{ __typename }"}'
        headers = {"content-type": "application/json", "accept": "application/json"}
        if self.gateway.signer is not None:  # subgraphs that answer only the gateway
            headers = self.gateway.signer(url, body, headers)
        try:
            async with session.post(
                url, data=body, headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                # the certificates of the gateway's own requests: a subgraph requiring mTLS is ready too
                ssl=client.ssl_context(name) or True,
            ) as response:
                body = await response.read()
                if response.status != 200:
                    return f"answered HTTP {response.status}"
                if "data" not in orjson.loads(body):
                    return "did not answer a GraphQL response"
        except (aiohttp.ClientError, TimeoutError, orjson.JSONDecodeError) as e:
            return f"does not answer: {type(e).__name__}"
        return None

    async def subgraph_problems(self) -> dict[str, str | None]:
        async with self._lock:
            now = time.monotonic()
            if self._checked is not None and now - self._checked[0] < self.ttl:
                return self._checked[1]
            async with aiohttp.ClientSession() as session:
                found = await asyncio.gather(*(self._check(session, name) for name in self.required))
            problems = dict(zip(self.required, found, strict=True))
            self._checked = (time.monotonic(), problems)
            return problems


def observe(app: Starlette, telemetry: Telemetry) -> None:
    """Observe an app `create_app` made without `telemetry` (before it starts serving)."""
    from federation.http.app import GatewayApp

    if not isinstance(app, GatewayApp):
        raise TypeError("observe() takes the gateway's app (federation.http.app.create_app)")
    app.outer_middleware.insert(0, Middleware(TelemetryMiddleware, telemetry=telemetry))
    app.state.telemetry = telemetry


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status, media_type="application/json")


def gateway_routes(gateway: Gateway) -> list[BaseRoute]:
    """The routes beside /graphql: /metrics, /ready, the super app's page at /app and its photos."""
    from federation.superapp import routes as app_routes
    from federation.superapp.photos import photo_routes

    readiness: dict[tuple[str, ...], Readiness] = {}

    async def metrics(request: Request) -> Response:
        telemetry: Telemetry | None = getattr(request.app.state, "telemetry", None)
        if telemetry is None:
            return Response("metrics are off on this gateway\n", 404, media_type="text/plain")
        return Response(telemetry.expose(), media_type=PROMETHEUS_TEXT)

    async def ready(request: Request) -> Response:
        telemetry: Telemetry | None = getattr(request.app.state, "telemetry", None)
        required = telemetry.required_subgraphs if telemetry is not None else ()
        subgraphs = sorted(gateway.current.client.urls)
        body: dict[str, Any] = {"subgraphs": subgraphs}
        if required:
            check = readiness.get(required) or readiness.setdefault(required, Readiness(gateway, required))
            problems = await check.subgraph_problems()
            down = {name: reason for name, reason in problems.items() if reason}
            if down:
                return _json({"status": "NOT_READY", "down": down, **body}, 503)
        return _json({"status": "READY", **body})

    return [
        Route("/metrics", metrics, methods=["GET"]),
        Route("/ready", ready, methods=["GET"]),
        *app_routes(),
        *photo_routes(gateway),
    ]
