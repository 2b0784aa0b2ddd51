"""Sending operations to subgraphs over one shared keep-alive HTTP session.

Every failure a subgraph can cause (refused connection, timeout, HTTP error, a body that is
not a GraphQL response) becomes a `FetchError` with a message for the client; nothing here
raises anything else. Identical concurrent requests to the same subgraph share one fetch.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import orjson

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
    """One aiohttp session for all subgraphs; `fetch` returns a parsed GraphQL response."""

    def __init__(self, urls: dict[str, str], timeout: float = 30.0, dedupe: bool = True) -> None:
        self.urls = urls
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.dedupe = dedupe
        self._session: aiohttp.ClientSession | None = None
        self._in_flight: dict[tuple[str, bytes], asyncio.Future[dict[str, Any]]] = {}
        self.request_count = 0

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=256, limit_per_host=128, keepalive_timeout=60)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self.timeout, auto_decompress=True)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self, service: str, body: bytes, headers: dict[str, str] | None = None, dedupe: bool = True
    ) -> dict[str, Any]:
        if not (self.dedupe and dedupe):
            return await self._send(service, body, headers)
        key = (service, body)
        pending = self._in_flight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            result = await self._send(service, body, headers)
        except BaseException as e:
            if not future.done():
                future.set_exception(e)
                future.exception()  # waiters get it; do not warn when nobody waited
            raise
        else:
            future.set_result(result)
            return result
        finally:
            del self._in_flight[key]

    async def _send(self, service: str, body: bytes, headers: dict[str, str] | None) -> dict[str, Any]:
        url = self.urls.get(service)
        if url is None:
            raise FetchError(service, "the subgraph has no URL")
        request_headers = {
            "content-type": "application/json",
            "accept": "application/graphql-response+json, application/json",
        }
        if headers:
            request_headers.update(headers)
        self.request_count += 1
        try:
            async with self.session().post(url, data=body, headers=request_headers) as response:
                raw = await response.read()
                status = response.status
        except TimeoutError:
            raise FetchError(service, f"timed out after {self.timeout.total} s") from None
        except aiohttp.ClientConnectorError as e:
            raise FetchError(service, f"cannot connect to {url}: {e.os_error.strerror or e}") from None
        except aiohttp.ClientError as e:
            raise FetchError(service, f"{type(e).__name__}: {e}") from None
        except OSError as e:
            raise FetchError(service, f"{type(e).__name__}: {e}") from None
        return _parse_response(service, status, raw)


def _parse_response(service: str, status: int, raw: bytes) -> dict[str, Any]:
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        if status >= 400:
            raise FetchError(service, f"{status}: {_snippet(raw)}") from None
        raise FetchError(
            service, f"the response is not JSON: {_snippet(raw)}", "SUBREQUEST_MALFORMED_RESPONSE"
        ) from None
    if not isinstance(parsed, dict) or ("data" not in parsed and "errors" not in parsed):
        if status >= 400:
            raise FetchError(service, f"{status}: {_snippet(raw)}")
        raise FetchError(
            service, "the response is not a GraphQL response (no data, no errors)", "SUBREQUEST_MALFORMED_RESPONSE"
        )
    # GraphQL over HTTP lets a 4xx/5xx carry a GraphQL response: its errors say more than the status.
    if status >= 400 and not parsed.get("errors"):
        raise FetchError(service, f"{status}")
    return parsed


def _snippet(raw: bytes, limit: int = 200) -> str:
    text = raw[:limit].decode("utf-8", "replace").strip()
    return text + ("…" if len(raw) > limit else "") if text else "(empty body)"
