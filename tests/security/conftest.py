"""A JWKS served over HTTP, the two signed subgraphs, and a gateway in front of them that
authenticates against the JWKS with registered clients, signs its subgraph requests, and
knows the `petugas` request policy."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import aiohttp
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from federation.gateway import Gateway
from federation.http.app import create_app
from federation.security.authenticate import Authenticator
from federation.security.clients import ClientRegistry, hash_api_key
from federation.security.jwt import JwtAuthenticator
from federation.security.policies import PolicyRegistry
from federation.security.signing import RequestSigner
from federation.supergraph import Supergraph
from tests.gateway.servers import Server
from tests.security import world

ISSUER = "https://sso.makassarkota.go.id"
AUDIENCE = "splp-gateway"
MACHINE_KEY = "splp_kunci-mesin-bpjs-untuk-pengujian-0123456789"
CLIENTS = {
    "clients": {
        "superapp": {"scopes": ["warga"], "purposes": ["layanan_publik", "riwayat_pemrosesan"]},
        "backoffice": {"scopes": ["penduduk:daftar", "warga"], "purposes": ["pelayanan_adminduk"]},
        "sistem_bpjs": {"role": "operator", "opd": "kesehatan", "scopes": ["kesehatan:read"],
                        "purposes": ["verifikasi_jkn"], "api_keys": [hash_api_key(MACHINE_KEY)]},
    }
}


class Jwks:
    """The identity provider's key set, served over HTTP; keys can be added and removed mid-test."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.fetches = 0
        self.add("kid-1")

    def add(self, kid: str) -> rsa.RSAPrivateKey:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return self.keys[kid]

    def document(self) -> dict[str, Any]:
        keys = []
        for kid, key in self.keys.items():
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "alg": "RS256", "use": "sig"})
        return {"keys": keys}

    def app(self) -> Starlette:
        async def serve(request: Request) -> Response:
            self.fetches += 1
            return Response(json.dumps(self.document()), media_type="application/json")

        return Starlette(routes=[Route("/.well-known/jwks.json", serve)])

    def token(self, kid: str = "kid-1", **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "warga-andi", "client_id": "superapp", "iat": now,
                "exp": now + 600, **claims}
        return jwt.encode({k: v for k, v in body.items() if v is not None}, self.keys[kid], algorithm="RS256",
                          headers={"kid": kid})


@pytest.fixture(scope="session")
def jwks() -> Iterator[tuple[Jwks, str]]:
    provider = Jwks()
    server = Server(provider.app()).start()
    yield provider, server.url + "/.well-known/jwks.json"
    server.stop()


@pytest.fixture(scope="session")
def subgraph_urls() -> Iterator[dict[str, str]]:
    servers = {"penduduk": Server(world.penduduk_app()).start(), "kesehatan": Server(world.kesehatan_app()).start()}
    yield {name: server.url + "/graphql" for name, server in servers.items()}
    for server in servers.values():
        server.stop()


def make_gateway(jwks_url: str, subgraph_urls: dict[str, str], **options: Any) -> Gateway:
    policies = PolicyRegistry()
    policies.request("petugas", lambda p: p.role == "operator")
    authenticator = Authenticator(
        jwt=JwtAuthenticator(jwks_url=jwks_url, audience=AUDIENCE, issuer=ISSUER),
        clients=ClientRegistry.from_dict(CLIENTS),
        policies=policies,
        require_auth=options.pop("require_auth", False),
    )
    return Gateway(
        Supergraph.from_sdl(world.supergraph(subgraph_urls)),
        authenticator=authenticator,
        signer=RequestSigner.from_keys(world.KEYS),
        require_purpose=True,
        **options,
    )


@pytest.fixture(scope="session")
def gateway_url(jwks: tuple[Jwks, str], subgraph_urls: dict[str, str]) -> Iterator[str]:
    gateway = make_gateway(jwks[1], subgraph_urls)
    server = Server(create_app(gateway.supergraph, gateway=gateway)).start()
    yield server.url + "/graphql"
    server.stop()


async def ask(
    url: str, query: str, bearer: str | None = None, purpose: str | None = "layanan_publik",
    headers: dict[str, str] | None = None, variables: dict[str, Any] | None = None,
) -> tuple[int, Any]:
    sent = dict(headers or {})
    if bearer:
        sent["authorization"] = f"Bearer {bearer}"
    if purpose:
        sent["x-splp-purpose"] = purpose
    async with aiohttp.ClientSession() as http, http.post(
        url, json={"query": query, "variables": variables}, headers=sent
    ) as response:
        return response.status, await response.json(content_type=None)
