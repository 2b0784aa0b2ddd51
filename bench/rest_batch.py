"""`python -m bench.rest_batch`: what a declared REST batch saves, on kesehatan's JKN membership.

The gateway asks kesehatan for `jkn` of N citizens in one `_entities` request. Kesehatan's
`@rest_entity` sends their NIKs 100 at a time to the BPJS stand-in (`Get("/peserta",
batch="nik", size=100)`); the same entity declared one NIK per call (`Get("/peserta/{nik}")`)
is the comparison. Both run against the stand-in on loopback over a seeded SQLite file.

Prints, for each declaration: upstream calls and the median / max milliseconds of the
`_entities` request over the rounds.
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import strawberry
from aiohttp import web
from sqlalchemy import select

from subgraphs.kesehatan.schema import KepesertaanJkn, SegmenJkn, StatusJkn, schema
from subgraphs.kit import Get, RestSource, SubgraphContext, create_schema, penduduk, reference, rest_entity
from subgraphs.kit.sql import create_engine
from subgraphs.serve import Servers
from subgraphs.standins import bpjs
from subgraphs.standins.tables import peserta_jkn

CITIZENS = 1_000
ROUNDS = 5
QUERY = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Penduduk { jkn { nomorKartu status } } } }"


@rest_entity("bpjs", key="nik", call=Get("/peserta/{nik}"))
class SatuPeserta:
    nik: strawberry.Private[str]
    nomor_kartu: str
    segmen: SegmenJkn
    kelas: int
    status: StatusJkn
    faskes_pertama: str


@penduduk
class Penduduk:
    jkn = reference(SatuPeserta, "nik")


one_by_one = create_schema(types=[Penduduk])


async def measure(name: str, subject: Any, api: RestSource, niks: list[str], calls: list[int]) -> dict[str, Any]:
    times = []
    for _ in range(ROUNDS):
        # Fresh each round: strawberry pops `__typename` out of the representations it is given.
        representations = [{"__typename": "Penduduk", "nik": nik} for nik in niks]
        calls[0] = 0
        started = time.perf_counter()
        result = await subject.execute(QUERY, variable_values={"r": representations},
                                       context_value=SubgraphContext(rest={"bpjs": api}))
        times.append((time.perf_counter() - started) * 1000)
        assert result.errors is None, result.errors[:1]
        assert result.data is not None and sum(e["jkn"] is not None for e in result.data["_entities"]) > 0
    return {"name": name, "calls": calls[0], "median_ms": statistics.median(times), "max_ms": max(times)}


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        splp = Path(sys.executable).parent / "splp"
        subprocess.run([str(splp), "seed", "--citizens", str(CITIZENS * 2), "--database", url], check=True,
                       stdout=subprocess.DEVNULL)
        engine = create_engine(url)
        async with engine.connect() as connection:
            niks = list((await connection.execute(select(peserta_jkn.c.nik).limit(CITIZENS))).scalars())
        await engine.dispose()
        calls = [0]

        @web.middleware
        async def count(request: web.Request, handler: Any) -> web.StreamResponse:
            calls[0] += 1
            return await handler(request)

        app = bpjs.create_app(url)
        app.middlewares.append(count)
        servers = Servers()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        await servers.start_aiohttp(app, "127.0.0.1", port)
        api = RestSource("bpjs", f"http://127.0.0.1:{port}", timeout=30)
        await api.open()
        try:
            rows = [await measure(f"{KepesertaanJkn.__name__}: batches of 100", schema, api, niks, calls),
                    await measure("one NIK per call", one_by_one, api, niks, calls)]
        finally:
            await api.close()
            await servers.stop()
    print(f"{len(niks)} citizens' JKN membership in one _entities request, {ROUNDS} rounds")
    print(f"{'declaration':32} {'BPJS calls':>10} {'median ms':>10} {'max ms':>8}")
    for row in rows:
        print(f"{row['name']:32} {row['calls']:>10} {row['median_ms']:>10.1f} {row['max_ms']:>8.1f}")


if __name__ == "__main__":
    asyncio.run(main())
