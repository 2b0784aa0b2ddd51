"""The executor's one way to reach a subgraph: `Transport`.

`Execution` sends every subgraph operation through a `Transport` (`fetch(service, body,
headers, dedupe)` → the parsed GraphQL response, or `FetchError`). Over the network that is
`federation.executor.fetch.SubgraphClient` (keep-alive HTTP/1.1, `http11.py`); in a test, or
for subgraphs living in the gateway's process, `InProcessTransport` calls a function per
subgraph with the request as JSON would carry it — so the executor and the shaper can be tested
without sockets, and a test sees every request the plan made.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import orjson

from federation.executor.fetch import FetchError

Handler = Callable[[dict[str, Any]], dict[str, Any] | Awaitable[dict[str, Any]]]


class Transport(Protocol):
    async def fetch(
        self, service: str, body: bytes, headers: dict[str, str] | None = None, dedupe: bool = True
    ) -> dict[str, Any]: ...


class InProcessTransport:
    """Subgraphs as functions: each gets the request payload (`query`, `variables`) and returns
    the GraphQL response. A subgraph without a function, or one raising `FetchError`, is a
    failed fetch, as over HTTP. `requests` records (service, payload) in sending order."""

    def __init__(self, handlers: dict[str, Handler]) -> None:
        self.handlers = handlers
        self.requests: list[tuple[str, dict[str, Any]]] = []

    async def fetch(
        self, service: str, body: bytes, headers: dict[str, str] | None = None, dedupe: bool = True
    ) -> dict[str, Any]:
        handler = self.handlers.get(service)
        if handler is None:
            raise FetchError(service, "the subgraph has no handler")
        payload = orjson.loads(body)
        self.requests.append((service, payload))
        response = handler(payload)
        if inspect.isawaitable(response):
            response = await response
        # As if through JSON: the executor must not share objects with the subgraph.
        parsed = orjson.loads(orjson.dumps(response))
        if not isinstance(parsed, dict) or ("data" not in parsed and "errors" not in parsed):
            raise FetchError(service, "the response is not a GraphQL response (no data, no errors)")
        return parsed

    async def close(self) -> None:
        return None
