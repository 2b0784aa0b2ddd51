"""Write generated rows into the databases: executemany everywhere, COPY on PostgreSQL.

Each target (an OPD or a stand-in) gets its tables dropped and created again, then filled
batch by batch. Several targets may share one database URL.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from federation import migrations
from subgraphs.aduan.tables import metadata as aduan_metadata
from subgraphs.kependudukan.tables import metadata as kependudukan_metadata
from subgraphs.kesehatan.tables import metadata as kesehatan_metadata
from subgraphs.kit.sql import create_engine
from subgraphs.pendapatan.tables import metadata as pendapatan_metadata
from subgraphs.seed.generate import Batch, generate
from subgraphs.sosial.tables import metadata as sosial_metadata
from subgraphs.standins.tables import bpjs_metadata, perizinan_metadata

# Every database the seed fills: the five OPDs with their own database and the two stand-ins.
TARGETS: dict[str, MetaData] = {
    "kependudukan": kependudukan_metadata,
    "pendapatan": pendapatan_metadata,
    "kesehatan": kesehatan_metadata,
    "sosial": sosial_metadata,
    "aduan": aduan_metadata,
    "bpjs": bpjs_metadata,
    "perizinan": perizinan_metadata,
}


@dataclass
class SeedReport:
    citizens: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


async def _recreate(connection: AsyncConnection, target: str) -> None:
    """Drop the target's tables and make them again with its migrations (federation.migrations)."""
    await connection.run_sync(TARGETS[target].drop_all)
    version_table = migrations.component(target).version_table
    await connection.execute(text(f"DROP TABLE IF EXISTS {version_table}"))
    await migrations.upgrade_connection(connection, target)


async def _insert(connection: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    if connection.dialect.name == "postgresql":
        # COPY is several times faster than INSERT for large loads.
        raw = await connection.get_raw_connection()
        assert raw.driver_connection is not None
        columns = list(rows[0])
        records = [tuple(row[name] for name in columns) for row in rows]
        await raw.driver_connection.copy_records_to_table(table.name, records=records, columns=columns)
    else:
        await connection.execute(table.insert(), rows)


async def _finish(connection: AsyncConnection, metadata: MetaData) -> None:
    """After a bulk load: PostgreSQL's sequences must start past the ids given, and its planner needs
    fresh statistics (without them a citizen's bills were a sequential scan of every bill)."""
    if connection.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement:
            await connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            ))
        await connection.execute(text(f"ANALYZE {table.name}"))


async def load_batches(
    urls: Mapping[str, str], batches: Iterable[Batch], *, progress: Any = None
) -> SeedReport:
    """Recreate every target's tables in `urls` (target name -> database URL) and write `batches` into them."""
    unknown = set(urls) - set(TARGETS)
    if unknown:
        raise ValueError(f"unknown seed targets: {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    engines: dict[str, AsyncEngine] = {url: create_engine(url) for url in set(urls.values())}
    report = SeedReport()
    upcoming = iter(batches)
    pending: asyncio.Task[Batch | None] | None = None
    try:
        for target, url in urls.items():
            async with engines[url].begin() as connection:
                await _recreate(connection, target)
        # The next batch is generated in a thread while the databases write this one.
        pending = asyncio.create_task(asyncio.to_thread(next, upcoming, None))
        while (batch := await pending) is not None:
            pending = asyncio.create_task(asyncio.to_thread(next, upcoming, None))
            for target, url in urls.items():
                tables = TARGETS[target].tables
                async with engines[url].begin() as connection:
                    for name, rows in batch.rows.get(target, {}).items():
                        if rows:
                            await _insert(connection, tables[name], rows)
                            report.rows[f"{target}.{name}"] = report.rows.get(f"{target}.{name}", 0) + len(rows)
            report.citizens += batch.citizens
            if progress is not None and batch.citizens:
                progress(report.citizens, time.perf_counter() - started)
        for target, url in urls.items():
            async with engines[url].begin() as connection:
                await _finish(connection, TARGETS[target])
    finally:
        if pending is not None:
            await asyncio.gather(pending, return_exceptions=True)
        for engine in engines.values():
            await engine.dispose()
    report.seconds = time.perf_counter() - started
    return report


async def seed_databases(
    urls: Mapping[str, str], *, citizens: int, seed: int, batch_size: int = 20_000, progress: Any = None
) -> SeedReport:
    """Fill every target in `urls` with `citizens` citizens generated from `seed`."""
    return await load_batches(urls, generate(citizens, seed, batch_size=batch_size), progress=progress)
