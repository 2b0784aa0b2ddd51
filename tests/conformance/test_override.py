"""@override, plain and progressive (percent labels).

Each scenario in scenarios/override.py is one behaviour, sent over HTTP to a gateway serving
supergraphs/override.graphql and compared with the exact JSON response the specs call for.
"""

from __future__ import annotations

import pytest

from .conftest import RunScenario
from .harness import Scenario
from .scenarios.override import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
async def test_override(scenario: Scenario, run_scenario: RunScenario) -> None:
    await run_scenario(scenario)
