"""`splp compose`: rover-style configs in, supergraph or API schema checks out."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from federation.cli import main
from federation.compose import SubgraphSource, compose

BENCH = Path(__file__).parent / "corpus" / "valid" / "bench"
NAMES = ("accounts", "inventory", "products", "reviews")


def _write_config(tmp_path: Path) -> Path:
    lines = ["federation_version: =2.0.0", "subgraphs:"]
    for name in NAMES:
        (tmp_path / f"{name}.graphql").write_text((BENCH / f"{name}.graphql").read_text())
        lines += [
            f"  {name}:",
            f"    routing_url: http://0.0.0.0:4200/{name}",
            "    schema:",
            f"      file: ./{name}.graphql",
        ]
    config = tmp_path / "supergraph.yaml"
    config.write_text("\n".join(lines) + "\n")
    return config


def test_compose_writes_the_supergraph_of_the_config(tmp_path: Path) -> None:
    config = _write_config(tmp_path)
    output = tmp_path / "supergraph.graphql"

    assert main(["compose", "--config", str(config), "--output", str(output)]) == 0

    expected = compose(
        [SubgraphSource(n, f"http://0.0.0.0:4200/{n}", (BENCH / f"{n}.graphql").read_text()) for n in NAMES]
    )
    assert output.read_text() == expected.supergraph_sdl


def test_check_passes_when_the_api_schema_is_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _write_config(tmp_path)
    schema = tmp_path / "schema.graphql"
    assert main(["compose", "--config", str(config), "--api-output", str(schema)]) == 0

    assert main(["compose", "--config", str(config), "--check", str(schema)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_check_fails_with_a_diff_when_a_subgraph_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _write_config(tmp_path)
    schema = tmp_path / "schema.graphql"
    main(["compose", "--config", str(config), "--api-output", str(schema)])
    accounts = tmp_path / "accounts.graphql"
    accounts.write_text(accounts.read_text().replace("birthday: Int", "birthday: Int  umur: Int"))
    capsys.readouterr()

    assert main(["compose", "--config", str(config), "--check", str(schema)]) == 1

    err = capsys.readouterr().err
    assert "out of date" in err
    assert "+  umur: Int" in err


def test_composition_errors_are_listed_with_their_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _write_config(tmp_path)
    accounts = tmp_path / "accounts.graphql"
    accounts.write_text(accounts.read_text().replace("username: String @shareable", "username: String"))

    assert main(["compose", "--config", str(config), "--output", str(tmp_path / "out.graphql")]) == 1

    err = capsys.readouterr().err
    assert "[INVALID_FIELD_SHARING]" in err
    assert '"User.username"' in err
    assert not (tmp_path / "out.graphql").exists()


def test_config_without_routing_url_is_refused_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text("subgraphs:\n  a:\n    schema:\n      file: a.graphql\n")

    assert main(["compose", "--config", str(config)]) == 1

    assert "`routing_url` is required" in capsys.readouterr().err


def test_missing_schema_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text("subgraphs:\n  a:\n    routing_url: http://a\n    schema:\n      file: nope.graphql\n")

    assert main(["compose", "--config", str(config)]) == 1

    assert "nope.graphql" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
async def running_subgraphs() -> AsyncIterator[str]:
    """The bench subgraphs served on loopback, answering `_service { sdl }` at /<name>."""

    async def service(request: web.Request) -> web.Response:
        body = await request.json()
        assert "_service" in body["query"]
        name = request.match_info["name"]
        return web.json_response({"data": {"_service": {"sdl": (BENCH / f"{name}.graphql").read_text()}}})

    app = web.Application()
    app.router.add_post("/{name}", service)
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_subgraph_url_schemas_are_read_from_running_subgraphs(running_subgraphs: str, tmp_path: Path) -> None:
    lines = ["subgraphs:"]
    for name in NAMES:
        lines += [
            f"  {name}:",
            f"    routing_url: http://0.0.0.0:4200/{name}",
            "    schema:",
            f"      subgraph_url: {running_subgraphs}/{name}",
        ]
    config = tmp_path / "supergraph.yaml"
    config.write_text("\n".join(lines) + "\n")
    output = tmp_path / "supergraph.graphql"

    code = await asyncio.to_thread(main, ["compose", "--config", str(config), "--output", str(output)])

    assert code == 0
    expected = compose(
        [SubgraphSource(n, f"http://0.0.0.0:4200/{n}", (BENCH / f"{n}.graphql").read_text()) for n in NAMES]
    )
    assert output.read_text() == expected.supergraph_sdl


async def test_unreachable_subgraph_is_reported_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _free_port()
    config = tmp_path / "supergraph.yaml"
    config.write_text(f"subgraphs:\n  a:\n    schema:\n      subgraph_url: http://127.0.0.1:{port}/graphql\n")

    code = await asyncio.to_thread(main, ["compose", "--config", str(config)])

    assert code == 1
    err = capsys.readouterr().err
    assert "cannot reach" in err
    assert "Traceback" not in err
