"""Every scenario of the conformance suite, by area; the tests and tools/crosscheck.py share them."""

from __future__ import annotations

from dataclasses import replace

from ..harness import Scenario
from . import abstract, entities, errors, legacy_abstract, mutations, override, requires

# The entities and requires scenarios again, against subgraphs linking Federation 2.0, whose
# supergraphs use join v0.3 and v0.2 instead of v0.5: the answers must not depend on the format.
OLDER_JOIN_SCENARIOS: list[Scenario] = [
    replace(scenario, area=f"{scenario.area}_{join}")
    for join in ("join03", "join02")
    for scenario in [*entities.SCENARIOS, *requires.SCENARIOS, *legacy_abstract.SCENARIOS]
]

ALL_SCENARIOS: list[Scenario] = [
    *entities.SCENARIOS,
    *requires.SCENARIOS,
    *override.SCENARIOS,
    *abstract.SCENARIOS,
    *mutations.SCENARIOS,
    *errors.SCENARIOS,
    *OLDER_JOIN_SCENARIOS,
]
