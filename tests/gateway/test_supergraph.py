"""Reading a supergraph: clear errors for one the gateway cannot serve."""

from __future__ import annotations

from pathlib import Path

import pytest

from federation.supergraph import Supergraph, SupergraphError
from tests.gateway.bench_subgraphs import BENCH_DATA

BENCH_SDL = (BENCH_DATA / "supergraph.upstream.graphql").read_text() if BENCH_DATA.is_dir() else ""


def test_the_api_schema_has_no_join_machinery() -> None:
    api = Supergraph.from_sdl(BENCH_SDL).api_sdl()
    assert "join__" not in api and "link__" not in api and "@link" not in api
    assert "type Product {" in api


def test_sdl_that_does_not_parse_names_the_line() -> None:
    broken = BENCH_SDL.replace("type Review @join__type", "type Review @join__type(", 1)
    with pytest.raises(SupergraphError) as e:
        Supergraph.from_sdl(broken)
    assert e.value.line == next(i for i, line in enumerate(broken.splitlines(), 1) if "type Review" in line)
    assert "not valid GraphQL SDL" in str(e.value)


def test_a_schema_without_the_join_spec_is_not_a_supergraph() -> None:
    with pytest.raises(SupergraphError, match="join spec"):
        Supergraph.from_sdl(
            'schema @link(url: "https://specs.apollo.dev/link/v1.0") { query: Query }\ntype Query { a: Int }'
        )


def test_an_unsupported_execution_feature_is_refused_with_its_line() -> None:
    sdl = BENCH_SDL.replace(
        '@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)',
        '@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)\n'
        '    @link(url: "https://specs.apollo.dev/source/v0.1", for: EXECUTION)',
    )
    with pytest.raises(SupergraphError, match=r"unsupported feature source v0\.1") as e:
        Supergraph.from_sdl(sdl)
    assert e.value.line == 4


def test_a_directive_naming_an_unknown_graph_is_refused() -> None:
    sdl = BENCH_SDL.replace('@join__type(graph: REVIEWS, key: "id")', '@join__type(graph: NOWHERE, key: "id")', 1)
    with pytest.raises(SupergraphError, match="unknown graph 'NOWHERE'"):
        Supergraph.from_sdl(sdl)


def test_an_unreadable_file_is_a_supergraph_error(tmp_path: object) -> None:
    with pytest.raises(SupergraphError, match="cannot read supergraph file"):
        Supergraph.from_file("/nonexistent/supergraph.graphql")


CORPUS = Path(__file__).resolve().parents[1] / "compose" / "corpus" / "valid"
SUPERGRAPHS = sorted(CORPUS.glob("*/supergraph.graphql"))


@pytest.mark.parametrize("path", SUPERGRAPHS, ids=[p.parent.name for p in SUPERGRAPHS])
def test_every_supergraph_apollo_composes_is_served(path: Path) -> None:
    """The composition corpus: every supergraph Apollo's composition wrote for it loads, or is
    refused for a feature the gateway does not implement, with its line."""
    sdl = path.read_text()
    try:
        supergraph = Supergraph.from_sdl(sdl)
    except SupergraphError as e:
        assert "unsupported feature context" in e.reason and e.line is not None
        return
    assert supergraph.api_sdl()
    assert supergraph.subgraphs
