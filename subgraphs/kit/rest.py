"""REST sources: read an OPD's existing JSON API from resolvers.

One aiohttp session per app (opened at startup, closed at shutdown), a timeout on every
call, and every failure turned into a GraphQL error that names the upstream and carries its
HTTP status, so a client sees "BPJS answered 503" instead of a stack trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
from graphql import GraphQLError

JsonParams = Mapping[str, str | int | list[str]]


class UpstreamError(GraphQLError):
    """The upstream API failed; extensions carry the upstream's name and HTTP status (if it answered)."""

    def __init__(self, upstream: str, message: str, *, code: str, status: int | None = None) -> None:
        extensions: dict[str, Any] = {"code": code, "upstream": upstream}
        if status is not None:
            extensions["status"] = status
        super().__init__(message, extensions=extensions)


class RestSource:
    """A JSON REST API, e.g. `RestSource("bpjs", "http://127.0.0.1:4011", timeout=3.0)`."""

    def __init__(self, name: str, base_url: str, *, timeout: float = 5.0) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError(f"REST source {self.name} is not open (the app's startup opens it)")
        return self._session

    async def get_json(self, path: str, params: JsonParams | None = None, *, missing_ok: bool = False) -> Any:
        """GET `path` and decode its JSON; None for a 404 when `missing_ok`."""
        query: list[tuple[str, str]] = []
        for name, value in (params or {}).items():
            values = value if isinstance(value, list) else [value]
            query.extend((name, str(item)) for item in values)
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            async with self.session.get(url, params=query) as response:
                if response.status == 404 and missing_ok:
                    return None
                if response.status >= 400:
                    detail = (await response.text())[:200]
                    raise UpstreamError(
                        self.name,
                        f"{self.name} answered HTTP {response.status} for {path}: {detail}",
                        code="UPSTREAM_HTTP_ERROR",
                        status=response.status,
                    )
                try:
                    return await response.json(content_type=None)
                except ValueError:
                    raise UpstreamError(
                        self.name, f"{self.name} answered {path} with something other than JSON",
                        code="UPSTREAM_BAD_RESPONSE", status=response.status,
                    ) from None
        except TimeoutError:
            raise UpstreamError(
                self.name,
                f"{self.name} did not answer {path} within {self.timeout.total} s",
                code="UPSTREAM_TIMEOUT",
            ) from None
        except aiohttp.ClientError as error:
            raise UpstreamError(
                self.name, f"{self.name} is unreachable: {error}", code="UPSTREAM_UNAVAILABLE"
            ) from None


__all__ = ["RestSource", "UpstreamError"]
