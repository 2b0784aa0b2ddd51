"""Root fields split across subgraphs, entity jumps through @key, @shareable, enums, and the
operation features (arguments, variables, aliases, fragments, @skip/@include) across jumps.

Each scenario in scenarios/entities.py is one behaviour, sent over HTTP to a gateway serving
supergraphs/entities.graphql and compared with the exact JSON response the specs call for.
"""

from __future__ import annotations

import pytest

from .conftest import RunScenario
from .harness import Scenario
from .scenarios.entities import SCENARIOS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
async def test_entities(scenario: Scenario, run_scenario: RunScenario) -> None:
    await run_scenario(scenario)
