"""Identical subscriptions through the gateway share one upstream stream: each subscriber still
gets every event (and a late one still starts with the complaint as it is now), while
subscribers with other credentials never share theirs, and subscriptions reading personal data
are completed per subscriber (each one's reads its own trail record)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect

from federation.subscriptions.service import Subscriptions
from tests.lontara.client import CITIZEN, DESK, STEPS
from tests.lontara.live import Live, credentials

ALL = "subscription { aduanBerubah { nomor status } }"
PERSONAL = "subscription { aduanBerubah { nomor pelapor { nama } } }"
ONE = "subscription($n: String) { aduanBerubah(nomor: $n) { nomor status } }"
FILE = "mutation($a: AduanBaru!) { ajukanAduan(aduan: $a) { nomor } }"
NEW = {"kategori": "SAMPAH", "lokasi": "Pasar Terong", "deskripsi": "Sampah menumpuk"}


class Socket:
    """One graphql-ws connection; `seen[id]` is what each subscription received."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.seen: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, live: Live, headers: dict[str, str]) -> Socket:
        ws = await connect(live.ws(0), subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                           additional_headers=headers)
        await ws.send('{"type":"connection_init"}')
        assert orjson.loads(await ws.recv())["type"] == "connection_ack"
        return cls(ws)

    async def subscribe(self, sub_id: str, query: str, **variables: Any) -> None:
        payload = {"query": query, "variables": variables}
        await self.ws.send(orjson.dumps({"id": sub_id, "type": "subscribe", "payload": payload}).decode())

    async def _read(self) -> None:
        async for raw in self.ws:
            message = orjson.loads(raw)
            if message.get("type") == "next":
                self.seen[message["id"]].append(message["payload"])

    async def close(self) -> None:
        self.reader.cancel()
        await self.ws.close()


def _groups(live: Live) -> Subscriptions:
    found: Subscriptions = live.gateway_apps[0].state.subscriptions
    return found


async def _until(condition: Any, timeout: float = 10.0) -> None:
    async def wait() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)


async def test_identical_subscriptions_share_one_upstream_and_each_gets_every_event(live: Live) -> None:
    desk = credentials(DESK)  # one token: the same credentials on both connections
    sockets = [await Socket.open(live, desk), await Socket.open(live, desk)]
    other = await Socket.open(live, credentials(CITIZEN))
    try:
        for i, socket in enumerate(sockets):
            for j in range(3):
                await socket.subscribe(f"s{i}{j}", ALL)
        await other.subscribe("mine", ALL)
        hub = _groups(live).shared
        await _until(lambda: sum(len(g.members) for g in hub.joinable.values()) == 7)
        sizes = sorted(len(g.members) for g in hub.joinable.values())
        await asyncio.sleep(1.0)  # the upstream streams listening on NATS
        body = await live.post(0, FILE, CITIZEN, a=NEW)
        nomor = body["data"]["ajukanAduan"]["nomor"]
        await _until(lambda: all(len(s.seen[f"s{i}{j}"]) == 1 for i, s in enumerate(sockets) for j in range(3))
                     and len(other.seen["mine"]) == 1)
    finally:
        for socket in [*sockets, other]:
            await socket.close()
    assert sizes == [1, 6]  # the desk's six in one group, the citizen's alone
    events = [s.seen[f"s{i}{j}"][0] for i, s in enumerate(sockets) for j in range(3)]
    assert all(e == {"data": {"aduanBerubah": {"nomor": nomor, "status": "DITERIMA"}}} for e in events)
    assert other.seen["mine"][0]["data"]["aduanBerubah"]["nomor"] == nomor


async def test_a_subscriber_arriving_after_the_first_event_still_starts_with_the_current_state(live: Live) -> None:
    nomor = (await live.post(0, FILE, CITIZEN, a=NEW))["data"]["ajukanAduan"]["nomor"]
    mine = credentials(CITIZEN)
    socket = await Socket.open(live, mine)
    try:
        await socket.subscribe("first", ONE, n=nomor)
        await _until(lambda: len(socket.seen["first"]) == 1)  # DITERIMA, as it is
        text, who = STEPS["verifikasi"]
        step = f"mutation($nomor: String!, $kunci: String) {{ {text} {{ status }} }}"
        assert "errors" not in await live.post(0, step, who, nomor=nomor, kunci=None)
        await _until(lambda: len(socket.seen["first"]) == 2)
        await socket.subscribe("later", ONE, n=nomor)
        await _until(lambda: len(socket.seen["later"]) == 1)
    finally:
        await socket.close()
    statuses = [[e["data"]["aduanBerubah"]["status"] for e in socket.seen[i]] for i in ("first", "later")]
    assert statuses == [["DITERIMA", "DIVERIFIKASI"], ["DIVERIFIKASI"]]


async def test_a_subscriber_leaving_does_not_end_the_stream_of_the_others(live: Live) -> None:
    desk = credentials(DESK)
    socket = await Socket.open(live, desk)
    try:
        for sub_id in ("stays", "leaves"):
            await socket.subscribe(sub_id, ALL)
        hub = _groups(live).shared
        await _until(lambda: any(len(g.members) == 2 for g in hub.joinable.values()))
        await socket.ws.send(orjson.dumps({"id": "leaves", "type": "complete"}).decode())
        await _until(lambda: any(len(g.members) == 1 for g in hub.joinable.values()))
        await asyncio.sleep(1.0)
        nomor = (await live.post(0, FILE, CITIZEN, a=NEW))["data"]["ajukanAduan"]["nomor"]
        await _until(lambda: len(socket.seen["stays"]) == 1)
    finally:
        await socket.close()
    assert socket.seen["stays"][0]["data"]["aduanBerubah"]["nomor"] == nomor and not socket.seen["leaves"]


async def test_subscriptions_reading_personal_data_are_not_shared(live: Live) -> None:
    desk = credentials(DESK)
    socket = await Socket.open(live, desk)
    try:
        for sub_id in ("a", "b"):
            await socket.subscribe(sub_id, PERSONAL)
        await asyncio.sleep(1.0)
        groups = list(_groups(live).shared.joinable.values())  # before the first event, while open to join
        nomor = (await live.post(0, FILE, CITIZEN, a=NEW))["data"]["ajukanAduan"]["nomor"]
        await _until(lambda: len(socket.seen["a"]) == 1 and len(socket.seen["b"]) == 1)
    finally:
        await socket.close()
    assert groups == []
    expected = {"data": {"aduanBerubah": {"nomor": nomor, "pelapor": {"nama": "Hasnah Saleh"}}}}
    assert socket.seen["a"] == socket.seen["b"] == [expected]
