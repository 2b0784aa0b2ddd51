"""The access trail in a database (PostgreSQL in production, SQLite for the demo).

    splp_trail             one row per record: seq, at, kind, writer, client, subject, role,
                           purpose, operation, operation_hash, fields, niks, outcome, prev_hash, hash
    splp_trail_checkpoint  signed (seq, hash) pairs, every `checkpoint_every` records and at shutdown
    splp_trail_head        the chain's head (last seq and hash): the lock every writer takes

`TrailWriter.record` only appends to a list in memory (the request path never waits for the
database); a background task writes the list every `interval` seconds in one transaction,
chaining each record to the one before, also across gateway processes sharing the database
(the head row is locked first). When a write fails the records stay in memory and are written
again; meanwhile `accepting` is False, and the gateway refuses personal-data requests (fail
closed) unless configured otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from federation import migrations
from federation.trail.chain import FIELDS, GENESIS, SigningKey, checkpoint_message, key_id, record_hash

log = logging.getLogger("splp.trail")

metadata = MetaData()
records = Table(
    "splp_trail",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("writer", String(128)),
    Column("client", String(128)),
    Column("subject", String(256)),
    Column("role", String(64)),
    Column("purpose", String(64)),
    Column("operation", String(256)),
    Column("operation_hash", String(64)),
    Column("fields", Text, nullable=False),
    Column("niks", Text, nullable=False),
    Column("outcome", String(64)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
checkpoints = Table(
    "splp_trail_checkpoint",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("at", String(32), nullable=False),
)
head = Table(
    "splp_trail_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("checkpoint_seq", Integer, nullable=False),
)

JSON_COLUMNS = ("fields", "niks")


def database_url(url: str) -> str:
    """An async SQLAlchemy URL for `sqlite:///…`, `postgresql://…` or one already async."""
    for plain, driver in (("sqlite://", "sqlite+aiosqlite://"), ("postgresql://", "postgresql+asyncpg://")):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


def open_engine(url: str) -> AsyncEngine:
    url = database_url(url)
    if url.startswith("sqlite"):
        return create_async_engine(url, connect_args={"timeout": 30})
    # No ping before each use: a flush is a handful of round trips, and a ping was one more;
    # a connection the server has dropped is retried once instead (TrailWriter._append).
    return create_async_engine(url, pool_size=2, max_overflow=2)


def now_iso(at: float | None = None) -> str:
    moment = datetime.fromtimestamp(time.time() if at is None else at, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


async def create_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # gateways starting together on an empty database: one creates the tables, the others wait
            await conn.execute(text("SELECT pg_advisory_xact_lock(727101)"))
        await migrations.upgrade_connection(conn, "trail")  # the tables above, as migrations/versions/ make them
        found = (await conn.execute(select(head.c.id).where(head.c.id == 1))).first()
        if found is None:
            with contextlib.suppress(SQLAlchemyError):  # another writer made it first
                async with conn.begin_nested():
                    await conn.execute(insert(head).values(id=1, seq=0, hash=GENESIS, checkpoint_seq=0))


def _row(record: dict[str, Any]) -> dict[str, Any]:
    # The stored text of a list column need only parse back to the list: the hash is taken
    # over the canonical form (federation.trail.chain), not over these bytes.
    return {**record, **{k: orjson.dumps(record.get(k) or []).decode() for k in JSON_COLUMNS}}


# Built once: a flush runs them every second, and building a statement costs more than sending it.
_LOCK_HEAD = update(head).where(head.c.id == 1).values(seq=head.c.seq)
_LOCK_AND_READ_HEAD = _LOCK_HEAD.returning(head.c.seq, head.c.hash, head.c.checkpoint_seq)
_READ_HEAD = select(head.c.seq, head.c.hash, head.c.checkpoint_seq).where(head.c.id == 1)
_SET_HEAD = update(head).where(head.c.id == 1)
_INSERT_RECORDS = insert(records)


def _record(row: Any) -> dict[str, Any]:
    record = dict(row._mapping)
    for k in JSON_COLUMNS:
        # left as stored when not JSON: verify reports the record, it does not crash on it
        with contextlib.suppress(TypeError, ValueError):
            record[k] = json.loads(record[k])
    return record


async def append(
    conn: AsyncConnection,
    entries: Sequence[dict[str, Any]],
    key: SigningKey | None,
    checkpoint_every: int,
    force_checkpoint: bool = False,
) -> int:
    """Chain and insert `entries` in the caller's transaction; returns the last seq."""
    # The head row's lock serialises writers, here and in other processes (SQLite: the write lock).
    if conn.dialect.update_returning:
        current = (await conn.execute(_LOCK_AND_READ_HEAD)).one()
    else:
        await conn.execute(_LOCK_HEAD)
        current = (await conn.execute(_READ_HEAD)).one()
    seq, prev, checkpoint_seq = current.seq, current.hash, current.checkpoint_seq
    rows = []
    for entry in entries:
        seq += 1
        record = {k: entry.get(k) for k in FIELDS}
        record["seq"] = seq
        for k in JSON_COLUMNS:
            record[k] = list(record.get(k) or [])
        record["at"] = entry["at"] if isinstance(entry.get("at"), str) else now_iso(entry.get("at"))
        digest = record_hash(prev, record)
        rows.append({**_row(record), "prev_hash": prev, "hash": digest})
        prev = digest
    if rows:
        await conn.execute(_INSERT_RECORDS, rows)
    if key is not None and seq > checkpoint_seq and (force_checkpoint or seq - checkpoint_seq >= checkpoint_every):
        await conn.execute(
            insert(checkpoints).values(
                seq=seq, hash=prev, key_id=key.key_id, signature=key.sign(seq, prev), at=now_iso()
            )
        )
        checkpoint_seq = seq
    await conn.execute(_SET_HEAD, {"seq": seq, "hash": prev, "checkpoint_seq": checkpoint_seq})
    return int(seq)


class TrailWriter:
    def __init__(
        self,
        url: str,
        *,
        key: SigningKey | None = None,
        interval: float = 1.0,
        batch: int = 500,
        checkpoint_every: int = 100,
        fail_closed: bool = True,
        max_pending: int = 100_000,
        writer: str | None = None,
    ) -> None:
        self.url = url
        self.engine = open_engine(url)
        self.key = key
        self.interval = interval
        self.batch = batch
        self.checkpoint_every = checkpoint_every
        self.fail_closed = fail_closed
        self.max_pending = max_pending
        # One name per process, so that gateways sharing a host (uvicorn's workers, several
        # containers with one hostname) each have their own start and stop records.
        self.writer = writer or f"{socket.gethostname()}:{os.getpid()}"
        self.pending: list[dict[str, Any]] = []
        self.healthy = False
        self.ready = False
        self.written = 0
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._flushing = asyncio.Lock()

    @property
    def accepting(self) -> bool:
        """Whether a personal-data request may be served: its record will be written."""
        if len(self.pending) >= self.max_pending:
            return False
        return self.healthy or not self.fail_closed

    def record(self, entry: dict[str, Any]) -> None:
        if len(self.pending) >= self.max_pending:
            log.error("access trail: %d records waiting, this one is dropped", len(self.pending))
            return
        self.pending.append({"kind": "access", "writer": self.writer, **entry})
        if len(self.pending) >= self.batch:
            self._wake.set()

    async def start(self) -> None:
        await self._connect()
        self._task = asyncio.ensure_future(self._run())

    async def _connect(self) -> None:
        try:
            await create_tables(self.engine)
            await self._say_how_the_last_run_ended()
            # The start record is written now, not with the first batch: a crash at any time
            # after start-up is then noticed at the next one (a start without its stop).
            async with self.engine.begin() as conn:
                await append(conn, [{"kind": "start", "writer": self.writer, "at": time.time()}], self.key,
                             self.checkpoint_every)
            self.ready = self.healthy = True
        except (SQLAlchemyError, OSError) as e:
            self.healthy = False
            log.error(
                "access trail database unavailable (%s): personal-data requests are refused until it answers", _short(e)
            )

    async def _say_how_the_last_run_ended(self) -> None:
        """Warn of each earlier run that started and never stopped (a crash), then close it with a
        stop record of its own so that it is reported once. The runs checked are this writer's own
        name and, for the default `host:pid` names, every process of this host that is gone."""
        host = socket.gethostname()
        async with self.engine.begin() as conn:
            # the head's lock first: two processes starting together close a crashed run once
            await conn.execute(update(head).where(head.c.id == 1).values(seq=head.c.seq))
            last_seqs = (
                select(func.max(records.c.seq))
                .where(records.c.kind.in_(("start", "stop")))
                .where(or_(records.c.writer == self.writer, records.c.writer.like(f"{host}:%")))
                .group_by(records.c.writer)
            )
            ends = (
                await conn.execute(
                    select(records.c.writer, records.c.kind, records.c.at).where(records.c.seq.in_(last_seqs))
                )
            ).all()
            crashed = [end for end in ends if end.kind == "start" and self._is_gone(end.writer, host)]
            for end in crashed:
                log.warning(
                    "access trail: the previous run of writer %r (started %s) ended without closing the trail; "
                    "records of its last %.1f s batch window may be lost",
                    end.writer,
                    end.at,
                    self.interval,
                )
            if crashed:
                closed = [{"kind": "stop", "writer": end.writer, "at": time.time(), "outcome": "crashed"}
                          for end in crashed]
                await append(conn, closed, self.key, self.checkpoint_every)

    def _is_gone(self, writer: str, host: str) -> bool:
        if writer == self.writer:
            return True  # this name's earlier run, by definition over
        pid = writer.removeprefix(f"{host}:")
        if not pid.isdigit():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False  # alive, another user's
        return False

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            await self.flush()

    async def flush(self, final: bool = False) -> bool:
        async with self._flushing:
            if not self.ready:
                await self._connect()
                if not self.ready:
                    return False
            # What is pending now, in batches; records arriving meanwhile wait for the next
            # round (else a busy gateway commits one transaction per record). A final flush
            # writes everything.
            due = None if final else len(self.pending)
            while (self.pending if due is None else due > 0) or final:
                taken = self.pending[: self.batch if due is None else min(self.batch, due)]
                try:
                    await self._append(taken, final)
                except (SQLAlchemyError, OSError) as e:
                    if self.healthy:
                        log.error("access trail: cannot write %d records (%s); kept to retry", len(taken), _short(e))
                    self.healthy = False
                    return False
                del self.pending[: len(taken)]
                if due is not None:
                    due -= len(taken)
                self.written += len(taken)
                self.healthy = True
                final = False
            return True

    async def _append(self, taken: list[dict[str, Any]], final: bool) -> None:
        for attempt in (1, 2):
            try:
                async with self.engine.begin() as conn:
                    await append(conn, taken, self.key, self.checkpoint_every, force_checkpoint=final)
                return
            except DBAPIError as e:
                # A pooled connection the server dropped (a restart, an idle timeout): nothing
                # was written on it, so once more on a new one before the trail counts as down.
                if attempt == 2 or not e.connection_invalidated:
                    raise

    async def close(self) -> None:
        if self._task is not None:
            # Never cancelled mid-write: a batch committed but not yet taken off `pending` would
            # be written twice.
            async with self._flushing:
                self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()
        if self.ready:
            self.pending.append({"kind": "stop", "writer": self.writer, "at": time.time()})
            await self.flush(final=True)
        if self.pending:
            log.error("access trail: %d records could not be written before shutdown", len(self.pending))
        await self.engine.dispose()

    async def history(self, nik: str, limit: int = 1000) -> list[dict[str, Any]]:
        """The records whose data subjects include `nik`, newest first (art. 32 UU PDP)."""
        async with self.engine.connect() as conn:
            return [r async for r in _records_about(conn, nik, None, None, limit)]


async def _records_about(conn: AsyncConnection, nik: str, start: str | None, end: str | None, limit: int | None) -> Any:
    if not (nik.isascii() and nik.isdigit()):
        return  # a NIK is digits only; anything else would be a LIKE pattern
    query = select(records).where(records.c.niks.like(f'%"{nik}"%')).order_by(records.c.seq.desc())
    if start is not None:
        query = query.where(records.c.at >= start)
    if end is not None:
        query = query.where(records.c.at < end)
    if limit is not None:
        query = query.limit(limit)
    for row in (await conn.execute(query)).all():
        record = _record(row)
        if nik in (record.get("niks") or ()):
            yield record


async def export(url: str, nik: str, start: str | None, end: str | None) -> list[dict[str, Any]]:
    engine = open_engine(url)
    try:
        async with engine.connect() as conn:
            found = [r async for r in _records_about(conn, nik, start, end, None)]
    finally:
        await engine.dispose()
    found.reverse()
    return found


@dataclass(frozen=True)
class Verdict:
    ok: bool
    records: int
    checkpoints: int
    problem: str | None = None
    seq: int | None = None  # the first broken record


async def verify(url: str, public_key: Ed25519PublicKey | None = None) -> Verdict:
    engine = open_engine(url)
    try:
        async with engine.connect() as conn:
            return await _verify(conn, public_key)
    finally:
        await engine.dispose()


async def _verify(conn: AsyncConnection, public_key: Ed25519PublicKey | None) -> Verdict:
    expected_seq, prev, count = 1, GENESIS, 0
    hashes: dict[int, str] = {}
    result = await conn.stream(select(records).order_by(records.c.seq))
    async for row in result:
        record = _record(row)
        count += 1
        seq = record["seq"]
        if seq != expected_seq:
            what = "missing (deleted)" if seq > expected_seq else "out of order"
            return Verdict(
                False, count, 0, f"record {expected_seq} is {what}; the next one found is {seq}", expected_seq
            )
        if record["prev_hash"] != prev:
            return Verdict(
                False, count, 0, f"record {seq} does not follow record {seq - 1} (reordered or replaced)", seq
            )
        if record_hash(prev, record) != record["hash"]:
            return Verdict(False, count, 0, f"record {seq} was changed after it was written", seq)
        prev = record["hash"]
        hashes[seq] = prev
        expected_seq += 1
    last = expected_seq - 1
    checks = (await conn.execute(select(checkpoints).order_by(checkpoints.c.seq))).all()
    for cp in checks:
        if public_key is not None:
            if cp.key_id != key_id(public_key):
                return Verdict(False, count, len(checks), f"checkpoint at {cp.seq} is signed by another key", cp.seq)
            try:
                public_key.verify(bytes.fromhex(cp.signature), checkpoint_message(cp.seq, cp.hash))
            except (InvalidSignature, ValueError):
                return Verdict(False, count, len(checks), f"checkpoint at {cp.seq} has a bad signature", cp.seq)
        if cp.seq > last:
            return Verdict(
                False,
                count,
                len(checks),
                f"the trail ends at record {last} but a checkpoint covers record {cp.seq} (truncated)",
                last + 1,
            )
        if hashes.get(cp.seq) != cp.hash:
            return Verdict(False, count, len(checks), f"record {cp.seq} differs from its signed checkpoint", cp.seq)
    top = (await conn.execute(select(head).where(head.c.id == 1))).first()
    if top is not None and (top.seq != last or top.hash != prev):
        return Verdict(
            False,
            count,
            len(checks),
            f"the trail ends at record {last} but its head says {top.seq} (truncated)",
            last + 1,
        )
    return Verdict(True, count, len(checks))


def _short(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:200]


def iter_csv_rows(found: Sequence[dict[str, Any]]) -> Iterator[list[str]]:
    columns = ("seq", "at", "client", "subject", "role", "purpose", "operation", "fields", "niks", "outcome")
    yield list(columns)
    for record in found:
        yield [_cell(record.get(c)) for c in columns]


def _cell(value: object) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)
