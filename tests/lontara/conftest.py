"""Fixtures of the Lontara Plus tests: the aduan subgraph served over a real socket on each of the
three databases (a private database per session), officers in its staff directory, and callers
with the principal the gateway would send."""

from __future__ import annotations

import contextlib
import secrets
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import insert

from subgraphs.aduan import tables
from subgraphs.aduan.app import create_app, prepare_database
from subgraphs.aduan.foto import DiskStore, Uploads
from subgraphs.kit.sql import SqlSource
from subgraphs.serve import Servers
from tests.conftest import require_service
from tests.lontara.client import OFFICERS, AduanClient
from tests.lontara.live import Live, start_live
from tests.subgraphs.conftest import _own_database, free_port

NATS = ("127.0.0.1", 4222)


@pytest.fixture(scope="session")
async def postgresql_aduan(postgres_url: str) -> AsyncIterator[str]:
    async for url in _own_database(postgres_url):
        yield url


@pytest.fixture(scope="session")
async def mariadb_aduan(mariadb_url: str) -> AsyncIterator[str]:
    async for url in _own_database(mariadb_url):
        yield url


@pytest.fixture(scope="session")
def sqlite_aduan(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("aduan") / "aduan.db"
    return f"sqlite+aiosqlite:///{path}"


_ready: set[str] = set()


async def _prepare(url: str) -> str:
    if url not in _ready:
        sql = SqlSource(url)
        await prepare_database(sql)
        async with sql.engine.begin() as connection:
            await connection.execute(insert(tables.petugas), [
                {"sub": sub, "nama": nama, "opd": opd, "aktif": True} for sub, (nama, opd) in OFFICERS.items()])
        await sql.dispose()
        _ready.add(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def aduan_db(request: pytest.FixtureRequest) -> str:
    """The same test on SQLite, PostgreSQL and MariaDB."""
    url: str = request.getfixturevalue(f"{request.param}_aduan")
    return url


@pytest.fixture(params=["postgresql", "mariadb"])
def server_db(request: pytest.FixtureRequest) -> str:
    """The servers' databases, where concurrent transactions are real."""
    url: str = request.getfixturevalue(f"{request.param}_aduan")
    return url


@pytest.fixture
def sqlite_db(sqlite_aduan: str) -> str:
    return sqlite_aduan


_servers: dict[str, tuple[Servers, str]] = {}


async def serve(url: str, **options: object) -> tuple[Servers, str]:
    servers = Servers()
    port = free_port()
    uploads = Uploads(secrets.token_bytes(16), DiskStore(Path(tempfile.mkdtemp(prefix="aduan-foto-"))), "")
    await servers.start_asgi(create_app(url, escalation_interval=0, uploads=uploads, **options),  # type: ignore[arg-type]
                             "127.0.0.1", port)
    return servers, f"http://127.0.0.1:{port}/graphql"


@pytest.fixture
async def aduan(aduan_db: str) -> AsyncIterator[AduanClient]:
    """A client of the aduan subgraph (without live events) on the parametrized database."""
    if aduan_db not in _servers:
        _servers[aduan_db] = await serve(await _prepare(aduan_db), nats_url="")
    async with AduanClient(_servers[aduan_db][1], aduan_db) as client:
        yield client


@pytest.fixture
async def aduan_sqlite(sqlite_db: str) -> AsyncIterator[AduanClient]:
    if sqlite_db not in _servers:
        _servers[sqlite_db] = await serve(await _prepare(sqlite_db), nats_url="")
    async with AduanClient(_servers[sqlite_db][1], sqlite_db) as client:
        yield client


@pytest.fixture
async def aduan_server(server_db: str) -> AsyncIterator[AduanClient]:
    if server_db not in _servers:
        _servers[server_db] = await serve(await _prepare(server_db), nats_url="")
    async with AduanClient(_servers[server_db][1], server_db) as client:
        yield client


@pytest.fixture(scope="session", autouse=True)
async def _stop_servers() -> AsyncIterator[None]:
    yield
    for servers, _ in _servers.values():
        await servers.stop()


@pytest.fixture(scope="session")
def nats_url() -> str:
    require_service("NATS", *NATS)
    return "nats://127.0.0.1:4222"


@pytest.fixture(scope="session")
async def world_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    """kependudukan's citizens (the hand-written world), for events that jump to kependudukan."""
    from subgraphs.seed import TARGETS, load_batches
    from tests.subgraphs.world import world

    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('world') / 'world.db'}"
    await load_batches(dict.fromkeys(TARGETS, url), [world()])
    return url


@pytest.fixture(scope="session")
async def live(world_sqlite: str, postgresql_aduan: str, nats_url: str) -> AsyncIterator[Live]:
    """Two gateways, two aduan replicas (one database, one NATS), kependudukan."""
    import nats as nats_client

    tag = secrets.token_hex(4)
    names = {"nats_prefix": f"test.{tag}.aduan", "nats_stream": f"TEST_ADUAN_{tag.upper()}"}
    stack = await start_live(world_sqlite, await _prepare(postgresql_aduan), nats_url, names)
    try:
        yield stack
    finally:
        await stack.servers.stop()
        connection = await nats_client.connect(nats_url)
        with contextlib.suppress(Exception):  # already gone
            await connection.jetstream().delete_stream(names["nats_stream"])
        await connection.close()
