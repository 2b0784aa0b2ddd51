"""The seed generator: deterministic, valid by the data standard, every complaint state, on every engine."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from federation.cli import main
from subgraphs.aduan.workflow import LANGKAH, StatusAduan
from subgraphs.kit.scalars import (
    parse_kode_wilayah,
    parse_nib,
    parse_nik,
    parse_nomor_kk,
    parse_nop,
    parse_rupiah,
)
from subgraphs.kit.sql import create_engine
from subgraphs.pendapatan.tables import tagihan_pbb
from subgraphs.seed import TARGETS, generate, seed_databases

NOW = datetime(2026, 6, 30, 8, 0)  # complaints are dated relative to when the seed runs: here, fixed


def rows(citizens: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    merged: dict[str, list[dict[str, Any]]] = {}
    for batch in generate(citizens, seed, batch_size=500, now=NOW):
        for target, tables in batch.rows.items():
            for name, found in tables.items():
                merged.setdefault(f"{target}.{name}", []).extend(found)
    return merged


@pytest.fixture(scope="module")
def two_thousand() -> dict[str, list[dict[str, Any]]]:
    return rows(2000, 42)


def test_the_same_seed_gives_the_same_rows(two_thousand: dict[str, list[dict[str, Any]]]) -> None:
    assert rows(2000, 42) == two_thousand
    assert rows(2000, 43)["kependudukan.penduduk"] != two_thousand["kependudukan.penduduk"]


def test_exactly_the_requested_citizens_with_unique_valid_niks(two_thousand: dict[str, list[dict[str, Any]]]) -> None:
    citizens = two_thousand["kependudukan.penduduk"]
    assert len(citizens) == 2000
    assert len({c["nik"] for c in citizens}) == 2000
    for citizen in citizens:
        nik = parse_nik(citizen["nik"])
        born: date = citizen["tanggal_lahir"]
        day = born.day + (40 if citizen["jenis_kelamin"] == "PEREMPUAN" else 0)
        assert nik[6:12] == f"{day:02d}{born:%m%y}"
        parse_kode_wilayah(citizen["kode_kelurahan"])
        assert citizen["kode_kelurahan"].startswith("73.71.")


def test_families_tax_objects_and_businesses_follow_the_standard(
    two_thousand: dict[str, list[dict[str, Any]]],
) -> None:
    heads = {c["nik"] for c in two_thousand["kependudukan.penduduk"] if c["hubungan_keluarga"] == "KEPALA_KELUARGA"}
    for kk in two_thousand["kependudukan.kartu_keluarga"]:
        parse_nomor_kk(kk["nomor_kk"])
        assert kk["nik_kepala"] in heads
    nops = [parse_nop(o["nop"]) for o in two_thousand["pendapatan.objek_pajak"]]
    assert len(set(nops)) == len(nops)
    for bill in two_thousand["pendapatan.tagihan_pbb"]:
        assert parse_rupiah(bill["jumlah"]) == bill["jumlah"]
    nibs = [parse_nib(u["nib"]) for u in two_thousand["perizinan.usaha"]]
    assert len(set(nibs)) == len(nibs) > 0


def test_complaints_exist_in_every_state_with_a_lawful_history(
    two_thousand: dict[str, list[dict[str, Any]]],
) -> None:
    complaints = two_thousand["aduan.aduan"]
    assert {c["status"] for c in complaints} == {s.value for s in StatusAduan}
    history: dict[str, list[dict[str, Any]]] = {}
    for step in two_thousand["aduan.riwayat_aduan"]:
        history.setdefault(step["nomor_aduan"], []).append(step)
    for complaint in complaints:
        steps = [s for s in history[complaint["nomor"]] if s["awal"]]  # escalations start no state
        assert steps[0]["status"] == "DITERIMA"
        assert steps[-1]["status"] == complaint["status"]
        for before, after in itertools.pairwise(steps):
            step = LANGKAH[after["langkah"]]
            assert StatusAduan(before["status"]) in step.dari and StatusAduan(after["status"]) is step.ke
            assert after["waktu"] > before["waktu"] and before["berakhir"] == after["waktu"]


def test_most_seeded_complaints_are_on_time_some_late_some_escalated(
    two_thousand: dict[str, list[dict[str, Any]]],
) -> None:
    states = [s for s in two_thousand["aduan.riwayat_aduan"] if s["awal"] and s["berakhir"] and s["batas"]]
    late = sum(s["berakhir"] > s["batas"] for s in states)
    escalated = {s["nomor_aduan"] for s in two_thousand["aduan.riwayat_aduan"] if s["langkah"] == "eskalasi"}
    assert 0.03 < late / len(states) < 0.25
    assert 0 < len(escalated) < len(two_thousand["aduan.aduan"]) / 2


def test_every_opd_gets_data(two_thousand: dict[str, list[dict[str, Any]]]) -> None:
    counts = Counter({name: len(found) for name, found in two_thousand.items()})
    for table in ["kependudukan.kecamatan", "kependudukan.kelurahan", "pendapatan.tagihan_pbb",
                  "pendapatan.pembayaran_pbb", "kesehatan.puskesmas", "kesehatan.kunjungan", "bpjs.peserta_jkn",
                  "sosial.registrasi_dtks", "sosial.penyaluran_bantuan", "perizinan.izin",
                  "perizinan.permohonan", "aduan.aduan"]:
        assert counts[table] > 0, table
    assert counts["kependudukan.kecamatan"] == 15


async def test_seeding_writes_the_same_rows_on_every_engine(own_data_url: str) -> None:
    report = await seed_databases(dict.fromkeys(TARGETS, own_data_url), citizens=300, seed=5, batch_size=100)
    assert report.citizens == 300
    engine = create_engine(own_data_url)
    try:
        async with engine.begin() as connection:
            bills = (await connection.execute(select(func.count()).select_from(tagihan_pbb))).scalar_one()
            # Ids given by the seed (COPY on PostgreSQL) do not block the next ordinary insert.
            await connection.execute(insert(tagihan_pbb).values(
                nop="737101001001000010", tahun=2027, jumlah=1000, jatuh_tempo=date(2027, 8, 31), lunas=False))
    finally:
        await engine.dispose()
    assert bills == report.rows["pendapatan.tagihan_pbb"]


def test_splp_seed_prints_what_it_wrote(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'seed.db'}"
    assert main(["seed", "--citizens", "200", "--seed", "9", "--database", url]) == 0
    out = capsys.readouterr().out
    assert "kependudukan.penduduk                   200" in out
    assert "seeded 200 citizens" in out


def test_splp_seed_refuses_a_bad_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed", "--database", "nowhere"]) == 2
    assert "neither a database URL nor TARGET=URL" in capsys.readouterr().err
