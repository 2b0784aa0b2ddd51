"""Subgraphs of the `context` supergraph: @context and @fromContext (Federation 2.8).

wilayah  Query.daftarKecamatan; Kecamatan @key(id) @context(name: "kecamatan") with nama, bahasa
         (the regional language spoken there, null for none) and kelurahan: [Kelurahan];
         Kelurahan @key(id) with nama and sapaan(bahasa: String @fromContext(field:
         "$kecamatan { bahasa }")): the greeting of a kelurahan, in the language of the nearest
         enclosing Kecamatan of the response. Clients never pass `bahasa`: the gateway does.
         Query.wilayahTerdekat: [Wilayah], a union of Kecamatan and Kota (which sets no context):
         the context is then set by the client's `... on Kecamatan`.
aduan    Query.daftarAduan: Aduan with isi and kecamatan: Kecamatan (known here by key only), so
         the context's field comes from another subgraph than the one the path started in.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.federation import Schema
from strawberry.federation.schema_directives import Context, FromContext

KECAMATAN: list[dict[str, Any]] = [
    {"id": "k1", "nama": "Tamalate", "bahasa": "makassar", "kelurahan": ["l1", "l2"]},
    {"id": "k2", "nama": "Wajo", "bahasa": "bugis", "kelurahan": ["l3"]},
    {"id": "k3", "nama": "Sangkarrang", "bahasa": None, "kelurahan": ["l4"]},
]
KELURAHAN: dict[str, str] = {"l1": "Mangasa", "l2": "Jongaya", "l3": "Melayu", "l4": "Barrang Lompo"}
SALAM: dict[str | None, str] = {"makassar": "Salamakki'", "bugis": "Mattabe'", None: "Selamat datang"}
ADUAN: list[dict[str, Any]] = [
    {"id": "a1", "isi": "Lampu jalan padam", "kecamatan": "k2"},
    {"id": "a2", "isi": "Saluran tersumbat", "kecamatan": "k1"},
]


# ---------------------------------------------------------------- wilayah


@strawberry.federation.type(name="Kelurahan", keys=["id"])
class WilayahKelurahan:
    id: strawberry.ID
    nama: str

    @strawberry.field
    def sapaan(
        self,
        bahasa: Annotated[
            str | None, strawberry.argument(directives=[FromContext(field="$kecamatan { bahasa }")])
        ],
    ) -> str:
        greeting = SALAM.get(bahasa, f"[{bahasa}]")
        return f"{greeting}, warga {self.nama}"

    @classmethod
    def resolve_reference(cls, id: str) -> WilayahKelurahan | None:
        nama = KELURAHAN.get(id)
        return None if nama is None else cls(id=strawberry.ID(id), nama=nama)


@strawberry.federation.type(name="Kecamatan", keys=["id"], directives=[Context(name="kecamatan")])
class WilayahKecamatan:
    id: strawberry.ID
    nama: str
    bahasa: str | None

    @strawberry.field
    def kelurahan(self) -> list[WilayahKelurahan]:
        row = next(k for k in KECAMATAN if k["id"] == self.id)
        return [WilayahKelurahan(id=strawberry.ID(i), nama=KELURAHAN[i]) for i in row["kelurahan"]]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> WilayahKecamatan:
        return cls(id=strawberry.ID(row["id"]), nama=row["nama"], bahasa=row["bahasa"])

    @classmethod
    def resolve_reference(cls, id: str) -> WilayahKecamatan | None:
        row = next((k for k in KECAMATAN if k["id"] == id), None)
        return None if row is None else cls.from_row(row)


@strawberry.type(name="Kota")
class WilayahKota:
    nama: str


Wilayah = Annotated[WilayahKecamatan | WilayahKota, strawberry.union("Wilayah")]


@strawberry.type(name="Query")
class WilayahQuery:
    @strawberry.field
    def daftar_kecamatan(self) -> list[WilayahKecamatan]:
        return [WilayahKecamatan.from_row(k) for k in KECAMATAN]

    @strawberry.field
    def wilayah_terdekat(self) -> list[Wilayah]:
        return [WilayahKota(nama="Makassar"), WilayahKecamatan.from_row(KECAMATAN[1])]


# ---------------------------------------------------------------- aduan


@strawberry.federation.type(name="Kecamatan", keys=["id"])
class AduanKecamatan:
    id: strawberry.ID


@strawberry.type(name="Aduan")
class Aduan:
    id: strawberry.ID
    isi: str
    kecamatan: AduanKecamatan


@strawberry.type(name="Query")
class AduanQuery:
    @strawberry.field
    def daftar_aduan(self) -> list[Aduan]:
        return [
            Aduan(id=strawberry.ID(a["id"]), isi=a["isi"], kecamatan=AduanKecamatan(id=strawberry.ID(a["kecamatan"])))
            for a in ADUAN
        ]


SUBGRAPHS: dict[str, Schema] = {
    "wilayah": Schema(query=WilayahQuery, types=[WilayahKecamatan, WilayahKelurahan]),
    "aduan": Schema(query=AduanQuery, types=[AduanKecamatan]),
}
