"""REST sources: call an OPD's existing JSON API from resolvers.

    bpjs = RestSource("bpjs", "https://apijkn.bpjs-kesehatan.go.id", timeout=3.0,
                      headers={"X-Cons-Id": cons_id}, auth=ApiKey(key, header="user_key"))
    await bpjs.get_json("/peserta", {"nik": ["7371…", "7371…"]})
    await bpjs.post_json("/peserta/cari", {"nik": [...]}, idempotent=True)

One aiohttp session per app (opened at startup, closed at shutdown), a timeout on every
attempt, retries with exponential backoff and jitter for idempotent calls (GET, HEAD, PUT,
DELETE, or a POST declared `idempotent`) when the upstream could not have acted on the call
(refused or lost connection, 429, 502, 503, 504), and every failure turned into a GraphQL
error that names the upstream and carries its HTTP status, so a client sees "bpjs answered
503" instead of a stack trace. A timeout is not retried: an upstream too slow to answer once
is only made slower by asking again, and the gateway's own deadline is running.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from typing import Any

import aiohttp

from subgraphs.kit.rest_auth import Auth
from subgraphs.kit.rest_errors import UpstreamError

JsonParams = Mapping[str, str | int | list[str]]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
# Answers meaning the upstream did not handle the call and may well handle it next time.
RETRYABLE_STATUS = frozenset({429, 502, 503, 504})
# A Retry-After longer than this is not waited for: the request fails instead.
MAX_RETRY_AFTER = 5.0


class RestSource:
    """A JSON REST API, e.g. `RestSource("bpjs", "http://127.0.0.1:4011", timeout=3.0)`.

    `headers` go on every call; `auth` is an `ApiKey`, `Bearer` or `OAuth2ClientCredentials`;
    `retries` is how many times an idempotent call is tried again, waiting
    `backoff * 2**attempt` seconds (at most `max_backoff`, with full jitter) in between.
    """

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        timeout: float = 5.0,
        headers: Mapping[str, str] | None = None,
        auth: Auth | None = None,
        retries: int = 2,
        backoff: float = 0.1,
        max_backoff: float = 2.0,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.headers = dict(headers or {})
        self.auth = auth
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
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
        return await self.request("GET", path, params=params, missing_ok=missing_ok)

    async def post_json(self, path: str, body: Any, *, params: JsonParams | None = None,
                        missing_ok: bool = False, idempotent: bool = False) -> Any:
        """POST `body` as JSON to `path` and decode the answer; retried only when `idempotent`
        (a lookup sent by POST because its keys do not fit a URL)."""
        return await self.request("POST", path, params=params, json=body, missing_ok=missing_ok,
                                  idempotent=idempotent)

    async def request(self, method: str, path: str, *, params: JsonParams | None = None, json: Any = None,
                      missing_ok: bool = False, idempotent: bool | None = None) -> Any:
        """Call the API; the decoded JSON answer (None for a 404 when `missing_ok`)."""
        method = method.upper()
        retry = idempotent if idempotent is not None else method in IDEMPOTENT_METHODS
        attempts = 1 + (self.retries if retry else 0)
        reauthenticated = False
        attempt = 0
        while True:
            try:
                return await self._once(method, path, params, json, missing_ok)
            except _Unauthorized:
                # A cached token revoked before its expiry: drop it and try once with a new one.
                if self.auth is None or reauthenticated:
                    raise UpstreamError(self.name, f"{self.name} refused the credentials for {path} (HTTP 401)",
                                        code="UPSTREAM_UNAUTHORIZED", status=401) from None
                self.auth.invalidate()
                reauthenticated = True
            except _Retryable as failure:
                attempt += 1
                if attempt >= attempts or (failure.wait is not None and failure.wait > MAX_RETRY_AFTER):
                    raise failure.error from None
                await asyncio.sleep(failure.wait if failure.wait is not None else self._delay(attempt))

    def _delay(self, attempt: int) -> float:
        # Full jitter: concurrent callers retrying a recovering upstream do not arrive together.
        return random.uniform(0, min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))

    async def _once(self, method: str, path: str, params: JsonParams | None, json: Any, missing_ok: bool) -> Any:
        query: list[tuple[str, str]] = []
        for name, value in (params or {}).items():
            values = value if isinstance(value, list) else [value]
            query.extend((name, str(item)) for item in values)
        headers = {"Accept": "application/json", **self.headers}
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            if self.auth is not None:
                await self.auth.apply(self.session, self.name, headers, query)
            async with self.session.request(method, url, params=query, json=json, headers=headers) as response:
                if response.status == 404 and missing_ok:
                    return None
                if response.status == 401:
                    raise _Unauthorized()
                if response.status >= 400:
                    detail = (await response.text())[:200]
                    error = UpstreamError(
                        self.name, f"{self.name} answered HTTP {response.status} for {path}: {detail}",
                        code="UPSTREAM_HTTP_ERROR", status=response.status,
                    )
                    if response.status in RETRYABLE_STATUS:
                        raise _Retryable(error, _retry_after(response.headers.get("Retry-After")))
                    raise error
                try:
                    return await response.json(content_type=None)
                except ValueError:
                    raise UpstreamError(
                        self.name, f"{self.name} answered {path} with something other than JSON",
                        code="UPSTREAM_BAD_RESPONSE", status=response.status,
                    ) from None
        except TimeoutError:
            raise UpstreamError(
                self.name, f"{self.name} did not answer {path} within {self.timeout.total} s",
                code="UPSTREAM_TIMEOUT",
            ) from None
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as failure:
            if isinstance(failure, aiohttp.ServerTimeoutError):
                raise UpstreamError(
                    self.name, f"{self.name} did not answer {path} within {self.timeout.total} s",
                    code="UPSTREAM_TIMEOUT",
                ) from None
            raise _Retryable(UpstreamError(self.name, f"{self.name} is unreachable: {failure}",
                                           code="UPSTREAM_UNAVAILABLE"), None) from None
        except aiohttp.ClientError as failure:
            raise UpstreamError(self.name, f"{self.name} failed: {failure}", code="UPSTREAM_UNAVAILABLE") from None


class _Retryable(Exception):
    def __init__(self, error: UpstreamError, wait: float | None) -> None:
        self.error = error
        self.wait = wait


class _Unauthorized(Exception):
    pass


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header given in seconds (an HTTP date is treated as absent)."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


__all__ = ["RestSource", "UpstreamError"]
