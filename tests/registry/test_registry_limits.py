"""The registry bounds what one publish may cost it: an SDL over the cap is refused (413)
before it is composed; composition runs outside the write lock."""

from __future__ import annotations

import pytest
from registry_harness import Registry, subgraph_sdl

from federation.registry.app import MAX_SDL_BYTES
from federation.registry.client import RegistryError


async def test_an_sdl_over_the_cap_is_refused_before_composing(registry: Registry) -> None:
    huge = subgraph_sdl("nik: String") + "\n" + "\n".join(f"type T{i} {{ f: Int }}" for i in range(60_000))
    assert len(huge) > MAX_SDL_BYTES
    async with registry.client(await registry.token("dukcapil")) as client:
        with pytest.raises(RegistryError, match="larger than"):
            await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", huge)
        assert await client.supergraph() is None


async def test_a_publish_composed_before_the_lock_still_sees_a_concurrent_one(registry: Registry) -> None:
    import asyncio

    async with (
        registry.client(await registry.token("dukcapil")) as dukcapil,
        registry.client(await registry.token("bapenda")) as bapenda,
    ):
        await asyncio.gather(
            dukcapil.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String")),
            bapenda.publish("bapenda", "http://127.0.0.1:9002/graphql", subgraph_sdl("pbb: Int")),
        )
        latest = await dukcapil.supergraph()
    assert latest is not None and latest.version == 2
    assert "nik" in latest.sdl and "pbb" in latest.sdl
