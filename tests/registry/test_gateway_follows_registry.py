"""`splp gateway --registry`: a gateway picks up new supergraphs without a restart."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from graphql import build_schema, graphql
from registry_harness import (
    ADMIN_TOKEN,
    FEDERATION_LINK,
    Registry,
    ServerThread,
    free_port,
    start_registry,
    wait_until_async,
)
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from federation.registry import tables
from federation.registry.client import RegistryError
from federation.registry.gateway_app import gateway_app_from_registry
from federation.registry.store import async_database_url

DUKCAPIL_V1 = "type Query {\n  nik: String\n}\n"
DUKCAPIL_V2 = "type Query {\n  nik: String\n  nama: String\n}\n"
DATA = {"nik": "7371010101900001", "nama": "Andi Makkasau"}
SLOW_SECONDS = 3.0


async def slow(info: Any) -> str:
    await asyncio.sleep(SLOW_SECONDS)
    return "lambat"


def subgraph_app(schema_sdl: str) -> Starlette:
    """A real GraphQL server (graphql-core) answering from DATA, like an OPD subgraph."""
    schema = build_schema(schema_sdl)

    async def handle(request: Request) -> JSONResponse:
        body = await request.json()
        root = dict(DATA, slow=slow)
        result = await graphql(schema, body["query"], root_value=root, variable_values=body.get("variables"))
        return JSONResponse(result.formatted)

    return Starlette(routes=[Route("/graphql", handle, methods=["POST"])])


@pytest.fixture
def dukcapil_subgraph() -> Iterator[str]:
    server = ServerThread(subgraph_app(DUKCAPIL_V2.replace("}", "  slow: String\n}")))
    server.start()
    try:
        yield server.url + "/graphql"
    finally:
        server.stop()


async def query(gateway_url: str, document: str, client_name: str = "super-app") -> dict[str, Any]:
    headers = {"apollographql-client-name": client_name}
    async with (
        aiohttp.ClientSession() as session,
        session.post(gateway_url + "/graphql", json={"query": document}, headers=headers) as response,
    ):
        result: dict[str, Any] = await response.json()
        return result


async def start_gateway(registry_url: str, token: str | None = ADMIN_TOKEN) -> ServerThread:
    app = await gateway_app_from_registry(registry_url, token=token, interval=2.0, usage_flush_interval=0.2)
    server = ServerThread(app)
    server.start()
    return server


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    # the gateway only sees the HTTP API: one database kind is enough here
    return f"sqlite:///{tmp_path / 'registry.sqlite3'}"


async def test_the_gateway_picks_up_a_newly_published_field_without_restart(
    registry: Registry, dukcapil_subgraph: str
) -> None:
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V1)
    gateway = await start_gateway(registry.url)
    try:
        before = await query(gateway.url, "{ nik nama }")
        async with registry.client(token) as client:
            await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V2)
        await wait_until_async(lambda: query(gateway.url, "{ nik nama }"), lambda r: "data" in r and r["data"])
        after = await query(gateway.url, "{ nik nama }")
    finally:
        gateway.stop()

    assert "errors" in before and "nama" in before["errors"][0]["message"]
    assert after == {"data": DATA}


async def test_a_broken_publish_leaves_the_gateway_serving_the_previous_supergraph(
    registry: Registry, dukcapil_subgraph: str
) -> None:
    token = await registry.token("dukcapil", "bapenda")
    async with registry.client(token) as client:
        await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V2)
    gateway = await start_gateway(registry.url)
    try:
        async with registry.client(token) as client:
            with pytest.raises(RegistryError):
                await client.publish(
                    "bapenda", "http://127.0.0.1:9/graphql", FEDERATION_LINK + "type Query { nik: Int }"
                )
        answer = await query(gateway.url, "{ nik nama }")
    finally:
        gateway.stop()

    assert answer == {"data": DATA}


async def test_the_gateway_keeps_its_supergraph_while_the_registry_is_down_and_follows_it_again(
    database_url: str, dukcapil_subgraph: str
) -> None:
    server = start_registry(database_url)
    registry = Registry(url=server.url, database_url=database_url)
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V1)
    gateway = await start_gateway(registry.url)
    try:
        server.stop()
        while_down = await query(gateway.url, "{ nik }")
        server = start_registry(database_url, server.port)
        async with registry.client(token) as client:
            await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V2)
        await wait_until_async(lambda: query(gateway.url, "{ nik nama }"), lambda r: "data" in r and r["data"])
    finally:
        gateway.stop()
        server.stop()

    assert while_down == {"data": {"nik": DATA["nik"]}}


async def test_the_gateway_reports_which_client_used_which_field(registry: Registry, dukcapil_subgraph: str) -> None:
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V2)
    gateway = await start_gateway(registry.url, token=await registry.token(role="gateway", label="gateway"))
    try:
        await query(gateway.url, "{ nama }", client_name="lontara-plus")
        await query(gateway.url, "{ nik }", client_name="super-app")

        async def check() -> dict[str, Any]:
            async with registry.client(token) as client:
                return await client.check("dukcapil", FEDERATION_LINK + DUKCAPIL_V1)

        report = await wait_until_async(check, lambda r: not r["ok"])
    finally:
        gateway.stop()

    (change,) = report["changes"]
    assert change["coordinate"] == "Query.nama"
    assert change["clients"] == [{"name": "lontara-plus", "operations": 1}]


async def test_a_gateway_cannot_start_on_a_registry_with_nothing_published(registry: Registry) -> None:
    with pytest.raises(RegistryError) as refused:
        await gateway_app_from_registry(registry.url, token=ADMIN_TOKEN, wait=0.5)

    assert "has no supergraph yet" in refused.value.reason


async def gateway_answers(url: str) -> bool:
    try:
        await query(url, "{ __typename }")
    except aiohttp.ClientError:
        return False
    return True


@pytest.mark.parametrize("workers", [1, 2])
async def test_splp_gateway_registry_follows_new_publishes(
    registry: Registry, dukcapil_subgraph: str, workers: int
) -> None:
    token = await registry.token("dukcapil")
    # the routing URL points nowhere: the gateway's --subgraph-url override must apply in registry mode too
    nowhere = f"http://127.0.0.1:{free_port()}/graphql"
    async with registry.client(token) as client:
        await client.publish("dukcapil", nowhere, FEDERATION_LINK + DUKCAPIL_V1)
    port = free_port()
    command = [sys.executable, "-m", "federation.cli", "gateway", "--registry", registry.url, "--port", str(port),
               "--registry-token", ADMIN_TOKEN]
    command += [
        "--registry-interval",
        "2",
        "--workers",
        str(workers),
        "--subgraph-url",
        f"dukcapil={dukcapil_subgraph}",
    ]
    env = {k: v for k, v in os.environ.items() if k != "SPLP_REGISTRY_TOKEN"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    gateway_url = f"http://127.0.0.1:{port}"
    try:
        await wait_until_async(lambda: gateway_answers(gateway_url), bool, timeout=30)
        async with registry.client(token) as client:
            await client.publish("dukcapil", nowhere, FEDERATION_LINK + DUKCAPIL_V2)
        # With several workers each one follows the registry on its own poll (2 s apart): the
        # first new answer may come from one worker while another has yet to poll, so the test
        # waits until a run of answers, spread over the workers, are all the new one.
        async def answers() -> list[Any]:
            return [await query(gateway_url, "{ nik nama }") for _ in range(6)]

        await wait_until_async(answers, lambda found: found == [{"data": DATA}] * 6, timeout=20)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_splp_gateway_registry_without_a_registry_is_a_clear_error() -> None:
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-m", "federation.cli", "gateway", "--registry", f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot reach the registry at http://127.0.0.1:{port}")


async def test_a_supergraph_the_gateway_refuses_leaves_it_on_the_previous_one(
    registry: Registry, dukcapil_subgraph: str
) -> None:
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V1)
    gateway = await start_gateway(registry.url)
    try:
        # a version this gateway cannot load, as a registry of another SPLP release might write
        engine = create_async_engine(async_database_url(registry.database_url))
        async with engine.begin() as conn:
            await conn.execute(
                insert(tables.supergraph_versions).values(
                    number=2,
                    supergraph_sdl="type Query { nik: String }",
                    subgraphs="[]",
                    subgraph_names="[]",
                    created_at=datetime.now(UTC),
                    action="publish",
                    subgraph="dukcapil",
                    actor="elsewhere",
                )
            )
        await engine.dispose()
        async with registry.client(ADMIN_TOKEN) as client:
            await wait_until_async(client.supergraph, lambda s: s is not None and s.version == 2)
        await asyncio.sleep(1.0)  # the gateway's long-poll has seen version 2 by now
        while_refused = await query(gateway.url, "{ nik }")
        async with registry.client(token) as client:
            await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V2)
        await wait_until_async(lambda: query(gateway.url, "{ nik nama }"), lambda r: r.get("data") == DATA)
    finally:
        gateway.stop()

    assert while_refused == {"data": {"nik": DATA["nik"]}}


async def test_a_request_in_flight_during_a_swap_completes_on_the_old_supergraph(
    registry: Registry, dukcapil_subgraph: str
) -> None:
    with_slow = "type Query {\n  nik: String\n  slow: String\n}\n"
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + with_slow)
    gateway = await start_gateway(registry.url)
    try:
        in_flight = asyncio.ensure_future(query(gateway.url, "{ nik slow }"))
        await asyncio.sleep(SLOW_SECONDS / 3)
        async with registry.client(token) as client:
            # the gateway reports usage (it follows with a token): the change is knowingly breaking
            await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V2, allow_breaking=True)
        await wait_until_async(lambda: query(gateway.url, "{ nik nama }"), lambda r: r.get("data") == DATA)
        swapped_before_it_finished = not in_flight.done()
        finished = await in_flight
    finally:
        gateway.stop()

    assert swapped_before_it_finished
    assert finished == {"data": {"nik": DATA["nik"], "slow": "lambat"}}
