"""Deadlines as data in WITA working time, the escalation job (once across replicas), queues,
filters and dashboard aggregates."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from subgraphs.aduan import tables
from subgraphs.aduan.eskalasi import EscalationJob, escalate
from subgraphs.aduan.tenggat import Satuan, deadline, working_hours_between
from subgraphs.kit.scalars import WITA
from subgraphs.kit.sql import create_engine
from tests.lontara.client import (
    ADMIN,
    ANON,
    CITIZEN,
    DESK,
    KEPALA_PU,
    KOORDINATOR_DLH,
    KOORDINATOR_PU,
    PETUGAS_PU,
    AduanClient,
)
from tests.subgraphs import world as w

NYEPI = frozenset({date(2026, 3, 19)})


def utc(*parts: int) -> datetime:
    """A WITA wall-clock time as the tables store it (naive UTC)."""
    return datetime(*parts, tzinfo=WITA).astimezone(UTC).replace(tzinfo=None)  # type: ignore[misc]


def test_working_days_skip_weekends_and_holidays() -> None:
    # Wednesday 18 March 2026, 15:00 WITA; Thursday the 19th is Nyepi.
    filed = utc(2026, 3, 18, 15, 0)
    assert deadline(filed, 1, Satuan.HARI_KERJA, NYEPI) == utc(2026, 3, 20, 15, 0)
    assert deadline(filed, 1, Satuan.HARI_KERJA, frozenset()) == utc(2026, 3, 19, 15, 0)
    # Two working days from Friday 15:00: Monday and Tuesday, due Tuesday 15:00.
    assert deadline(utc(2026, 3, 20, 15, 0), 2, Satuan.HARI_KERJA, frozenset()) == utc(2026, 3, 24, 15, 0)


def test_time_outside_working_hours_does_not_count() -> None:
    saturday_night = utc(2026, 3, 28, 21, 0)
    assert deadline(saturday_night, 3, Satuan.JAM_KERJA, frozenset()) == utc(2026, 3, 30, 11, 0)
    assert working_hours_between(saturday_night, utc(2026, 3, 30, 11, 0), frozenset()) == 3.0
    # Clock hours and calendar days count every hour.
    assert deadline(saturday_night, 48, Satuan.JAM, frozenset()) == utc(2026, 3, 30, 21, 0)
    assert deadline(saturday_night, 2, Satuan.HARI, NYEPI) == utc(2026, 3, 30, 21, 0)


async def test_each_state_shows_how_long_it_took_in_clock_and_working_hours(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    engine = create_engine(aduan.database_url)
    history = tables.riwayat_aduan
    async with engine.begin() as connection:  # filed on Friday 20 March 2026 (Idulfitri), 15:00 WITA
        await connection.execute(update(history).where(history.c.nomor_aduan == nomor)
                                 .values(waktu=utc(2026, 3, 20, 15, 0)))
    await engine.dispose()
    await aduan.step(nomor, "verifikasi")
    async with engine.begin() as connection:  # verified on Wednesday 25 March, 10:00
        await connection.execute(update(history).where(history.c.nomor_aduan == nomor, history.c.langkah == "ajukan")
                                 .values(berakhir=utc(2026, 3, 25, 10, 0)))
    await engine.dispose()
    first = (await aduan.read(nomor, DESK, "riwayat { langkah durasiJam durasiJamKerja }"))["riwayat"][0]
    # 115 clock hours; working: only Wednesday 08-10 (Friday was Idulfitri, Monday and Tuesday cuti bersama).
    assert first == {"langkah": "ajukan", "durasiJam": 115.0, "durasiJamKerja": 2.0}


async def test_the_city_edits_deadlines_without_code(aduan: AduanClient) -> None:
    refused = await aduan.errors("mutation { aturTenggat(status: DITERIMA, jumlah: 2, satuan: JAM) { jumlah } }",
                                 DESK)
    assert refused[0]["extensions"]["code"] == "FORBIDDEN"
    await aduan.run("mutation { aturTenggat(status: DITERIMA, kategori: LAINNYA, jumlah: 2, satuan: JAM) "
                    "{ jumlah } }", ADMIN)
    filed = await aduan.file(kategori="LAINNYA", fields="diterima batasWaktu")
    received = datetime.fromisoformat(filed["diterima"])
    assert datetime.fromisoformat(filed["batasWaktu"]) - received == timedelta(hours=2)
    rules = await aduan.run("{ tenggatAduan { status kategori jumlah satuan } }", ANON)
    assert {"status": "DITERIMA", "kategori": "LAINNYA", "jumlah": 2, "satuan": "JAM"} in rules["tenggatAduan"]
    assert {"status": "DITERIMA", "kategori": None, "jumlah": 1, "satuan": "HARI_KERJA"} in rules["tenggatAduan"]


async def test_the_holiday_calendar_is_data(aduan: AduanClient) -> None:
    await aduan.run('mutation { aturHariLibur(tanggal: "2026-11-09", nama: "Hari Jadi Kota Makassar") '
                    "{ tanggal } }", ADMIN)
    days = (await aduan.run("{ hariLibur(tahun: 2026) { tanggal nama } }", ANON))["hariLibur"]
    assert {"tanggal": "2026-11-09", "nama": "Hari Jadi Kota Makassar"} in days
    assert {"tanggal": "2026-08-17", "nama": "Hari Kemerdekaan"} in days


async def _overdue(aduan: AduanClient, nomor: str, hours: float) -> None:
    """Move the complaint's current deadline `hours` into the past."""
    engine = create_engine(aduan.database_url)
    past = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=hours)
    async with engine.begin() as connection:
        await connection.execute(update(tables.aduan).where(tables.aduan.c.nomor == nomor)
                                 .values(batas_langkah=past))
    await engine.dispose()


async def test_an_overdue_complaint_goes_to_the_opd_head_then_to_the_city_once_each(aduan: AduanClient) -> None:
    nomor = (await aduan.file())["nomor"]
    await aduan.walk(nomor, ["verifikasi", "disposisi"])
    engine = create_engine(aduan.database_url)
    try:
        now = datetime.now(UTC).replace(tzinfo=None)
        assert await escalate(engine, now) == 0 or (await aduan.read(nomor))["eskalasi"] == 0
        await _overdue(aduan, nomor, 1)
        await escalate(engine, now)
        await escalate(engine, now)  # the same moment again: nothing new
        seen = await aduan.read(nomor)
        assert seen["eskalasi"] == 1 and seen["terlambat"] is True
        assert [e["peran"] for e in seen["riwayat"] if e["langkah"] == "eskalasi"] == ["kepala_opd"]
        head_queue = await aduan.run("{ antrianSaya(first: 100) { nodes { nomor } } }", KEPALA_PU)
        assert {"nomor": nomor} in head_queue["antrianSaya"]["nodes"]
        await escalate(engine, now + timedelta(hours=49))
        await escalate(engine, now + timedelta(hours=50))
        seen = await aduan.read(nomor)
        assert seen["eskalasi"] == 2
        assert [e["peran"] for e in seen["riwayat"] if e["langkah"] == "eskalasi"] == ["kepala_opd", "admin_kota"]
        # The next step starts a new clock.
        moved = await aduan.step(nomor, "tugaskan")
        assert moved["eskalasi"] == 0 and moved["terlambat"] is False
    finally:
        await engine.dispose()


async def test_escalation_runs_once_across_replicas(aduan_server: AduanClient) -> None:
    numbers = [(await aduan_server.file(fields="nomor"))["nomor"] for _ in range(3)]
    for nomor in numbers:
        await _overdue(aduan_server, nomor, 2)
    now = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=1)
    engines = [create_engine(aduan_server.database_url) for _ in range(4)]
    try:
        replicas = [EscalationJob(engine, interval=60, clock=lambda: now) for engine in engines]
        raised = await asyncio.gather(*(job.run_once() for job in replicas))
        assert sum(raised) >= 3 and sorted(raised)[:-1] == [0, 0, 0]  # one replica held the lease
    finally:
        for engine in engines:
            await engine.dispose()
    for nomor in numbers:
        history = (await aduan_server.read(nomor))["riwayat"]
        assert [e["langkah"] for e in history].count("eskalasi") == 1


async def test_each_role_has_its_queue(aduan: AduanClient) -> None:
    fresh = (await aduan.file())["nomor"]
    dispatched = (await aduan.file())["nomor"]
    await aduan.walk(dispatched, ["verifikasi", "disposisi"])
    assigned = (await aduan.file())["nomor"]
    await aduan.walk(assigned, ["verifikasi", "disposisi", "tugaskan"])
    done = (await aduan.file())["nomor"]
    await aduan.walk(done, ["verifikasi", "disposisi", "tugaskan", "tangani", "selesaikan"])

    async def queue(caller: object) -> set[str]:
        data = await aduan.run("{ antrianSaya(first: 100) { nodes { nomor } } }", caller)  # type: ignore[arg-type]
        return {n["nomor"] for n in data["antrianSaya"]["nodes"]}

    desk, pu, dlh, officer, citizen = [await queue(p) for p in (DESK, KOORDINATOR_PU, KOORDINATOR_DLH, PETUGAS_PU,
                                                                 CITIZEN)]
    assert fresh in desk and dispatched not in desk
    assert {dispatched, assigned} <= pu and fresh not in pu
    assert not {fresh, dispatched, assigned, done} & dlh
    assert assigned in officer and dispatched not in officer and done not in officer
    assert done in citizen and fresh not in citizen


async def test_lists_filter_by_opd_category_status_kelurahan_date_and_overdue(aduan: AduanClient) -> None:
    late = (await aduan.file(kategori="DRAINASE"))["nomor"]
    await aduan.walk(late, ["verifikasi", "disposisi"])
    await _overdue(aduan, late, 1)
    on_time = (await aduan.file(kategori="DRAINASE"))["nomor"]
    await aduan.walk(on_time, ["verifikasi", "disposisi"])
    query = """query($s: SaringanAduan) { daftarAduan(saringan: $s, first: 100) { nodes { nomor terlambat } } }"""
    since = (datetime.now(WITA) - timedelta(hours=1)).isoformat()
    found = await aduan.run(query, DESK, s={"opd": "DINAS_PU", "kategori": "DRAINASE", "status": ["DIDISPOSISIKAN"],
                                            "kodeKelurahan": w.RAPPOCINI, "dari": since, "terlambat": True})
    nodes = found["daftarAduan"]["nodes"]
    assert {"nomor": late, "terlambat": True} in nodes and all(n["nomor"] != on_time for n in nodes)
    # An OPD's staff list only their OPD's complaints, whatever they ask for.
    other = await aduan.run(query, KOORDINATOR_DLH, s={"opd": "DINAS_PU"})
    assert other["daftarAduan"]["nodes"] == []
    refused = await aduan.errors(query, CITIZEN, s=None)
    assert refused[0]["extensions"]["code"] == "FORBIDDEN"


async def test_lists_page_with_a_cursor(aduan: AduanClient) -> None:
    for _ in range(3):
        await aduan.file(kategori="BANTUAN_SOSIAL")
    query = """query($after: String) { daftarAduan(saringan: {kategori: BANTUAN_SOSIAL}, first: 2, after: $after)
               { nodes { nomor } endCursor hasNextPage } }"""
    first = (await aduan.run(query, DESK, after=None))["daftarAduan"]
    second = (await aduan.run(query, DESK, after=first["endCursor"]))["daftarAduan"]
    assert first["hasNextPage"] and len(first["nodes"]) == 2
    assert not {n["nomor"] for n in first["nodes"]} & {n["nomor"] for n in second["nodes"]}
    bad = await aduan.errors(query, DESK, after="not-a-cursor")
    assert bad[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_dashboard_figures_are_counted_in_sql(aduan: AduanClient) -> None:
    numbers = [(await aduan.file(kategori="PERIZINAN"))["nomor"] for _ in range(3)]
    for nomor in numbers:
        await aduan.walk(nomor, ["verifikasi", "disposisi"])
    await _overdue(aduan, numbers[0], 3)
    query = """{ statistikAduan { perOpdStatus { opd status jumlah } terlambatPerOpd { opd jumlah }
                waktuLangkah { status jumlah medianJam p90Jam terlambat } } }"""
    stats = (await aduan.run(query, KOORDINATOR_PU))["statistikAduan"]
    assert all(row["opd"] == "DINAS_PU" for row in stats["perOpdStatus"])
    assert {r["opd"] for r in stats["terlambatPerOpd"]} == {"DINAS_PU"}
    steps = {r["status"]: r for r in stats["waktuLangkah"]}
    assert steps["DITERIMA"]["jumlah"] >= 3 and 0 <= steps["DITERIMA"]["medianJam"] <= steps["DITERIMA"]["p90Jam"]
    everyone = (await aduan.run(query, DESK))["statistikAduan"]
    assert sum(r["jumlah"] for r in everyone["perOpdStatus"]) >= sum(r["jumlah"] for r in stats["perOpdStatus"])
