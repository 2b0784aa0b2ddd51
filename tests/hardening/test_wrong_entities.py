"""A subgraph whose `_entities` answer does not match the representations it was sent:
the gateway never pairs an answer with the wrong item (one missing entity would otherwise
shift every later value onto the wrong citizen), reports an error at each path it could
not fill, and keeps answering other clients meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from federation.gateway import Gateway
from federation.http.app import create_app
from federation.supergraph import Supergraph
from tests.gateway.servers import Server

from . import faulty
from .conftest import post

ITEMS_WITH_VALUES = {"query": "{ items { id value } }"}


@pytest.fixture
async def graph() -> AsyncIterator[tuple[faulty.FaultySubgraph, str]]:
    items = await faulty.FaultySubgraph().start()
    items.mode = "items"
    entities = await faulty.FaultySubgraph().start()
    supergraph = Supergraph.from_sdl(faulty.entity_supergraph(items.url, entities.url))
    server = Server(create_app(supergraph, gateway=Gateway(supergraph))).start()
    yield entities, server.url + "/graphql"
    await asyncio.to_thread(server.stop)
    await items.stop()
    await entities.stop()


def values(body: Any) -> list[Any]:
    return [item["value"] for item in body["data"]["items"]]


def error_paths(body: Any) -> list[list[Any]]:
    return sorted(error["path"] for error in body.get("errors", []))


async def test_matching_entities_fill_each_item(graph: tuple[faulty.FaultySubgraph, str]) -> None:
    entities, url = graph
    entities.mode = "entities"
    _, body, _ = await post(url, ITEMS_WITH_VALUES)
    assert values(body) == [10, 20, 30] and "errors" not in body


@pytest.mark.parametrize("mode", ["entities-too-few", "entities-too-many"])
async def test_a_count_mismatch_fills_no_item_and_errs_at_each_path(
    graph: tuple[faulty.FaultySubgraph, str], mode: str
) -> None:
    entities, url = graph
    entities.mode = mode
    status, body, _ = await post(url, ITEMS_WITH_VALUES)
    assert status == 200
    assert [item["id"] for item in body["data"]["items"]] == ["1", "2", "3"]
    assert values(body) == [None, None, None]  # never item 2's value on item 1
    assert error_paths(body) == [["items", 0, "value"], ["items", 1, "value"], ["items", 2, "value"]]
    assert all("_entities" in error["message"] for error in body["errors"])


async def test_an_entity_of_another_type_is_an_error_at_its_path_only(graph: tuple[faulty.FaultySubgraph, str]) -> None:
    entities, url = graph
    entities.mode = "entities-wrong-type"
    _, body, _ = await post(url, ITEMS_WITH_VALUES)
    assert values(body) == [10, None, 30]
    assert error_paths(body) == [["items", 1, "value"]]


async def test_plain_queries_are_answered_while_entity_answers_are_wrong(
    graph: tuple[faulty.FaultySubgraph, str],
) -> None:
    entities, url = graph
    entities.mode = "entities-too-few"
    failing = [post(url, ITEMS_WITH_VALUES) for _ in range(20)]
    plain = [post(url, {"query": "{ items { id } }"}) for _ in range(20)]
    answers = await asyncio.gather(*failing, *plain)
    for status, body, _ in answers[:20]:
        assert status == 200 and values(body) == [None, None, None]
    for status, body, _ in answers[20:]:
        assert status == 200 and body == {"data": {"items": [{"id": "1"}, {"id": "2"}, {"id": "3"}]}}
