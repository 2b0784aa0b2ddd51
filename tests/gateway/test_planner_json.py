"""Plans as data: for every kind of planning case, the plan in Apollo's QueryPlan JSON shape.

Pure planning, in process: each case of planner_cases/cases.json (see its README) is planned
over its supergraph and compared with the plan reviewed by hand, or with the error a query no
plan can answer must get (never a plan that answers nothing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from federation.planner import PlanningError, build_plan, normalize
from federation.supergraph import Supergraph

CASES_DIR = Path(__file__).parent / "planner_cases"
CASES: list[dict[str, Any]] = json.loads((CASES_DIR / "cases.json").read_text())
_supergraphs: dict[str, Supergraph] = {}


def supergraph_of(name: str) -> Supergraph:
    if name not in _supergraphs:
        _supergraphs[name] = Supergraph.from_file(str(CASES_DIR / name))
    return _supergraphs[name]


def plan_json(supergraph: Supergraph, query: str) -> dict[str, Any]:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return build_plan(supergraph, normalize(supergraph.api_schema, document, operation, {})).to_json()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["name"])
def test_plan_is_the_reviewed_one(case: dict[str, Any]) -> None:
    supergraph = supergraph_of(case["supergraph"])
    if "error" in case:
        with pytest.raises(PlanningError) as raised:
            plan_json(supergraph, case["query"])
        assert str(raised.value) == case["error"]
    else:
        assert plan_json(supergraph, case["query"]) == case["plan"], case["why"]


def test_every_fetch_in_a_plan_is_a_valid_operation_for_its_subgraph() -> None:
    """A subgraph operation must parse (no `x {}`, no invalid names): checked on every case."""

    def fetches(node: dict[str, Any]) -> list[dict[str, Any]]:
        found = [node] if node.get("kind") in ("Fetch", "BatchFetch") else []
        if "node" in node:
            found += fetches(node["node"])
        for child in node.get("nodes", []):
            found += fetches(child)
        return found

    for case in CASES:
        for fetch in fetches(case.get("plan", {})):
            parse(fetch["operation"])
            assert "{}" not in fetch["operation"].replace(" ", ""), (case["name"], fetch["operation"])
