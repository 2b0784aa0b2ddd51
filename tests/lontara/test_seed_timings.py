"""The demo's seeded complaints are dated relative to when the seed runs: on a fresh seed the
city's dashboard shows mostly open complaints inside their deadlines, some late and escalated."""

from __future__ import annotations

from pathlib import Path

from subgraphs.seed import TARGETS, seed_databases
from tests.lontara.client import ADMIN, DESK, AduanClient
from tests.lontara.conftest import serve

STATS = "{ statistikAduan { perOpdStatus { status jumlah } terlambatPerOpd { jumlah } } }"
TIMED = {"DITERIMA", "DIVERIFIKASI", "DIDISPOSISIKAN", "DITUGASKAN", "DITANGANI"}


async def test_on_a_fresh_seed_most_open_complaints_are_not_overdue(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    await seed_databases(dict.fromkeys(TARGETS, url), citizens=3000, seed=7, batch_size=1000)
    servers, endpoint = await serve(url, nats_url="")
    try:
        async with AduanClient(endpoint, url) as client:
            stats = (await client.run(STATS, ADMIN))["statistikAduan"]
            overdue_queue = await client.run("{ daftarAduan(saringan: {terlambat: true}, first: 100) "
                                             "{ nodes { nomor terlambat eskalasi } } }", DESK)
    finally:
        await servers.stop()
    open_ = sum(r["jumlah"] for r in stats["perOpdStatus"] if r["status"] in TIMED)
    overdue = sum(r["jumlah"] for r in stats["terlambatPerOpd"])
    assert open_ >= 20
    assert 0 < overdue < 0.3 * open_  # most on time, some late
    late = overdue_queue["daftarAduan"]["nodes"]
    assert late and all(n["terlambat"] and n["eskalasi"] >= 1 for n in late)  # the late ones were escalated
