"""The entities, requires and legacy_abstract scenarios on supergraphs in the join v0.3 and v0.2 formats
(subgraphs linking Federation 2.0, composed by today's composition and by 2.0.5) rather than v0.5."""

from __future__ import annotations

import pytest

from .conftest import RunScenario
from .harness import Scenario
from .scenarios import OLDER_JOIN_SCENARIOS


@pytest.mark.parametrize("scenario", OLDER_JOIN_SCENARIOS, ids=lambda scenario: f"{scenario.area}-{scenario.name}")
async def test_older_join_versions(scenario: Scenario, run_scenario: RunScenario) -> None:
    await run_scenario(scenario)
