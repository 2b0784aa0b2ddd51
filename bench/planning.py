"""`python -m bench.planning`: cold planning time and plan-cache memory for operations of
10, 100 and 1,000 fields over generated supergraphs of 5, 20 and 50 subgraphs; first, cold
planning time of the benchmark query and of the five largest audit queries in the planner's
golden cases (tests/gateway/planner_cases).

The supergraphs form a ring: entity `T{i}` (key `id`) is owned by subgraph `s{i}` (its
`a` fields and `next: T{i+1}`), extended by `s{i+1}` (its `b` fields) and referenced by
`s{i-1}`. An operation starts from root fields `t{i}` and walks `next` chains selecting
`a` and `b` fields, so every level needs an entity fetch into a further subgraph and the
plan grows with both the operation and the supergraph.

Measured through the gateway's own path (`Gateway.prepare`, then `Gateway.plan_for`, as
`splp plan` does), with its caches emptied before each cold run, in CPU time of this
process (so that other programs on a busy machine inflate the figures less). Plan-cache memory is
what one cache entry keeps alive (document, normalized operation, plan), by tracemalloc.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import math
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.install import RESULTS_DIR

SCALARS_PER_GROUP = 10  # `a` fields per entity in its owner, `b` fields in its extender

HEADER = """schema
    @link(url: "https://specs.apollo.dev/link/v1.0")
    @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) {
    query: Query
}

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String,
    external: Boolean, override: String, usedOverridden: Boolean)
    repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
    resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)
    repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
"""


def supergraph_sdl(subgraphs: int) -> str:
    """A supergraph of `subgraphs` subgraphs in a ring (see the module's doc)."""
    if subgraphs < 3:
        raise ValueError("the ring needs at least 3 subgraphs")
    n = subgraphs
    graphs = "\n".join(f'    S{i} @join__graph(name: "s{i}", url: "http://127.0.0.1:1/s{i}")' for i in range(n))
    parts = [HEADER, f"enum join__Graph {{\n{graphs}\n}}\n"]
    query_types = " ".join(f"@join__type(graph: S{i})" for i in range(n))
    roots = "\n".join(f"    t{i}(id: ID!): T{i} @join__field(graph: S{i})" for i in range(n))
    parts.append(f"type Query {query_types} {{\n{roots}\n}}\n")
    for i in range(n):
        owner, extender, referrer = i, (i + 1) % n, (i - 1) % n
        fields = ["    id: ID!"]
        fields += [f"    a{j}: String @join__field(graph: S{owner})" for j in range(SCALARS_PER_GROUP)]
        fields += [f"    b{j}: Int @join__field(graph: S{extender})" for j in range(SCALARS_PER_GROUP)]
        fields.append(f"    next: T{(i + 1) % n} @join__field(graph: S{owner})")
        # id has no @join__field: every subgraph that has the type resolves it.
        parts.append(
            f'type T{i} @join__type(graph: S{owner}, key: "id") @join__type(graph: S{extender}, key: "id") '
            f'@join__type(graph: S{referrer}, key: "id", resolvable: false) {{\n' + "\n".join(fields) + "\n}\n"
        )
    return "\n".join(parts)


def operation(fields: int, subgraphs: int) -> tuple[str, int]:
    """An operation of about `fields` field selections: chains of `next` from several
    roots, each level selecting a few `a` and `b` fields. Answers (text, exact count)."""
    roots = max(1, min(subgraphs, fields // 20))
    per_root = fields // roots
    lines, count = ["query Generated {"], 0
    for r in range(roots):
        budget = per_root if r < roots - 1 else fields - per_root * (roots - 1)
        lines.append(f' r{r}: t{r}(id: "1") {{')
        count += 1
        budget -= 1
        depth = 1
        while True:
            indent = " "  # not nested: deep chains would otherwise be mostly indentation
            chosen = [f"a{j % SCALARS_PER_GROUP}" if j % 2 == 0 else f"b{j % SCALARS_PER_GROUP}" for j in range(6)]
            chosen = ["id", *dict.fromkeys(chosen)]
            if budget <= len(chosen) + 1:
                chosen = chosen[: max(budget, 1)]
                lines += [indent + name for name in chosen]
                count += len(chosen)
                break
            lines += [indent + name for name in chosen]
            count += len(chosen) + 1
            budget -= len(chosen) + 1
            lines.append(indent + "next {")
            depth += 1
        lines += [" }"] * depth
    lines.append("}")
    return "\n".join(lines), count


@dataclass
class Measurement:
    subgraphs: int
    fields: int
    fetches: int
    first_ms: float  # the very first planning over this supergraph (its own caches cold too)
    prepare_ms: float  # parse + validate, median
    plan_ms: float  # normalize + build the plan, median
    cache_kib: float
    error: str = ""

    @property
    def cold_ms(self) -> float:
        return self.prepare_ms + self.plan_ms


def measure(subgraphs: int, fields: int, repeats: int) -> Measurement:
    # Imported here so that `python -m bench.run` does not need the gateway's modules.
    from federation.gateway import Gateway, GraphQLRequest, RequestError
    from federation.supergraph import Supergraph

    supergraph = Supergraph.from_sdl(supergraph_sdl(subgraphs))
    text, count = operation(fields, subgraphs)
    gateway = Gateway(supergraph)
    request = GraphQLRequest(text, "Generated")

    def cold() -> tuple[float, float, int]:
        gateway.current.prepared.clear()
        started = time.process_time()
        prepared = gateway.prepare(request)
        prepared_at = time.process_time()
        coerced = gateway.coerce_variables(prepared, request, gateway.current)
        _, plan = gateway.plan_for(prepared, coerced, gateway.current)
        return prepared_at - started, time.process_time() - prepared_at, plan.fetch_count

    try:
        first_started = time.process_time()
        first_prepare, first_plan, fetches = cold()
        prepares, plans = [], []
        for _ in range(repeats):
            prepare_s, plan_s, _ = cold()
            prepares.append(prepare_s)
            plans.append(plan_s)
    except RequestError as error:
        spent = (time.process_time() - first_started) * 1000
        return Measurement(subgraphs, count, 0, spent, 0.0, 0.0, 0.0, error=str(error.errors[0]["message"]))

    gateway.current.prepared.clear()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    cold()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return Measurement(
        subgraphs=subgraphs,
        fields=count,
        fetches=fetches,
        first_ms=(first_prepare + first_plan) * 1000,
        prepare_ms=statistics.median(prepares) * 1000,
        plan_ms=statistics.median(plans) * 1000,
        cache_kib=(after - before) / 1024,
    )


REPO = Path(__file__).resolve().parent.parent
AUDIT_CASES = REPO / "tests" / "gateway" / "planner_cases"  # the audit's supergraphs and queries (MIT)


def named_operations() -> list[tuple[str, str, str]]:
    """(name, supergraph SDL, query): the benchmark query, then the five largest audit queries
    of the planner's golden cases that plan."""
    found = [
        (
            "benchmark query",
            (REPO / "bench" / "scenario" / "supergraph.upstream.graphql").read_text(),
            (REPO / "bench" / "scenario" / "query.graphql").read_text(),
        )
    ]
    # (cases from the conformance suite, `origin: conformance`, are not the audit's)
    cases = [
        c for c in json.loads((AUDIT_CASES / "cases.json").read_text()) if "plan" in c and "origin" not in c
    ]
    cases.sort(key=lambda c: len(c["query"]), reverse=True)
    for case in cases[:5]:
        found.append((f"audit {case['name']}", (AUDIT_CASES / case["supergraph"]).read_text(), case["query"]))
    return found


def measure_named(sdl: str, query: str, repeats: int) -> tuple[float, float, int]:
    """Cold planning of one operation (parse + validate + normalize + plan, plan cache emptied):
    median CPU ms, the first run's ms, and the plan's fetch count."""
    from federation.gateway import Gateway, GraphQLRequest
    from federation.supergraph import Supergraph

    gateway = Gateway(Supergraph.from_sdl(sdl))
    request = GraphQLRequest(query, None)
    runs = []
    fetches = 0
    for _ in range(repeats + 1):
        gateway.current.prepared.clear()
        started = time.process_time()
        prepared = gateway.prepare(request)
        coerced = gateway.coerce_variables(prepared, request, gateway.current)
        _, plan = gateway.plan_for(prepared, coerced, gateway.current)
        runs.append((time.process_time() - started) * 1000)
        fetches = plan.fetch_count
    return statistics.median(runs[1:]), runs[0], fetches


def _exponent(small: float, large: float, factor: float) -> str:
    """Growth as an exponent: time ~ size**k between two sizes `factor` apart."""
    if small <= 0 or large <= 0:
        return "-"
    return f"{math.log(large / small) / math.log(factor):.2f}"


def report(results: list[Measurement], sizes: list[int], field_counts: list[int]) -> str:
    lines = [
        "Cold planning, CPU ms (parse + validate, then normalize + plan; plan cache emptied before each run; medians)",
        "",
        f"{'subgraphs':>9} {'fields':>6} {'fetches':>7} {'first ms':>9} {'parse+val':>9} {'plan ms':>8} "
        f"{'cold ms':>8} {'cache KiB':>9}",
    ]
    for m in results:
        if m.error:
            lines.append(f"{m.subgraphs:9d} {m.fields:6d}  FAILED: {m.error}")
            continue
        lines.append(
            f"{m.subgraphs:9d} {m.fields:6d} {m.fetches:7d} {m.first_ms:9.2f} {m.prepare_ms:9.2f} {m.plan_ms:8.2f} "
            f"{m.cold_ms:8.2f} {m.cache_kib:9.1f}"
        )
    found = {(m.subgraphs, m.fields): m for m in results if not m.error}
    lines += ["", "Growth exponents k (cost ~ size^k; 1 is linear):"]
    for n in sizes:
        steps = []
        for small, large in itertools.pairwise(field_counts):
            a, b = found.get((n, small)), found.get((n, large))
            if a and b:
                steps.append(
                    f"fields {small}->{large}: time k={_exponent(a.cold_ms, b.cold_ms, b.fields / a.fields)}, "
                    f"memory k={_exponent(a.cache_kib, b.cache_kib, b.fields / a.fields)}"
                )
        lines.append(f"  {n:>2} subgraphs: " + "; ".join(steps))
    for fields in field_counts:
        a, b = found.get((sizes[0], fields)), found.get((sizes[-1], fields))
        if a and b:
            lines.append(
                f"  {fields:>4} fields, subgraphs {sizes[0]}->{sizes[-1]}: time x{b.cold_ms / a.cold_ms:.2f}, "
                f"memory x{b.cache_kib / a.cache_kib:.2f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.planning", description=__doc__.split("\n\n")[0])
    parser.add_argument("--subgraphs", default="5,20,50", help="comma-separated supergraph sizes")
    parser.add_argument("--fields", default="10,100,1000", help="comma-separated operation sizes")
    parser.add_argument("--repeats", type=int, default=7, help="cold runs per cell (median reported)")
    parser.add_argument(
        "--probe", type=int, default=20_000, help="fields of one oversized operation over the largest supergraph"
    )
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.subgraphs.split(",")]
    field_counts = [int(n) for n in args.fields.split(",")]

    # One throwaway cell, so that the first measured one does not pay for imports and the
    # interpreter's warm-up.
    measure(sizes[0], field_counts[-1], 1)
    print("Cold planning of named operations, CPU ms (parse + validate + normalize + plan; median)\n")
    print(f"{'operation':<48} {'fetches':>7} {'first ms':>9} {'cold ms':>8}")
    for name, sdl, query in named_operations():
        cold_ms, first_ms, fetches = measure_named(sdl, query, args.repeats)
        print(f"{name:<48} {fetches:7d} {first_ms:9.2f} {cold_ms:8.2f}")
    print()
    results = []
    for n in sizes:
        for fields in field_counts:
            results.append(measure(n, fields, args.repeats))
            m = results[-1]
            print(f"  {n} subgraphs, {m.fields} fields: {m.error or f'{m.cold_ms:.2f} ms, {m.cache_kib:.0f} KiB'}")
    print()
    print(report(results, sizes, field_counts))
    # Planning must not run away: an oversized operation is planned or refused, quickly.
    probe = measure(sizes[-1], args.probe, 1)
    verdict = (
        f"refused after {probe.first_ms:.0f} ms: {probe.error}"
        if probe.error
        else (
            f"planned in {probe.cold_ms:.0f} ms (parse + validate {probe.prepare_ms:.0f} ms, "
            f"plan {probe.plan_ms:.0f} ms, {probe.fetches} fetches)"
        )
    )
    print(f"\nOversized operation ({probe.fields} fields, {sizes[-1]} subgraphs): {verdict}")
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"planning-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    payload: dict[str, Any] = {
        "results": [vars(m) | {"cold_ms": m.cold_ms} for m in results],
        "probe": vars(probe),
    }
    out.write_text(json.dumps(payload, indent=2))
    print(f"\nresults: {out}")
    return 0 if not any(m.error for m in results) else 1  # the probe may be refused: that is its point


if __name__ == "__main__":
    sys.exit(main())
