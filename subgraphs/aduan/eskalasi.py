"""The escalation job: a complaint whose state outlived its deadline is raised to the OPD head,
and 2x24 hours later to the city (the mayor's rule), each recorded in the history.

It runs exactly once across replicas: a replica acts only while it holds the `eskalasi` lease
(a row in `sewa_tugas`, taken by a guarded UPDATE), and each escalation is itself a guarded
UPDATE (`eskalasi = <level read>`), so even two holders could not raise one complaint twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.aduan import tables
from subgraphs.aduan.steps import Publish, event_of, utcnow
from subgraphs.aduan.workflow import TIMED

log = logging.getLogger("splp.aduan.eskalasi")

KE_KOTA_SETELAH: Final = timedelta(hours=48)
LEASE: Final = "eskalasi"
LEVELS: Final = {1: "kepala_opd", 2: "admin_kota"}


async def take_lease(engine: AsyncEngine, owner: str, now: datetime, ttl: timedelta) -> bool:
    """Hold the lease until now + ttl if it is free, expired or already ours."""
    lease = tables.sewa_tugas
    async with engine.begin() as connection:
        taken = await connection.execute(
            update(lease).where(lease.c.nama == LEASE, or_(lease.c.sampai < now, lease.c.pemilik == owner))
            .values(pemilik=owner, sampai=now + ttl)
        )
        if taken.rowcount == 1:
            return True
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(lease).values(nama=LEASE, pemilik=owner, sampai=now + ttl))
        return True
    except IntegrityError:
        return False  # another replica holds it


async def escalate(engine: AsyncEngine, now: datetime, publish: Publish | None = None, limit: int = 500) -> int:
    """Raise every overdue complaint one level; the number raised."""
    table = tables.aduan
    timed = [s.value for s in TIMED]
    overdue = or_(
        and_(table.c.eskalasi == 0, table.c.batas_langkah < now),
        and_(table.c.eskalasi == 1, table.c.batas_langkah < now - KE_KOTA_SETELAH),
    )
    async with engine.connect() as connection:
        rows = (await connection.execute(
            select(table.c.nomor, table.c.eskalasi, table.c.versi)
            .where(table.c.status.in_(timed), table.c.batas_langkah.is_not(None), overdue)
            .order_by(table.c.batas_langkah).limit(limit)
        )).all()
    raised = 0
    for nomor, level, versi in rows:
        target = level + 1
        async with engine.begin() as connection:
            moved = await connection.execute(
                update(table).where(table.c.nomor == nomor, table.c.eskalasi == level, table.c.versi == versi)
                .values(eskalasi=target, versi=versi + 1)
            )
            if moved.rowcount != 1:
                continue  # a step or another runner got there first
            row = (await connection.execute(select(table).where(table.c.nomor == nomor))).mappings().one()
            result = await connection.execute(insert(tables.riwayat_aduan).values(
                nomor_aduan=nomor, status=row["status"], waktu=now, petugas="Lontara Plus",
                catatan=f"Melewati tenggat {row['status']}: dieskalasi ke {LEVELS[target]}",
                langkah="eskalasi", pelaku_sub=None, peran=LEVELS[target], awal=False, terbit=False,
                data=f'{{"level":{target}}}',
            ))
            history_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        raised += 1
        if publish is not None:
            await publish(event_of(history_id, row, "eskalasi", now))
    return raised


class EscalationJob:
    """Runs `escalate` every `interval` seconds on whichever replica holds the lease."""

    def __init__(self, engine: AsyncEngine, publish: Publish | None = None, interval: float = 60.0,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.publish = publish
        self.interval = interval
        self.clock = clock
        self.owner = f"replica-{secrets.token_hex(6)}"
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> int:
        now = self.clock()
        if not await take_lease(self.engine, self.owner, now, timedelta(seconds=self.interval * 3)):
            return 0
        return await escalate(self.engine, now, self.publish)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.run_once()
            except Exception:  # a database hiccup: try again next round
                log.exception("escalation round failed")

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
