"""How a REST source proves who is calling: an API key, a bearer token, or OAuth2 client credentials.

    RestSource("bpjs", url, auth=ApiKey(os.environ["BPJS_KEY"], header="X-Cons-Key"))
    RestSource("oss", url, auth=OAuth2ClientCredentials(token_url, client_id, client_secret, scope="nib.read"))

OAuth2 (RFC 6749 §4.4): the token is asked for once and kept until shortly before it expires;
concurrent requests wait for the one token request instead of each asking. A 401 from the API
drops the cached token (it was revoked early) so the retry asks for a new one.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from typing import Any, Literal, Protocol
from urllib.parse import quote_plus

import aiohttp

from subgraphs.kit.rest_errors import UpstreamError

# Asked again this many seconds before the token says it expires, so no call carries a token
# that expires on its way.
EXPIRY_MARGIN = 30.0
# A token endpoint that gives no `expires_in` is asked again after this long.
DEFAULT_LIFETIME = 300.0


class Auth(Protocol):
    async def apply(self, session: aiohttp.ClientSession, upstream: str,
                    headers: dict[str, str], params: list[tuple[str, str]]) -> None:
        """Add the credentials to an outgoing call's headers or query."""

    def invalidate(self) -> None:
        """The API answered 401: forget any cached credential."""


class ApiKey:
    """A fixed key sent in a header (default `X-API-Key`) or, with `query`, as a query parameter."""

    def __init__(self, key: str, *, header: str = "X-API-Key", query: str | None = None) -> None:
        self.key = key
        self.header = header
        self.query = query

    async def apply(self, session: aiohttp.ClientSession, upstream: str,
                    headers: dict[str, str], params: list[tuple[str, str]]) -> None:
        if self.query is not None:
            params.append((self.query, self.key))
        else:
            headers[self.header] = self.key

    def invalidate(self) -> None:
        return None


class Bearer:
    """A fixed token: `Authorization: Bearer <token>`."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def apply(self, session: aiohttp.ClientSession, upstream: str,
                    headers: dict[str, str], params: list[tuple[str, str]]) -> None:
        headers["Authorization"] = f"Bearer {self.token}"

    def invalidate(self) -> None:
        return None


class OAuth2ClientCredentials:
    """OAuth2's client-credentials grant; the access token cached until `expires_in` (less a margin).

    `client_auth="basic"` sends the client's id and secret as HTTP Basic (what RFC 6749 §2.3.1
    requires servers to accept), `"post"` in the form body (for servers that only read that).
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        audience: str | None = None,
        client_auth: Literal["basic", "post"] = "basic",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self.audience = audience
        self.client_auth = client_auth
        self.clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.tokens_fetched = 0

    async def apply(self, session: aiohttp.ClientSession, upstream: str,
                    headers: dict[str, str], params: list[tuple[str, str]]) -> None:
        headers["Authorization"] = f"Bearer {await self.token(session, upstream)}"

    def invalidate(self) -> None:
        self._token = None

    async def token(self, session: aiohttp.ClientSession, upstream: str) -> str:
        if self._token is not None and self.clock() < self._expires_at:
            return self._token
        async with self._lock:
            # Another call may have fetched it while this one waited.
            if self._token is not None and self.clock() < self._expires_at:
                return self._token
            token, lifetime = await self._fetch(session, upstream)
            self._token = token
            self._expires_at = self.clock() + max(0.0, lifetime - EXPIRY_MARGIN)
            return token

    async def _fetch(self, session: aiohttp.ClientSession, upstream: str) -> tuple[str, float]:
        form = {"grant_type": "client_credentials"}
        if self.scope is not None:
            form["scope"] = self.scope
        if self.audience is not None:
            form["audience"] = self.audience
        headers = {"Accept": "application/json"}
        if self.client_auth == "basic":
            # RFC 6749 §2.3.1: the id and secret are form-encoded, then joined and base64-encoded.
            pair = f"{quote_plus(self.client_id)}:{quote_plus(self.client_secret)}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form.update(client_id=self.client_id, client_secret=self.client_secret)
        try:
            async with session.post(self.token_url, data=form, headers=headers) as response:
                answer: Any = await response.json(content_type=None) if response.status < 500 else None
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise UpstreamError(upstream, f"{upstream}'s token endpoint failed: {type(error).__name__}",
                                code="UPSTREAM_AUTH_FAILED") from None
        if status != 200 or not isinstance(answer, dict) or not isinstance(answer.get("access_token"), str):
            reason = answer.get("error") if isinstance(answer, dict) else None
            raise UpstreamError(
                upstream, f"{upstream}'s token endpoint refused the client credentials"
                + (f" ({reason})" if isinstance(reason, str) else ""),
                code="UPSTREAM_AUTH_FAILED", status=status,
            )
        self.tokens_fetched += 1
        expires_in = answer.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) \
            else DEFAULT_LIFETIME
        return answer["access_token"], lifetime


__all__ = ["ApiKey", "Auth", "Bearer", "OAuth2ClientCredentials"]
