"""A real gateway on a loopback socket, over the one-subgraph `slow` graph, with the
hardened server protocol; limits small enough that tests reach them quickly."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from federation.gateway import Gateway
from federation.http.app import CorsOptions, HttpOptions, create_app
from federation.http.server import GuardedHttpToolsProtocol, ServerLimits
from federation.supergraph import Supergraph
from tests.gateway import slow_subgraph
from tests.gateway.servers import Server

GRAPHQL_RESPONSE = "application/graphql-response+json"
SERVER_LIMITS = ServerLimits(header_timeout=0.5, body_timeout=0.5, max_header_bytes=8192)


@pytest.fixture(scope="session")
def slow_url() -> Iterator[str]:
    server = Server(slow_subgraph.app()).start()
    yield server.url + "/graphql"
    server.stop()


@pytest.fixture(scope="session")
def gateway_url(slow_url: str) -> Iterator[str]:
    GuardedHttpToolsProtocol.configure(SERVER_LIMITS)
    supergraph = Supergraph.from_sdl(slow_subgraph.supergraph(slow_url, with_fast=False))
    app = create_app(
        supergraph,
        gateway=Gateway(supergraph),
        http_options=HttpOptions(max_body_bytes=64 * 1024, max_in_flight=8),
        cors=CorsOptions(allow_origins=("https://superapp.makassarkota.go.id",)),
    )
    server = Server(app, http=GuardedHttpToolsProtocol).start()
    yield server.url + "/graphql"
    server.stop()


async def post(url: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any, dict[str, str]]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=body, headers={"Accept": GRAPHQL_RESPONSE, **(headers or {})}) as response,
    ):
        return (
            response.status,
            await response.json(content_type=None),
            {k.lower(): v for k, v in response.headers.items()},
        )


def host_port(url: str) -> tuple[str, int]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    assert parts.hostname and parts.port
    return parts.hostname, parts.port


async def raw_exchange(url: str, data: bytes, *, wait: float = 5.0) -> bytes:
    """Send raw bytes on a fresh connection; everything the server answers until it closes."""
    host, port = host_port(url)
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(data)
        await writer.drain()
        chunks = []
        while True:
            try:
                chunk = await asyncio.wait_for(reader.read(65536), wait)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        writer.close()


def connection_closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(65536, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
