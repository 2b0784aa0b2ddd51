"""@requires, @provides and @external.

Each scenario in scenarios/requires.py is one behaviour, sent over HTTP to a gateway serving
supergraphs/requires.graphql and compared with the exact JSON response the specs call for.
"""

from __future__ import annotations

import pytest

from .conftest import RunScenario
from .harness import Scenario
from .scenarios.requires import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
async def test_requires(scenario: Scenario, run_scenario: RunScenario) -> None:
    await run_scenario(scenario)
