"""The exec-generated shapers and the interpreted shaping give the same answer and the same
errors, on the benchmark query's answer and on any corruption of it a subgraph could send
(nulls, wrong types, missing fields, lists for objects): Hypothesis, bounded examples."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.shaper_ab import SCENARIO, InterpretedShaper
from federation.executor.shape import Shaper
from federation.gateway import Gateway, GraphQLRequest
from federation.planner.operation import Operation
from federation.supergraph import Supergraph

DATA = orjson.loads((SCENARIO / "expected-response.json").read_bytes())["data"]


@pytest.fixture(scope="module")
def setup() -> tuple[Any, Operation]:
    gateway = Gateway(Supergraph.from_file(str(SCENARIO / "supergraph.upstream.graphql")))
    prepared = gateway.prepare(GraphQLRequest((SCENARIO / "query.graphql").read_text()))
    operation, _ = gateway.plan_for(prepared, {}, gateway.current)
    return gateway.supergraph.api_schema, operation


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += paths(item, (*prefix, i))
    return found


ALL_PATHS = paths(DATA)
REPLACEMENTS = st.sampled_from([None, "text", 7, 1.5, True, [], {}, [None], {"x": 1}, "__delete__"])


def corrupt(data: Any, changes: list[tuple[int, Any]]) -> Any:
    data = orjson.loads(orjson.dumps(data))
    for index, replacement in changes:
        *parents, last = ALL_PATHS[index % len(ALL_PATHS)]
        target = data
        try:
            for step in parents:
                target = target[step]
            if replacement == "__delete__":
                if isinstance(target, dict):
                    target.pop(last, None)
            else:
                target[last] = replacement
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed that path
    return data


def shaped(cls: type[Shaper], schema: Any, operation: Operation, data: Any) -> tuple[Any, list[dict[str, Any]]]:
    errors: list[dict[str, Any]] = []
    return cls(schema, operation, errors).shape(data), errors


def test_both_shape_the_benchmark_answer_alike(setup: tuple[Any, Operation]) -> None:
    schema, operation = setup
    assert shaped(Shaper, schema, operation, DATA) == shaped(InterpretedShaper, schema, operation, DATA)


@settings(max_examples=150, deadline=None, database=None)
@given(changes=st.lists(st.tuples(st.integers(0, 10**6), REPLACEMENTS), min_size=1, max_size=6))
def test_both_shape_any_corrupted_answer_alike(setup: tuple[Any, Operation], changes: list[tuple[int, Any]]) -> None:
    schema, operation = setup
    data = corrupt(DATA, changes)
    assert shaped(Shaper, schema, operation, data) == shaped(InterpretedShaper, schema, operation, data)
