"""Perizinan: businesses, permits and applications read from the permits-system stand-in over HTTP."""

from __future__ import annotations

from subgraphs.perizinan.schema import schema
from tests.subgraphs import world as w
from tests.subgraphs.helpers import entities, sources


async def test_a_citizen_has_businesses_permits_and_applications(world_url: str, standins: dict[str, str]) -> None:
    async with sources(None, {"perizinan": standins["perizinan"]}) as ctx:
        data = await ctx.run(schema, entities(
            "Penduduk", "usaha { nib nama kbli } izin { nomor jenis status terbit berlakuSampai usaha { nama } } "
                        "permohonanIzin { nomor jenis status diajukan nib }"),
            representations=[{"__typename": "Penduduk", "nik": w.HEAD}, {"__typename": "Penduduk", "nik": w.WIFE}])
    assert data == {"_entities": [
        {"usaha": [{"nib": w.NIB_COTO, "nama": "Coto Makassar Daeng Baso", "kbli": "56101"}],
         "izin": [{"nomor": "IZN/2024/0000001", "jenis": "Sertifikat Standar", "status": "BERLAKU",
                   "terbit": "2024-02-01", "berlakuSampai": None, "usaha": {"nama": "Coto Makassar Daeng Baso"}}],
         "permohonanIzin": [{"nomor": "PMH/2026/0000001", "jenis": "Izin Reklame", "status": "DIPROSES",
                             "diajukan": "2026-06-01T09:00:00+08:00", "nib": w.NIB_COTO}]},
        {"usaha": [], "izin": [], "permohonanIzin": []},
    ]}


async def test_a_business_by_nib_with_its_owner_and_permits(world_url: str, standins: dict[str, str]) -> None:
    async with sources(None, {"perizinan": standins["perizinan"]}) as ctx:
        data = await ctx.run(schema, "query($nib: NIB!) { usaha(nib: $nib) { nama pemilik { nik } izin { nomor } "
                                     'permohonan { nomor status } } unknown: usaha(nib: "9120000000099") { nama } }',
                             nib=w.NIB_COTO)
    assert data == {"usaha": {"nama": "Coto Makassar Daeng Baso", "pemilik": {"nik": w.HEAD},
                              "izin": [{"nomor": "IZN/2024/0000001"}],
                              "permohonan": [{"nomor": "PMH/2026/0000001", "status": "DIPROSES"}]},
                    "unknown": None}
