"""The checked-in supergraphs are the composition of the subgraphs as they are now."""

from __future__ import annotations

import pytest

from .apps import AREAS, subgraphs_digest
from .conftest import supergraph_sdl


@pytest.mark.parametrize("area", sorted(AREAS))
def test_supergraph_was_composed_from_the_current_subgraphs(area: str) -> None:
    first_line = supergraph_sdl(area).splitlines()[0]
    assert first_line == f"# subgraphs-sha256: {subgraphs_digest(area)}", (
        f"apps/{area}.py changed since supergraphs/{area}.graphql was composed: "
        "run .venv/bin/python tests/conformance/tools/compose.py " + area
    )
