"""Our composer against Apollo's: the same subgraphs give the same supergraph, or the same errors.

Every case under corpus/ was composed once with Apollo's published composition (see
tools/README.md); the expected supergraph or error codes are its output, checked in as data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from federation.compose import SubgraphSource, compose
from tests.compose.normalize import canonical, diff_lines

CORPUS = Path(__file__).parent / "corpus"


def _sources(case: Path) -> list[SubgraphSource]:
    urls_file = case / "urls.json"
    urls = json.loads(urls_file.read_text()) if urls_file.exists() else {}
    return [
        SubgraphSource(path.stem, urls.get(path.stem, f"http://{path.stem}.example/graphql"), path.read_text())
        for path in sorted(case.glob("*.graphql"))
        if path.name != "supergraph.graphql"
    ]


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in (CORPUS / kind).iterdir() if p.is_dir())


@pytest.mark.parametrize("case", _cases("valid"), ids=lambda p: p.name)
def test_supergraph_equals_apollos(case: Path) -> None:
    result = compose(_sources(case))

    assert result.errors == (), [f"{e.code}: {e.message}" for e in result.errors]
    assert result.supergraph_sdl is not None
    expected = (case / "supergraph.graphql").read_text()
    assert canonical(result.supergraph_sdl) == canonical(expected), diff_lines(expected, result.supergraph_sdl)


@pytest.mark.parametrize("case", _cases("valid"), ids=lambda p: p.name)
def test_supergraph_is_printed_as_apollo_prints_it(case: Path) -> None:
    """Beyond equality: the same text, whatever order the subgraphs are given in."""
    result = compose(list(reversed(_sources(case))))

    assert result.supergraph_sdl == (case / "supergraph.graphql").read_text()


@pytest.mark.parametrize("case", _cases("invalid"), ids=lambda p: p.name)
def test_rejected_with_apollos_error_codes(case: Path) -> None:
    expected = {error["code"] for error in json.loads((case / "errors.json").read_text())}

    result = compose(_sources(case))

    assert result.supergraph_sdl is None
    assert expected <= {error.code for error in result.errors}, [f"{e.code}: {e.message}" for e in result.errors]
