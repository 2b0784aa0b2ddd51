"""Fixtures of the migration tests: an empty database of its own per test, on each engine."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from federation.migrations import COMPONENTS
from tests.subgraphs.conftest import _own_database


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'splp.db'}"
        return
    server = request.getfixturevalue("postgres_url" if request.param == "postgresql" else "mariadb_url")
    async for url in _own_database(server):
        yield url


def metadata_of(component: str) -> MetaData:
    module, attribute = COMPONENTS[component].metadata.split(":")
    found: MetaData = getattr(importlib.import_module(module), attribute)
    return found


def differences(connection: Connection, metadata: MetaData) -> list[object]:
    """What the database's tables lack or have unlike `metadata` (alembic's autogenerate compare)."""
    context = MigrationContext.configure(connection, opts={
        "compare_type": True,
        # MariaDB reflects a boolean's false() default as '0': alembic would report it changed
        "compare_server_default": connection.dialect.name != "mysql",
        "include_name": lambda name, kind, _parent: kind != "table" or name in metadata.tables,
    })
    return list(compare_metadata(context, metadata))


async def schema_differences(url: str, component: str) -> list[object]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(differences, metadata_of(component))
    finally:
        await engine.dispose()
