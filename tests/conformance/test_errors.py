"""Field errors, null propagation and subgraphs that are down, slow or answer garbage.

Each scenario in scenarios/errors.py is one behaviour, sent over HTTP to a gateway serving
supergraphs/errors.graphql and compared with the exact JSON response the specs call for.
"""

from __future__ import annotations

import pytest

from .conftest import RunScenario
from .harness import Scenario
from .scenarios.errors import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
async def test_errors(scenario: Scenario, run_scenario: RunScenario) -> None:
    await run_scenario(scenario)
