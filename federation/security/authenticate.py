"""Who is asking, decided once per request before the document is even parsed.

    X-API-Key: <key>                 a machine client (registered, key stored hashed)
    Authorization: Bearer <JWT>      a person, through a registered client application
    (nothing)                        anonymous: refused with 401 under `require_auth`
    X-SPLP-Purpose: <purpose>        why: must be one of the purposes the client may state

The principal's scopes are the token's cut to what its client may use, plus the request
policies (`PolicyRegistry.request`) it meets.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from federation.security.authorization import ANONYMOUS, Principal
from federation.security.clients import ClientRegistry
from federation.security.jwt import AuthenticationError, JwtAuthenticator, principal_from_claims
from federation.security.policies import PolicyRegistry

PURPOSE_HEADER = "x-splp-purpose"
API_KEY_HEADER = "x-api-key"
MAX_PURPOSE_LENGTH = 64


class PurposeError(Exception):
    """The request states a purpose its client may not use (403)."""

    code = "PURPOSE_NOT_ALLOWED"


class Authenticator:
    def __init__(
        self,
        *,
        jwt: JwtAuthenticator | None = None,
        clients: ClientRegistry | None = None,
        policies: PolicyRegistry | None = None,
        require_auth: bool = False,
    ) -> None:
        self.jwt = jwt
        self.clients = clients
        self.policies = policies or PolicyRegistry()
        self.require_auth = require_auth

    async def __call__(self, headers: Mapping[str, str]) -> Principal:
        principal = await self._identify(headers)
        if principal.is_anonymous:
            if self.require_auth:
                raise AuthenticationError("this gateway answers authenticated requests only")
            return principal
        purpose = headers.get(PURPOSE_HEADER, "").strip() or None
        if purpose is not None:
            client = self.clients.get(principal.client) if self.clients else None
            if len(purpose) > MAX_PURPOSE_LENGTH or (
                self.clients is not None and (client is None or purpose not in client.purposes)
            ):
                raise PurposeError(
                    f"the purpose {purpose[:MAX_PURPOSE_LENGTH]!r} is not one client {principal.client!r} may state"
                )
        principal = dataclasses.replace(principal, purpose=purpose)
        granted = self.policies.granted(principal)
        return dataclasses.replace(principal, policies=principal.policies | granted) if granted else principal

    async def _identify(self, headers: Mapping[str, str]) -> Principal:
        key = headers.get(API_KEY_HEADER)
        if key:
            client = self.clients.by_api_key(key.strip()) if self.clients else None
            if client is None:
                raise AuthenticationError("the API key is not one a registered client holds")
            return Principal(
                authenticated=True,
                scopes=client.scopes,
                subject=f"client:{client.id}",
                client=client.id,
                role=client.role,
                opd=client.opd,
            )
        raw = headers.get("authorization")
        if not raw:
            return ANONYMOUS
        if self.jwt is None:
            raise AuthenticationError("this gateway verifies no tokens")
        scheme, _, token = raw.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("the Authorization header must be `Bearer <token>`")
        principal = principal_from_claims(await self.jwt.verify(token.strip()))
        if self.clients is not None:
            client = self.clients.get(principal.client)
            if client is None:
                raise AuthenticationError(
                    f"the token's client {str(principal.client)[:64]!r} is not a registered client"
                )
            principal = dataclasses.replace(principal, scopes=principal.scopes & client.scopes)
        return principal
