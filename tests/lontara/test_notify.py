"""Notifications: every step reaches the citizen (and the officer when it concerns them) through
pluggable senders, retried with backoff, never twice, visible in the complaint."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import nats
import pytest
from aiohttp import web

from subgraphs.aduan.app import create_app
from subgraphs.aduan.notify import LogSender, WebhookSender
from subgraphs.serve import Servers
from tests.lontara.client import DESK, AduanClient
from tests.lontara.conftest import _prepare
from tests.subgraphs.conftest import free_port

FIELDS = "nomor notifikasi { penerima saluran status percobaan terkirim }"


class Webhook:
    """A receiver that fails its first `failures` calls for each message."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: Counter[str] = Counter()
        self.delivered: list[dict[str, Any]] = []

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls[body["kunci"]] += 1
        if self.calls[body["kunci"]] <= self.failures:
            return web.Response(status=503)
        self.delivered.append(body)
        return web.json_response({"ok": True})


@pytest.fixture
async def notified(postgresql_aduan: str, nats_url: str) -> AsyncIterator[tuple[AduanClient, Webhook, dict[str, str]]]:
    hook = Webhook(failures=2)
    servers = Servers()
    app = web.Application()
    app.router.add_post("/kirim", hook.handle)
    port = free_port()
    await servers.start_aiohttp(app, "127.0.0.1", port)
    tag = secrets.token_hex(4)
    names = {"nats_prefix": f"test.{tag}.aduan", "nats_stream": f"TEST_NOTIF_{tag.upper()}"}
    url = await _prepare(postgresql_aduan)
    replicas = []
    for _ in range(2):  # two replicas share the durable consumer: each event handled by one
        replica = free_port()
        await servers.start_asgi(create_app(url, nats_url=nats_url, escalation_interval=0, notify_backoff=0.2,
                                            senders=[LogSender(), WebhookSender(f"http://127.0.0.1:{port}/kirim")],
                                            **names), "127.0.0.1", replica)
        replicas.append(f"http://127.0.0.1:{replica}/graphql")
    try:
        async with AduanClient(replicas[0], url) as client:
            yield client, hook, names
    finally:
        await servers.stop()
        connection = await nats.connect(nats_url)
        with contextlib.suppress(Exception):
            await connection.jetstream().delete_stream(names["nats_stream"])
        await connection.close()


async def _settled(client: AduanClient, nomor: str, count: int) -> list[dict[str, Any]]:
    for _ in range(200):
        found = (await client.read(nomor, DESK, FIELDS))["notifikasi"]
        if len(found) >= count and all(n["status"] != "MENUNGGU" for n in found):
            return found  # type: ignore[no-any-return]
        await asyncio.sleep(0.05)
    raise AssertionError(f"not delivered: {found}")


async def test_each_step_is_delivered_once_per_sender_after_retries(
    notified: tuple[AduanClient, Webhook, dict[str, str]],
) -> None:
    client, hook, _ = notified
    nomor = (await client.file())["nomor"]
    await client.walk(nomor, ["verifikasi", "disposisi", "tugaskan"])
    # four steps to the citizen, and the assignment to the officer, on both senders
    found = await _settled(client, nomor, 10)
    assert Counter((n["penerima"], n["saluran"], n["status"]) for n in found) == {
        ("pelapor", "log", "TERKIRIM"): 4, ("pelapor", "webhook", "TERKIRIM"): 4,
        ("petugas", "log", "TERKIRIM"): 1, ("petugas", "webhook", "TERKIRIM"): 1,
    }
    assert {n["percobaan"] for n in found if n["saluran"] == "webhook"} == {3}  # failed twice, then sent
    assert {n["percobaan"] for n in found if n["saluran"] == "log"} == {1}
    mine = [d for d in hook.delivered if d["nomor"] == nomor]
    assert len(mine) == 5 == len({d["kunci"] for d in mine})
    assert any(d["teks"].startswith(f"Aduan {nomor} diterima") for d in mine if d["penerima"] == "pelapor")


async def test_a_replayed_event_is_not_sent_again(notified: tuple[AduanClient, Webhook, dict[str, str]],
                                                  nats_url: str) -> None:
    client, hook, names = notified
    nomor = (await client.file())["nomor"]
    await _settled(client, nomor, 2)
    before = len(hook.delivered)
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        stored = await js.get_last_msg(names["nats_stream"], f"{names['nats_prefix']}.peristiwa.{nomor}")
        await js.publish(f"{names['nats_prefix']}.peristiwa.{nomor}", stored.data)  # a new message, same event
    finally:
        await connection.close()
    await asyncio.sleep(1.0)
    assert len(hook.delivered) == before
    assert len(await _settled(client, nomor, 2)) == 2


async def test_a_step_not_published_at_its_commit_is_published_by_the_outbox_sweep(
    postgresql_aduan: str, nats_url: str,
) -> None:
    from datetime import timedelta

    from sqlalchemy import select, update

    from subgraphs.aduan import tables
    from subgraphs.aduan.events import EventBus
    from subgraphs.aduan.steps import Pengajuan, file, utcnow
    from subgraphs.aduan.workflow import KategoriAduan
    from subgraphs.kit.sql import create_engine
    from tests.lontara.client import CITIZEN

    engine = create_engine(await _prepare(postgresql_aduan))
    tag = secrets.token_hex(4)
    bus = EventBus(nats_url, f"test.{tag}.aduan", f"TEST_SWEEP_{tag.upper()}")
    await bus.open(engine, sweep_every=0)
    try:
        # NATS unreachable at the commit: the step is stored, its event not published.
        row = await file(engine, CITIZEN, Pengajuan(None, KategoriAduan.SAMPAH, "Pasar Terong", "Sampah"), None,
                         publish=None)
        history = tables.riwayat_aduan
        async with engine.begin() as connection:
            await connection.execute(update(history).where(history.c.nomor_aduan == row["nomor"])
                                     .values(waktu=utcnow() - timedelta(minutes=1)))
        events = bus.listen()
        seen: list[str] = []

        async def until_ours() -> None:
            async for event in events:
                seen.append(event.nomor)
                if event.nomor == row["nomor"]:
                    assert event.langkah == "ajukan"
                    return

        waiting = asyncio.ensure_future(until_ours())
        await asyncio.sleep(0)
        swept = 0
        while found := await bus.sweep():  # every unpublished row, in batches (other tests' too)
            swept += found
        assert swept >= 1
        await asyncio.wait_for(waiting, 10)
        async with engine.connect() as connection:
            published = (await connection.execute(select(history.c.terbit).where(
                history.c.nomor_aduan == row["nomor"]))).scalar_one()
        assert row["nomor"] in seen and published is True
    finally:
        await bus.close()
        connection = await nats.connect(nats_url)
        with contextlib.suppress(Exception):
            await connection.jetstream().delete_stream(f"TEST_SWEEP_{tag.upper()}")
        await connection.close()
        await engine.dispose()
