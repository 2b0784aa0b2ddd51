"""Authentication by JSON Web Token: `Authorization: Bearer <JWT>` to a `Principal`.

No token means an anonymous principal (it can read whatever requires nothing); a token that
does not verify is refused outright (HTTP 401), as Apollo Router's JWT authentication does.
Scopes come from the `scope` claim (space-separated, OAuth 2.0) or a `scopes` list; policies
from a `policies` list, granted by whoever issues the token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jwt

from federation.security.authorization import ANONYMOUS, Principal


class AuthenticationError(Exception):
    """The request carries credentials that do not verify."""


class JwtAuthenticator:
    def __init__(
        self,
        *,
        secret: str | None = None,
        jwks: dict[str, Any] | None = None,
        audience: str | None = None,
        issuer: str | None = None,
        header: str = "authorization",
    ) -> None:
        if (secret is None) == (jwks is None):
            raise ValueError("give either a shared secret (HS256) or a JWK set (RS256, ES256, ...)")
        self.secret = secret
        self.keys = jwt.PyJWKSet.from_dict(jwks) if jwks is not None else None
        self.audience = audience
        self.issuer = issuer
        self.header = header.lower()

    def _key(self, token: str) -> tuple[Any, list[str]]:
        if self.secret is not None:
            return self.secret, ["HS256", "HS384", "HS512"]
        assert self.keys is not None
        kid = jwt.get_unverified_header(token).get("kid")
        for key in self.keys.keys:
            if kid is None or key.key_id == kid:
                return key.key, [key.algorithm_name] if key.algorithm_name else ["RS256", "ES256"]
        raise AuthenticationError(f"no key with id {kid!r} in the JWK set")

    def __call__(self, headers: Mapping[str, str]) -> Principal:
        raw = headers.get(self.header)
        if not raw:
            return ANONYMOUS
        scheme, _, token = raw.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("the Authorization header must be `Bearer <token>`")
        try:
            key, algorithms = self._key(token.strip())
            claims = jwt.decode(
                token.strip(),
                key,
                algorithms=algorithms,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp"], "verify_aud": self.audience is not None},
            )
        except jwt.PyJWTError as e:
            raise AuthenticationError(f"the token does not verify: {e}") from None
        return Principal(
            authenticated=True,
            scopes=frozenset(_strings(claims.get("scope") or claims.get("scopes"))),
            policies=frozenset(_strings(claims.get("policies"))),
            subject=str(claims["sub"]) if "sub" in claims else None,
        )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
