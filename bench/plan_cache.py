"""`python -m bench.plan_cache`: what a request costs the gateway before and after its plan is cached.

On the public benchmark query (bench/scenario/) and a small query, in-process, no network:
- cold: parse, validate, normalize and plan (a plan-cache miss);
- hit: look up the prepared document, coerce variables, look up the plan (every later request);
- shape: cutting the fetched data to the client's selection with null propagation;
- serialize: the response to JSON bytes.
CPU time per operation (process_time), median of several runs, so other load on the machine
inflates the figures less than wall-clock time would.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from federation.executor.run import merge
from federation.executor.shape import Shaper
from federation.gateway import Gateway, GraphQLRequest
from federation.supergraph import Supergraph

BENCH_DATA = Path(__file__).resolve().parent / "scenario"


def per_call_us(function: Callable[[], object], repeat: int, runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        start = time.process_time()
        for _ in range(repeat):
            function()
        samples.append((time.process_time() - start) / repeat * 1e6)
    return statistics.median(samples)


def main() -> None:
    supergraph = Supergraph.from_file(str(BENCH_DATA / "supergraph.upstream.graphql"))
    queries = {
        "benchmark query": (BENCH_DATA / "query.graphql").read_text(),
        "small query": "query($id: ID!) { user(id: $id) { name reviews { body } } }",
    }
    variables = {"small query": {"id": "1"}}
    print(f"{'operation':<18} {'cold plan':>11} {'cache hit':>11} {'shape':>9} {'serialize':>10}")
    for name, query in queries.items():
        request = GraphQLRequest(query, variables=variables.get(name))

        def cold(request: GraphQLRequest = request) -> None:
            gateway = Gateway(supergraph)
            prepared = gateway.prepare(request)
            coerced = gateway.coerce_variables(prepared, request, gateway.current)
            gateway.plan_for(prepared, coerced, gateway.current)

        gateway = Gateway(supergraph)

        def hit(request: GraphQLRequest = request, gateway: Gateway = gateway) -> None:
            prepared = gateway.prepare(request)
            coerced = gateway.coerce_variables(prepared, request, gateway.current)
            gateway.plan_for(prepared, coerced, gateway.current)

        hit()
        prepared = gateway.prepare(request)
        operation, _ = gateway.plan_for(
            prepared, gateway.coerce_variables(prepared, request, gateway.current), gateway.current
        )
        expected = orjson.loads((BENCH_DATA / "expected-response.json").read_bytes())["data"]
        data: dict[str, object] = {}
        merge(data, expected)  # the fetched data, as the executor leaves it, for the benchmark query

        def shape(operation: object = operation, data: dict[str, object] = data) -> None:
            Shaper(supergraph.api_schema, operation, []).shape(data)  # type: ignore[arg-type]

        def serialize(data: dict[str, object] = data) -> None:
            orjson.dumps({"data": data})

        shaped = name == "benchmark query"
        print(
            f"{name:<18} {per_call_us(cold, 20):>9.0f}us {per_call_us(hit, 20000):>9.2f}us "
            + (f"{per_call_us(shape, 200):>7.0f}us {per_call_us(serialize, 500):>8.0f}us" if shaped else "")
        )


if __name__ == "__main__":
    main()
