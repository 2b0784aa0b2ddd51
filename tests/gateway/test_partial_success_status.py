"""Data with errors over HTTP: 200, as the GraphQL-over-HTTP draft allows and every client
expects; with `responses: {partial_success_status: true}`, the draft's `294 Partial
Success` for clients asking for application/graphql-response+json (never for legacy
application/json clients, to whom any 2xx other than 200 may look like a failure)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from federation import config as splp_config
from federation.gateway import Gateway
from federation.http.app import create_app
from federation.supergraph import Supergraph
from tests.gateway.servers import Server
from tests.hardening import faulty

GRAPHQL_RESPONSE = "application/graphql-response+json"
Post = Callable[[dict[str, Any], str], Awaitable[tuple[int, Any]]]


@pytest.fixture
async def gateway_with() -> AsyncIterator[Callable[[str], Awaitable[Post]]]:
    """A gateway over two subgraphs, the second answering HTML 500s: `{ items { id value } }`
    is partial (ids, then null values with errors), `{ items { id } }` complete."""
    started: list[tuple[Server, list[faulty.FaultySubgraph]]] = []

    async def start(settings_yaml: str) -> Post:
        items, entities = await faulty.FaultySubgraph().start(), await faulty.FaultySubgraph().start()
        items.mode, entities.mode = "items", "html500"
        supergraph = Supergraph.from_sdl(faulty.entity_supergraph(items.url, entities.url))
        options = splp_config.http_options(splp_config.parse(settings_yaml))
        server = Server(create_app(supergraph, gateway=Gateway(supergraph), http_options=options)).start()
        started.append((server, [items, entities]))

        async def post(body: dict[str, Any], accept: str) -> tuple[int, Any]:
            async with (
                aiohttp.ClientSession() as http,
                http.post(server.url + "/graphql", json=body, headers={"Accept": accept}) as response,
            ):
                return response.status, await response.json(content_type=None)

        return post

    yield start
    for server, subgraphs in started:
        await asyncio.to_thread(server.stop)
        for subgraph in subgraphs:
            await subgraph.stop()


PARTIAL = {"query": "{ items { id value } }"}
COMPLETE = {"query": "{ items { id } }"}


async def test_data_with_errors_is_200_by_default(gateway_with: Callable[[str], Awaitable[Post]]) -> None:
    post = await gateway_with("")
    status, body = await post(PARTIAL, GRAPHQL_RESPONSE)
    assert status == 200 and body["data"]["items"][0] == {"id": "1", "value": None} and body["errors"]


async def test_data_with_errors_is_294_when_configured(gateway_with: Callable[[str], Awaitable[Post]]) -> None:
    post = await gateway_with("responses: {partial_success_status: true}")
    status, body = await post(PARTIAL, GRAPHQL_RESPONSE)
    assert status == 294 and body["data"]["items"][0] == {"id": "1", "value": None} and body["errors"]


async def test_data_without_errors_stays_200_when_configured(gateway_with: Callable[[str], Awaitable[Post]]) -> None:
    post = await gateway_with("responses: {partial_success_status: true}")
    status, body = await post(COMPLETE, GRAPHQL_RESPONSE)
    assert status == 200 and "errors" not in body


async def test_legacy_json_clients_get_200_when_configured(gateway_with: Callable[[str], Awaitable[Post]]) -> None:
    post = await gateway_with("responses: {partial_success_status: true}")
    status, body = await post(PARTIAL, "application/json")
    assert status == 200 and body["errors"]
