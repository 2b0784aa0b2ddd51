"""Sending operations to subgraphs over one shared keep-alive HTTP session.

Every failure a subgraph can cause (refused connection, timeout, HTTP error, a body that is
not a GraphQL response) becomes a `FetchError` with a message for the client; nothing here
raises anything else. Identical concurrent requests to the same subgraph share one fetch.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from typing import Any

import orjson

from federation.executor.http11 import HTTPError, Pool
from federation.executor.tls import SubgraphTls
from federation.telemetry.core import observe_fetch

log = logging.getLogger("splp.executor")

JSON_CONTENT_TYPES = ("application/json", "application/graphql-response+json")


class FetchError(Exception):
    def __init__(self, service: str, reason: str, code: str = "SUBREQUEST_HTTP_ERROR") -> None:
        self.service = service
        self.reason = reason
        self.code = code
        super().__init__(f"HTTP fetch failed from '{service}': {reason}")

    def to_graphql_error(self, path: list[str | int] | None = None) -> dict[str, Any]:
        error: dict[str, Any] = {"message": str(self)}
        if path is not None:
            error["path"] = path
        error["extensions"] = {"code": self.code, "serviceName": self.service, "reason": self.reason}
        return error


class SubgraphClient:
    """Keep-alive connections to every subgraph; `fetch` returns a parsed GraphQL response."""

    def __init__(
        self, urls: dict[str, str], timeout: float = 30.0, dedupe: bool = True, tls: SubgraphTls | None = None
    ) -> None:
        self.urls = urls
        self.timeout = timeout
        self.dedupe = dedupe
        # CA and client certificate per subgraph (mutual TLS); None: the system's CAs, no client certificate.
        self.tls = tls
        self._pools: dict[str, Pool] = {}
        # Adds the gateway's signature headers to one request (federation.security.signing).
        self.signer: Callable[[str, bytes, dict[str, str] | None], dict[str, str]] | None = None
        self._in_flight: dict[tuple[str, bytes, tuple[tuple[str, str], ...]], asyncio.Future[dict[str, Any]]] = {}
        self._waiters: dict[asyncio.Future[dict[str, Any]], int] = {}

    def pool(self, service: str) -> Pool:
        pool = self._pools.get(service)
        if pool is None:
            url = self.urls.get(service)
            if url is None:
                raise FetchError(service, "the subgraph has no URL")
            try:
                pool = self._pools[service] = Pool(url, ssl_context=self.ssl_context(service))
            except ValueError as e:
                raise FetchError(service, str(e)) from None
        return pool

    def ssl_context(self, service: str) -> ssl.SSLContext | None:
        """The TLS context every client of this subgraph uses (HTTP, websockets, readiness)."""
        url = self.urls.get(service)
        if self.tls is None or url is None:
            return None
        return self.tls.context_for(service, url)

    async def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()

    async def fetch(
        self, service: str, body: bytes, headers: dict[str, str] | None = None, dedupe: bool = True
    ) -> dict[str, Any]:
        if not (self.dedupe and dedupe):
            return await self._send(service, body, headers, retry=dedupe)
        # Requests for different credentials are different requests.
        key = (service, body, tuple(sorted(headers.items())) if headers else ())
        shared = self._in_flight.get(key)
        if shared is None:
            # A task of its own: a cancelled caller must not cancel the others' answer.
            shared = asyncio.ensure_future(self._send(service, body, headers, retry=True))
            self._in_flight[key] = shared
            self._waiters[shared] = 0
            shared.add_done_callback(lambda _: self._in_flight.pop(key, None))
            shared.add_done_callback(self._waiters.pop)
        self._waiters[shared] += 1
        try:
            return await asyncio.shield(shared)
        except asyncio.CancelledError:
            # the last caller gone (its client hung up): cancel the fetch, which closes its
            # connection, so the subgraph learns nobody waits for the answer
            if shared in self._waiters:
                self._waiters[shared] -= 1
                if self._waiters[shared] == 0:
                    shared.cancel()
            raise

    async def _send(self, service: str, body: bytes, headers: dict[str, str] | None, retry: bool) -> dict[str, Any]:
        observation = observe_fetch(service, headers)  # metrics and trace of this request, when observed
        if observation is None:
            return await self._post(service, body, headers, retry)
        try:
            result = await self._post(service, body, observation.headers, retry)
        except FetchError as e:
            observation.finish(e.code)
            raise
        observation.finish("GRAPHQL_ERRORS" if result.get("errors") else None)
        return result

    async def _post(self, service: str, body: bytes, headers: dict[str, str] | None, retry: bool) -> dict[str, Any]:
        pool = self.pool(service)
        if self.signer is not None:
            headers = self.signer(self.urls[service], body, headers)
        try:
            status, raw = await asyncio.wait_for(pool.post(body, headers, retry=retry), self.timeout)
        except TimeoutError:
            raise FetchError(service, f"timed out after {self.timeout:g} s") from None
        except HTTPError as e:
            raise FetchError(service, str(e)) from None
        return _parse_response(service, status, raw)


def _parse_response(service: str, status: int, raw: bytes) -> dict[str, Any]:
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        if status >= 400:
            _log_body(service, status, raw)
            raise FetchError(service, f"{status}") from None
        # The body is logged, never forwarded: an error page may hold stack traces or SQL.
        _log_body(service, status, raw)
        raise FetchError(service, "the response is not JSON", "SUBREQUEST_MALFORMED_RESPONSE") from None
    if not isinstance(parsed, dict) or ("data" not in parsed and "errors" not in parsed):
        if status >= 400:
            _log_body(service, status, raw)
            raise FetchError(service, f"{status}")
        raise FetchError(
            service, "the response is not a GraphQL response (no data, no errors)", "SUBREQUEST_MALFORMED_RESPONSE"
        )
    # GraphQL over HTTP lets a 4xx/5xx carry a GraphQL response: its errors say more than the status.
    if status >= 400 and not parsed.get("errors"):
        raise FetchError(service, f"{status}")
    return parsed


def _log_body(service: str, status: int, raw: bytes) -> None:
    log.warning("subgraph %s answered %d, not a GraphQL response: %s", service, status, _snippet(raw))


def _snippet(raw: bytes, limit: int = 200) -> str:
    text = raw[:limit].decode("utf-8", "replace").strip()
    return text + ("…" if len(raw) > limit else "") if text else "(empty body)"
