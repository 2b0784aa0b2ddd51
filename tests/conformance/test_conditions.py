"""Scenarios of scenarios/conditions.py, sent over HTTP to a gateway serving supergraphs/conditions.graphql."""

from __future__ import annotations

import pytest

from .conftest import RunScenario
from .harness import Scenario
from .scenarios.conditions import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
async def test_conditions(scenario: Scenario, run_scenario: RunScenario) -> None:
    await run_scenario(scenario)
