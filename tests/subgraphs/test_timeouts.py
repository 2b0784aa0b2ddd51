"""A subgraph never waits on its database without bound, and stops a statement nobody waits for."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
import strawberry
from sqlalchemy import ColumnElement, func, literal_column, select, text

from subgraphs.kit import Ctx, SqlSource, create_schema, create_subgraph_app
from subgraphs.kit.sql import create_engine
from subgraphs.serve import Servers
from tests.subgraphs.conftest import free_port

MARKER = "42.4242"  # the sleep's seconds, written into the statement to find it among the server's


def _sleep(dialect: str, seconds: float | str) -> ColumnElement[object]:
    if isinstance(seconds, str):
        return literal_column(f"pg_sleep({seconds})" if dialect == "postgresql" else f"SLEEP({seconds})")
    return func.pg_sleep(seconds) if dialect == "postgresql" else func.sleep(seconds)


@pytest.fixture(params=["postgresql", "mariadb"])
def server_url(request: pytest.FixtureRequest) -> str:
    """PostgreSQL and MariaDB: SQLite runs inside the subgraph's process (its lock wait is tested apart)."""
    url: str = request.getfixturevalue(f"{'postgres' if request.param == 'postgresql' else 'mariadb'}_database")
    return url


async def test_a_statement_running_past_the_timeout_is_database_timeout(server_url: str) -> None:
    database_url = server_url
    source = SqlSource(database_url, statement_timeout=0.5)
    started = time.monotonic()
    try:
        with pytest.raises(Exception) as raised:
            await source.fetch_all(select(_sleep(source.engine.dialect.name, 5)))
    finally:
        await source.dispose()
    assert time.monotonic() - started < 3
    assert getattr(raised.value, "extensions", None) == {"code": "DATABASE_TIMEOUT"}
    assert "sleep" not in str(raised.value).lower()


async def test_a_locked_sqlite_database_waits_only_the_busy_timeout(sqlite_database: str) -> None:
    path = sqlite_database.removeprefix("sqlite+aiosqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE IF NOT EXISTS kit_kunci (x INTEGER)")
    holder.execute("BEGIN EXCLUSIVE")
    source = SqlSource(sqlite_database, statement_timeout=0.3)
    started = time.monotonic()
    try:
        with pytest.raises(Exception) as raised:
            await source.fetch_all(select(text("x")).select_from(text("kit_kunci")))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        await source.dispose()
    assert time.monotonic() - started < 3
    assert getattr(raised.value, "extensions", None) == {"code": "DATABASE_TIMEOUT"}


@strawberry.type
class Query:
    @strawberry.field
    async def lambat(self, info: Ctx) -> int:
        database = info.context.database
        await database.fetch_all(select(_sleep(database.engine.dialect.name, MARKER)))
        return 1


@asynccontextmanager
async def _serve(database_url: str) -> AsyncIterator[str]:
    servers = Servers()
    port = free_port()
    await servers.start_asgi(create_subgraph_app("lambat", create_schema(Query), database_url=database_url),
                             "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        await servers.stop()


async def _running(database_url: str) -> int:
    """How many statements sleeping for MARKER run on the server now."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                query = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' " \
                        f"AND query LIKE '%pg_sleep({MARKER})%' AND pid <> pg_backend_pid()"
            else:
                query = "SELECT count(*) FROM information_schema.processlist " \
                        f"WHERE info LIKE '%SLEEP({MARKER})%' AND id <> CONNECTION_ID()"
            return int((await connection.execute(text(query))).scalar_one())
    finally:
        await engine.dispose()


async def test_a_client_leaving_cancels_the_running_statement(server_url: str) -> None:
    database_url = server_url
    async with _serve(database_url) as url, aiohttp.ClientSession() as session:
        client = asyncio.create_task(session.post(url, json={"query": "{ lambat }"}))
        deadline = time.monotonic() + 5
        while await _running(database_url) == 0:
            assert time.monotonic() < deadline, "the statement never started"
            await asyncio.sleep(0.1)
        client.cancel()  # the gateway gives up: its connection closes
        with contextlib.suppress(asyncio.CancelledError):
            await client
        deadline = time.monotonic() + 5
        while await _running(database_url) > 0:
            assert time.monotonic() < deadline, "the statement still runs after the client left"
            await asyncio.sleep(0.2)
