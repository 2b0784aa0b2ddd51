"""Identical queries in flight at the same time share one execution; mutations never do."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import aiohttp
import pytest

from federation.gateway import Gateway
from federation.http.app import create_app
from federation.supergraph import Supergraph
from tests.gateway import slow_subgraph
from tests.gateway.servers import Server


@pytest.fixture(scope="module")
def subgraph() -> Iterator[str]:
    server = Server(slow_subgraph.app()).start()
    yield server.url + "/graphql"
    server.stop()


def serve(subgraph_url: str, dedupe: bool) -> Server:
    supergraph = Supergraph.from_sdl(slow_subgraph.supergraph(subgraph_url))
    gateway = Gateway(supergraph, dedupe_subgraph_requests=dedupe)
    return Server(create_app(supergraph, gateway=gateway, dedupe_requests=dedupe)).start()


async def send_concurrently(url: str, body: dict[str, object], count: int) -> list[dict[str, object]]:
    async with aiohttp.ClientSession() as http:

        async def one() -> dict[str, object]:
            async with http.post(url, json=body) as response:
                assert response.status == 200
                return await response.json()  # type: ignore[no-any-return]

        return await asyncio.gather(*(one() for _ in range(count)))


async def test_identical_concurrent_queries_share_one_execution(subgraph: str) -> None:
    server = serve(subgraph, dedupe=True)
    before = slow_subgraph.CALLS["slow"]
    answers = await send_concurrently(server.url + "/graphql", {"query": "{ slow(delay: 0.5) }"}, 10)
    server.stop()
    assert slow_subgraph.CALLS["slow"] == before + 1
    assert answers == [{"data": {"slow": before + 1}}] * 10


async def test_without_dedupe_every_query_runs(subgraph: str) -> None:
    server = serve(subgraph, dedupe=False)
    before = slow_subgraph.CALLS["slow"]
    await send_concurrently(server.url + "/graphql", {"query": "{ slow(delay: 0.5) }"}, 5)
    server.stop()
    assert slow_subgraph.CALLS["slow"] == before + 5


async def test_queries_with_different_variables_are_not_shared(subgraph: str) -> None:
    server = serve(subgraph, dedupe=True)
    before = slow_subgraph.CALLS["slow"]
    query = "query($d: Float!) { slow(delay: $d) }"
    async with aiohttp.ClientSession() as http:

        async def one(delay: float) -> None:
            async with http.post(server.url + "/graphql", json={"query": query, "variables": {"d": delay}}) as r:
                assert r.status == 200

        await asyncio.gather(one(0.3), one(0.31))
    server.stop()
    assert slow_subgraph.CALLS["slow"] == before + 2


async def test_identical_concurrent_mutations_all_run(subgraph: str) -> None:
    server = serve(subgraph, dedupe=True)
    before = slow_subgraph.CALLS["touch"]
    await send_concurrently(server.url + "/graphql", {"query": "mutation { touch(delay: 0.3) }"}, 4)
    server.stop()
    assert slow_subgraph.CALLS["touch"] == before + 4
