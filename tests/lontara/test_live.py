"""Live status through the gateway: graphql-ws and graphql-sse clients, events from NATS served by
two aduan replicas behind two gateways, each event completed through the query plan (the
complainant's name from kependudukan), authorization per event, reloads, limits, close codes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from federation.subscriptions import Limits
from subgraphs.kit.principal import encode_principal
from tests.lontara.client import CITIZEN, DESK, OTHER_CITIZEN, STEPS
from tests.lontara.live import HEADER, SUPERGRAPH, Live, graphql_ws, sse, wait_for
from tests.subgraphs import world as w

ONE = """subscription($n: String) { aduanBerubah(nomor: $n) { nomor status pelapor { nik nama } } }"""
FILE = """mutation($a: AduanBaru!) { ajukanAduan(aduan: $a) { nomor status } }"""
NEW = {"kategori": "JALAN_RUSAK", "lokasi": "Jl. Rappocini Raya", "deskripsi": "Jalan berlubang"}


async def _file(live: Live, gateway: int = 0, as_: Any = CITIZEN) -> str:
    body = await live.post(gateway, FILE, as_, a=NEW)
    assert "errors" not in body, body
    nomor: str = body["data"]["ajukanAduan"]["nomor"]
    return nomor


async def _step(live: Live, gateway: int, nomor: str, step: str) -> None:
    text, who = STEPS[step]
    query = f"mutation($nomor: String!, $kunci: String) {{ {text} {{ status }} }}"
    body = await live.post(gateway, query, who, nomor=nomor, kunci=None)
    assert "errors" not in body, body


async def _cancel(*tasks: asyncio.Task[None]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_step_on_one_replica_reaches_subscribers_of_both_gateways_with_the_name_from_kependudukan(
    live: Live,
) -> None:
    nomor = await _file(live)
    over_ws: list[dict[str, Any]] = []
    over_sse: list[dict[str, Any]] = []
    ready = [asyncio.Event(), asyncio.Event()]
    tasks = [asyncio.create_task(graphql_ws(live.ws(0), ONE, CITIZEN, over_ws, ready[0], n=nomor)),
             asyncio.create_task(sse(live.gateways[1], ONE, CITIZEN, over_sse, ready[1], n=nomor))]
    try:
        await wait_for(over_ws, 1)
        await wait_for(over_sse, 1)  # each starts with the complaint as it is
        await _step(live, 1, nomor, "verifikasi")  # through gateway 1, to aduan replica 1
        await wait_for(over_ws, 2)
        await wait_for(over_sse, 2)
    finally:
        await _cancel(*tasks)
    expected = {"nomor": nomor, "status": "DIVERIFIKASI", "pelapor": {"nik": w.HASNAH, "nama": "Hasnah Saleh"}}
    assert over_ws[1] == {"data": {"aduanBerubah": expected}}
    assert over_sse[1] == {"data": {"aduanBerubah": expected}}
    assert over_ws[0]["data"]["aduanBerubah"]["status"] == "DITERIMA"


async def test_each_event_is_authorized_for_the_subscriber(live: Live) -> None:
    mine: list[dict[str, Any]] = []
    desk: list[dict[str, Any]] = []
    ready = [asyncio.Event(), asyncio.Event()]
    tasks = [asyncio.create_task(graphql_ws(live.ws(0), ONE, OTHER_CITIZEN, mine, ready[0])),
             asyncio.create_task(graphql_ws(live.ws(1), ONE, DESK, desk, ready[1]))]
    try:
        await asyncio.gather(*(r.wait() for r in ready))
        await asyncio.sleep(1.0)  # both streams listening on NATS
        hers = await _file(live, 1, CITIZEN)
        await wait_for(desk, 1)
        own = await _file(live, 1, OTHER_CITIZEN)
        await wait_for(mine, 1)
        await wait_for(desk, 2)
    finally:
        await _cancel(*tasks)
    # Rahman sees his own complaint only; the desk sees both, and who filed them.
    assert [m["data"]["aduanBerubah"]["nomor"] for m in mine] == [own]
    assert [d["data"]["aduanBerubah"]["nomor"] for d in desk] == [hers, own]
    assert desk[0]["data"]["aduanBerubah"]["pelapor"]["nama"] == "Hasnah Saleh"


async def test_every_complaint_needs_an_identity_but_one_number_does_not(live: Live) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(live.gateways[0], json={"query": ONE, "variables": {}},
                                   headers={"accept": "text/event-stream"})
    events = [line for line in response.text.splitlines() if line.startswith("data: {")]
    assert json.loads(events[0][6:])["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def _raw(url: str, *messages: dict[str, Any], protocol: str = "graphql-transport-ws",
               headers: dict[str, str] | None = None, until: str | None = None,
               ) -> tuple[int | None, list[dict[str, Any]]]:
    """Send `messages` on a raw socket; the close code and what came back."""
    received: list[dict[str, Any]] = []
    async with connect(url, subprotocols=[protocol], additional_headers=headers) as ws:  # type: ignore[list-item]
        try:
            for message in messages:
                await ws.send(orjson.dumps(message).decode() if message else "not json")
            while not (until and any(m.get("id") == until for m in received)):
                received.append(orjson.loads(await asyncio.wait_for(ws.recv(), 5)))
        except Exception:
            pass
        return ws.close_code, received


@pytest.mark.parametrize(("messages", "code"), [
    ([{"type": "connection_init"}, {"type": "connection_init"}], 4429),
    ([{"id": "1", "type": "subscribe", "payload": {"query": ONE}}], 4401),
    ([{}], 4400),
    ([{"type": "connection_init"}, {"type": "what"}], 4400),
])
async def test_the_protocols_close_codes(live: Live, messages: list[dict[str, Any]], code: int) -> None:
    closed, _ = await _raw(live.ws(0), *messages)
    assert closed == code


async def test_a_binary_frame_closes_with_4400(live: Live) -> None:
    async with connect(live.ws(0), subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(b'{"type":"connection_init"}')
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        assert ws.close_code == 4400


async def test_a_duplicate_subscription_id_closes_with_4409(live: Live) -> None:
    nomor = await _file(live)
    subscribe = {"id": "a", "type": "subscribe", "payload": {"query": ONE, "variables": {"n": nomor}}}
    closed, received = await _raw(live.ws(0), {"type": "connection_init"}, subscribe, subscribe,
                                  headers={HEADER: encode_principal(CITIZEN)})
    assert closed == 4409 and received[0] == {"type": "connection_ack"}


async def test_no_connection_init_in_time_closes_with_4408(live: Live) -> None:
    route = next(r for r in live.gateway_apps[0].routes if getattr(r, "path", "") == "/graphql"
                 and hasattr(r, "app") and hasattr(r.app, "init_timeout"))
    route.app.init_timeout, before = 0.3, route.app.init_timeout  # type: ignore[attr-defined]
    try:
        async with connect(live.ws(0), subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 5)
            assert ws.close_code == 4408
    finally:
        route.app.init_timeout = before  # type: ignore[attr-defined]


async def test_another_subprotocol_is_refused(live: Live) -> None:
    closed, _ = await _raw(live.ws(0), {"type": "connection_init"}, protocol="graphql-ws")
    assert closed == 4406


async def test_subscriptions_per_connection_are_limited(live: Live) -> None:
    service = live.gateway_apps[0].state.subscriptions
    service.limits, before = Limits(per_connection=1), service.limits
    nomor = await _file(live)
    try:
        first = {"id": "a", "type": "subscribe", "payload": {"query": ONE, "variables": {"n": nomor}}}
        second = {**first, "id": "b"}
        _, received = await _raw(live.ws(0), {"type": "connection_init"}, first, second,
                                 headers={HEADER: encode_principal(CITIZEN)}, until="b")
    finally:
        service.limits = before
    refused = [m for m in received if m.get("id") == "b"]
    assert refused[0]["type"] == "error" and refused[0]["payload"][0]["extensions"]["code"] == "SUBSCRIPTION_LIMIT"


async def test_a_reload_keeps_what_the_new_schema_serves_and_ends_the_rest_with_a_reason(live: Live) -> None:
    nomor = await _file(live)
    kept: list[dict[str, Any]] = []
    ended: list[dict[str, Any]] = []
    ready = [asyncio.Event(), asyncio.Event()]
    gone = ONE.replace("pelapor { nik nama }", "rahasia")
    tasks = [asyncio.create_task(sse(live.gateways[0], ONE, CITIZEN, kept, ready[0], n=nomor)),
             asyncio.create_task(sse(live.gateways[0], gone, CITIZEN, ended, ready[1], n=nomor))]
    gateway = live.gateway(0)
    try:
        await wait_for(kept, 1)
        await wait_for(ended, 1)
        # The new supergraph no longer has Aduan.rahasia: the second subscription cannot be served.
        gateway.reload(SUPERGRAPH.replace("  rahasia: Boolean!\n", "  rahasiaLama: Boolean!\n", 1))
        await wait_for(ended, 2)
        await _step(live, 0, nomor, "verifikasi")
        await wait_for(kept, 2)
        await asyncio.wait_for(tasks[1], 5)  # the ended one completed
    finally:
        gateway.reload(SUPERGRAPH)
        await _cancel(*tasks)
    assert ended[1]["errors"][0]["extensions"]["code"] == "SUBSCRIPTION_ENDED_BY_RELOAD"
    assert "rahasia" in ended[1]["errors"][0]["message"]
    assert kept[1]["data"]["aduanBerubah"]["status"] == "DIVERIFIKASI"


async def test_a_bad_request_over_sse_is_answered_before_any_stream(live: Live) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        invalid = await http.post(live.gateways[0], json={"query": "subscription { nope }"},
                                  headers={"accept": "text/event-stream"})
        not_json = await http.post(live.gateways[0], content=b"{", headers={"accept": "text/event-stream"})
    assert invalid.status_code == 400 and "nope" in invalid.json()["errors"][0]["message"]
    assert not_json.status_code == 400


async def test_a_query_over_sse_is_one_event_then_complete(live: Live) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(live.gateways[0], json={"query": "{ tenggatAduan { status } }"},
                                   headers={"accept": "text/event-stream"})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [line.split(": ", 1)[1] for line in response.text.splitlines() if line.startswith("event: ")]
    assert events == ["next", "complete"]


async def test_a_subscription_over_plain_post_is_still_a_request_error(live: Live) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(live.gateways[0], json={"query": ONE},
                                   headers={"accept": "application/graphql-response+json"})
    assert response.status_code == 400
    assert "text/event-stream" in response.json()["errors"][0]["message"]


async def test_a_nik_the_registry_does_not_know_is_answered_with_its_number(live: Live) -> None:
    from subgraphs.kit.principal import Principal

    stranger = Principal(subject="warga-baru", role="warga", nik="7371016501990009", name="Pendatang")
    body = await live.post(0, "mutation($a: AduanBaru!) { ajukanAduan(aduan: $a) { nomor status pelapor { nama } } }",
                           stranger, a=NEW)
    assert body["data"]["ajukanAduan"]["status"] == "DITERIMA" and body["data"]["ajukanAduan"]["pelapor"] is None
    # Selecting the civil registry's name of a NIK it does not know is the one error, at its own
    # path (GraphQL: a non-null field without a value); the complaint and its number stand.
    assert [e["path"] for e in body.get("errors", [])] in ([], [["ajukanAduan", "pelapor", "nama"]])
    plain = await live.post(0, "mutation($a: AduanBaru!) { ajukanAduan(aduan: $a) { nomor status } }", stranger, a=NEW)
    assert "errors" not in plain and plain["data"]["ajukanAduan"]["nomor"].startswith("ADU-")


async def test_a_subgraph_that_cannot_be_reached_ends_the_subscription_with_a_clear_error() -> None:
    from federation.gateway import Gateway
    from federation.http.app import create_app as create_gateway
    from federation.supergraph import Supergraph
    from subgraphs.serve import Servers
    from tests.subgraphs.conftest import free_port

    dead = f"http://127.0.0.1:{free_port()}/graphql"
    gateway = Gateway(Supergraph.from_sdl(SUPERGRAPH), propagate_headers=[HEADER], subgraph_urls={"aduan": dead})
    servers = Servers()
    port = free_port()
    await servers.start_asgi(create_gateway(SUPERGRAPH, gateway=gateway), "127.0.0.1", port)
    try:
        received: list[dict[str, Any]] = []
        await asyncio.wait_for(sse(f"http://127.0.0.1:{port}/graphql", ONE, CITIZEN, received, asyncio.Event(),
                                   n="ADU-20260101-AAAAAAAAAA"), 10)
    finally:
        await servers.stop()
    assert len(received) == 1 and received[0]["errors"][0]["extensions"] == {
        "code": "SUBREQUEST_HTTP_ERROR", "serviceName": "aduan"}
    assert "traceback" not in json.dumps(received).lower()


async def test_two_gateway_worker_processes_serve_one_stream(live: Live, tmp_path: Any) -> None:
    import subprocess
    import sys

    from tests.subgraphs.conftest import free_port

    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(SUPERGRAPH)
    port = free_port()
    kependudukan = str(live.gateway(0).subgraph_urls["kependudukan"])
    process = subprocess.Popen(
        [sys.executable, "-m", "federation.cli", "gateway", "--supergraph", str(supergraph), "--port", str(port),
         "--workers", "2", "--propagate-header", HEADER, "--subgraph-url", f"aduan={live.aduan_urls[1]}",
         "--subgraph-url", f"kependudukan={kependudukan}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(200):
                try:
                    if (await http.get(url.replace("/graphql", "/health"))).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        nomor = await _file(live)
        streams: list[list[dict[str, Any]]] = [[] for _ in range(6)]
        tasks = [asyncio.create_task(sse(url, ONE, CITIZEN, got, asyncio.Event(), n=nomor)) for got in streams]
        try:
            for got in streams:
                await wait_for(got, 1)
            await _step(live, 0, nomor, "verifikasi")  # on the other aduan replica
            for got in streams:
                await wait_for(got, 2)
        finally:
            await _cancel(*tasks)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert all(got[1]["data"]["aduanBerubah"]["status"] == "DIVERIFIKASI" for got in streams)
    assert all(got[1]["data"]["aduanBerubah"]["pelapor"]["nama"] == "Hasnah Saleh" for got in streams)


async def test_an_opds_and_an_officers_queues_hear_what_enters_and_leaves_them(live: Live) -> None:
    from tests.lontara.client import KOORDINATOR_PU, PETUGAS_PU

    opd: list[dict[str, Any]] = []
    officer: list[dict[str, Any]] = []
    ready = [asyncio.Event(), asyncio.Event()]
    tasks = [
        asyncio.create_task(graphql_ws(live.ws(0), "subscription { antrianOpdBerubah { nomor status opdTujuan } }",
                                       KOORDINATOR_PU, opd, ready[0])),
        asyncio.create_task(graphql_ws(live.ws(1), "subscription { antrianPetugasBerubah { nomor status } }",
                                       PETUGAS_PU, officer, ready[1])),
    ]
    try:
        await asyncio.gather(*(r.wait() for r in ready))
        await asyncio.sleep(1.0)
        nomor = await _file(live)
        for step in ["verifikasi", "disposisi", "tugaskan"]:
            await _step(live, 1, nomor, step)
        await wait_for(officer, 1)
        second = await _file(live)
        for step in ["verifikasi", "disposisi", "kembalikan"]:
            await _step(live, 0, second, step)
        await wait_for(opd, 4)
    finally:
        await _cancel(*tasks)
    seen = [(e["data"]["antrianOpdBerubah"]["nomor"], e["data"]["antrianOpdBerubah"]["status"]) for e in opd]
    assert seen == [(nomor, "DIDISPOSISIKAN"), (nomor, "DITUGASKAN"), (second, "DIDISPOSISIKAN"),
                    (second, "DIVERIFIKASI")]
    assert officer == [{"data": {"antrianPetugasBerubah": {"nomor": nomor, "status": "DITUGASKAN"}}}]
