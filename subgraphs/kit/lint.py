"""`splp subgraph lint-data`: the rows of each table that fail the data standard.

An OPD's data-quality report (for Satu Data Indonesia): every `@entity` type of a subgraph is
read in full, streamed in key order (memory stays flat on a million rows), and each value is
checked against the scalar or enum its field declares — the same checks the graph applies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from subgraphs.kit.entity import Problem, declared_entities
from subgraphs.kit.sql import SqlSource


@dataclass
class TableReport:
    table: str
    rows: int = 0
    dirty_rows: int = 0


async def lint_data(schema: Any, database_url: str) -> AsyncIterator[Problem | TableReport]:
    """Each failing value as a `Problem`, then a `TableReport` after each table."""
    source = SqlSource(database_url, statement_timeout=3600)
    try:
        for info in declared_entities(schema):
            report = TableReport(info.table_name)
            async with source.engine.connect() as connection:
                statement = select(info.table).order_by(info.table.c[info.key])
                result = await connection.stream(statement.execution_options(yield_per=2000))
                async for row in result.mappings():
                    report.rows += 1
                    problems = info.problems(row)
                    if problems:
                        report.dirty_rows += 1
                    for problem in problems:
                        yield problem
            yield report
    finally:
        await source.dispose()


__all__ = ["TableReport", "lint_data"]
