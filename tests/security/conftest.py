"""A JWKS served over HTTP, the two signed subgraphs, and a gateway in front of them that
authenticates against the JWKS with registered clients, signs its subgraph requests, and
knows the `petugas` request policy."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
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
from tests.gateway.servers import Server, free_port
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


async def _own_postgres_database(server_url: str) -> AsyncIterator[str]:
    name = f"splp_trail_{secrets.token_hex(4)}"
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await admin.dispose()


@pytest.fixture
async def trail_postgres(postgres_url: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database of this test's own, for one trail."""
    async for url in _own_postgres_database(postgres_url):
        yield url


class TcpProxy:
    """A TCP relay to a database that a test can cut and restore, the database itself untouched."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        if self.server is None:  # cut while this connection was being made: it is cut too
            writer.transport.abort()
            up_writer.transport.abort()
            return
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    def up(self) -> None:
        async def start() -> None:
            self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)
        self._run(start())

    def down(self) -> None:
        async def stop() -> None:
            if self.server is not None:
                self.server.close()
                self.server = None
            for writer in self.writers:
                writer.transport.abort()
            self.writers.clear()
        self._run(stop())

    def close(self) -> None:
        self.down()
        self.loop.call_soon_threadsafe(self.loop.stop)
