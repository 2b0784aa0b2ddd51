"""The demo runs as production would: a token per role (`splp demo token`, and GraphiQL's role
picker through /demo/token), subgraphs that answer only the gateway, and an access trail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from federation.cli import main
from federation.security.demo import DemoSecurity
from subgraphs.kit.signing import ENV_KEYS
from tests.gateway.servers import Server
from tests.security import world


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, DemoSecurity]]:
    monkeypatch.setenv(ENV_KEYS, "")  # restored (absent) after the test
    security = DemoSecurity(tmp_path)
    # the demo hands its key to the subgraphs it starts through the environment; these get it directly
    monkeypatch.setenv(ENV_KEYS, "")
    subgraphs = {"penduduk": Server(world.penduduk_app(security.signing_keys)).start(),
                 "kesehatan": Server(world.kesehatan_app(security.signing_keys)).start()}
    sdl = world.supergraph({name: server.url + "/graphql" for name, server in subgraphs.items()})
    gateway = Server(security.gateway_app(sdl, world.ANDI)).start()
    yield gateway.url, security
    gateway.stop()
    for server in subgraphs.values():
        server.stop()


async def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers or {}) as response:
        return response.status, await response.json(content_type=None)


async def post(url: str, query: str, headers: dict[str, str]) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.post(url, json={"query": query}, headers=headers) as response:
        return response.status, await response.json(content_type=None)


async def test_the_role_picker_s_token_reads_as_that_role(demo: tuple[str, DemoSecurity]) -> None:
    base, _ = demo
    status, roles = await get(base + "/demo/roles")
    assert status == 200 and "warga" in roles["roles"] and roles["sample_nik"] == world.ANDI
    status, issued = await get(base + f"/demo/token?role=warga&nik={world.ANDI}")
    assert status == 200 and issued["purpose"] == "layanan_publik"
    headers = {"authorization": f"Bearer {issued['token']}", "x-splp-purpose": issued["purpose"]}
    status, body = await post(base + "/graphql", "{ semuaWarga { nama } }", headers)
    assert status == 200
    assert [e["nama"] for e in body["data"]["semuaWarga"]] == ["Andi", None, None]


async def test_a_citizen_s_token_needs_a_nik(demo: tuple[str, DemoSecurity]) -> None:
    status, body = await get(demo[0] + "/demo/token?role=warga")
    assert status == 400 and "nik" in body["error"]


async def test_graphiql_carries_the_role_picker(demo: tuple[str, DemoSecurity]) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(demo[0] + "/graphql", headers={"accept": "text/html"}) as page:
            assert 'src="/graphiql/assets/roles.js"' in await page.text()
        async with http.get(demo[0] + "/graphiql/assets/roles.js") as script:
            assert script.status == 200 and "/demo/token?" in await script.text()


async def test_the_demo_gateway_signs_with_the_key_its_subgraphs_hold(demo: tuple[str, DemoSecurity]) -> None:
    status, body = await post(demo[0] + "/graphql", "{ puskesmas }", {})
    assert (status, body) == (200, {"data": {"puskesmas": "Puskesmas Kassi-Kassi"}})


def test_splp_demo_token_prints_a_token_the_demo_gateway_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "token", "operator", "--opd", "kesehatan", "--data-dir", str(tmp_path)]) == 0
    token = capsys.readouterr().out.strip()
    import jwt

    from federation.security.demo import AUDIENCE, DemoIdentity

    claims = jwt.decode(token, DemoIdentity.in_folder(tmp_path).secret, algorithms=["HS256"], audience=AUDIENCE)
    assert (claims["role"], claims["opd"], claims["scope"]) == ("operator", "kesehatan", "kesehatan:baca")
    assert main(["demo", "token", "warga", "--data-dir", str(tmp_path)]) == 2
