"""The checked-in supergraph and public schema stay in step with the six OPD subgraphs."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, lexicographic_sort_schema, print_schema

from federation.supergraph import Supergraph
from subgraphs.demo.run import compose_supergraph

ROOT = Path(__file__).resolve().parents[2]
SUPERGRAPH = ROOT / "subgraphs" / "demo" / "supergraph.graphql"
SCHEMA = ROOT / "schema.graphql"


def test_the_demo_supergraph_points_at_the_six_subgraphs_on_loopback() -> None:
    supergraph = Supergraph.from_sdl(SUPERGRAPH.read_text())
    assert {info.name: info.url for info in supergraph.subgraphs.values()} == {
        "kependudukan": "http://127.0.0.1:4001/graphql",
        "pendapatan": "http://127.0.0.1:4002/graphql",
        "kesehatan": "http://127.0.0.1:4003/graphql",
        "sosial": "http://127.0.0.1:4004/graphql",
        "perizinan": "http://127.0.0.1:4005/graphql",
        "aduan": "http://127.0.0.1:4006/graphql",
    }


def test_the_public_schema_file_is_the_demo_supergraphs_api() -> None:
    assert Supergraph.from_sdl(SUPERGRAPH.read_text()).api_sdl().rstrip("\n") == SCHEMA.read_text().rstrip("\n")


async def test_composing_the_current_subgraphs_gives_the_checked_in_api() -> None:
    """Fails when an OPD's schema changes without regenerating the files (see subgraphs/demo/export.py)."""
    composed = Supergraph.from_sdl(await compose_supergraph())
    # Composers may order fields differently; the schemas must be the same.
    assert _sorted(composed.api_sdl()) == _sorted(SCHEMA.read_text())


def _sorted(sdl: str) -> str:
    return print_schema(lexicographic_sort_schema(build_schema(sdl)))
