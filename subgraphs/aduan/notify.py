"""Notifications of every step to the citizen and the assigned officer, driven by the NATS stream.

A durable JetStream consumer shared by the replicas hands each event to one of them. Each
(event, recipient, sender) is one `notifikasi` row keyed by `kunci`: a redelivered or replayed
event finds it TERKIRIM and sends nothing again. A failed send is retried with exponential
backoff (the message is NAKed with a delay) up to `max_attempts`, then marked GAGAL. The rows
are the complaint's `notifikasi` field, so delivery is visible in the complaint.

Senders are pluggable: anything with a `name` and `async send(Pesan)` that raises on failure.
Built in: `LogSender` and `WebhookSender` (the city plugs SMS or WhatsApp gateways in the same way).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Final, Protocol

import aiohttp
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig
from nats.js.errors import FetchTimeoutError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.aduan import tables
from subgraphs.aduan.events import EventBus
from subgraphs.aduan.steps import Peristiwa, utcnow

log = logging.getLogger("splp.aduan.notify")

# What the citizen is told at each step (never the officer's notes: they may name other people).
TEKS: Final = {
    "ajukan": "Aduan {nomor} diterima. Simpan nomor ini untuk memantau penanganannya.",
    "verifikasi": "Aduan {nomor} telah diverifikasi.",
    "tolak": "Aduan {nomor} tidak dapat ditindaklanjuti. Lihat alasannya di aplikasi.",
    "disposisi": "Aduan {nomor} diteruskan ke {opd}.",
    "tugaskan": "Petugas lapangan ditugaskan untuk aduan {nomor}.",
    "kembalikan": "Aduan {nomor} sedang diteruskan ulang ke OPD yang tepat.",
    "tangani": "Aduan {nomor} sedang ditangani di lapangan.",
    "selesaikan": "Aduan {nomor} selesai ditangani. Konfirmasi dan beri penilaian dalam 7 hari.",
    "konfirmasi": "Terima kasih, aduan {nomor} ditutup.",
    "bukaKembali": "Aduan {nomor} dibuka kembali dan dikembalikan ke petugas.",
    "eskalasi": "Aduan {nomor} melewati tenggat dan dieskalasi.",
}
# Steps the officer hears about: given the complaint, had it reopened, or late.
UNTUK_PETUGAS: Final = frozenset({"tugaskan", "bukaKembali", "eskalasi"})


@dataclass(frozen=True)
class Pesan:
    nomor: str
    penerima: str  # "pelapor" | "petugas"
    tujuan: str  # the citizen's NIK or the officer's subject: the sender looks up the address
    langkah: str
    teks: str
    kunci: str  # the same for every retry: receivers may deduplicate on it too


class Sender(Protocol):
    name: str

    async def send(self, pesan: Pesan) -> None: ...


class LogSender:
    name = "log"

    async def send(self, pesan: Pesan) -> None:
        log.info("notifikasi %s → %s %s: %s", pesan.kunci, pesan.penerima, pesan.tujuan, pesan.teks)


class WebhookSender:
    """POSTs each message as JSON; any answer but 2xx (or no answer in `timeout`) is a failure."""

    name = "webhook"

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        self.url = url
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.session: aiohttp.ClientSession | None = None

    async def send(self, pesan: Pesan) -> None:
        if self.session is None:
            self.session = aiohttp.ClientSession(timeout=self.timeout)
        async with self.session.post(self.url, json=asdict(pesan), headers={"idempotency-key": pesan.kunci}) as r:
            if not 200 <= r.status < 300:
                raise RuntimeError(f"webhook answered HTTP {r.status}")

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()


def messages(event: Peristiwa, sender: str) -> list[Pesan]:
    text = TEKS.get(event.langkah, "Aduan {nomor}: {status}").format(
        nomor=event.nomor, opd=event.opd or "OPD", status=event.status)
    found = [Pesan(event.nomor, "pelapor", event.nik_pelapor, event.langkah, text,
                   f"{event.id}:pelapor:{sender}")]
    if event.petugas_sub and event.langkah in UNTUK_PETUGAS:
        found.append(Pesan(event.nomor, "petugas", event.petugas_sub, event.langkah,
                           f"Aduan {event.nomor}: {event.langkah} ({event.status})", f"{event.id}:petugas:{sender}"))
    return found


class Notifier:
    def __init__(self, engine: AsyncEngine, bus: EventBus, senders: Sequence[Sender], *, max_attempts: int = 5,
                 backoff: float = 2.0, durable: str = "notifikasi") -> None:
        self.engine = engine
        self.bus = bus
        self.senders = list(senders)
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.durable = durable
        self._task: asyncio.Task[None] | None = None

    async def deliver(self, event: Peristiwa) -> float | None:
        """Send what is not sent yet; the delay before retrying, or None when nothing is left."""
        retry: float | None = None
        for sender in self.senders:
            for pesan in messages(event, sender.name):
                state = await self._row(event, pesan, sender.name)
                if state is None:
                    continue
                attempts = state + 1
                try:
                    await sender.send(pesan)
                    values: dict[str, object] = {"status": "TERKIRIM", "percobaan": attempts, "terkirim": utcnow(),
                                                 "galat": None}
                except Exception as error:
                    failed = attempts >= self.max_attempts
                    values = {"status": "GAGAL" if failed else "MENUNGGU", "percobaan": attempts,
                              "galat": str(error)[:300]}
                    if not failed:
                        delay = self.backoff * 2 ** (attempts - 1)
                        retry = delay if retry is None else min(retry, delay)
                async with self.engine.begin() as connection:
                    await connection.execute(update(tables.notifikasi).where(
                        tables.notifikasi.c.kunci == pesan.kunci).values(**values))
        return retry

    async def _row(self, event: Peristiwa, pesan: Pesan, channel: str) -> int | None:
        """Attempts made so far for a message still to send, or None when it is settled."""
        table = tables.notifikasi
        with contextlib.suppress(IntegrityError):
            async with self.engine.begin() as connection:
                await connection.execute(insert(table).values(
                    kunci=pesan.kunci, nomor_aduan=event.nomor, riwayat_id=event.id, penerima=pesan.penerima,
                    saluran=channel, status="MENUNGGU", percobaan=0, waktu=utcnow()))
                return 0
        async with self.engine.connect() as connection:
            row = (await connection.execute(select(table.c.status, table.c.percobaan).where(
                table.c.kunci == pesan.kunci))).first()
        if row is None or row.status != "MENUNGGU":
            return None
        return int(row.percobaan)

    async def _consume(self, js: JetStreamContext) -> None:
        subscription = await js.pull_subscribe(
            f"{self.bus.subject}.>", durable=self.durable, stream=self.bus.stream,
            config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=60, max_deliver=self.max_attempts * 4),
        )
        while True:
            try:
                batch = await subscription.fetch(20, timeout=1)
            except (FetchTimeoutError, TimeoutError):
                continue
            for msg in batch:
                try:
                    event = Peristiwa.from_json(msg.data)
                except (ValueError, TypeError):
                    await msg.term()  # malformed: never redeliver
                    continue
                try:
                    retry = await self.deliver(event)
                except Exception:  # the database: let JetStream redeliver it later
                    log.exception("notifying %s failed", event.nomor)
                    await msg.nak(delay=self.backoff)
                    continue
                if retry is None:
                    await msg.ack()
                else:
                    await msg.nak(delay=retry)

    async def _run(self) -> None:
        while True:
            js = self.bus.js
            if js is None:
                await asyncio.sleep(1)
                continue
            try:
                await self._consume(js)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the notification consumer stopped; restarting")
                await asyncio.sleep(1)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for sender in self.senders:
            close = getattr(sender, "close", None)
            if close is not None:
                await close()
