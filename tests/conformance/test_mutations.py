"""Mutations: root fields executed serially, in document order, across subgraphs.

Each scenario in scenarios/mutations.py is one behaviour, sent over HTTP to a gateway serving
supergraphs/mutations.graphql and compared with the exact JSON response the specs call for.
"""

from __future__ import annotations

import pytest

from .conftest import RunScenario
from .harness import Scenario
from .scenarios.mutations import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
async def test_mutations(scenario: Scenario, run_scenario: RunScenario) -> None:
    await run_scenario(scenario)
