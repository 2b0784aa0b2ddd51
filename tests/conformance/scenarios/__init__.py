"""Every scenario of the conformance suite, by area; the tests and tools/crosscheck.py share them."""

from __future__ import annotations

from ..harness import Scenario
from . import abstract, entities, errors, mutations, override, requires

ALL_SCENARIOS: list[Scenario] = [
    *entities.SCENARIOS,
    *requires.SCENARIOS,
    *override.SCENARIOS,
    *abstract.SCENARIOS,
    *mutations.SCENARIOS,
    *errors.SCENARIOS,
]
