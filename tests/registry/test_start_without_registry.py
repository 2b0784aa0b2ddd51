"""A gateway following the registry starts while the registry is down, from the last good
supergraph it saved, says so, and follows the registry again once it is back."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from registry_harness import FEDERATION_LINK, Registry, ServerThread, free_port, start_registry, wait_until_async
from test_gateway_follows_registry import DATA, DUKCAPIL_V1, DUKCAPIL_V2, query, subgraph_app

from federation.registry.cache import SupergraphCache
from federation.registry.client import RegistryUnavailable
from federation.registry.gateway_app import gateway_app_from_registry


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path / 'registry.sqlite3'}"


@pytest.fixture
def dukcapil_subgraph() -> Iterator[str]:
    server = ServerThread(subgraph_app(DUKCAPIL_V2))
    server.start()
    try:
        yield server.url + "/graphql"
    finally:
        server.stop()


async def health(url: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session, session.get(url + "/health") as response:
        body: dict[str, Any] = await response.json()
        return body


async def served_once(registry_url: str, cache: SupergraphCache, token: str) -> None:
    """A gateway that ran once against the registry (and so saved what it served)."""
    app = await gateway_app_from_registry(registry_url, cache=cache, interval=1.0, token=token)
    server = ServerThread(app)
    server.start()
    server.stop()


async def test_with_the_registry_down_the_gateway_starts_from_the_saved_supergraph(
    database_url: str, dukcapil_subgraph: str, tmp_path: Path
) -> None:
    registry_server = start_registry(database_url)
    registry = Registry(url=registry_server.url, database_url=database_url)
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V1)
    cache = SupergraphCache(tmp_path / "supergraph.json", registry.url)
    gateway_token = await registry.token(role="gateway", label="gateway")
    await served_once(registry.url, cache, gateway_token)
    registry_server.stop()

    app = await gateway_app_from_registry(registry.url, cache=cache, interval=1.0, wait=0.5, token=gateway_token)
    gateway = ServerThread(app)
    gateway.start()
    try:
        down = await health(gateway.url)
        answer = await query(gateway.url, "{ nik }")
        # The registry comes back (same address, same database) with a new version.
        registry_server = start_registry(database_url, port=int(registry.url.rsplit(":", 1)[1]))
        async with registry.client(token) as client:
            await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V2)
        await wait_until_async(lambda: query(gateway.url, "{ nik nama }"), lambda r: r.get("data") == DATA)
        back = await health(gateway.url)
    finally:
        gateway.stop()
        registry_server.stop()

    assert down["supergraph"]["source"] == "cache" and down["supergraph"]["version"] == 1
    assert "registry did not answer" in down["supergraph"]["note"]
    assert answer == {"data": {"nik": DATA["nik"]}}
    assert back["supergraph"] == {"version": 2, "source": "registry"}
    saved = cache.load()
    assert saved is not None and saved[0].version == 2  # the new version is the one kept now


async def test_with_nothing_saved_a_down_registry_still_stops_the_start(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RegistryUnavailable):
        await gateway_app_from_registry(url, cache=SupergraphCache(tmp_path / "none.json", url), wait=0.5)


async def test_a_damaged_saved_file_is_not_served(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    path = tmp_path / "supergraph.json"
    path.write_bytes(orjson.dumps({"version": 3, "sdl": "type Query { broken"}))
    with pytest.raises(RegistryUnavailable):
        await gateway_app_from_registry(url, cache=SupergraphCache(path, url), wait=0.5)


async def test_splp_gateway_says_in_its_log_that_it_serves_the_saved_supergraph(
    database_url: str, dukcapil_subgraph: str, tmp_path: Path
) -> None:
    registry_server = start_registry(database_url)
    registry = Registry(url=registry_server.url, database_url=database_url)
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V2)
    cache_file = tmp_path / "saved.json"
    gateway_token = await registry.token(role="gateway", label="gateway")
    await served_once(registry.url, SupergraphCache(cache_file, registry.url), gateway_token)
    registry_server.stop()

    port = free_port()
    command = [sys.executable, "-m", "federation.cli", "gateway", "--registry", registry.url, "--port", str(port),
               "--registry-cache", str(cache_file), "--registry-interval", "1", "--no-access-log",
               "--registry-token", gateway_token]
    env = {k: v for k, v in os.environ.items() if k != "SPLP_REGISTRY_TOKEN"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        answer = await wait_until_async(lambda: _try_query(f"http://127.0.0.1:{port}"), bool, timeout=30)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = await asyncio.to_thread(process.communicate, timeout=30)

    assert answer == {"data": DATA}
    assert "starting from the last good one, version 1" in output
    assert f"serving supergraph version 1 from the copy saved in {cache_file}" in output


async def _try_query(url: str) -> dict[str, Any] | None:
    try:
        return await query(url, "{ nik nama }")
    except aiohttp.ClientError:
        return None
