"""Two gateway replicas as a deployment runs them: stateless processes sharing the registry
(on PostgreSQL) and their rate-limit counters (in Redis). A publish reaches both, a client
spreading requests over both gets one limit, and when
one replica stops under load (SIGTERM, as Kubernetes stops a pod) no request is lost: the
stopping replica finishes what it accepted, and the load balancer (here the client, as
nginx's `proxy_next_upstream error` does) sends what it refuses to the other."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from graphql import build_schema, graphql
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from federation.registry.app import create_registry_app
from federation.registry.client import RegistryClient
from tests.gateway.servers import Server, free_port

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
V1 = LINK + "type Query {\n  nik: String\n}\n"
V2 = LINK + "type Query {\n  nik: String\n  nama: String\n}\n"
DATA = {"nik": "7371010101900001", "nama": "Andi Makkasau"}
ADMIN = "splp_test_admin_" + secrets.token_hex(8)


def dukcapil() -> Starlette:
    schema = build_schema("type Query { nik: String nama: String }")

    async def handle(request: Request) -> JSONResponse:
        body = await request.json()
        await asyncio.sleep(0.01)  # a request takes a while, so some are in flight at SIGTERM
        result = await graphql(schema, body["query"], root_value=DATA)
        return JSONResponse(result.formatted)

    return Starlette(routes=[Route("/graphql", handle, methods=["POST"])])


@pytest.fixture
async def registry_database(postgres_url: str) -> AsyncIterator[str]:
    name = f"splp_replicas_{secrets.token_hex(4)}"
    admin = create_async_engine(postgres_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
def servers(registry_database: str) -> Iterator[tuple[str, str]]:
    registry = Server(create_registry_app(registry_database, admin_token=ADMIN)).start()
    subgraph = Server(dukcapil()).start()
    yield registry.url, subgraph.url + "/graphql"
    subgraph.stop()
    registry.stop()


async def ask(session: aiohttp.ClientSession, url: str, document: str) -> dict[str, Any]:
    async with session.post(url + "/graphql", json={"query": document}) as response:
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
        return body


async def eventually(probe: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if await probe():
                return
        except aiohttp.ClientError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("not reached in time")
        await asyncio.sleep(0.1)


async def test_two_replicas_follow_one_registry_and_lose_no_request_when_one_stops(
    servers: tuple[str, str], tmp_path: Path
) -> None:
    registry_url, subgraph_url = servers
    async with RegistryClient(registry_url, ADMIN) as admin:
        publisher = (await admin.create_token("publisher", ["dukcapil"], "dukcapil"))["token"]
        gateway_token = (await admin.create_token("gateway", [], "gateways"))["token"]
    async with RegistryClient(registry_url, publisher) as client:
        await client.publish("dukcapil", subgraph_url, V1)
    config = tmp_path / "splp.yaml"  # the load comes from one address: above its rate limit
    config.write_text("rate_limits:\n  per_address: {per_second: 100000, burst: 100000}\n")
    ports = [free_port(), free_port()]
    replicas = [
        subprocess.Popen(
            [sys.executable, "-m", "federation.cli", "gateway", "--registry", registry_url, "--port", str(port),
             "--registry-token", gateway_token, "--registry-interval", "2", "--config", str(config),
             "--no-access-log", "--registry-cache", str(tmp_path / f"cache-{port}.json")],
            env={k: v for k, v in os.environ.items() if k != "SPLP_REGISTRY_TOKEN"},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        async with aiohttp.ClientSession() as session:
            for url in urls:
                await eventually(lambda url=url: _answers(session, url, "{ nik }", {"nik": DATA["nik"]}))
            async with RegistryClient(registry_url, publisher) as client:
                await client.publish("dukcapil", subgraph_url, V2)
            for url in urls:  # the publish reaches both, without a restart
                await eventually(lambda url=url: _answers(session, url, "{ nik nama }", DATA))

            answered = {url: 0 for url in urls}
            lost: list[str] = []
            stop_at = time.monotonic() + 3.0

            async def client(number: int) -> None:
                turn = number
                while time.monotonic() < stop_at:
                    for attempt in range(2):  # the balancer: the next replica when one refuses
                        url = urls[(turn + attempt) % 2]
                        try:
                            body = await ask(session, url, "{ nik nama }")
                        except aiohttp.ClientConnectionError:
                            continue
                        if body == {"data": DATA}:
                            answered[url] += 1
                        else:
                            lost.append(repr(body))
                        break
                    else:
                        lost.append("no replica answered")
                    turn += 1

            load = asyncio.gather(*(client(i) for i in range(8)))
            await asyncio.sleep(1.0)
            replicas[0].send_signal(signal.SIGTERM)  # as Kubernetes stops a pod
            await load
            before = answered[urls[0]]
            await asyncio.sleep(0.5)
            # It finished what it had, then exited (uvicorn re-raises the signal after its graceful shutdown).
            assert replicas[0].wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        for replica in replicas:
            if replica.poll() is None:
                replica.send_signal(signal.SIGINT)
            replica.communicate(timeout=30)

    assert lost == []
    assert before > 0 and answered[urls[1]] > 0


async def _answers(session: aiohttp.ClientSession, url: str, document: str, data: dict[str, Any]) -> bool:
    async with session.post(url + "/graphql", json={"query": document}) as response:
        return response.status == 200 and await response.json() == {"data": data}



async def test_two_replicas_count_one_client_against_one_rate_limit_in_redis(tmp_path: Path) -> None:
    """Rate-limit counters live in Redis: a client spreading its requests over both replicas
    gets the burst once, not once per replica."""
    from federation.compose import SubgraphSource, compose
    from tests.conftest import require_service

    require_service("Redis", "127.0.0.1", 6379)
    subgraph = Server(dukcapil()).start()
    composed = compose([SubgraphSource("dukcapil", subgraph.url + "/graphql", V1)])
    assert composed.supergraph_sdl is not None, composed.errors
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(composed.supergraph_sdl)
    config = tmp_path / "splp.yaml"
    config.write_text(  # a refill too slow to matter here; a key prefix of this test's own
        "rate_limits:\n  redis_url: redis://127.0.0.1:6379/0\n"
        f"  key_prefix: 'splp:test:{secrets.token_hex(4)}:'\n  per_address: {{per_second: 0.01, burst: 6}}\n"
    )
    ports = [free_port(), free_port()]
    replicas = [
        subprocess.Popen(
            [sys.executable, "-m", "federation.cli", "gateway", "--supergraph", str(supergraph), "--port", str(port),
             "--config", str(config), "--no-access-log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    # the client's address as the load balancer in front of both replicas reports it
    client = {"x-forwarded-for": "203.0.113.7"}
    try:
        async with aiohttp.ClientSession() as session:
            for url in urls:
                await eventually(lambda url=url: _healthy(session, url))
            statuses: dict[str, list[int]] = {url: [] for url in urls}
            for turn in range(12):
                url = urls[turn % 2]
                async with session.post(url + "/graphql", json={"query": "{ nik }"}, headers=client) as response:
                    statuses[url].append(response.status)
                    if response.status == 429:
                        assert (await response.json())["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    finally:
        for replica in replicas:
            replica.send_signal(signal.SIGINT)
            replica.communicate(timeout=30)
        subgraph.stop()

    every = statuses[urls[0]] + statuses[urls[1]]
    assert every.count(200) == 6 and every.count(429) == 6, statuses  # per process it would be 12 answered
    assert 429 in statuses[urls[0]] and 429 in statuses[urls[1]]


async def _healthy(session: aiohttp.ClientSession, url: str) -> bool:
    async with session.get(url + "/health") as response:
        return response.status == 200
