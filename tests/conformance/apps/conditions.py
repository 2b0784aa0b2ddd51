"""Subgraphs of the `conditions` supergraph: entity fetches below a type condition (issue 11).

aduan    Query.daftarLaporan: [Laporan], an interface of LaporanWarga (a citizen's report) and
         LaporanAnonim (an anonymous one); both have kelurahan: Kelurahan, known here by key only.
wilayah  Kelurahan @key(id) with nama and kodePos.

A client asking for the kelurahan's nama only under `... on LaporanWarga` needs wilayah for the
citizens' reports only: the anonymous reports' kelurahan must not be sent to wilayah at all.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.federation import Schema

LAPORAN: list[dict[str, Any]] = [
    {"id": "w1", "jenis": "warga", "isi": "Jalan berlubang", "kelurahan": "l1"},
    {"id": "n1", "jenis": "anonim", "isi": "Pungutan liar", "kelurahan": "l2"},
    {"id": "w2", "jenis": "warga", "isi": "Sampah menumpuk", "kelurahan": "l1"},
    {"id": "n2", "jenis": "anonim", "isi": "Parkir liar", "kelurahan": "l3"},
]
KELURAHAN: dict[str, dict[str, str]] = {
    "l1": {"nama": "Mangasa", "kode_pos": "90221"},
    "l2": {"nama": "Jongaya", "kode_pos": "90223"},
    "l3": {"nama": "Melayu", "kode_pos": "90173"},
}


# ---------------------------------------------------------------- aduan


@strawberry.federation.type(name="Kelurahan", keys=["id"])
class AduanKelurahan:
    id: strawberry.ID


@strawberry.interface(name="Laporan")
class Laporan:
    id: strawberry.ID
    isi: str


@strawberry.type(name="LaporanWarga")
class LaporanWarga(Laporan):
    kelurahan: AduanKelurahan


@strawberry.type(name="LaporanAnonim")
class LaporanAnonim(Laporan):
    kelurahan: AduanKelurahan


@strawberry.type(name="Query")
class AduanQuery:
    @strawberry.field
    def daftar_laporan(self) -> list[Laporan]:
        result: list[Laporan] = []
        for row in LAPORAN:
            cls = LaporanWarga if row["jenis"] == "warga" else LaporanAnonim
            kelurahan = AduanKelurahan(id=strawberry.ID(row["kelurahan"]))
            result.append(cls(id=strawberry.ID(row["id"]), isi=row["isi"], kelurahan=kelurahan))
        return result


# ---------------------------------------------------------------- wilayah


@strawberry.federation.type(name="Kelurahan", keys=["id"])
class WilayahKelurahan:
    id: strawberry.ID
    nama: str
    kode_pos: str

    @classmethod
    def resolve_reference(cls, id: str) -> WilayahKelurahan | None:
        row = KELURAHAN.get(id)
        return None if row is None else cls(id=strawberry.ID(id), nama=row["nama"], kode_pos=row["kode_pos"])


@strawberry.type(name="Query")
class WilayahQuery:
    @strawberry.field
    def kelurahan(self, id: strawberry.ID) -> WilayahKelurahan | None:
        return WilayahKelurahan.resolve_reference(id)


SUBGRAPHS: dict[str, Schema] = {
    "aduan": Schema(query=AduanQuery, types=[LaporanWarga, LaporanAnonim, AduanKelurahan]),
    "wilayah": Schema(query=WilayahQuery, types=[WilayahKelurahan]),
}
