"""SQL sources: map a strawberry type onto an existing table, with batched loading.

An OPD developer describes, once per type, which table (or select) holds it and how a row
becomes the strawberry object (`SqlEntity`). The kit then gives:

- `get(ctx, value)`: one object by a unique column (an `@key`); every call made while the
  request's resolvers run is batched into one `SELECT … WHERE column IN (…)` by a DataLoader,
  so `_entities` with N representations costs one statement, not N;
- `list_by(ctx, column, value)`: the rows pointing at a parent (visits of a citizen, bills of a
  tax object), batched the same way;
- `page(ctx, first=…, after=…, filters=…)`: a list field with a limit, an opaque cursor and
  equality filters.

The same code runs on SQLite, PostgreSQL and MariaDB/MySQL: only the URL changes.
"""

from __future__ import annotations

import base64
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from graphql import GraphQLError
from sqlalchemy import ColumnElement, FromClause, Select, select, text
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from subgraphs.kit.context import SubgraphContext

T = TypeVar("T")
logger = logging.getLogger("splp.subgraph.sql")

# Large enough that a gateway's `_entities` batch is one statement; small enough for every
# database's limit on bound parameters (SQLite's is 32766).
IN_CHUNK = 10_000
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """An async engine for any of the three databases, chosen by the URL alone."""
    if url.startswith("sqlite") and (":memory:" in url or url.endswith("://")):
        # An in-memory SQLite database lives in one connection: share it.
        options.setdefault("poolclass", StaticPool)
    if url.startswith("mysql"):
        options.setdefault("pool_recycle", 3600)
    return create_async_engine(url, **options)


class SqlSource:
    """A subgraph's database: one async engine for the app's lifetime."""

    def __init__(self, url: str, **options: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **options)

    async def fetch_all(self, statement: Select[Any]) -> list[RowMapping]:
        try:
            async with self.engine.connect() as connection:
                result = await connection.execute(statement)
                return list(result.mappings().all())
        except (OSError, OperationalError, InterfaceError) as error:
            # The client gets a clear error; the cause goes to the log, not to the client.
            logger.warning("database %s unavailable: %s", self.engine.url.render_as_string(), error)
            raise GraphQLError(
                "The subgraph's database is unavailable; try again later",
                extensions={"code": "DATABASE_UNAVAILABLE"},
            ) from None

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


@dataclass
class Page(Generic[T]):
    """One page of a list field: its items, the cursor after the last one, whether more follow."""

    items: list[T]
    end_cursor: str | None
    has_next_page: bool


def encode_cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> object:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise GraphQLError(
            f"Invalid cursor {cursor!r}: pass the endCursor of a previous page",
            extensions={"code": "INVALID_CURSOR", "value": cursor},
        ) from None


def _check_page_size(first: int) -> None:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise GraphQLError(
            f"first must be between 1 and {MAX_PAGE_SIZE}, got {first}",
            extensions={"code": "INVALID_PAGE_SIZE", "value": first, "reason": f"1..{MAX_PAGE_SIZE}"},
        )


def _chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class SqlEntity(Generic[T]):
    """A strawberry type stored in a table (or any select), keyed by a unique column."""

    def __init__(
        self,
        source: FromClause,
        build: Callable[[RowMapping], T],
        *,
        key: str,
        order_by: Sequence[str] = (),
    ) -> None:
        self.source = source
        self.build = build
        self.key = key
        # Pages and grouped lists are ordered by these columns, then by the key (unique: a stable order).
        self.order_by = tuple(order_by)

    def column(self, name: str) -> ColumnElement[Any]:
        try:
            return self.source.c[name]  # type: ignore[no-any-return]
        except KeyError:
            raise ValueError(f"{self.source} has no column {name!r}") from None

    def _select(self, filters: Mapping[str, object]) -> Select[Any]:
        statement = select(self.source)
        for name, value in filters.items():
            if value is not None:
                statement = statement.where(self.column(name) == value)
        return statement

    def _ordering(self) -> list[ColumnElement[Any]]:
        return [self.column(name) for name in (*self.order_by, self.key)]

    async def get(self, ctx: SubgraphContext, value: object, *, column: str | None = None) -> T | None:
        """The object whose `column` (the key by default) equals `value`, or None; batched."""
        name = column or self.key

        async def load(values: list[Any]) -> list[T | None]:
            found: dict[Any, T] = {}
            for chunk in _chunks(values, IN_CHUNK):
                statement = select(self.source).where(self.column(name).in_(chunk))
                for row in await ctx.database.fetch_all(statement):
                    found[row[name]] = self.build(row)
            return [found.get(value) for value in values]

        loader = ctx.loader(("get", id(self), name), load)
        result: T | None = await loader.load(value)
        return result

    async def list_by(
        self, ctx: SubgraphContext, column: str, value: object, **filters: object
    ) -> list[T]:
        """Every object whose `column` equals `value` (and the equality `filters`); batched by value."""
        active = tuple(sorted((name, v) for name, v in filters.items() if v is not None))
        group_column = self.column(column)

        async def load(values: list[Any]) -> list[list[T]]:
            groups: dict[Any, list[T]] = defaultdict(list)
            for chunk in _chunks(values, IN_CHUNK):
                statement = self._select(dict(active)).where(group_column.in_(chunk))
                statement = statement.order_by(group_column, *self._ordering())
                for row in await ctx.database.fetch_all(statement):
                    groups[row[column]].append(self.build(row))
            return [groups.get(value, []) for value in values]

        key: Hashable = ("list_by", id(self), column, active)
        loader = ctx.loader(key, load)
        result: list[T] = await loader.load(value)
        return result

    async def page(
        self,
        ctx: SubgraphContext,
        *,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        filters: Mapping[str, object] | None = None,
    ) -> Page[T]:
        """A page in key order after the cursor `after`, keeping rows equal to every non-null filter."""
        _check_page_size(first)
        statement = self._select(filters or {})
        if after is not None:
            statement = statement.where(self.column(self.key) > decode_cursor(after))
        statement = statement.order_by(self.column(self.key)).limit(first + 1)
        rows = await ctx.database.fetch_all(statement)
        more = len(rows) > first
        rows = rows[:first]
        cursor = encode_cursor(rows[-1][self.key]) if rows else None
        return Page(items=[self.build(row) for row in rows], end_cursor=cursor, has_next_page=more)
