"""`splp subgraph serve|standin` refuse what they cannot run with a one-line reason."""

from __future__ import annotations

import pytest

from federation.cli import main


def test_an_unknown_subgraph_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subgraph", "serve", "dishub"]) == 2
    assert capsys.readouterr().err == (
        "error: no subgraph named 'dishub'; choose one of kependudukan, pendapatan, kesehatan, sosial, "
        "perizinan, aduan\n"
    )


def test_a_subgraph_missing_its_sources_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subgraph", "serve", "kesehatan", "--database", "sqlite+aiosqlite:///x.db"]) == 2
    assert capsys.readouterr().err == "error: the kesehatan subgraph needs --bpjs-url\n"


def test_an_unknown_standin_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subgraph", "standin", "dukcapil", "--database", "sqlite+aiosqlite:///x.db"]) == 2
    assert "no stand-in named 'dukcapil'" in capsys.readouterr().err
