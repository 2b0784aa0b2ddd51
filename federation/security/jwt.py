"""Authentication by JSON Web Token: `Authorization: Bearer <JWT>` to a `Principal`.

No token means an anonymous principal (it can read whatever requires nothing); a token that
does not verify is refused outright (HTTP 401), as Apollo Router's JWT authentication does.
Scopes come from the `scope` claim (space-separated, OAuth 2.0) or a `scopes` list; policies
from a `policies` list, granted by whoever issues the token. The person's claims `role`,
`opd`, `nik` and `name`, and the client (`client_id`, or `azp`), travel with the principal.

Keys: a shared secret (HS256), a JWK set from a file, or a JWK set from a URL (`JwksSource`),
kept in memory, fetched again when a token names a key id the set does not have (a rotated
key works without a restart) and every `max_age` seconds (a removed key stops working).
Only the algorithm of the key that matches is accepted: `alg: none`, and HS256 "signed" with
an RSA public key, never verify.

A token that verified is remembered for `remember` seconds (30; at most 10,000 tokens), so a
client sending the same token with every request has its signature checked once, not per
request; its `exp` is still checked on every use, and a key removed from the JWK set stops
its tokens at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
import jwt

from federation.security.authorization import ANONYMOUS, Principal

log = logging.getLogger("splp.security")

# Seconds a token's exp/nbf/iat may be off, for clocks that disagree a little.
DEFAULT_LEEWAY = 30.0


class AuthenticationError(Exception):
    """The request carries credentials that do not verify (or none, where they are required)."""


class JwksSource:
    """A JWK set from a URL: cached, fetched again when older than `max_age` and when a token
    names a key id the set lacks (a rotated key works at once). A key id that was looked for
    and not found is not looked for again for `negative_ttl` seconds, and unknown-kid fetches
    are at most `burst` per minute: made-up key ids cannot flood the identity provider."""

    def __init__(
        self, url: str, *, max_age: float = 300.0, negative_ttl: float = 60.0, burst: int = 10, timeout: float = 5.0
    ) -> None:
        self.url = url
        self.max_age = max_age
        self.negative_ttl = negative_ttl
        self.burst = burst
        self.timeout = timeout
        self.keys: jwt.PyJWKSet | None = None
        self.fetched_at = -1e9
        self._unknown: dict[str, float] = {}
        self._recent: list[float] = []
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        try:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            async with aiohttp.ClientSession(timeout=timeout) as http, http.get(self.url) as response:
                if response.status != 200:
                    raise ValueError(f"the JWK set at {self.url} answered {response.status}")
                document = json.loads(await response.read())
            self.keys = jwt.PyJWKSet.from_dict(document)
        except (aiohttp.ClientError, TimeoutError, ValueError, jwt.PyJWTError) as e:
            # Keep the keys we have: an identity provider's hiccup must not log everyone out.
            log.warning("could not fetch the JWK set from %s: %s", self.url, e)
        finally:
            self.fetched_at = time.monotonic()

    def _may_look_for(self, kid: str, now: float) -> bool:
        tried = self._unknown.get(kid)
        if tried is not None and now - tried < self.negative_ttl:
            return False
        self._recent = [t for t in self._recent if now - t < 60.0]
        if len(self._recent) >= self.burst:
            return False
        self._recent.append(now)
        if len(self._unknown) > 10_000:
            self._unknown.clear()
        self._unknown[kid] = now
        return True

    async def key_set(self, kid: str | None) -> jwt.PyJWKSet | None:
        async with self._lock:
            now = time.monotonic()
            if self.keys is None or now - self.fetched_at > self.max_age:
                if now - self.fetched_at > 1.0:  # an unreachable provider is asked once a second at most
                    await self.refresh()
            elif kid is not None and not _has_kid(self.keys, kid) and self._may_look_for(kid, now):
                await self.refresh()
            if kid is not None and self.keys is not None and _has_kid(self.keys, kid):
                self._unknown.pop(kid, None)
            return self.keys


def _has_kid(keys: jwt.PyJWKSet, kid: str) -> bool:
    return any(key.key_id == kid for key in keys.keys)


class JwtAuthenticator:
    def __init__(
        self,
        *,
        secret: str | None = None,
        jwks: dict[str, Any] | None = None,
        jwks_url: str | None = None,
        audience: str | None = None,
        issuer: str | None = None,
        header: str = "authorization",
        leeway: float = DEFAULT_LEEWAY,
        remember: float = 30.0,
    ) -> None:
        if sum(x is not None for x in (secret, jwks, jwks_url)) != 1:
            raise ValueError("give one of: a shared secret (HS256), a JWK set, or a JWK set URL")
        self.secret = secret
        self.keys = jwt.PyJWKSet.from_dict(jwks) if jwks is not None else None
        self.source = JwksSource(jwks_url) if jwks_url is not None else None
        self.audience = audience
        self.issuer = issuer
        self.header = header.lower()
        self.leeway = leeway
        self.remember = remember
        # token → (its claims, the key id it verified with, when): see the module's docstring
        self._verified: dict[str, tuple[dict[str, Any], str | None, float]] = {}

    def _remembered(self, token: str) -> dict[str, Any] | None:
        found = self._verified.get(token)
        if found is None:
            return None
        claims, kid, at = found
        if (
            time.monotonic() - at > self.remember
            or not float(claims["exp"]) + self.leeway > time.time()
            or (self.source is not None and (self.source.keys is None or not _has_kid(self.source.keys, str(kid))))
        ):
            del self._verified[token]
            return None
        return claims

    async def _key(self, token: str) -> tuple[Any, list[str]]:
        if self.secret is not None:
            return self.secret, ["HS256", "HS384", "HS512"]
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as e:
            raise AuthenticationError(f"the token does not verify: {e}") from None
        keys = self.keys if self.source is None else await self.source.key_set(kid)
        if keys is None:
            raise AuthenticationError("no JWK set to verify tokens with (the identity provider did not answer)")
        for key in keys.keys:
            if kid is None or key.key_id == kid:
                if not key.algorithm_name or key.algorithm_name.startswith("HS"):
                    continue  # a public-key set never verifies a shared-secret token
                return key.key, [key.algorithm_name]
        raise AuthenticationError(f"no key with id {str(kid)[:64]!r} in the JWK set")

    def claims(self, token: str, key: Any, algorithms: list[str]) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp"], "verify_aud": self.audience is not None},
            )
        except jwt.PyJWTError as e:
            raise AuthenticationError(f"the token does not verify: {e}") from None
        return claims

    async def verify(self, token: str) -> dict[str, Any]:
        if self.remember > 0 and (remembered := self._remembered(token)) is not None:
            return remembered
        key, algorithms = await self._key(token)
        claims = self.claims(token, key, algorithms)
        kid = None if self.secret is not None else jwt.get_unverified_header(token).get("kid")
        if self.remember > 0 and isinstance(claims.get("exp"), int | float) and (self.source is None or kid):
            if len(self._verified) >= 10_000:
                self._verified.clear()
            self._verified[token] = (claims, kid, time.monotonic())
        return claims

    async def __call__(self, headers: Mapping[str, str]) -> Principal:
        raw = headers.get(self.header)
        if not raw:
            return ANONYMOUS
        scheme, _, token = raw.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("the Authorization header must be `Bearer <token>`")
        return principal_from_claims(await self.verify(token.strip()))


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    def text(name: str) -> str | None:
        value = claims.get(name)
        return value if isinstance(value, str) and value else None

    return Principal(
        authenticated=True,
        scopes=frozenset(_strings(claims.get("scope") or claims.get("scopes"))),
        policies=frozenset(_strings(claims.get("policies"))),
        subject=str(claims["sub"]) if "sub" in claims else None,
        client=text("client_id") or text("azp"),
        role=text("role"),
        opd=text("opd"),
        nik=text("nik"),
        name=text("name"),
    )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
