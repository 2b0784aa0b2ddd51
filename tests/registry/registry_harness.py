"""Helpers of the registry tests: servers on loopback, tokens, subgraph schemas, waiting."""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import uvicorn

from federation.compose import compose
from federation.registry.app import create_registry_app
from federation.registry.client import RegistryClient
from federation.registry.store import Composer

T = TypeVar("T")

ADMIN_TOKEN = "splp_test_admin_" + secrets.token_hex(8)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ServerThread:
    """uvicorn serving an ASGI app in a thread with its own event loop."""

    def __init__(self, app: object, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


@dataclass
class Registry:
    url: str
    database_url: str

    def client(self, token: str | None = None) -> RegistryClient:
        return RegistryClient(self.url, token)

    async def token(self, *subgraphs: str, role: str = "publisher", label: str | None = None) -> str:
        async with self.client(ADMIN_TOKEN) as admin:
            created = await admin.create_token(role, list(subgraphs), label or ",".join(subgraphs) or role)
        return str(created["token"])


def start_registry(database_url: str, port: int | None = None, composer: Composer = compose) -> ServerThread:
    server = ServerThread(create_registry_app(database_url, admin_token=ADMIN_TOKEN, composer=composer), port)
    server.start()
    return server


FEDERATION_LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'
)


def subgraph_sdl(*fields: str, type_name: str = "Query") -> str:
    """A minimal Federation 2 subgraph whose `type_name` has `fields` (e.g. "nama: String")."""
    body = "\n".join(f"  {f}" for f in fields)
    return f"{FEDERATION_LINK}type {type_name} {{\n{body}\n}}\n"


async def wait_until_async(probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], timeout: float = 15.0) -> T:
    """The first result of `probe()` that `accept` takes, polling until `timeout`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await probe()
        if accept(result):
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not reached in {timeout}s; last result: {result!r}")
        await asyncio.sleep(0.1)
