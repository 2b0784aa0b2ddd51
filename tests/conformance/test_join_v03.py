"""The entities and requires scenarios against supergraphs in the join v0.3 format (composed from
subgraphs linking Federation 2.0) rather than v0.5: the same answers."""

from __future__ import annotations

import pytest

from .conftest import RunScenario
from .harness import Scenario
from .scenarios import JOIN_V03_SCENARIOS


@pytest.mark.parametrize("scenario", JOIN_V03_SCENARIOS, ids=lambda scenario: f"{scenario.area}-{scenario.name}")
async def test_join_v03(scenario: Scenario, run_scenario: RunScenario) -> None:
    await run_scenario(scenario)
