"""A real gateway over a subgraph that fails: the client gets a clear error at the field's
path, quickly and with bounded memory, and the gateway tells the subgraph when the client
is gone (closing the connection)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from federation.executor.traffic import TrafficPolicy
from federation.gateway import Gateway
from federation.http.app import create_app
from federation.supergraph import Supergraph
from tests.gateway.servers import Server

from . import faulty
from .conftest import post


@pytest.fixture
async def setup() -> AsyncIterator[tuple[faulty.FaultySubgraph, str]]:
    subgraph = await faulty.FaultySubgraph().start()
    supergraph = Supergraph.from_sdl(faulty.supergraph(subgraph.url))
    policy = TrafficPolicy(timeout=5.0, max_response_bytes=2_000_000, failure_threshold=0)
    server = Server(create_app(supergraph, gateway=Gateway(supergraph, traffic=policy))).start()
    yield subgraph, server.url + "/graphql"
    await asyncio.to_thread(server.stop)
    await subgraph.stop()


async def test_an_endless_answer_is_refused_at_the_cap(setup: tuple[faulty.FaultySubgraph, str]) -> None:
    subgraph, url = setup
    subgraph.mode = "endless"
    status, body, _ = await post(url, {"query": "{ value }"})
    assert status == 200 and body["data"] == {"value": None}
    error = body["errors"][0]
    assert error["path"] == ["value"] and error["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"
    assert "larger than 2000000 bytes" in error["extensions"]["reason"]


async def test_an_html_500_is_a_clear_error(setup: tuple[faulty.FaultySubgraph, str]) -> None:
    subgraph, url = setup
    subgraph.mode = "html500"
    status, body, _ = await post(url, {"query": "{ value }"})
    assert status == 200 and body["data"] == {"value": None}
    assert body["errors"][0]["extensions"]["reason"].startswith("500: <html>")


async def test_a_client_going_away_closes_the_subgraph_connection(setup: tuple[faulty.FaultySubgraph, str]) -> None:
    subgraph, url = setup
    subgraph.mode = "hang"
    async with aiohttp.ClientSession() as http:
        request = asyncio.ensure_future(http.post(url, json={"query": "{ value }"}))
        while subgraph.requests == 0:
            await asyncio.sleep(0.02)
        request.cancel()  # the client hangs up
    await asyncio.wait_for(subgraph.closed_by_client.wait(), 3)
