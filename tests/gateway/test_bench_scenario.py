"""The public benchmark scenario answered exactly, through real sockets."""

from __future__ import annotations

import json

from tests.gateway.bench_subgraphs import BENCH_DATA
from tests.gateway.conftest import post


def test_benchmark_query_returns_the_expected_response(bench_gateway: str) -> None:
    query = (BENCH_DATA / "query.graphql").read_text()
    expected = json.loads((BENCH_DATA / "expected-response.json").read_text())
    status, body, _ = post(bench_gateway, {"query": query})
    assert status == 200
    assert body == expected
