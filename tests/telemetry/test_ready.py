"""/ready: true only with a supergraph loaded and the required subgraphs answering."""

from __future__ import annotations

import asyncio
import json

from tests.telemetry.conftest import Observed


async def test_ready_when_the_required_subgraphs_answer(observed: Observed) -> None:
    status, body = await observed.get("/ready")
    assert status == 200
    assert json.loads(body)["status"] == "READY"


async def test_not_ready_while_a_required_subgraph_is_down(observed: Observed) -> None:
    await observed.city.stop_opd("pendapatan")
    await asyncio.sleep(2.1)  # past the time an earlier answer is reused
    status, body = await observed.get("/ready")
    assert status == 503
    answer = json.loads(body)
    assert answer["status"] == "NOT_READY"
    assert list(answer["down"]) == ["pendapatan"]
    assert "does not answer" in answer["down"]["pendapatan"]


async def test_a_subgraph_that_is_not_required_does_not_make_it_unready(observed: Observed) -> None:
    await observed.city.stop_opd("sosial")
    status, _ = await observed.get("/ready")
    assert status == 200
