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

import asyncio
import base64
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Hashable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from graphql import GraphQLError
from sqlalchemy import ColumnElement, FromClause, Select, func, select, text
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
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


# A subgraph's database answers within these, or the request gets a clear error (seconds).
CONNECT_TIMEOUT = 5.0
STATEMENT_TIMEOUT = 15.0


def create_engine(
    url: str, *, connect_timeout: float | None = None, statement_timeout: float | None = None, **options: Any
) -> AsyncEngine:
    """An async engine for any of the three databases, chosen by the URL alone.

    `connect_timeout` bounds opening a connection; `statement_timeout` makes the server itself
    stop a statement running longer (PostgreSQL `statement_timeout`, MariaDB
    `max_statement_time`); on SQLite it is how long a statement waits for a lock (busy timeout).
    """
    connect_args: dict[str, Any] = options.pop("connect_args", {})
    if url.startswith("sqlite") and (":memory:" in url or url.endswith("://")):
        # An in-memory SQLite database lives in one connection: share it.
        options.setdefault("poolclass", StaticPool)
    if url.startswith("sqlite"):
        if statement_timeout is not None:
            connect_args.setdefault("timeout", statement_timeout)
    elif url.startswith("postgresql"):
        if connect_timeout is not None:
            connect_args.setdefault("timeout", connect_timeout)
        if statement_timeout is not None:
            connect_args.setdefault("server_settings", {})["statement_timeout"] = str(int(statement_timeout * 1000))
    elif url.startswith("mysql") or url.startswith("mariadb"):
        options.setdefault("pool_recycle", 3600)
        if connect_timeout is not None:
            connect_args.setdefault("connect_timeout", max(1, round(connect_timeout)))
        if statement_timeout is not None:
            connect_args.setdefault("init_command", f"SET SESSION max_statement_time={statement_timeout:g}")
    if connect_args:
        options["connect_args"] = connect_args
    return create_async_engine(url, **options)


_TIMEOUT_MARKERS = ("statement timeout", "max_statement_time", "query execution was interrupted",
                    "canceling statement", "database is locked")


def database_error(error: BaseException) -> GraphQLError:
    """The coded error a client gets for a database failure; the detail (SQL, parameters, the
    driver's text) is logged, never sent."""
    text_ = str(error).lower()
    if isinstance(error, TimeoutError) or any(marker in text_ for marker in _TIMEOUT_MARKERS):
        logger.warning("database statement timed out: %s", error)
        return GraphQLError("The subgraph's database did not answer in time; try again later",
                            extensions={"code": "DATABASE_TIMEOUT"})
    if isinstance(error, OSError | InterfaceError) or (
        isinstance(error, OperationalError) and error.connection_invalidated
    ) or isinstance(getattr(error, "orig", None), OSError) or "connect" in text_:
        logger.warning("database unavailable: %s", error)
        return GraphQLError("The subgraph's database is unavailable; try again later",
                            extensions={"code": "DATABASE_UNAVAILABLE"})
    logger.error("database error", exc_info=error)
    return GraphQLError("The subgraph's database refused the request", extensions={"code": "DATABASE_ERROR"})


class SqlSource:
    """A subgraph's database: one async engine for the app's lifetime, with timeouts."""

    def __init__(
        self,
        url: str,
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        statement_timeout: float = STATEMENT_TIMEOUT,
        **options: Any,
    ) -> None:
        self.url = url
        self.engine = create_engine(url, connect_timeout=connect_timeout, statement_timeout=statement_timeout,
                                    **options)

    async def fetch_all(self, statement: Select[Any]) -> list[RowMapping]:
        try:
            async with self.engine.connect() as connection:
                try:
                    result = await connection.execute(statement)
                except asyncio.CancelledError:
                    # The client went away: stop the statement on the server too, not just here.
                    await self._cancel(connection)
                    raise
                return list(result.mappings().all())
        except (OSError, TimeoutError, SQLAlchemyError) as error:
            raise database_error(error) from None

    async def _cancel(self, connection: AsyncConnection) -> None:
        """Stop the statement `connection` runs and drop the connection (its protocol state is unknown).

        asyncpg already sends PostgreSQL a cancel request when its await is cancelled; MariaDB's
        client protocol has none, so the statement is killed from a second connection."""
        try:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            if self.engine.dialect.name in ("mysql", "mariadb") and driver is not None:
                thread_id = int(driver.thread_id())
                async with self.engine.connect() as killer:
                    await killer.execute(text(f"KILL QUERY {thread_id}"))
            await connection.invalidate()
        except Exception as error:  # the client is gone: nobody to tell but the log
            logger.warning("could not cancel a statement after the client left: %s", error)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A connection in a transaction (committed when the block ends, rolled back on an error);
        a database failure inside is a coded error like `fetch_all`'s."""
        try:
            async with self.engine.begin() as connection:
                yield connection
        except (OSError, TimeoutError, SQLAlchemyError) as error:
            raise database_error(error) from None

    @staticmethod
    def check_lengths(table: FromClause, values: Mapping[str, object]) -> None:
        """Refuse a value longer than its column before writing it (`VALUE_TOO_LONG` with the limit)."""
        for name, value in values.items():
            column = table.c[name]
            limit = getattr(column.type, "length", None)
            if isinstance(value, str) and limit is not None and len(value) > limit:
                field = name.split("_")[0] + "".join(part.capitalize() for part in name.split("_")[1:])
                raise GraphQLError(
                    f"{field} is at most {limit} characters, got {len(value)}",
                    extensions={"code": "VALUE_TOO_LONG", "field": field, "limit": limit, "length": len(value)},
                )

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


def decode_cursor(cursor: str, kind: type | None = None) -> object:
    """The key a cursor holds; a cursor that is not one this kit wrote (or not of the key's
    type `kind`) is an INVALID_CURSOR error, never a database error."""
    invalid = GraphQLError(
        "Invalid cursor: pass the endCursor of a previous page",
        extensions={"code": "INVALID_CURSOR", "value": cursor[:40]},
    )
    if len(cursor) > 400:
        raise invalid
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise invalid from None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise invalid
    if kind is not None and not isinstance(value, kind):
        raise invalid
    return value


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

    def _ordering(self, order_by: Sequence[str] = ()) -> list[ColumnElement[Any]]:
        """`order_by` names ("-name" descending), then the entity's own order, then the key."""
        terms: list[ColumnElement[Any]] = []
        seen: set[str] = set()
        for name in (*order_by, *self.order_by, self.key):
            bare = name.lstrip("-")
            if bare in seen:
                continue
            seen.add(bare)
            column = self.column(bare)
            terms.append(column.desc() if name.startswith("-") else column.asc())
        return terms

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
        self,
        ctx: SubgraphContext,
        column: str,
        value: object,
        *,
        order_by: Sequence[str] = (),
        limit: int | None = None,
        **filters: object,
    ) -> list[T]:
        """Every object whose `column` equals `value` (and the equality `filters`); batched by value.

        `order_by` ("-name" for descending) and `limit` (per value) run in the database: one
        statement for the whole batch, the limit by `ROW_NUMBER() OVER (PARTITION BY column)`.
        """
        active = tuple(sorted((name, v) for name, v in filters.items() if v is not None))
        order = tuple(order_by)
        if limit is not None and limit < 0:
            raise GraphQLError(f"limit must not be negative, got {limit}",
                               extensions={"code": "INVALID_LIMIT", "value": limit})
        group_column = self.column(column)

        async def load(values: list[Any]) -> list[list[T]]:
            groups: dict[Any, list[T]] = defaultdict(list)
            if limit == 0:
                return [[] for _ in values]
            for chunk in _chunks(values, IN_CHUNK):
                statement = self._select(dict(active)).where(group_column.in_(chunk))
                if limit is not None:
                    numbered = statement.add_columns(
                        func.row_number().over(partition_by=group_column, order_by=self._ordering(order))
                        .label("_kit_row")
                    ).subquery("numbered")
                    statement = select(*(numbered.c[c.key] for c in self.source.columns)).where(
                        numbered.c["_kit_row"] <= limit
                    ).order_by(numbered.c[column], numbered.c["_kit_row"])
                else:
                    statement = statement.order_by(group_column, *self._ordering(order))
                for row in await ctx.database.fetch_all(statement):
                    groups[row[column]].append(self.build(row))
            return [groups.get(value, []) for value in values]

        key: Hashable = ("list_by", id(self), column, active, order, limit)
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
            key_column = self.column(self.key)
            try:
                kind: type | None = key_column.type.python_type
            except NotImplementedError:
                kind = None
            statement = statement.where(key_column > decode_cursor(after, kind))
        statement = statement.order_by(self.column(self.key)).limit(first + 1)
        rows = await ctx.database.fetch_all(statement)
        more = len(rows) > first
        rows = rows[:first]
        cursor = encode_cursor(rows[-1][self.key]) if rows else None
        return Page(items=[self.build(row) for row in rows], end_cursor=cursor, has_next_page=more)
