"""Subscriptions behind authentication and request signing: the citizen's token at the gateway,
the principal and the signature on the gateway's upgrade to the subgraph, nothing unsigned
accepted by the subgraph."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import nats
import pytest
from httpx_sse import aconnect_sse
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from federation.gateway import Gateway
from federation.http.app import create_app as create_gateway
from federation.security.jwt import JwtAuthenticator
from federation.security.signing import RequestSigner
from federation.supergraph import Supergraph
from subgraphs.aduan.app import create_app as create_aduan
from subgraphs.kit.principal import Principal, encode_principal
from subgraphs.serve import Servers
from tests.lontara.conftest import _prepare
from tests.lontara.live import SUPERGRAPH
from tests.subgraphs import world as w
from tests.subgraphs.conftest import free_port

SECRET = "lontara-test-secret-" + "x" * 16
KEYS = {"k1": b"lontara-signing-key-0123456789"}


def token(lifetime: int = 600, **claims: Any) -> str:
    now = int(time.time())
    return jwt.encode({"sub": "warga-hasnah", "iat": now, "exp": now + lifetime, **claims}, SECRET,
                      algorithm="HS256")


@pytest.fixture
async def signed(postgresql_aduan: str, world_sqlite: str, nats_url: str) -> AsyncIterator[dict[str, str]]:
    from subgraphs.kependudukan.app import create_app as create_kependudukan

    servers = Servers()
    tag = secrets.token_hex(4)
    names = {"nats_prefix": f"test.{tag}.aduan", "nats_stream": f"TEST_SIGNED_{tag.upper()}"}
    ports = [free_port() for _ in range(3)]
    await servers.start_asgi(create_aduan(await _prepare(postgresql_aduan), nats_url=nats_url, escalation_interval=0,
                                          signing_keys=KEYS, senders=[], **names), "127.0.0.1", ports[0])
    await servers.start_asgi(create_kependudukan(world_sqlite), "127.0.0.1", ports[1])
    urls = {"aduan": f"http://127.0.0.1:{ports[0]}/graphql", "kependudukan": f"http://127.0.0.1:{ports[1]}/graphql"}
    gateway = Gateway(Supergraph.from_sdl(SUPERGRAPH), subgraph_urls=urls, authenticator=JwtAuthenticator(
        secret=SECRET, leeway=0), signer=RequestSigner.from_keys(KEYS))
    await servers.start_asgi(create_gateway(SUPERGRAPH, gateway=gateway), "127.0.0.1", ports[2])
    try:
        yield {**urls, "gateway": f"http://127.0.0.1:{ports[2]}/graphql"}
    finally:
        await servers.stop()
        connection = await nats.connect(nats_url)
        with contextlib.suppress(Exception):
            await connection.jetstream().delete_stream(names["nats_stream"])
        await connection.close()


async def test_a_citizen_follows_their_complaint_through_a_signing_gateway(signed: dict[str, str]) -> None:
    bearer = {"authorization": "Bearer " + token(role="warga", nik=w.HASNAH, name="Hasnah Saleh")}
    async with httpx.AsyncClient(timeout=20) as http:
        filed = (await http.post(signed["gateway"], headers=bearer, json={"query": (
            'mutation { ajukanAduan(aduan: {kategori: SAMPAH, lokasi: "Pasar Terong", deskripsi: "Sampah"}) '
            "{ nomor } }")})).json()
        nomor = filed["data"]["ajukanAduan"]["nomor"]
        events: list[str] = []

        async def follow() -> None:
            async with aconnect_sse(http, "POST", signed["gateway"], headers=bearer, json={
                "query": "subscription($n: String) { aduanBerubah(nomor: $n) { status pelapor { nama } } }",
                "variables": {"n": nomor}}) as source:
                async for event in source.aiter_sse():
                    if event.event == "next":
                        events.append(event.data)
                        return

        await asyncio.wait_for(follow(), 10)
    assert events == ['{"data":{"aduanBerubah":{"status":"DITERIMA","pelapor":{"nama":"Hasnah Saleh"}}}}']


async def test_the_subgraph_refuses_an_unsigned_subscription(signed: dict[str, str]) -> None:
    forged = encode_principal(Principal(subject="x", role="meja_aduan"))
    with pytest.raises(InvalidStatus) as refused:
        async with connect(signed["aduan"].replace("http", "ws"), subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                           additional_headers={"x-splp-principal": forged}):
            pass
    assert refused.value.response.status_code == 403


async def test_a_token_that_expires_ends_the_subscription_at_the_next_event(signed: dict[str, str]) -> None:
    citizen = {"authorization": "Bearer " + token(lifetime=3, role="warga", nik=w.HASNAH)}
    desk = {"authorization": "Bearer " + token(sub="meja-1", role="meja_aduan", name="Nurul")}
    async with httpx.AsyncClient(timeout=20) as http:
        filed = (await http.post(signed["gateway"], headers=citizen, json={"query": (
            'mutation { ajukanAduan(aduan: {kategori: SAMPAH, lokasi: "Pasar Terong", deskripsi: "Sampah"}) '
            "{ nomor } }")})).json()
        nomor = filed["data"]["ajukanAduan"]["nomor"]
        events: list[tuple[str, str]] = []

        async def follow() -> None:
            async with aconnect_sse(http, "POST", signed["gateway"], headers=citizen, json={
                "query": "subscription($n: String) { aduanBerubah(nomor: $n) { status } }",
                "variables": {"n": nomor}}) as source:
                async for event in source.aiter_sse():
                    events.append((event.event, event.data))
                    if event.event == "complete":
                        return

        following = asyncio.create_task(follow())
        while not events:
            await asyncio.sleep(0.05)
        await asyncio.sleep(3.5)  # the citizen's token expires
        verified = await http.post(signed["gateway"], headers=desk, json={
            "query": "mutation($n: String!) { verifikasiAduan(nomor: $n) { status } }", "variables": {"n": nomor}})
        assert "errors" not in verified.json(), verified.text
        await asyncio.wait_for(following, 10)
    assert events[0] == ("next", '{"data":{"aduanBerubah":{"status":"DITERIMA"}}}')
    assert json.loads(events[1][1])["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert events[2][0] == "complete" and len(events) == 3
