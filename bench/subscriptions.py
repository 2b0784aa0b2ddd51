"""`python -m bench.subscriptions`: events per second through the gateway to N open
subscriptions, and the time from a step's commit to its subscribers (p50, p99).

One process, every server on loopback: the aduan subgraph (SQLite, publishing to the NATS of
this machine, 127.0.0.1:4222), kependudukan, and the gateway. N subscriptions of
`aduanBerubah { nomor status }` (as the desk: every event reaches every subscriber) are opened
over graphql-ws, 20 to a connection; then steps are taken one after the other (the latency
run) and then all at once (the throughput run).

The peer in the same run is the aduan subgraph itself: the same N subscriptions opened on it
directly, so the figures say what the gateway adds (its upstream connections, planning per
event, shaping). The gateway runs twice: as it is, where identical subscriptions (one document,
variables and credentials, as here) share one upstream stream and one completion per event;
and with that sharing off (`Limits(share=False)`), the cost when every subscriber is someone
else (each its own upstream connection, completion and shaping). Latency is measured
from sending the step's mutation to the subscriber receiving its event: an upper bound of
commit-to-subscriber (the commit happens inside it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import insert
from websockets.asyncio.client import ClientConnection, connect

from federation.gateway import Gateway
from federation.http.app import create_app as create_gateway
from federation.subscriptions import Limits
from federation.supergraph import Supergraph
from subgraphs.aduan import tables
from subgraphs.aduan.app import create_app as create_aduan
from subgraphs.aduan.app import prepare_database
from subgraphs.kependudukan.app import create_app as create_kependudukan
from subgraphs.kit.principal import Principal, encode_principal
from subgraphs.kit.sql import SqlSource
from subgraphs.serve import Servers

SUPERGRAPH = Path(__file__).resolve().parents[1] / "subgraphs" / "demo" / "supergraph.graphql"
HEADER = "x-splp-principal"
DESK = Principal(subject="meja-bench", role="meja_aduan", name="Meja Aduan")
CITIZEN = Principal(subject="warga-bench", role="warga", nik="7371134402750001", name="Hasnah")
PER_CONNECTION = 20
QUERY = "subscription { aduanBerubah { nomor status } }"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Subscribers:
    """N subscriptions over graphql-ws; `seen[nomor]` counts deliveries, `first[nomor]` times them."""

    def __init__(self) -> None:
        self.connections: list[ClientConnection] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.received = 0
        self.arrivals: dict[str, list[float]] = {}

    async def open(self, url: str, count: int) -> None:
        for start in range(0, count, PER_CONNECTION):
            ws = await connect(url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                               additional_headers={HEADER: encode_principal(DESK)}, max_queue=None)
            await ws.send('{"type":"connection_init"}')
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            for i in range(start, min(start + PER_CONNECTION, count)):
                await ws.send(orjson.dumps({"id": str(i), "type": "subscribe", "payload": {"query": QUERY}}).decode())
            self.connections.append(ws)
            self.tasks.append(asyncio.create_task(self._read(ws)))

    async def _read(self, ws: ClientConnection) -> None:
        async for raw in ws:
            message = orjson.loads(raw)
            if message.get("type") == "next":
                data = message["payload"].get("data") or {}
                nomor = (data.get("aduanBerubah") or {}).get("nomor")
                if nomor:
                    self.received += 1
                    self.arrivals.setdefault(nomor, []).append(time.perf_counter())

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for ws in self.connections:
            await ws.close()


async def _step(http: httpx.AsyncClient, aduan_url: str) -> str:
    body = (await http.post(aduan_url, json={"query": "mutation { ajukanAduan(aduan: {kategori: SAMPAH, "
                                                      'lokasi: "Pasar Terong", deskripsi: "Sampah menumpuk"}) '
                                                      "{ nomor } }"},
                            headers={HEADER: encode_principal(CITIZEN)})).json()
    nomor: str = body["data"]["ajukanAduan"]["nomor"]
    return nomor


async def _until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.005)
    return condition()


async def measure(name: str, ws_url: str, aduan_url: str, count: int, steps: int,
                  settle: Callable[[], Awaitable[None]]) -> dict[str, Any]:
    subscribers = Subscribers()
    await subscribers.open(ws_url, count)
    await settle()
    latencies: list[float] = []
    async with httpx.AsyncClient(timeout=60) as http:
        await _step(http, aduan_url)  # a throwaway step: connections and caches warm
        await _until(lambda: subscribers.received >= count, 30)
        for _ in range(steps):  # latency: one step at a time
            sent = time.perf_counter()
            nomor = await _step(http, aduan_url)
            await _until(lambda n=nomor: len(subscribers.arrivals.get(n, ())) >= count, 60)  # type: ignore[misc]
            latencies.extend(t - sent for t in subscribers.arrivals.get(nomor, []))
        before = subscribers.received
        started = time.perf_counter()
        await asyncio.gather(*(_step(http, aduan_url) for _ in range(steps)))  # throughput: all at once
        delivered = await _until(lambda: subscribers.received - before >= steps * count, 120)
        elapsed = time.perf_counter() - started
        burst = subscribers.received - before
    await subscribers.close()
    latencies.sort()
    return {
        "name": name, "subscriptions": count, "steps": steps, "complete": delivered,
        "events_per_s": round(burst / elapsed), "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p99_ms": round(1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
    }


async def main(count: int, steps: int, nats_url: str) -> list[dict[str, Any]]:
    folder = Path(tempfile.mkdtemp(prefix="splp-bench-subs-"))
    aduan_db = f"sqlite+aiosqlite:///{folder / 'aduan.db'}"
    kependudukan_db = f"sqlite+aiosqlite:///{folder / 'kependudukan.db'}"
    sql = SqlSource(aduan_db)
    await prepare_database(sql)
    async with sql.engine.begin() as connection:
        await connection.execute(insert(tables.petugas).values(sub="p", nama="P", opd="DLH", aktif=True))
    await sql.dispose()
    from subgraphs.kependudukan.tables import metadata

    kependudukan_sql = SqlSource(kependudukan_db)
    async with kependudukan_sql.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    await kependudukan_sql.dispose()
    tag = secrets.token_hex(4)
    servers = Servers()
    aduan_port, kependudukan_port, gateway_port = free_port(), free_port(), free_port()
    await servers.start_asgi(create_aduan(aduan_db, nats_url=nats_url, escalation_interval=0, senders=[],
                                          nats_prefix=f"bench.{tag}.aduan", nats_stream=f"BENCH_{tag.upper()}"),
                             "127.0.0.1", aduan_port)
    await servers.start_asgi(create_kependudukan(kependudukan_db), "127.0.0.1", kependudukan_port)
    sdl = SUPERGRAPH.read_text()
    aduan_url = f"http://127.0.0.1:{aduan_port}/graphql"
    gateway = Gateway(Supergraph.from_sdl(sdl), propagate_headers=[HEADER], subgraph_urls={
        "aduan": aduan_url, "kependudukan": f"http://127.0.0.1:{kependudukan_port}/graphql"})
    app = create_gateway(sdl, gateway=gateway)
    await servers.start_asgi(app, "127.0.0.1", gateway_port)

    async def settle() -> None:
        await asyncio.sleep(1.0 + count / 500)

    gateway_ws = f"ws://127.0.0.1:{gateway_port}/graphql"
    try:
        results = [
            await measure("aduan subgraph (direct)", aduan_url.replace("http", "ws"), aduan_url, count, steps,
                          settle),
            await measure("SPLP gateway (shared)", gateway_ws, aduan_url, count, steps, settle),
        ]
        app.state.subscriptions.limits = Limits(share=False)
        results.append(await measure("SPLP gateway (unshared)", gateway_ws, aduan_url, count, steps, settle))
    finally:
        await servers.stop()
        import nats

        connection = await nats.connect(nats_url)
        try:
            await connection.jetstream().delete_stream(f"BENCH_{tag.upper()}")
        finally:
            await connection.close()
    return results


def report(results: list[dict[str, Any]]) -> None:
    print(f"{'':28} {'subs':>6} {'events/s':>9} {'p50 ms':>8} {'p99 ms':>8}  complete")
    for r in results:
        print(f"{r['name']:28} {r['subscriptions']:>6} {r['events_per_s']:>9} {r['p50_ms']:>8} {r['p99_ms']:>8}"
              f"  {r['complete']}")
    direct = results[0]
    for gateway in results[1:]:
        print(f"{gateway['name']} / direct: events/s x{gateway['events_per_s'] / max(direct['events_per_s'], 1):.2f},"
              f" p50 x{gateway['p50_ms'] / max(direct['p50_ms'], 0.1):.2f}, "
              f"p99 x{gateway['p99_ms'] / max(direct['p99_ms'], 0.1):.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--nats", default="nats://127.0.0.1:4222")
    args = parser.parse_args()
    found = asyncio.run(main(args.subscriptions, args.steps, args.nats))
    report(found)
    sys.exit(0 if all(r["complete"] for r in found) else 1)
