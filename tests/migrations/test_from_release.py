"""An upgrade from the previous release: tables made by release cf5ca0c's `create_all`, with rows,
upgraded by `splp db upgrade` (and by the services' own start) to this release's head."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import MetaData, func, insert, inspect, select
from sqlalchemy.ext.asyncio import create_async_engine

from federation.compose import compose
from federation.migrations import COMPONENTS, head
from federation.registry.store import RegistryStore
from tests.migrations.conftest import schema_differences
from tests.migrations.release_cf5ca0c import (
    aduan,
    kependudukan,
    kesehatan,
    pendapatan,
    registry,
    sosial,
    standins,
    trail,
)
from tests.migrations.test_upgrade import splp_db
from tests.subgraphs.conftest import _own_database

RELEASE: dict[str, MetaData] = {
    "registry": registry.metadata,
    "trail": trail.metadata,
    "aduan": aduan.metadata,
    "kependudukan": kependudukan.metadata,
    "pendapatan": pendapatan.metadata,
    "kesehatan": kesehatan.metadata,
    "sosial": sosial.metadata,
    "bpjs": standins.bpjs_metadata,
    "perizinan": standins.perizinan_metadata,
}

NOW = dt.datetime(2026, 11, 30, 2, 15)

# One row per component, as the release wrote them.
ROWS = [
    (registry.usage, {"day": NOW.date(), "client": "superapp", "coordinate": "Penduduk.nama", "operations": 41}),
    (registry.tokens, {"token_hash": "ab" * 32, "label": "Disdukcapil", "role": "publisher",
                       "subgraphs": '["kependudukan"]', "created_at": NOW.replace(tzinfo=dt.UTC)}),
    (trail.head, {"id": 1, "seq": 0, "hash": "0" * 64, "checkpoint_seq": 0}),
    (aduan.aduan, {"nomor": "ADU-20261130-K7Q2M9X4TB", "nik_pelapor": "7371011208900001", "kategori": "JALAN_RUSAK",
                   "lokasi": "Jl. Urip Sumoharjo", "deskripsi": "Lubang besar di lajur kiri", "status": "DITERIMA",
                   "diterima": NOW, "rahasia": True}),
    (kependudukan.kecamatan, {"kode": "73.71.01", "nama": "Mariso"}),
    (pendapatan.objek_pajak, {"nop": "737101000100100010", "nik_pemilik": "7371011208900001", "letak": "Jl. Rajawali",
                              "kode_kelurahan": "73.71.01.1001", "luas_tanah": 120, "luas_bangunan": 90,
                              "njop": 450_000_000}),
    (kesehatan.puskesmas, {"kode": "P7371010101", "nama": "Puskesmas Mariso", "alamat": "Jl. Rajawali",
                           "kode_kecamatan": "73.71.01"}),
    (sosial.registrasi_dtks, {"nomor_kk": "7371011208900002", "desil": 2, "terdaftar": NOW.date(), "status": "AKTIF"}),
    (standins.peserta_jkn, {"nik": "7371011208900001", "nomor_kartu": "0001234567890", "segmen": "PBI", "kelas": "3",
                            "status": "AKTIF", "faskes_pertama": "Puskesmas Mariso"}),
    (standins.usaha, {"nib": "9120001234567", "nik_pemilik": "7371011208900001", "nama": "Warung Coto Daeng",
                      "kbli": "56101", "alamat": "Jl. Gagak"}),
]


@pytest.fixture(params=["postgresql", "mariadb"])
async def release_database(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A database as release cf5ca0c left it: every component's create_all, one row each, no version table."""
    server = request.getfixturevalue("postgres_url" if request.param == "postgresql" else "mariadb_url")
    async for url in _own_database(server):
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            for metadata in RELEASE.values():
                await connection.run_sync(metadata.create_all)
            for table, row in ROWS:
                await connection.execute(insert(table), [row])
        await engine.dispose()
        yield url


async def _rows(url: str) -> list[dict[str, object]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return [dict((await connection.execute(select(table))).one()._mapping) for table, _row in ROWS]
    finally:
        await engine.dispose()


async def test_splp_db_upgrade_takes_a_release_database_to_head_keeping_its_rows(release_database: str) -> None:
    before = await _rows(release_database)
    assert splp_db("current", "registry", "--database", release_database).returncode == 1

    done = splp_db("upgrade", "all", "--database", release_database)

    assert done.returncode == 0, done.stdout + done.stderr
    # 0001 adopted the release's tables, 0002 indexed usage, 0003 added trusted documents
    assert "registry: empty -> 0003" in done.stdout
    assert splp_db("current", "all", "--database", release_database).returncode == 0
    assert await _rows(release_database) == before
    for name in COMPONENTS:
        assert await schema_differences(release_database, name) == [], name


async def test_the_registry_started_on_a_release_database_upgrades_it_and_serves_its_rows(
    release_database: str,
) -> None:
    store = await RegistryStore.open(release_database, compose)
    try:
        async with store.engine.connect() as connection:
            indexes = await connection.run_sync(lambda c: inspect(c).get_indexes("registry_usage"))
            kept = (await connection.execute(select(func.count()).select_from(registry.usage))).scalar()
        assert "ix_registry_usage_coordinate_day" in {index["name"] for index in indexes}
        assert kept == 1
        usage = await store.clients_using({"Penduduk.nama"}, since=NOW.date())
        assert usage == {"superapp": 41}
        status = splp_db("current", "registry", "--database", release_database)
        assert f"registry: {head('registry')} (head" in status.stdout
    finally:
        await store.close()
