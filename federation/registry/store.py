"""Where the registry keeps subgraphs, supergraph versions, tokens and usage (SQLAlchemy).

SQLite by default, PostgreSQL in production (any SQLAlchemy async URL works; plain
`sqlite:///` and `postgresql://` URLs get their async driver). Writes that create a
supergraph version are serialised: an asyncio lock orders the writers of this process,
and a `SELECT ... FOR UPDATE` on the one-row `registry_write_lock` table orders writers
across processes (on SQLite, where FOR UPDATE does not exist, the write transaction starts
with `BEGIN IMMEDIATE`, which takes the database's write lock up front). Each write reads
the current subgraphs inside that lock, so a concurrent publish can never be lost: the
second one composes on top of the first and gets the next version number.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, delete, event, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from federation import migrations
from federation.compose import CompositionError, CompositionResult, SubgraphSource
from federation.registry import tables
from federation.registry.takeover import takeovers
from federation.supergraph import Supergraph, SupergraphError

log = logging.getLogger("splp.registry")

Composer = Callable[[list[SubgraphSource]], CompositionResult]
# Reviews a publish that composes, from the current supergraph SDL to the new one: the
# reasons to refuse it (none: go ahead). Called inside the write lock.
Reviewer = Callable[["RegistryStore", str, str], Awaitable[tuple[CompositionError, ...]]]

ROLES = ("admin", "publisher", "gateway")


class StoreError(Exception):
    """A request the store cannot carry out, with a reason fit for the user."""


class NotFound(StoreError):
    """The subgraph, version or token a request names does not exist."""


@dataclass(frozen=True)
class StoredSubgraph:
    name: str
    url: str
    sdl: str
    owner: str
    updated_at: datetime


@dataclass(frozen=True)
class VersionInfo:
    """A supergraph version as history lists it."""

    number: int
    created_at: datetime
    action: str  # "publish" | "remove" | "rollback"
    subgraph: str | None  # the subgraph a publish or remove changed
    actor: str  # label of the token that made it
    rollback_of: int | None
    subgraph_names: tuple[str, ...]


@dataclass(frozen=True)
class SupergraphVersion(VersionInfo):
    supergraph_sdl: str
    subgraphs: tuple[StoredSubgraph, ...]


@dataclass(frozen=True)
class PublishOutcome:
    """A publish: the version it made (or the unchanged current one), or why it failed."""

    version: SupergraphVersion | None
    errors: tuple[CompositionError, ...]
    changed: bool


@dataclass(frozen=True)
class Token:
    id: int
    label: str
    role: str
    subgraphs: frozenset[str]
    created_at: datetime

    def may_publish(self, subgraph: str) -> bool:
        return self.role == "admin" or (self.role == "publisher" and subgraph in self.subgraphs)


TAKEOVER_CODE = "TAKEOVER_NOT_APPROVED"
TAKEOVER_APPROVERS = 2  # distinct admin tokens: a two-party approval


@lru_cache(maxsize=8)
def load_supergraph(sdl: str) -> Supergraph:
    """`Supergraph.from_sdl`, remembered for the few supergraphs a check compares."""
    return Supergraph.from_sdl(sdl)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def async_database_url(url: str) -> str:
    """The SQLAlchemy async URL for `url`, adding the async driver to plain URLs."""
    try:
        parsed = make_url(url)
    except ArgumentError as e:
        raise StoreError(f"invalid database URL {url!r}: {e}") from e
    drivers = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "mysql": "mysql+aiomysql"}
    if parsed.drivername in drivers:
        parsed = parsed.set(drivername=drivers[parsed.drivername])
    return parsed.render_as_string(hide_password=False)


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything the store writes is UTC
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _use_begin_immediate_on_sqlite(engine: AsyncEngine) -> None:
    # Take over BEGIN from the sqlite3 driver (which would only begin on DML) so that
    # reads are transactional and write transactions lock the database up front.
    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("splp_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _subgraphs_json(subgraphs: Iterable[StoredSubgraph]) -> str:
    return json.dumps(
        [
            {
                "name": s.name,
                "url": s.url,
                "sdl": s.sdl,
                "owner": s.owner,
                "updated_at": s.updated_at.isoformat(),
            }
            for s in subgraphs
        ]
    )


def _subgraphs_from_json(text: str) -> tuple[StoredSubgraph, ...]:
    return tuple(
        StoredSubgraph(
            name=item["name"],
            url=item["url"],
            sdl=item["sdl"],
            owner=item["owner"],
            updated_at=datetime.fromisoformat(item["updated_at"]),
        )
        for item in json.loads(text)
    )


def _replace(subgraphs: Iterable[StoredSubgraph], new: StoredSubgraph) -> list[StoredSubgraph]:
    return sorted([s for s in subgraphs if s.name != new.name] + [new], key=lambda s: s.name)


def _info_from_row(row: Any) -> VersionInfo:
    return VersionInfo(
        number=row.number,
        created_at=_utc(row.created_at),
        action=row.action,
        subgraph=row.subgraph,
        actor=row.actor,
        rollback_of=row.rollback_of,
        subgraph_names=tuple(json.loads(row.subgraph_names)),
    )


def _version_from_row(row: Any) -> SupergraphVersion:
    return SupergraphVersion(
        **asdict(_info_from_row(row)),
        supergraph_sdl=row.supergraph_sdl,
        subgraphs=_subgraphs_from_json(row.subgraphs),
    )


def _token_from_row(row: Any) -> Token:
    return Token(
        id=row.id,
        label=row.label,
        role=row.role,
        subgraphs=frozenset(json.loads(row.subgraphs)),
        created_at=_utc(row.created_at),
    )


def _subgraph_from_row(row: Any) -> StoredSubgraph:
    return StoredSubgraph(name=row.name, url=row.url, sdl=row.sdl, owner=row.owner, updated_at=_utc(row.updated_at))


class RegistryStore:
    def __init__(self, engine: AsyncEngine, compose: Composer) -> None:
        self.engine = engine
        self._compose = compose
        self._write_lock = asyncio.Lock()
        self._new_version = asyncio.Event()

    @classmethod
    async def open(cls, url: str, compose: Composer) -> RegistryStore:
        """Connect to the database at `url` and create the registry's tables if missing."""
        database_url = async_database_url(url)
        if make_url(database_url).get_backend_name() == "sqlite":
            # a write waits for the one in progress (a publish composes inside its transaction)
            engine = create_async_engine(database_url, connect_args={"timeout": 60})
            _use_begin_immediate_on_sqlite(engine)
        else:
            engine = create_async_engine(database_url)
        store = cls(engine, compose)
        try:
            await store._create_schema()
        except BaseException:
            await engine.dispose()
            raise
        return store

    async def close(self) -> None:
        await self.engine.dispose()

    async def _create_schema(self) -> None:
        async with self._write_transaction(lock=False) as conn:
            await migrations.upgrade_connection(conn, "registry")
            if (await conn.execute(select(tables.write_lock.c.id))).first() is None:
                await conn.execute(insert(tables.write_lock).values(id=1))

    @asynccontextmanager
    async def _write_transaction(self, *, lock: bool = True) -> AsyncIterator[AsyncConnection]:
        """A transaction holding the registry's write lock until it commits (or rolls back)."""
        async with self.engine.connect() as conn:
            await conn.execution_options(splp_write=True)
            async with conn.begin():
                if lock and self.engine.dialect.name != "sqlite":
                    # SQLite has no FOR UPDATE; its BEGIN IMMEDIATE already holds the write lock
                    await conn.execute(select(tables.write_lock).with_for_update())
                yield conn

    # -- reading

    async def subgraphs(self) -> list[StoredSubgraph]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(tables.subgraphs).order_by(tables.subgraphs.c.name))
            return [_subgraph_from_row(row) for row in rows]

    async def subgraph(self, name: str) -> StoredSubgraph | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(tables.subgraphs).where(tables.subgraphs.c.name == name))).first()
            return None if row is None else _subgraph_from_row(row)

    async def latest(self) -> SupergraphVersion | None:
        async with self.engine.connect() as conn:
            return await self._latest(conn)

    async def _latest(self, conn: AsyncConnection) -> SupergraphVersion | None:
        query = select(tables.supergraph_versions).order_by(tables.supergraph_versions.c.number.desc()).limit(1)
        row = (await conn.execute(query)).first()
        return None if row is None else _version_from_row(row)

    async def version(self, number: int) -> SupergraphVersion | None:
        async with self.engine.connect() as conn:
            query = select(tables.supergraph_versions).where(tables.supergraph_versions.c.number == number)
            row = (await conn.execute(query)).first()
            return None if row is None else _version_from_row(row)

    async def history(self, limit: int | None = None) -> list[VersionInfo]:
        """Supergraph versions, newest first (the `limit` newest ones)."""
        v = tables.supergraph_versions
        columns = [v.c.number, v.c.created_at, v.c.action, v.c.subgraph, v.c.actor, v.c.rollback_of, v.c.subgraph_names]
        query = select(*columns).order_by(v.c.number.desc()).limit(limit)
        async with self.engine.connect() as conn:
            return [_info_from_row(row) for row in await conn.execute(query)]

    async def latest_number(self) -> int:
        """The latest version's number, 0 when nothing was published."""
        async with self.engine.connect() as conn:
            number = (await conn.execute(select(func.max(tables.supergraph_versions.c.number)))).scalar()
        return int(number or 0)

    async def wait_for_version_after(self, number: int, timeout: float) -> SupergraphVersion | None:
        """The latest version if newer than `number`, waiting up to `timeout` seconds for one.

        Writes by this process wake the waiters at once; the database is also re-read every
        second so that versions written by another registry process are seen too.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._new_version
            if await self.latest_number() > number:
                return await self.latest()
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout=min(1.0, remaining))

    def _announce_new_version(self) -> None:
        event, self._new_version = self._new_version, asyncio.Event()
        event.set()

    # -- composing

    async def compose(self, subgraphs: Sequence[StoredSubgraph]) -> CompositionResult:
        """Compose `subgraphs`; a result the gateway could not load counts as a failure.

        Composition is CPU work, so it runs in a thread to keep the registry answering.
        """
        sources = [SubgraphSource(s.name, s.url, s.sdl) for s in subgraphs]
        return await asyncio.to_thread(self._compose_and_load, sources)

    def _compose_and_load(self, sources: list[SubgraphSource]) -> CompositionResult:
        try:
            result = self._compose(sources)
        except Exception as e:
            # a composer bug must refuse the publish with a reason, not fail the request
            log.exception("composition failed on %s", [s.name for s in sources])
            error = CompositionError("INTERNAL_ERROR", f"composition failed unexpectedly: {e!r}")
            return CompositionResult(supergraph_sdl=None, errors=(error,))
        if result.errors or result.supergraph_sdl is None:
            return CompositionResult(supergraph_sdl=None, errors=tuple(result.errors))
        try:
            load_supergraph(result.supergraph_sdl)
        except SupergraphError as e:
            error = CompositionError("INVALID_SUPERGRAPH", f"the gateway cannot load the composed supergraph: {e}")
            return CompositionResult(supergraph_sdl=None, errors=(error,))
        return result

    async def compose_with(
        self, subgraphs: Sequence[StoredSubgraph], name: str, url: str | None, sdl: str
    ) -> CompositionResult:
        """Compose `subgraphs` with `name` replaced by (or added as) `sdl`.

        Without `url`, the subgraph keeps its routing URL (a new one gets a placeholder:
        the URL does not change what composes).
        """
        existing = next((s for s in subgraphs if s.name == name), None)
        if url is None:
            url = existing.url if existing else f"http://{name}.invalid/graphql"
        candidate = StoredSubgraph(name=name, url=url, sdl=sdl, owner="", updated_at=_now())
        return await self.compose(_replace(subgraphs, candidate))

    # -- writing supergraph versions

    async def publish(
        self, name: str, url: str, sdl: str, actor: str, review: Reviewer | None = None
    ) -> PublishOutcome:
        """Compose `sdl` with every other current subgraph; store a new version on success.

        On a composition failure, or when `review` finds reasons to refuse the result,
        nothing changes. Publishing what is already current changes nothing either and
        answers with the current version.
        """
        # Composed before the write lock, on the subgraphs as they are now; under the lock the
        # result is used only if nobody changed them meanwhile (else composed again there), so
        # the lock is held to commit, not for a composition that can take seconds.
        composed: tuple[list[tuple[str, str, str]], CompositionResult] | None = None
        before = await self.subgraphs()
        if not any(s.name == name and s.url == url and s.sdl == sdl for s in before):
            probe = _replace(before, StoredSubgraph(name=name, url=url, sdl=sdl, owner=actor, updated_at=_now()))
            composed = (_identity(before), await self.compose(probe))
        async with self._write_lock, self._write_transaction() as conn:
            current = [
                _subgraph_from_row(row)
                for row in await conn.execute(select(tables.subgraphs).order_by(tables.subgraphs.c.name))
            ]
            existing = next((s for s in current if s.name == name), None)
            if existing is not None and existing.url == url and existing.sdl == sdl:
                return PublishOutcome(version=await self._latest(conn), errors=(), changed=False)

            now = _now()
            published = StoredSubgraph(
                name=name, url=url, sdl=sdl, owner=existing.owner if existing else actor, updated_at=now
            )
            candidate = _replace(current, published)
            if composed is not None and composed[0] == _identity(current):
                result = composed[1]
            else:
                result = await self.compose(candidate)  # someone published meanwhile
            refusals = result.errors
            if result.supergraph_sdl is not None:
                # under the write lock: no other publish changes who owns what meanwhile
                refusals = await self._takeovers(conn, name, sdl, current)
            if result.supergraph_sdl is not None and not refusals:
                refusals = await self._review(conn, review, result)
            if refusals:
                await conn.rollback()
                return PublishOutcome(version=None, errors=refusals, changed=False)
            assert result.supergraph_sdl is not None

            values = {"url": url, "sdl": sdl, "owner": published.owner, "updated_at": now}
            if existing is None:
                await conn.execute(insert(tables.subgraphs).values(name=name, **values))
            else:
                await conn.execute(update(tables.subgraphs).where(tables.subgraphs.c.name == name).values(**values))
            version = await self._insert_version(
                conn,
                supergraph_sdl=result.supergraph_sdl,
                subgraphs=candidate,
                action="publish",
                subgraph=name,
                actor=actor,
                rollback_of=None,
            )
        self._announce_new_version()
        return PublishOutcome(version=version, errors=(), changed=True)

    async def _takeovers(
        self, conn: AsyncConnection, name: str, sdl: str, current: Sequence[StoredSubgraph]
    ) -> tuple[CompositionError, ...]:
        """Fields `name` would take from another subgraph without two admins' approval."""
        others = {s.name: s.sdl for s in current}
        taken = takeovers(name, sdl, others.get(name), others)
        if not taken:
            return ()
        t = tables.takeover_approvals
        rows = (await conn.execute(select(t.c.coordinate, t.c.approver_id).where(t.c.subgraph == name))).all()
        approvers: dict[str, set[int]] = {}
        for coordinate, approver_id in rows:
            approvers.setdefault(coordinate, set()).add(approver_id)
        return tuple(
            CompositionError(TAKEOVER_CODE, found.describe(name))
            for found in taken
            if len(approvers.get(found.coordinate, ())) < TAKEOVER_APPROVERS
        )

    async def _review(
        self, conn: AsyncConnection, review: Reviewer | None, result: CompositionResult
    ) -> tuple[CompositionError, ...]:
        latest = await self._latest(conn)
        if review is None or latest is None or result.supergraph_sdl is None:
            return ()
        return await review(self, latest.supergraph_sdl, result.supergraph_sdl)

    async def remove(self, name: str, actor: str, review: Reviewer | None = None) -> PublishOutcome:
        """Compose the other subgraphs without `name`; on success it is gone, as a new version.

        Refused (nothing changes) when the others do not compose on their own, when
        `review` finds reasons to refuse the result, and when `name` is the last subgraph:
        a supergraph needs at least one.
        """
        async with self._write_lock, self._write_transaction() as conn:
            current = [
                _subgraph_from_row(row)
                for row in await conn.execute(select(tables.subgraphs).order_by(tables.subgraphs.c.name))
            ]
            if all(s.name != name for s in current):
                raise NotFound(f"there is no subgraph {name!r}")
            remaining = [s for s in current if s.name != name]
            if not remaining:
                raise StoreError(f"{name!r} is the last subgraph: a supergraph needs at least one")
            result = await self.compose(remaining)
            refusals = result.errors if result.supergraph_sdl is None else await self._review(conn, review, result)
            if refusals:
                await conn.rollback()
                return PublishOutcome(version=None, errors=refusals, changed=False)
            assert result.supergraph_sdl is not None
            await conn.execute(delete(tables.subgraphs).where(tables.subgraphs.c.name == name))
            version = await self._insert_version(
                conn,
                supergraph_sdl=result.supergraph_sdl,
                subgraphs=remaining,
                action="remove",
                subgraph=name,
                actor=actor,
                rollback_of=None,
            )
        self._announce_new_version()
        return PublishOutcome(version=version, errors=(), changed=True)

    async def rollback(self, number: int, actor: str) -> SupergraphVersion:
        """Make version `number`'s supergraph and subgraphs current again, as a new version."""
        async with self._write_lock, self._write_transaction() as conn:
            query = select(tables.supergraph_versions).where(tables.supergraph_versions.c.number == number)
            row = (await conn.execute(query)).first()
            if row is None:
                raise NotFound(f"there is no supergraph version {number}")
            target = _version_from_row(row)
            await conn.execute(delete(tables.subgraphs))
            if target.subgraphs:
                await conn.execute(
                    insert(tables.subgraphs),
                    [
                        {
                            "name": s.name,
                            "url": s.url,
                            "sdl": s.sdl,
                            "owner": s.owner,
                            "updated_at": s.updated_at,
                        }
                        for s in target.subgraphs
                    ],
                )
            version = await self._insert_version(
                conn,
                supergraph_sdl=target.supergraph_sdl,
                subgraphs=target.subgraphs,
                action="rollback",
                subgraph=None,
                actor=actor,
                rollback_of=number,
            )
        self._announce_new_version()
        return version

    async def _insert_version(
        self,
        conn: AsyncConnection,
        *,
        supergraph_sdl: str,
        subgraphs: Sequence[StoredSubgraph],
        action: str,
        subgraph: str | None,
        actor: str,
        rollback_of: int | None,
    ) -> SupergraphVersion:
        last = (await conn.execute(select(func.max(tables.supergraph_versions.c.number)))).scalar()
        version = SupergraphVersion(
            number=(last or 0) + 1,
            created_at=_now(),
            action=action,
            subgraph=subgraph,
            actor=actor,
            rollback_of=rollback_of,
            subgraph_names=tuple(s.name for s in subgraphs),
            supergraph_sdl=supergraph_sdl,
            subgraphs=tuple(subgraphs),
        )
        await conn.execute(
            insert(tables.supergraph_versions).values(
                number=version.number,
                supergraph_sdl=version.supergraph_sdl,
                subgraphs=_subgraphs_json(version.subgraphs),
                subgraph_names=json.dumps(version.subgraph_names),
                created_at=version.created_at,
                action=action,
                subgraph=subgraph,
                actor=actor,
                rollback_of=rollback_of,
            )
        )
        return version

    # -- tokens

    async def approve_takeover(self, subgraph: str, coordinates: Iterable[str], approver: Token, reason: str) -> None:
        """One admin's approval that `subgraph` may take these fields (a takeover needs two admins)."""
        now = _now()
        rows = [
            {"subgraph": subgraph, "coordinate": c, "approved_by": approver.label, "approver_id": approver.id,
             "reason": reason, "created_at": now}
            for c in sorted(set(coordinates))
        ]
        if rows:
            async with self.engine.begin() as conn:
                await conn.execute(insert(tables.takeover_approvals), rows)

    async def takeover_approvals(self, subgraph: str) -> dict[str, set[tuple[int, str]]]:
        """coordinate → the distinct admins (token id, label) who approved `subgraph` taking it."""
        t = tables.takeover_approvals
        async with self.engine.connect() as conn:
            found = (await conn.execute(select(t.c.coordinate, t.c.approver_id, t.c.approved_by)
                                        .where(t.c.subgraph == subgraph))).all()
        approvals: dict[str, set[tuple[int, str]]] = {}
        for coordinate, approver_id, label in found:
            approvals.setdefault(coordinate, set()).add((approver_id, label))
        return approvals

    async def create_token(self, role: str, subgraphs: Iterable[str], label: str) -> tuple[str, Token]:
        """A new token (returned once, stored only as a hash) and its record."""
        if role not in ROLES:
            raise StoreError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
        names = sorted(set(subgraphs))
        if role == "publisher" and not names:
            raise StoreError("a publisher token needs at least one subgraph name")
        secret = "splp_" + secrets.token_urlsafe(32)
        now = _now()
        async with self.engine.begin() as conn:
            result = await conn.execute(
                insert(tables.tokens).values(
                    token_hash=hash_token(secret),
                    label=label,
                    role=role,
                    subgraphs=json.dumps(names),
                    created_at=now,
                )
            )
            (token_id,) = result.inserted_primary_key or (0,)
        return secret, Token(id=token_id, label=label, role=role, subgraphs=frozenset(names), created_at=now)

    async def token(self, secret: str) -> Token | None:
        """The token whose secret this is, unless it is unknown or revoked."""
        t = tables.tokens
        async with self.engine.connect() as conn:
            query = select(t).where(t.c.token_hash == hash_token(secret), t.c.revoked_at.is_(None))
            row = (await conn.execute(query)).first()
        return None if row is None else _token_from_row(row)

    async def tokens(self) -> list[Token]:
        """Every token that is not revoked (never their secrets, which are not stored)."""
        t = tables.tokens
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(t).where(t.c.revoked_at.is_(None)).order_by(t.c.id))
            return [_token_from_row(row) for row in rows]

    async def revoke_token(self, token_id: int) -> None:
        t = tables.tokens
        async with self.engine.begin() as conn:
            result = await conn.execute(
                update(t).where(t.c.id == token_id, t.c.revoked_at.is_(None)).values(revoked_at=_now())
            )
        if result.rowcount == 0:
            raise NotFound(f"there is no token {token_id} (or it is already revoked)")

    # -- usage

    async def record_usage(self, entries: Iterable[tuple[str, str, int]], day: date | None = None) -> None:
        """Add (client, coordinate, operations) counts to `day`'s (today's) usage."""
        totals: dict[tuple[str, str], int] = {}
        for client, coordinate, operations in entries:
            totals[client, coordinate] = totals.get((client, coordinate), 0) + operations
        if not totals:
            return
        day = day or _now().date()
        rows = [{"day": day, "client": c, "coordinate": k, "operations": n} for (c, k), n in totals.items()]
        async with self.engine.begin() as conn:
            await conn.execute(_upsert_usage(conn.dialect.name), rows)

    async def clients_using(self, coordinates: Iterable[str], since: date) -> dict[str, int]:
        """For each client that used any of `coordinates` since `since`: its operation count."""
        wanted = sorted(set(coordinates))
        if not wanted:
            return {}
        u = tables.usage
        query = (
            select(u.c.client, func.sum(u.c.operations))
            .where(u.c.coordinate.in_(wanted), u.c.day >= since)
            .group_by(u.c.client)
            .order_by(u.c.client)
        )
        async with self.engine.connect() as conn:
            return {client: int(total) for client, total in await conn.execute(query)}


    # -- trusted documents

    async def publish_trusted_documents(self, client: str, documents: dict[str, str], actor: str) -> None:
        """Make `documents` (id -> text) `client`'s whole list: a release replaces the last one."""
        t = tables.trusted_documents
        now = _now()
        async with self.engine.begin() as conn:
            await conn.execute(delete(t).where(t.c.client == client))
            if documents:
                await conn.execute(insert(t), [
                    {"client": client, "id": i, "body": body, "published_by": actor, "published_at": now}
                    for i, body in sorted(documents.items())
                ])

    async def trusted_documents(self) -> list[tuple[str, str, str]]:
        """Every client's list as (client, id, text), in a stable order."""
        t = tables.trusted_documents
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(t.c.client, t.c.id, t.c.body).order_by(t.c.client, t.c.id))
            return [(client, i, body) for client, i, body in rows]


def _upsert_usage(dialect: str) -> Any:
    u = tables.usage
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(u)
        return pg.on_conflict_do_update(
            index_elements=[u.c.day, u.c.client, u.c.coordinate],
            set_={"operations": u.c.operations + pg.excluded.operations},
        )
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        lite = sqlite_insert(u)
        return lite.on_conflict_do_update(
            index_elements=[u.c.day, u.c.client, u.c.coordinate],
            set_={"operations": u.c.operations + lite.excluded.operations},
        )
    if dialect in ("mysql", "mariadb"):
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        my = mysql_insert(u)
        return my.on_duplicate_key_update(operations=u.c.operations + my.inserted.operations)
    raise StoreError(f"the registry does not support the {dialect} database")


def _identity(subgraphs: Sequence[StoredSubgraph]) -> list[tuple[str, str, str]]:
    """What composition depends on: each subgraph's name, URL and SDL."""
    return sorted((s.name, s.url, s.sdl) for s in subgraphs)
