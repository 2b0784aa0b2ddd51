"""Fixtures of the subgraph tests: a private database per session on each of the three engines.

PostgreSQL and MariaDB are shared by several agents: every session creates its own database
(`splp_subgraphs_<random>`) and drops it at the end, never touching fixed tables in `test`.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from subgraphs.kit.sql import create_engine


async def _own_database(server_url: str) -> AsyncIterator[str]:
    name = f"splp_subgraphs_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            if admin.dialect.name == "postgresql":
                await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                await connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        await admin.dispose()


@pytest.fixture(scope="session")
async def postgres_database(postgres_url: str) -> AsyncIterator[str]:
    async for url in _own_database(postgres_url):
        yield url


@pytest.fixture(scope="session")
async def mariadb_database(mariadb_url: str) -> AsyncIterator[str]:
    async for url in _own_database(mariadb_url):
        yield url


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("sqlite") / "subgraphs.db"
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test on SQLite, PostgreSQL and MariaDB: only the URL changes."""
    fixture = {"sqlite": "sqlite_database", "postgresql": "postgres_database", "mariadb": "mariadb_database"}
    url: str = request.getfixturevalue(fixture[request.param])
    return url


# -- the hand-written world, loaded into one database (all OPD and stand-in tables) ---------------

_clean: dict[str, bool] = {}


async def _load_world(url: str) -> None:
    from subgraphs.seed import TARGETS, load_batches
    from tests.subgraphs.world import world

    await load_batches(dict.fromkeys(TARGETS, url), [world()])


@pytest.fixture
async def world_url(database_url: str) -> str:
    """A database holding the world, for tests that only read."""
    if not _clean.get(database_url):
        await _load_world(database_url)
        _clean[database_url] = True
    return database_url


@pytest.fixture
async def fresh_world_url(database_url: str) -> AsyncIterator[str]:
    """A database holding the world, for tests that write (reloaded before the next reader)."""
    await _load_world(database_url)
    _clean[database_url] = False
    yield database_url


@pytest.fixture
async def standins(world_url: str) -> AsyncIterator[dict[str, str]]:
    """The BPJS and permits stand-ins on loopback ports, serving the world: name -> base URL."""
    from subgraphs.opds import STANDINS
    from subgraphs.serve import Servers

    servers = Servers()
    urls = {}
    for name, (_, create) in STANDINS.items():
        port = free_port()
        await servers.start_aiohttp(create(world_url), "127.0.0.1", port)
        urls[name] = f"http://127.0.0.1:{port}"
    yield urls
    await servers.stop()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
async def sqlite_world_url(sqlite_database: str) -> str:
    """The world on SQLite only, for long tables of cases that need no other engine."""
    if not _clean.get(sqlite_database):
        await _load_world(sqlite_database)
        _clean[sqlite_database] = True
    return sqlite_database


@pytest.fixture
def own_data_url(database_url: str) -> str:
    """A database the test fills with its own rows (the world is reloaded before the next reader)."""
    _clean[database_url] = False
    return database_url
