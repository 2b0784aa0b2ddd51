"""`splp demo`'s preparation: seeded SQLite files reused until the data would differ, a rich sample citizen."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from subgraphs.aduan.tables import aduan
from subgraphs.demo.run import database_urls, ensure_seeded, sample_nik
from subgraphs.kependudukan.tables import penduduk
from subgraphs.kesehatan.tables import kunjungan
from subgraphs.kit import SqlSource
from subgraphs.kit.scalars import parse_nik


async def test_the_demo_seeds_once_and_reuses_its_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await ensure_seeded(tmp_path, 300, 4, reseed=False)
    assert "Seeding 300 citizens (seed 4)" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.glob("*.db")) == [
        "aduan.db", "bpjs.db", "kependudukan.db", "kesehatan.db", "pendapatan.db", "perizinan.db", "sosial.db",
    ]
    await ensure_seeded(tmp_path, 300, 4, reseed=False)
    assert "Using the databases" in capsys.readouterr().out
    await ensure_seeded(tmp_path, 300, 5, reseed=False)
    assert "Seeding 300 citizens (seed 5)" in capsys.readouterr().out


async def test_the_sample_citizen_is_registered_and_has_data_elsewhere(tmp_path: Path) -> None:
    await ensure_seeded(tmp_path, 300, 4, reseed=False)
    urls = database_urls(tmp_path)
    nik = parse_nik(await sample_nik(urls))
    found = {}
    for target, table, column in [("kependudukan", penduduk, penduduk.c.nik), ("kesehatan", kunjungan, kunjungan.c.nik),
                                  ("aduan", aduan, aduan.c.nik_pelapor)]:
        source = SqlSource(urls[target])
        found[target] = len(await source.fetch_all(select(table).where(column == nik)))
        await source.dispose()
    assert found["kependudukan"] == 1
    assert found["kesehatan"] + found["aduan"] > 0
