"""Run a component's Alembic migrations on a connection (sync) or an engine (async).

The migrations run inside the caller's transaction when there is one (PostgreSQL's DDL is
transactional: a failed upgrade changes nothing). Replicas starting together on one empty
database take turns: an advisory lock on PostgreSQL, GET_LOCK on MariaDB/MySQL; SQLite's
writers are already serialised by its file lock.
"""

from __future__ import annotations

import asyncio
import functools
import zlib
from typing import Any

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from federation.migrations.components import Component, component


def _config(c: Component) -> Config:
    config = Config()
    config.set_main_option("script_location", c.script_location)
    return config


@functools.cache
def script_directory(name: str) -> ScriptDirectory:
    return ScriptDirectory.from_config(_config(component(name)))


def head(name: str) -> str:
    found = script_directory(name).get_current_head()
    assert found is not None, f"{name} has no migrations"
    return found


def current_sync(connection: Connection, name: str) -> str | None:
    """The revision the database's `name` tables are at (None: never migrated)."""
    context = MigrationContext.configure(connection, opts={"version_table": component(name).version_table})
    return context.get_current_revision()


def _lock_name(name: str) -> str:
    return f"splp_migrate_{name}"


def _lock(connection: Connection, name: str) -> None:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        # released when the caller's transaction ends
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(_lock_name(name).encode())})
    elif dialect in ("mysql", "mariadb"):
        got = connection.execute(text("SELECT GET_LOCK(:n, 120)"), {"n": _lock_name(name)}).scalar()
        if got != 1:
            raise RuntimeError(f"another process held the {name} migration lock for 120 s")


def _unlock(connection: Connection, name: str) -> None:
    if connection.dialect.name in ("mysql", "mariadb"):
        connection.execute(text("SELECT RELEASE_LOCK(:n)"), {"n": _lock_name(name)})


def upgrade_sync(connection: Connection, name: str, revision: str = "head") -> str | None:
    """Upgrade `name`'s tables to `revision`; returns the revision they were at before."""
    c = component(name)
    script = script_directory(name)
    _lock(connection, name)
    try:
        before = current_sync(connection, name)

        def steps(rev: Any, _context: Any) -> Any:
            return script._upgrade_revs(revision, rev)

        with EnvironmentContext(_config(c), script, fn=steps, destination_rev=revision) as env:
            env.configure(connection=connection, version_table=c.version_table)
            with env.begin_transaction():
                env.run_migrations()
        return before
    finally:
        _unlock(connection, name)


# Alembic's `op` is one proxy per process: two upgrades interleaving on one event loop (each
# waits on its database) would send one's operations to the other's connection.
_turns: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}


def _turn() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _turns.get(loop)
    if lock is None:
        lock = _turns[loop] = asyncio.Lock()
    return lock


async def upgrade_connection(connection: AsyncConnection, name: str, revision: str = "head") -> str | None:
    """`upgrade_sync` on an async connection, in its transaction (the caller commits)."""
    async with _turn():
        return await connection.run_sync(upgrade_sync, name, revision)


async def upgrade(engine: AsyncEngine, name: str, revision: str = "head") -> str | None:
    """Upgrade `name`'s tables in `engine`'s database and commit."""
    async with engine.connect() as connection:
        before = await upgrade_connection(connection, name, revision)
        await connection.commit()
        return before


async def current(engine: AsyncEngine, name: str) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(current_sync, name)

