"""Demand control: the static cost of an operation from the supergraph's @cost/@listSize,
refused above the client's budget with the estimate and the budget; answers measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from federation.demand import CostTooHigh, DemandControl, DemandLimits, actual_cost
from federation.gateway import Gateway, GraphQLRequest
from federation.supergraph import Supergraph

DEMO = Path(__file__).resolve().parents[2] / "subgraphs" / "demo" / "supergraph.graphql"


@pytest.fixture(scope="module")
def gateway() -> Gateway:
    return Gateway(Supergraph.from_file(str(DEMO)))


def estimate(gateway: Gateway, query: str, variables: dict[str, object] | None = None) -> int:
    prepared = gateway.prepare(GraphQLRequest(query, variables=variables))
    return DemandControl().estimator(gateway.supergraph).estimate(prepared.document, prepared.operation, variables)


def cyclic(levels: int) -> str:
    return "{ daftarKecamatan { nama " + "kelurahan { nama kecamatan { nama " * levels + "} }" * levels + " } }"


def test_a_list_costs_its_assumed_size_times_its_items(gateway: Gateway) -> None:
    # daftarKecamatan: no @listSize, the default 10; kelurahan: @listSize(assumedSize: 15)
    assert estimate(gateway, "{ daftarKecamatan { nama kelurahan { nama } } }") == 10 * (1 + 15 * 1)


def test_a_slicing_argument_sizes_the_connection_s_nodes(gateway: Gateway) -> None:
    query = "query($n: Int!) { daftarPenduduk(first: $n) { nodes { nik } } }"
    assert estimate(gateway, query, {"n": 50}) == 1 + 50
    assert estimate(gateway, query, {"n": 5}) == 1 + 5


def test_the_cyclic_query_costs_what_it_is(gateway: Gateway) -> None:
    assert estimate(gateway, cyclic(4)) == 10 * (1 + 15 * (1 + 1 * (1 + 15 * (1 + 1 * (1 + 15 * (2 + 15 * 2))))))


async def test_an_operation_over_the_budget_is_refused_with_estimate_and_budget(gateway: Gateway) -> None:
    guard = DemandControl(DemandLimits(max_cost=50_000))
    request = GraphQLRequest(cyclic(6))
    gateway.prepare(request)
    with pytest.raises(CostTooHigh) as refused:
        await guard.prepared(request)
    error = refused.value.errors[0]
    assert error["extensions"]["code"] == "COST_ESTIMATED_TOO_EXPENSIVE"
    assert error["extensions"]["cost"]["max"] == 50_000 and error["extensions"]["cost"]["estimated"] > 50_000


async def test_a_client_has_its_own_budget(gateway: Gateway) -> None:
    guard = DemandControl(DemandLimits(max_cost=50_000, client_budgets=(("kiosk", 100),)))
    query = "{ daftarKecamatan { nama kelurahan { nama } } }"  # 160
    await guard.prepared(_prepared(gateway, query))
    with pytest.raises(CostTooHigh):
        await guard.prepared(_prepared(gateway, query, {"apollographql-client-name": "kiosk"}))


def _prepared(gateway: Gateway, query: str, headers: dict[str, str] | None = None) -> GraphQLRequest:
    request = GraphQLRequest(query, headers=headers or {})
    gateway.prepare(request)
    return request


def test_the_benchmark_query_is_within_the_default_budget() -> None:
    from tests.gateway.bench_subgraphs import BENCH_DATA

    bench = Gateway(Supergraph.from_file(str(BENCH_DATA / "supergraph.upstream.graphql")))
    cost = estimate(bench, (BENCH_DATA / "query.graphql").read_text())
    assert 0 < cost < DemandLimits().max_cost


def test_the_actual_cost_counts_the_objects_answered() -> None:
    import orjson

    response = {"data": {"a": [{"b": 1}, {"b": 2}], "c": {"d": None}, "e": 3}}
    assert actual_cost(orjson.dumps(response)) == 3
