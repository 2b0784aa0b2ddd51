"""`splp db upgrade`: every component's tables made by its migrations, on each database."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from federation.migrations import COMPONENTS, head
from tests.migrations.conftest import schema_differences

SPLP = [sys.executable, "-m", "federation.cli"]


def splp_db(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SPLP, "db", *args], capture_output=True, text=True, timeout=120)


async def test_an_empty_database_upgraded_has_the_tables_the_code_defines(empty_database: str) -> None:
    # the guard of every table change: tables.py changed without a migration fails here
    done = splp_db("upgrade", "all", "--database", empty_database)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in COMPONENTS:
        assert f"{name}: empty -> {head(name)}" in done.stdout
        assert await schema_differences(empty_database, name) == [], name


async def test_an_upgraded_database_is_reported_at_head_and_upgrading_again_changes_nothing(
    empty_database: str,
) -> None:
    assert splp_db("upgrade", "registry", "aduan", "--database", empty_database).returncode == 0
    again = splp_db("upgrade", "registry", "aduan", "--database", empty_database)
    assert again.returncode == 0
    assert f"registry: already at head ({head('registry')})" in again.stdout
    status = splp_db("current", "registry", "aduan", "--database", empty_database)
    assert status.returncode == 0, status.stdout
    assert f"registry: {head('registry')} (head {head('registry')}, at head)" in status.stdout


async def test_current_on_a_database_never_migrated_exits_1_saying_what_to_run(empty_database: str) -> None:
    status = splp_db("current", "trail", "--database", empty_database)
    assert status.returncode == 1
    assert "trail: none (head 0001, behind: run `splp db upgrade trail`)" in status.stdout


def test_an_unknown_component_is_refused_with_the_known_ones() -> None:
    done = splp_db("upgrade", "kepegawaian", "--database", "sqlite:///unused.db")
    assert done.returncode == 2
    assert "unknown component kepegawaian; known: registry, trail, aduan" in done.stdout


def test_an_unreachable_database_is_an_error_not_a_traceback() -> None:
    done = splp_db("upgrade", "registry", "--database", "postgresql://splp@127.0.0.1:1/registry")
    assert done.returncode == 1
    assert done.stdout.startswith("error: the database at postgresql+asyncpg://splp@127.0.0.1:1/registry")
    assert "Traceback" not in done.stderr


async def test_replicas_upgrading_one_empty_database_together_both_succeed(postgres_url: str) -> None:
    from tests.subgraphs.conftest import _own_database

    async for url in _own_database(postgres_url):
        runs = [
            await asyncio.create_subprocess_exec(*SPLP, "db", "upgrade", "all", "--database", url,
                                                 stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
            for _ in range(2)
        ]
        outputs = [(await run.communicate())[0].decode() for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        # one made the tables, the other found them at head
        assert sum(f"registry: empty -> {head('registry')}" in out for out in outputs) == 1, outputs
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: inspect(c).get_table_names())
        await engine.dispose()
        assert "registry_alembic_version" in names and "aduan" in names
