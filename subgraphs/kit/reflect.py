"""Existing tables read from the database itself: columns, types, primary and unique keys.

    tables = reflect("sqlite+aiosqlite:///perpustakaan.db", "peminjaman", "buku")

    @entity(tables.peminjaman, key="id")
    class Peminjaman: ...

An OPD's database is already there, made by its own application: the subgraph declares no
table of its own, it reads the one that exists (a unique key, such as a NIK column with a
UNIQUE index, can be the `@key` as well as the primary key). A SQLAlchemy model works too:
`@entity(Model, key=…)` takes its `__table__`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Iterable

from sqlalchemy import Connection, MetaData, Table, UniqueConstraint, inspect

from subgraphs.kit.sql import create_engine


class ReflectedTables:
    """The reflected tables by name: `tables.peminjaman` or `tables["peminjaman"]`."""

    def __init__(self, metadata: MetaData) -> None:
        self.metadata = metadata

    def __getattr__(self, name: str) -> Table:
        try:
            return self.metadata.tables[name]
        except KeyError:
            raise AttributeError(f"no table {name!r} was reflected; reflected: {', '.join(self.metadata.tables)}") \
                from None

    def __getitem__(self, name: str) -> Table:
        return self.metadata.tables[name]


async def reflect_async(url: str, names: Iterable[str], *, schema: str | None = None) -> MetaData:
    metadata = MetaData(schema=schema)
    wanted = list(names)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(lambda sync: _reflect(sync, metadata, wanted, schema))
    finally:
        await engine.dispose()
    return metadata


def _reflect(connection: Connection, metadata: MetaData, names: list[str], schema: str | None) -> None:
    inspector = inspect(connection)
    missing = sorted(set(names) - set(inspector.get_table_names(schema=schema)))
    if missing:
        raise LookupError(f"{', '.join(missing)}: no such table in the database")
    metadata.reflect(connection, only=names or None, schema=schema)
    for table in metadata.tables.values():
        keys = [list(u["column_names"]) for u in inspector.get_unique_constraints(table.name, schema=schema)]
        # An expression index has None for its expression's column: not a key of columns.
        keys += [[c for c in i["column_names"] if c is not None]
                 for i in inspector.get_indexes(table.name, schema=schema)
                 if i.get("unique") and None not in i["column_names"]]
        if connection.dialect.name == "sqlite":
            # SQLite keeps a column's inline UNIQUE as an automatic index, which SQLAlchemy does not list.
            for index in connection.exec_driver_sql(f'PRAGMA index_list("{table.name}")').mappings():
                if index["unique"] and index["origin"] == "u":
                    info = connection.exec_driver_sql(f'PRAGMA index_info("{index["name"]}")').mappings()
                    keys.append([column["name"] for column in info])
        table.info["unique_keys"] = keys


def reflect(url: str, *names: str, schema: str | None = None) -> ReflectedTables:
    """Reflect `names` (every table when none is named) from the database at `url` (any of the kit's
    three databases). Runs in its own thread and event loop, so a module may call it at import
    time even when an event loop is already running (a server, a test)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        metadata = pool.submit(asyncio.run, reflect_async(url, names, schema=schema)).result()
    return ReflectedTables(metadata)


def unique_keys(table: Table) -> list[list[str]]:
    """The columns of each key of `table`: its primary key first, then its unique constraints and indexes."""
    keys: list[list[str]] = []
    if table.primary_key.columns:
        keys.append([c.key for c in table.primary_key.columns])
    keys += [list(key) for key in table.info.get("unique_keys", [])]
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            keys.append([c.key for c in constraint.columns])
    for index in table.indexes:
        if index.unique:
            keys.append([c.key for c in index.columns if hasattr(c, "key")])
    unique: list[list[str]] = []
    for key in keys:
        if key and key not in unique:
            unique.append(key)
    return unique


__all__ = ["ReflectedTables", "reflect", "reflect_async", "unique_keys"]
