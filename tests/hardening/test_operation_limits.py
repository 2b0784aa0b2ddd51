"""Bounded work per request, decided from the document before any work is done."""

from __future__ import annotations

import asyncio
import traceback

import pytest

from federation.gateway import Gateway, GraphQLRequest, LimitExceeded, RequestError
from federation.limits import OperationLimits
from federation.supergraph import Supergraph
from tests.gateway.bench_subgraphs import BENCH_DATA

from .conftest import post


@pytest.fixture(scope="module")
def gateway() -> Gateway:
    return Gateway(Supergraph.from_file(str(BENCH_DATA / "supergraph.upstream.graphql")))


def fragment_bomb(levels: int = 20) -> str:
    """An ~800-byte query whose fragments expand to 2^levels fields."""
    fragments = ["fragment F0 on Query { __typename }"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return f"{{ ...F{levels} }} " + " ".join(fragments)


def refusal(gateway: Gateway, query: str) -> dict[str, object]:
    with pytest.raises(LimitExceeded) as raised:
        gateway.prepare(GraphQLRequest(query))
    return raised.value.errors[0]


def test_a_fragment_bomb_is_refused_with_its_expanded_size(gateway: Gateway) -> None:
    error = refusal(gateway, fragment_bomb())
    assert error["extensions"] == {"code": "MAX_EXPANDED_SIZE_LIMIT", "limit": 5000, "measured": 2**20}


async def test_a_fragment_bomb_leaves_other_clients_answered(gateway_url: str) -> None:
    bombs = [post(gateway_url, {"query": fragment_bomb(30 + i)}) for i in range(5)]
    plain = post(gateway_url, {"query": "{ slow(delay: 0) }"})
    *refused, answered = await asyncio.gather(*bombs, plain)
    assert [status for status, _, _ in refused] == [400] * 5
    assert answered[0] == 200 and "slow" in answered[1]["data"]


def test_a_thousand_duplicate_typenames_are_a_valid_query(gateway: Gateway) -> None:
    prepared = gateway.prepare(GraphQLRequest("{ " + "__typename " * 1000 + "}"))
    assert prepared.kind.value == "query"


async def test_a_thousand_duplicate_typenames_are_answered(gateway_url: str) -> None:
    status, body, _ = await post(gateway_url, {"query": "{ " + "__typename " * 1000 + "}"})
    assert (status, body) == (200, {"data": {"__typename": "Query"}})


def test_depth_is_limited(gateway: Gateway) -> None:
    levels = 20  # two fields a level
    query = "{ me { " + "reviews { author { " * levels + "id" + " } }" * levels + " } }"
    assert refusal(gateway, query)["extensions"] == {"code": "MAX_DEPTH_LIMIT", "limit": 32, "measured": 42}


def test_aliases_are_limited(gateway: Gateway) -> None:
    query = "{ " + " ".join(f"a{i}: topProducts {{ upc }}" for i in range(65)) + " }"
    error = refusal(Gateway(gateway.supergraph, operation_limits=OperationLimits(max_aliases=50)), query)
    assert error["extensions"] == {"code": "MAX_ALIASES_LIMIT", "limit": 50, "measured": 65}


def test_root_fields_are_limited_through_fragments(gateway: Gateway) -> None:
    query = "{ ...R ...R2 } fragment R on Query { " + " ".join(f"a{i}: me {{ id }}" for i in range(40)) + " } "
    query += "fragment R2 on Query { " + " ".join(f"b{i}: me {{ id }}" for i in range(40)) + " }"
    assert refusal(gateway, query)["extensions"] == {"code": "MAX_ROOT_FIELDS_LIMIT", "limit": 64, "measured": 80}


def test_directives_are_limited(gateway: Gateway) -> None:
    query = "{ me { id " + "@include(if: true) " * 201 + "} }"
    assert refusal(gateway, query)["extensions"] == {"code": "MAX_DIRECTIVES_LIMIT", "limit": 200, "measured": 201}


def test_a_limit_of_zero_is_off(gateway: Gateway) -> None:
    query = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(70)) + " }"
    unlimited = Gateway(gateway.supergraph, operation_limits=OperationLimits(max_root_fields=0))
    assert unlimited.prepare(GraphQLRequest(query)).kind.value == "query"


def test_a_repeated_invalid_query_is_refused_afresh_each_time(gateway: Gateway) -> None:
    """No cached exception is re-raised: each refusal has the same short traceback."""
    depths = []
    for _ in range(5):
        try:
            gateway.prepare(GraphQLRequest("{ nope }"))
        except RequestError as e:
            depths.append(len(traceback.extract_tb(e.__traceback__)))
    assert len(set(depths)) == 1, depths


def test_only_valid_documents_are_cached(gateway: Gateway) -> None:
    fresh = Gateway(gateway.supergraph)
    for i in range(50):
        with pytest.raises(RequestError):
            fresh.prepare(GraphQLRequest(f"{{ nope{i} }}"))
    fresh.prepare(GraphQLRequest("{ me { id } }"))
    assert len(fresh.current.prepared) == 1


def test_the_document_cache_is_bounded_in_bytes(gateway: Gateway) -> None:
    fresh = Gateway(gateway.supergraph, cache_bytes=2_000_000)
    padding = "# " + "x" * 20_000 + "\n"
    for i in range(100):  # ~2 MB of text, ~20 MB parsed if all were kept
        fresh.prepare(GraphQLRequest(f"{padding}{{ a{i}: me {{ id }} }}"))
    cache = fresh.current.prepared
    assert cache.weight <= 2_000_000 and 0 < len(cache) < 100


def test_the_plans_of_one_document_are_bounded(gateway: Gateway) -> None:
    names = [f"v{i}" for i in range(16)]
    query = "query(" + ", ".join(f"${n}: Boolean!" for n in names) + ") { me { "
    query += " ".join(f"{n}: id @include(if: ${n})" for n in names) + " } }"
    request = GraphQLRequest(query)
    prepared = gateway.prepare(request)
    for value in range(300):
        coerced = {n: bool(value >> i & 1) for i, n in enumerate(names)}
        gateway.plan_for(prepared, coerced, gateway.current)
    assert len(prepared.plans) == 16


def test_a_persisted_query_is_kept_only_once_valid(gateway: Gateway) -> None:
    import hashlib

    fresh = Gateway(gateway.supergraph)
    invalid = "{ nope }"
    sha = hashlib.sha256(invalid.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha}}
    with pytest.raises(RequestError):
        fresh.prepare(GraphQLRequest(invalid, extensions=extensions))
    assert len(fresh.persisted) == 0
