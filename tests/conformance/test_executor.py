"""How the gateway talks to subgraphs, seen from the subgraphs: independent fetches overlap, and
connections are kept alive and reused across requests."""

from __future__ import annotations

import asyncio

from .apps import CONNECTION_LOG
from .apps.mutations import EXECUTION_LOG
from .conftest import RunScenario
from .harness import Scenario


async def test_independent_root_fetches_run_concurrently(run_scenario: RunScenario) -> None:
    await run_scenario(Scenario(
        name="two subgraphs wait", area="mutations", query="{ ledgerWait(ms: 300) auditWait(ms: 300) }",
        expected={"data": {"ledgerWait": "ledger waited", "auditWait": "audit waited"}},
        fetches={"ledger": 1, "audit": 1},
    ))
    # Both fetches started before either ended: they were in flight at the same time.
    assert sorted(EXECUTION_LOG[:2]) == ["start audit", "start ledger"], EXECUTION_LOG


async def test_subgraph_connections_are_reused(run_scenario: RunScenario) -> None:
    for _ in range(5):
        await run_scenario(Scenario(
            name="stock", area="entities", query="{ totalStock }", expected={"data": {"totalStock": 14}},
        ))
    ports = {port for area, name, port in CONNECTION_LOG if (area, name) == ("entities", "inventory")}
    assert len([e for e in CONNECTION_LOG if e[1] == "inventory"]) == 5
    assert len(ports) == 1, f"5 sequential requests used {len(ports)} connections"


async def test_concurrent_requests_each_get_their_own_answer(run_scenario: RunScenario) -> None:
    query = "query P($upc: String!) { product(upc: $upc) { upc stock reviews { id } } }"
    answers = {
        "1": {"upc": "1", "stock": 10, "reviews": [{"id": "r1"}, {"id": "r2"}]},
        "2": {"upc": "2", "stock": 0, "reviews": [{"id": "r3"}]},
        "3": {"upc": "3", "stock": 4, "reviews": []},
    }
    scenarios = [
        Scenario(
            name=f"product {upc}", area="entities", query=query, variables={"upc": upc},
            expected={"data": {"product": answers[upc]}},
        )
        for _ in range(15)
        for upc in answers
    ]
    await asyncio.gather(*(run_scenario(scenario) for scenario in scenarios))
