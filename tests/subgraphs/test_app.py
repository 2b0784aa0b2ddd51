"""A subgraph app on a real socket: POST /graphql, GraphiQL, /health."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from starlette.applications import Starlette

from subgraphs.kependudukan.app import create_app
from subgraphs.serve import Servers
from tests.subgraphs import world as w
from tests.subgraphs.conftest import free_port


async def serve(app: Starlette) -> AsyncIterator[str]:
    servers = Servers()
    port = free_port()
    await servers.start_asgi(app, "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await servers.stop()


@pytest.fixture
async def base(sqlite_world_url: str) -> AsyncIterator[str]:
    async for url in serve(create_app(sqlite_world_url)):
        yield url


async def test_post_graphql_answers_a_query(base: str) -> None:
    async with aiohttp.ClientSession() as session, session.post(
        f"{base}/graphql", json={"query": "query($nik: NIK!) { penduduk(nik: $nik) { nama } }",
                                 "variables": {"nik": w.HASNAH}}
    ) as response:
        assert response.status == 200
        assert await response.json() == {"data": {"penduduk": {"nama": "Hasnah Saleh"}}}


async def test_bad_input_is_a_graphql_error_not_a_server_error(base: str) -> None:
    async with aiohttp.ClientSession() as session, session.post(
        f"{base}/graphql", json={"query": '{ penduduk(nik: "12") { nama } }'}
    ) as response:
        body = await response.json()
    assert response.status == 200
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {
        "code": "INVALID_NIK", "value": "12", "reason": "must be exactly 16 digits, got 2 characters",
    }


async def test_graphiql_is_served_to_browsers(base: str) -> None:
    async with aiohttp.ClientSession() as session, session.get(
        f"{base}/graphql", headers={"accept": "text/html"}
    ) as response:
        assert response.status == 200
        assert "graphiql" in (await response.text()).lower()


async def test_health_checks_the_database(base: str) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{base}/health") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok", "subgraph": "kependudukan"}


async def test_health_says_unavailable_when_the_database_is_down() -> None:
    down = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nothing"
    async for base in serve(create_app(down)):
        async with aiohttp.ClientSession() as session, session.get(f"{base}/health") as response:
            body = await response.json()
        assert response.status == 503
        assert body["status"] == "unavailable"
        assert body["reason"] == "database unavailable"  # no driver text: host, user, port


async def test_a_query_while_the_database_is_down_is_a_clear_error() -> None:
    down = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nothing"
    async for base in serve(create_app(down)):
        async with aiohttp.ClientSession() as session, session.post(
            f"{base}/graphql", json={"query": "query($nik: NIK!) { penduduk(nik: $nik) { nama } }",
                                     "variables": {"nik": w.HASNAH}}
        ) as response:
            body = await response.json()
        assert response.status == 200
        assert body["errors"][0]["message"] == "The subgraph's database is unavailable; try again later"
        assert body["errors"][0]["extensions"] == {"code": "DATABASE_UNAVAILABLE"}
