"""Kesehatan: puskesmas, visits, and JKN membership read from the BPJS stand-in over HTTP."""

from __future__ import annotations

from subgraphs.kesehatan.schema import schema
from subgraphs.kit import SubgraphContext
from tests.subgraphs import world as w
from tests.subgraphs.conftest import free_port
from tests.subgraphs.helpers import entities, sources


async def test_a_citizen_has_visits_latest_first_and_jkn_membership(
    world_url: str, standins: dict[str, str]
) -> None:
    async with sources(world_url, {"bpjs": standins["bpjs"]}) as ctx:
        data = await ctx.run(schema, entities(
            "Penduduk", "kunjungan { waktu poli keluhan diagnosa puskesmas { nama kecamatan { kode } } } "
                        "jkn { nomorKartu segmen kelas status faskesPertama }"),
            representations=[{"__typename": "Penduduk", "nik": w.HEAD}, {"__typename": "Penduduk", "nik": w.SON}])
    assert data == {"_entities": [
        {"kunjungan": [
            {"waktu": "2026-05-02T09:15:00+08:00", "poli": "UMUM", "keluhan": "Tekanan darah tinggi",
             "diagnosa": "I10", "puskesmas": {"nama": "Puskesmas Makkasau", "kecamatan": {"kode": "73.71.04"}}},
            {"waktu": "2025-11-03T10:00:00+08:00", "poli": "GIGI", "keluhan": "Sakit gigi", "diagnosa": "K02.9",
             "puskesmas": {"nama": "Puskesmas Makkasau", "kecamatan": {"kode": "73.71.04"}}},
         ],
         "jkn": {"nomorKartu": "0001234567890", "segmen": "PBPU", "kelas": 2, "status": "AKTIF",
                 "faskesPertama": "Puskesmas Makkasau"}},
        {"kunjungan": [], "jkn": None},
    ]}


async def test_a_kecamatan_lists_its_puskesmas(world_url: str) -> None:
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, entities("Kecamatan", "puskesmas { kode nama }"),
                             representations=[{"__typename": "Kecamatan", "kode": "73.71.15"}])
    assert data == {"_entities": [{"puskesmas": [{"kode": "P73711501", "nama": "Puskesmas Barrang Lompo"},
                                                 {"kode": "P73711502", "nama": "Puskesmas Kodingareng"}]}]}


async def test_bpjs_being_down_is_an_error_naming_the_upstream_visits_still_answer(world_url: str) -> None:
    unreachable = f"http://127.0.0.1:{free_port()}"
    async with sources(world_url, {"bpjs": unreachable}) as ctx:
        result = await schema.execute(
            entities("Penduduk", "kunjungan { poli } jkn { status }"),
            variable_values={"representations": [{"__typename": "Penduduk", "nik": w.HEAD}]},
            context_value=SubgraphContext(sql=ctx.sql, rest=ctx.rest),
        )
    assert result.data == {"_entities": [{"kunjungan": [{"poli": "UMUM"}, {"poli": "GIGI"}], "jkn": None}]}
    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "UPSTREAM_UNAVAILABLE"
    assert result.errors[0].extensions["upstream"] == "bpjs"


async def test_the_visits_limit_runs_in_the_database(world_url: str) -> None:
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, entities("Penduduk", "kunjungan(limit: 1) { waktu }"),
                             representations=[{"__typename": "Penduduk", "nik": w.HEAD},
                                              {"__typename": "Penduduk", "nik": w.WIFE}])
        statements = [s for s in ctx.statements if "kunjungan" in s]
    assert data["_entities"][0] == {"kunjungan": [{"waktu": "2026-05-02T09:15:00+08:00"}]}
    # Both citizens' latest visit in one statement, numbered per citizen by the database (not sliced here).
    assert len(statements) == 1 and "ROW_NUMBER" in statements[0].upper()
