"""Following the registry: ETag, long-polling, and publishes through several registry processes."""

from __future__ import annotations

import asyncio
import time

import aiohttp
from registry_harness import ADMIN_TOKEN, Registry, start_registry, subgraph_sdl

URL = "http://127.0.0.1:9001/graphql"


async def test_the_latest_supergraph_carries_its_version_as_etag(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil")) as client:
        await client.publish("dukcapil", URL, subgraph_sdl("nik: String"))
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as session:
        async with session.get(registry.url + "/supergraph") as response:
            etag = response.headers["ETag"]
            content = await response.json()
        async with session.get(registry.url + "/supergraph", headers={"If-None-Match": etag}) as again:
            unchanged_status = again.status

    assert etag == '"1"' and content["version"] == 1 and "nik" in content["sdl"]
    assert unchanged_status == 304


async def test_nothing_published_yet_is_a_clear_404(registry: Registry) -> None:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as session, session.get(
        registry.url + "/supergraph"
    ) as response:
        content = await response.json()

    assert response.status == 404
    assert content["error"] == "nothing has been published yet"


async def test_a_long_poll_answers_as_soon_as_a_new_version_is_published(registry: Registry) -> None:
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        await client.publish("dukcapil", URL, subgraph_sdl("nik: String"))

        async def publish_later() -> None:
            await asyncio.sleep(0.5)
            await client.publish("dukcapil", URL, subgraph_sdl("nik: String", "nama: String"))

        started = time.monotonic()
        waited, _ = await asyncio.gather(client.supergraph(after=1, wait=20), publish_later())
        elapsed = time.monotonic() - started

    assert waited is not None and waited.version == 2 and "nama" in waited.sdl
    assert elapsed < 5


async def test_a_long_poll_without_a_new_version_answers_not_modified_after_the_wait(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil")) as client:
        await client.publish("dukcapil", URL, subgraph_sdl("nik: String"))
        started = time.monotonic()
        waited = await client.supergraph(after=1, wait=1)
        elapsed = time.monotonic() - started

    assert waited is None
    assert 0.9 < elapsed < 5


async def test_a_long_poll_sees_versions_published_through_another_registry_process(
    registry: Registry, database_url: str
) -> None:
    other = start_registry(database_url)
    try:
        other_registry = Registry(url=other.url, database_url=database_url)
        publisher = await registry.token("dukcapil")
        async with registry.client(ADMIN_TOKEN) as follower, other_registry.client(publisher) as client:

            async def publish_later() -> None:
                await asyncio.sleep(0.3)
                await client.publish("dukcapil", URL, subgraph_sdl("nik: String"))

            waited, _ = await asyncio.gather(follower.supergraph(after=0, wait=20), publish_later())
    finally:
        other.stop()

    assert waited is not None and waited.version == 1


async def test_concurrent_publishes_through_two_registry_processes_all_land(
    registry: Registry, database_url: str
) -> None:
    other = start_registry(database_url)
    try:
        urls = [registry.url, other.url]
        names = [f"opd{i}" for i in range(8)]
        tokens = {name: await registry.token(name) for name in names}

        async def publish(i: int, name: str) -> int:
            async with Registry(url=urls[i % 2], database_url=database_url).client(tokens[name]) as client:
                result = await client.publish(name, f"http://127.0.0.1:9100/{name}", subgraph_sdl(f"{name}: Int"))
                return int(result["version"])

        versions = await asyncio.gather(*(publish(i, name) for i, name in enumerate(names)))
        async with registry.client(ADMIN_TOKEN) as client:
            latest = await client.supergraph()
            subgraphs = await client.subgraphs()
    finally:
        other.stop()

    assert sorted(versions) == list(range(1, len(names) + 1))
    assert latest is not None and latest.version == len(names)
    assert all(f"{name}: Int" in latest.sdl for name in names)
    assert sorted(s["name"] for s in subgraphs) == names
