"""Subscriptions are protected per event as queries are: a citizen subscribed to changes of
every record receives only their own personal fields (the `self` policy decided per entity of
each event), and each event's personal reads are written to the access trail."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import aconnect_sse

from federation.http.app import create_app
from federation.trail.store import TrailWriter
from tests.conftest import POSTGRES
from tests.gateway.servers import Server
from tests.security import world
from tests.security.conftest import Jwks, TcpProxy, ask, make_gateway
from tests.security.test_trail import history, written

PANTAU = "subscription Pantau { wargaBerubah { nik nama diagnosa } }"
NAMA = f'{{ penduduk(nik: "{world.ANDI}") {{ nama }} }}'


@pytest.fixture(scope="module")
def pantau_url() -> Iterator[str]:
    server = Server(world.pantau_app()).start()
    yield server.url + "/graphql"
    server.stop()


@pytest.fixture
def live_gateway(
    jwks: tuple[Jwks, str], subgraph_urls: dict[str, str], pantau_url: str, tmp_path: Path
) -> Iterator[tuple[str, TrailWriter]]:
    writer = TrailWriter(f"sqlite:///{tmp_path / 'trail.db'}", interval=0.05)
    gateway = make_gateway(jwks[1], {**subgraph_urls, "pantau": pantau_url}, trail=writer)
    server = Server(create_app(gateway.supergraph, gateway=gateway)).start()
    yield server.url, writer
    server.stop()


async def events(
    base: str, token: str | None, purpose: str | None = "layanan_publik", query: str = PANTAU,
    on_event: Any = None,
) -> list[dict[str, Any]]:
    """Every event of the subscription over graphql-sse, until it completes."""
    headers = {"accept": "text/event-stream"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    if purpose:
        headers["x-splp-purpose"] = purpose
    received: list[dict[str, Any]] = []
    async with httpx.AsyncClient(timeout=20) as http, aconnect_sse(
        http, "POST", base + "/graphql", json={"query": query}, headers=headers
    ) as source:
        async for event in source.aiter_sse():
            if event.event == "complete":
                break
            if event.event == "next":
                received.append(json.loads(event.data))
                if on_event is not None:
                    await on_event(received)
    return received


def denied(field: str) -> dict[str, Any]:
    return {"message": "Unauthorized field or type", "path": ["wargaBerubah", field],
            "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"}}


async def test_a_subscribed_citizen_receives_only_their_own_personal_fields(
    live_gateway: tuple[str, TrailWriter], jwks: tuple[Jwks, str]
) -> None:
    received = await events(live_gateway[0], jwks[0].token(nik=world.ANDI, role="warga"))
    assert received == [
        {"data": {"wargaBerubah": {"nik": world.ANDI, "nama": "Andi", "diagnosa": "sehat"}}},
        {"data": {"wargaBerubah": {"nik": world.BUDI, "nama": None, "diagnosa": None}},
         "errors": [denied("nama"), denied("diagnosa")]},
        {"data": {"wargaBerubah": {"nik": world.CITRA, "nama": None, "diagnosa": None}},
         "errors": [denied("nama"), denied("diagnosa")]},
    ]


async def test_an_officer_s_subscription_reads_every_record(
    live_gateway: tuple[str, TrailWriter], jwks: tuple[Jwks, str]
) -> None:
    officer = jwks[0].token(role="operator", client_id="backoffice")
    received = await events(live_gateway[0], officer, purpose="pelayanan_adminduk")
    assert [e["data"]["wargaBerubah"]["nama"] for e in received] == ["Andi", "Budi", "Citra"]
    assert not any("errors" in e for e in received)


async def test_an_anonymous_subscription_receives_no_personal_value(live_gateway: tuple[str, TrailWriter]) -> None:
    received = await events(live_gateway[0], None, purpose=None)
    assert len(received) == 3
    assert all(e["data"]["wargaBerubah"]["nama"] is None and len(e["errors"]) == 2 for e in received)


async def test_each_event_s_personal_reads_are_in_the_trail_of_the_citizen_read(
    live_gateway: tuple[str, TrailWriter], jwks: tuple[Jwks, str]
) -> None:
    base, writer = live_gateway
    await events(base, jwks[0].token(nik=world.ANDI, sub="warga-andi"))
    officer = jwks[0].token(sub="petugas-7", role="operator", client_id="backoffice")
    await events(base, officer, purpose="pelayanan_adminduk")
    await written(writer)
    status, body = await history(base, jwks[0].token(nik=world.BUDI, sub="warga-budi"))
    assert status == 200
    assert [(r["subject"], r["operation"], r["fields"], r["purpose"]) for r in body["records"]] == [
        ("petugas-7", "Pantau", ["Penduduk.diagnosa", "Penduduk.nama"], "pelayanan_adminduk"),
    ]  # Andi's subscription returned nothing of Budi's
    status, body = await history(base, jwks[0].token(nik=world.ANDI, sub="warga-andi"))
    assert sorted(r["subject"] for r in body["records"]) == ["petugas-7", "warga-andi"]


async def test_a_subscription_to_personal_data_without_a_purpose_is_refused(
    live_gateway: tuple[str, TrailWriter], jwks: tuple[Jwks, str]
) -> None:
    async with httpx.AsyncClient(timeout=20) as http:
        response = await http.post(
            live_gateway[0] + "/graphql", json={"query": PANTAU},
            headers={"accept": "text/event-stream", "authorization": f"Bearer {jwks[0].token(nik=world.ANDI)}"},
        )
    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED"


async def test_two_subscribers_with_one_token_are_each_recorded(
    live_gateway: tuple[str, TrailWriter], jwks: tuple[Jwks, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both open before the first event, so identical subscriptions could share one upstream;
    # personal data is still completed, and recorded, once per subscriber.
    monkeypatch.setattr(world, "PANTAU_FIRST_EVENT_DELAY", 0.5)
    base, writer = live_gateway
    officer = jwks[0].token(sub="petugas-7", role="operator", client_id="backoffice")
    first, second = await asyncio.gather(*(events(base, officer, purpose="pelayanan_adminduk") for _ in range(2)))
    await written(writer)
    status, body = await history(base, jwks[0].token(nik=world.BUDI, sub="warga-budi"))
    assert first == second and len(first) == 3
    assert status == 200 and [r["subject"] for r in body["records"]] == ["petugas-7", "petugas-7"]


async def test_no_event_of_personal_data_is_sent_while_the_trail_cannot_record_it(
    trail_postgres: str, jwks: tuple[Jwks, str], subgraph_urls: dict[str, str], pantau_url: str
) -> None:
    proxy = TcpProxy(POSTGRES)
    proxy.up()
    writer = TrailWriter(trail_postgres.replace(f":{POSTGRES[1]}/", f":{proxy.port}/"), interval=0.05)
    gateway = make_gateway(jwks[1], {**subgraph_urls, "pantau": pantau_url}, trail=writer)
    server = Server(create_app(gateway.supergraph, gateway=gateway)).start()

    async def cut_the_trail(received: list[dict[str, Any]]) -> None:
        if len(received) == 1:  # the first event is out: the trail's database goes away
            proxy.down()
            # a request whose record cannot be written: the trail notices (as in test_trail)
            await ask(server.url + "/graphql", NAMA, jwks[0].token(nik=world.ANDI))
            for _ in range(100):
                if not writer.accepting:
                    return
                await asyncio.sleep(0.05)

    try:
        query = "subscription { wargaBerubah(jeda: 2.0) { nik nama } }"
        received = await events(server.url, jwks[0].token(nik=world.ANDI), query=query, on_event=cut_the_trail)
    finally:
        server.stop()
        proxy.close()
    assert received[0] == {"data": {"wargaBerubah": {"nik": world.ANDI, "nama": "Andi"}}}
    assert received[1:] == [{"errors": [{
        "message": "The access trail is unavailable; personal data cannot be served now.",
        "extensions": {"code": "TRAIL_UNAVAILABLE"}}]}]  # and the stream ends
