"""Request features: headers passed on to subgraphs, automatic persisted queries."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

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


@pytest.fixture(scope="module")
def gateway_url(subgraph: str) -> Iterator[str]:
    supergraph = Supergraph.from_sdl(slow_subgraph.supergraph(subgraph))
    gateway = Gateway(supergraph, propagate_headers=["Authorization"])
    server = Server(create_app(supergraph, gateway=gateway)).start()
    yield server.url + "/graphql"
    server.stop()


async def post(url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.post(url, json=body, headers=headers) as response:
        return response.status, await response.json()


async def test_a_propagated_header_reaches_the_subgraph(gateway_url: str) -> None:
    query = '{ header(name: "authorization") }'
    status, body = await post(gateway_url, {"query": query}, {"Authorization": "Bearer opd-token"})
    assert (status, body) == (200, {"data": {"header": "Bearer opd-token"}})


async def test_other_headers_do_not_reach_the_subgraph(gateway_url: str) -> None:
    query = '{ header(name: "x-secret") }'
    status, body = await post(gateway_url, {"query": query}, {"X-Secret": "s3cret"})
    assert (status, body) == (200, {"data": {"header": None}})


async def test_requests_with_different_credentials_are_not_shared(gateway_url: str) -> None:
    import asyncio

    query = '{ header(name: "authorization") slow(delay: 0.3) }'
    answers = await asyncio.gather(
        post(gateway_url, {"query": query}, {"Authorization": "Bearer a"}),
        post(gateway_url, {"query": query}, {"Authorization": "Bearer b"}),
    )
    assert [body["data"]["header"] for _, body in answers] == ["Bearer a", "Bearer b"]


GRAPHQL_RESPONSE = "application/graphql-response+json"


def persisted(sha: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


async def test_an_unknown_persisted_query_asks_for_its_text(gateway_url: str) -> None:
    sha = hashlib.sha256(b"{ fast_unknown }").hexdigest()
    status, body = await post(gateway_url, {"extensions": persisted(sha)}, {"Accept": GRAPHQL_RESPONSE})
    assert status == 400  # a request error: 4xx with application/graphql-response+json
    assert body == {
        "errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]
    }


async def test_a_persisted_query_runs_by_hash_once_registered(gateway_url: str) -> None:
    query = '{ header(name: "none") }'
    sha = hashlib.sha256(query.encode()).hexdigest()
    assert await post(gateway_url, {"query": query, "extensions": persisted(sha)}) == (200, {"data": {"header": None}})
    assert await post(gateway_url, {"extensions": persisted(sha)}) == (200, {"data": {"header": None}})


async def test_a_persisted_query_whose_hash_does_not_match_is_refused(gateway_url: str) -> None:
    body_sent = {"query": "{ slow(delay: 0) }", "extensions": persisted("0" * 64)}
    status, body = await post(gateway_url, body_sent, {"Accept": "application/json"})
    assert status == 200  # application/json: 200 for every well-formed request
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert "data" not in body


async def test_an_empty_selection_set_is_a_parse_error(gateway_url: str) -> None:
    status, body = await post(gateway_url, {"query": "{ }"}, {"Accept": GRAPHQL_RESPONSE})
    assert status == 400
    assert body["errors"][0]["message"].startswith("Syntax Error")


async def test_a_query_with_too_many_tokens_is_refused(gateway_url: str) -> None:
    query = "{ " + " ".join(["fast"] * 20_000) + " }"
    status, body = await post(gateway_url, {"query": query}, {"Accept": GRAPHQL_RESPONSE})
    assert status == 400
    assert "tokens" in body["errors"][0]["message"]


async def test_a_query_nested_too_deeply_is_refused_without_a_traceback(gateway_url: str) -> None:
    query = "{" * 3000 + "}" * 3000
    status, body = await post(gateway_url, {"query": query}, {"Accept": GRAPHQL_RESPONSE})
    assert status == 400
    assert "data" not in body and body["errors"][0]["message"]


def test_a_valid_query_deeper_than_the_limit_is_refused() -> None:
    from federation.gateway import MAX_DEPTH, GraphQLRequest, RequestError
    from tests.gateway.bench_subgraphs import BENCH_DATA

    gateway = Gateway(Supergraph.from_file(str(BENCH_DATA / "supergraph.upstream.graphql")))
    levels = MAX_DEPTH // 2 + 1  # two fields a level: reviews { author { ...
    query = "{ me { " + "reviews { author { " * levels + "id" + " } }" * levels + " } }"
    with pytest.raises(RequestError, match="nested deeper than"):
        gateway.prepare(GraphQLRequest(query))
