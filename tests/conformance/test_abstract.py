"""Interfaces and unions whose members live in different subgraphs, and @interfaceObject.

Each scenario in scenarios/abstract.py is one behaviour, sent over HTTP to a gateway serving
supergraphs/abstract.graphql and compared with the exact JSON response the specs call for.
"""

from __future__ import annotations

import pytest

from .conftest import RunScenario
from .harness import Scenario
from .scenarios.abstract import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
async def test_abstract(scenario: Scenario, run_scenario: RunScenario) -> None:
    await run_scenario(scenario)
