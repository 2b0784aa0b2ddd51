"""Complaint events on NATS JetStream: every step is published after its commit, and every
replica's subscriptions read them back from NATS, so a step taken on one replica reaches the
subscribers of all.

Publishing is an outbox: the history row is written `terbit = false` in the step's transaction
and marked once JetStream acknowledged it; a sweeper republishes rows left unmarked (NATS down,
a crash between commit and publish). JetStream drops the duplicates by `Nats-Msg-Id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any, Final

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import StreamConfig
from nats.js.errors import BadRequestError
from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.aduan import tables
from subgraphs.aduan.steps import Peristiwa, event_of, utcnow

log = logging.getLogger("splp.aduan.events")

# A subscriber that falls this far behind is ended rather than buffered without bound.
QUEUE_LIMIT: Final = 1000
SWEEP_AFTER: Final = timedelta(seconds=5)
# Recent events whose complaint row subscribers share (each event's row is read once).
ROW_CACHE: Final = 256


class EventBus:
    def __init__(self, url: str, prefix: str = "splp.aduan", stream: str = "SPLP_ADUAN") -> None:
        self.url = url
        self.prefix = prefix
        self.stream = stream
        self.nc: Client | None = None
        self.js: JetStreamContext | None = None
        self.engine: AsyncEngine | None = None
        self._listeners: set[asyncio.Queue[Peristiwa | None]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._rows: dict[int, asyncio.Future[RowMapping | None]] = {}
        self._closing = False

    @property
    def subject(self) -> str:
        return f"{self.prefix}.peristiwa"

    async def open(self, engine: AsyncEngine | None = None, sweep_every: float = 5.0) -> None:
        self.engine = engine
        self.nc = await nats.connect(self.url, connect_timeout=2, max_reconnect_attempts=-1,
                                     error_cb=self._error, disconnected_cb=self._disconnected)
        self.js = self.nc.jetstream()
        with contextlib.suppress(BadRequestError):  # it exists (created by another replica)
            await self.js.add_stream(StreamConfig(
                name=self.stream, subjects=[f"{self.subject}.>"], max_age=30 * 24 * 3600,
                duplicate_window=120,
            ))
        await self.nc.subscribe(f"{self.subject}.>", cb=self._fan_out)
        if engine is not None and sweep_every > 0:
            self._sweeper = asyncio.create_task(self._sweep_loop(sweep_every))

    async def _error(self, error: Exception) -> None:
        log.debug("NATS: %s", error)

    async def _disconnected(self) -> None:
        if self._closing:
            return
        log.warning("NATS disconnected; reconnecting (steps are kept in the outbox meanwhile)")

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for queue in list(self._listeners):
            _offer(queue, None)
        self._closing = True
        if self.nc is not None:
            # Not drain(): published events are already acknowledged, and a drain waits up to
            # 30 s for subscriptions that stop with the app anyway.
            await self.nc.close()

    async def publish(self, event: Peristiwa) -> None:
        """Publish after a commit; a failure leaves the row for the sweeper, never fails the step."""
        try:
            assert self.js is not None, "the event bus is not open"
            await self.js.publish(f"{self.subject}.{event.nomor}", event.to_json(),
                                  headers={"Nats-Msg-Id": f"{self.stream}-{event.id}"}, timeout=2)
        except Exception as error:
            log.warning("event %s of %s not published yet: %s", event.id, event.nomor, error)
            return
        if self.engine is not None:
            async with self.engine.begin() as connection:
                await connection.execute(update(tables.riwayat_aduan).where(
                    tables.riwayat_aduan.c.id == event.id).values(terbit=True))

    async def sweep(self) -> int:
        """Publish the history rows older than SWEEP_AFTER that were never published."""
        assert self.engine is not None
        history, table = tables.riwayat_aduan, tables.aduan
        async with self.engine.connect() as connection:
            rows = (await connection.execute(
                select(history.c.id, history.c.langkah, history.c.waktu, table)
                .join(table, table.c.nomor == history.c.nomor_aduan)
                .where(history.c.terbit.is_(False), history.c.waktu < utcnow() - SWEEP_AFTER)
                .order_by(history.c.id).limit(500)
            )).mappings().all()
        for row in rows:
            await self.publish(event_of(row["id"], row, row["langkah"] or "ajukan", row["waktu"]))
        return len(rows)

    async def _sweep_loop(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.sweep()
            except Exception:
                log.exception("outbox sweep failed")

    async def _fan_out(self, msg: Msg) -> None:
        try:
            event = Peristiwa.from_json(msg.data)
        except (ValueError, TypeError):
            log.warning("ignored a malformed event on %s", msg.subject)
            return
        for queue in list(self._listeners):
            if not _offer(queue, event):
                self._listeners.discard(queue)
                _offer(queue, None, force=True)

    async def row_after(self, event: Peristiwa, engine: AsyncEngine) -> RowMapping | None:
        """The complaint as the event left it: read once per event, however many subscribers."""
        found = self._rows.get(event.id)
        if found is None:
            found = self._rows[event.id] = asyncio.ensure_future(self._read(event.nomor, engine))
            while len(self._rows) > ROW_CACHE:
                self._rows.pop(next(iter(self._rows)))
        return await asyncio.shield(found)

    async def _read(self, nomor: str, engine: AsyncEngine) -> RowMapping | None:
        async with engine.connect() as connection:
            return (await connection.execute(select(tables.aduan).where(tables.aduan.c.nomor == nomor))
                    ).mappings().first()

    async def listen(self) -> AsyncIterator[Peristiwa]:
        """Every event from now on, until the bus closes (or this listener falls too far behind)."""
        if self.nc is None or not self.nc.is_connected:
            raise RuntimeError("live events are unavailable (NATS is not connected)")
        queue: asyncio.Queue[Peristiwa | None] = asyncio.Queue(QUEUE_LIMIT + 1)
        self._listeners.add(queue)
        try:
            while True:
                event = await queue.get()
                if event is None:
                    return
                yield event
        finally:
            self._listeners.discard(queue)


def _offer(queue: asyncio.Queue[Any], item: Any, force: bool = False) -> bool:
    if queue.qsize() >= QUEUE_LIMIT and not force:
        return False
    with contextlib.suppress(asyncio.QueueFull):
        queue.put_nowait(item)
    return True
