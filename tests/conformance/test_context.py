"""Scenarios of scenarios/context.py, sent over HTTP to a gateway serving supergraphs/context.graphql."""

from __future__ import annotations

import pytest

from .conftest import RunScenario
from .harness import Scenario
from .scenarios.context import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
async def test_context(scenario: Scenario, run_scenario: RunScenario) -> None:
    await run_scenario(scenario)
