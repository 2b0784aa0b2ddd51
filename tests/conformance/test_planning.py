"""Planning cases a greedy planner gets wrong (issue 11).

Each scenario in scenarios/planning.py is one behaviour, sent over HTTP to a gateway serving
supergraphs/planning.graphql and compared with the exact JSON response the specs call for.
"""

from __future__ import annotations

import pytest

from .conftest import RunScenario
from .harness import Scenario
from .scenarios.planning import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
async def test_planning(scenario: Scenario, run_scenario: RunScenario) -> None:
    await run_scenario(scenario)
