"""A real registry on a loopback socket, on SQLite or on the machine's PostgreSQL.

Each test gets a fresh registry: a new SQLite file, or on PostgreSQL empty tables in a
database of its own created for this test session (and dropped at its end). The helpers
the tests import are in `registry_harness`.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from registry_harness import Registry, start_registry
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from federation import migrations
from federation.registry import tables


@pytest.fixture(scope="session")
async def registry_postgres_database(postgres_url: str) -> AsyncIterator[str]:
    name = f"splp_registry_{secrets.token_hex(4)}"
    admin = create_async_engine(postgres_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def drop_registry_tables(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(tables.metadata.drop_all)
        # and the migrations' version table, so the next registry makes its tables again
        await conn.execute(text(f"DROP TABLE IF EXISTS {migrations.component('registry').version_table}"))
    await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    url: str = request.getfixturevalue("registry_postgres_database")
    # a fresh registry: the tables of the previous test go (in a thread, off the test loop)
    worker = threading.Thread(target=asyncio.run, args=(drop_registry_tables(url),))
    worker.start()
    worker.join()
    return url


@pytest.fixture
def registry(database_url: str) -> Iterator[Registry]:
    server = start_registry(database_url)
    try:
        yield Registry(url=server.url, database_url=database_url)
    finally:
        server.stop()
