"""Sosial: a family's welfare registration and the aid its members receive."""

from __future__ import annotations

from subgraphs.sosial.schema import schema
from tests.subgraphs import world as w
from tests.subgraphs.helpers import entities, sources


async def test_a_citizen_sees_the_aid_they_received_latest_first(world_url: str) -> None:
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, entities("Penduduk", "bantuanSosial { program periode jumlah status disalurkan }"),
                             representations=[{"__typename": "Penduduk", "nik": w.HEAD},
                                              {"__typename": "Penduduk", "nik": w.SON}])
    assert data == {"_entities": [
        {"bantuanSosial": [
            {"program": "SEMBAKO", "periode": "2026-06", "jumlah": 200_000, "status": "DIJADWALKAN",
             "disalurkan": None},
            {"program": "SEMBAKO", "periode": "2026-05", "jumlah": 200_000, "status": "DISALURKAN",
             "disalurkan": "2026-05-10T11:00:00+08:00"},
        ]},
        {"bantuanSosial": []},
    ]}


async def test_a_family_card_shows_its_registration_and_all_its_aid(world_url: str) -> None:
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, entities(
            "KartuKeluarga", "registrasiDtks { desil terdaftar status } bantuanSosial { program penerima { nik } }"),
            representations=[{"__typename": "KartuKeluarga", "nomorKk": w.KK_RAHMAN},
                             {"__typename": "KartuKeluarga", "nomorKk": w.KK_HASNAH}])
    assert data == {"_entities": [
        {"registrasiDtks": {"desil": 2, "terdaftar": "2021-04-01", "status": "AKTIF"},
         "bantuanSosial": [{"program": "SEMBAKO", "penerima": {"nik": w.HEAD}},
                           {"program": "SEMBAKO", "penerima": {"nik": w.HEAD}},
                           {"program": "PKH", "penerima": {"nik": w.WIFE}}]},
        {"registrasiDtks": None, "bantuanSosial": []},
    ]}


async def test_disbursements_filter_by_programme_and_status(world_url: str) -> None:
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, "{ penyaluranBantuan(program: SEMBAKO, status: DISALURKAN) "
                                     "{ nodes { periode } hasNextPage } }")
    assert data == {"penyaluranBantuan": {"nodes": [{"periode": "2026-05"}], "hasNextPage": False}}
