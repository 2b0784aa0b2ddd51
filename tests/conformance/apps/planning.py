"""Subgraphs of the `planning` supergraph: cases a greedy planner gets wrong (issue 11).

wilayah  Query.kecamatanUtama @shareable: Kecamatan, a value type (no key) shared with layanan;
         Kecamatan.luas is only here.
layanan  the same root field; Kecamatan.jumlahPuskesmas is only here. A client selecting both
         fields must get one root fetch from each subgraph (the value has no key to jump by).
usaha    Query.daftarUsaha; Usaha @key(id) with nama and omzet(tahun: Int!).
pajak    Usaha.omzet(tahun:) @external; pajak @requires(omzet(tahun: 2025)) and pajakLalu
         @requires(omzet(tahun: 2024)): a required field with arguments (the client may select
         the same field with other arguments), and two requirements of one field name with
         different arguments (one representation cannot carry both).
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.federation import Schema

OMZET: dict[str, dict[int, int]] = {"u1": {2024: 100, 2025: 200}, "u2": {2024: 50, 2025: 80}}
USAHA: list[dict[str, Any]] = [{"id": "u1", "nama": "Warung Coto"}, {"id": "u2", "nama": "Toko Kain"}]


# ---------------------------------------------------------------- wilayah


@strawberry.federation.type(name="Kecamatan", shareable=True)
class WilayahKecamatan:
    nama: str
    luas: int


@strawberry.type(name="Query")
class WilayahQuery:
    @strawberry.federation.field(shareable=True)
    def kecamatan_utama(self) -> WilayahKecamatan:
        return WilayahKecamatan(nama="Ujung Pandang", luas=3)


# ---------------------------------------------------------------- layanan


@strawberry.federation.type(name="Kecamatan", shareable=True)
class LayananKecamatan:
    nama: str
    jumlah_puskesmas: int


@strawberry.type(name="Query")
class LayananQuery:
    @strawberry.federation.field(shareable=True)
    def kecamatan_utama(self) -> LayananKecamatan:
        return LayananKecamatan(nama="Ujung Pandang", jumlah_puskesmas=2)


# ---------------------------------------------------------------- usaha


@strawberry.federation.type(name="Usaha", keys=["id"])
class UsahaUsaha:
    id: strawberry.ID
    nama: str

    @strawberry.field
    def omzet(self, tahun: int) -> int | None:
        return OMZET[str(self.id)].get(tahun)

    @classmethod
    def resolve_reference(cls, id: str) -> UsahaUsaha:
        row = next(u for u in USAHA if u["id"] == id)
        return cls(id=strawberry.ID(id), nama=row["nama"])


@strawberry.type(name="Query")
class UsahaQuery:
    @strawberry.field
    def daftar_usaha(self) -> list[UsahaUsaha]:
        return [UsahaUsaha(id=strawberry.ID(u["id"]), nama=u["nama"]) for u in USAHA]


# ---------------------------------------------------------------- pajak


@strawberry.federation.type(name="Usaha", keys=["id"])
class PajakUsaha:
    id: strawberry.ID
    # The representation's `omzet`: whatever arguments the requiring field asked it with.
    received_omzet: strawberry.Private[int | None] = None

    @strawberry.federation.field(external=True)
    def omzet(self, tahun: int) -> int | None:
        return None  # never asked of this subgraph (external)

    @strawberry.federation.field(requires=["omzet(tahun: 2025)"])
    def pajak(self) -> int:
        if self.received_omzet is None:
            raise ValueError("omzet was not provided in the representation")
        return self.received_omzet // 10

    @strawberry.federation.field(requires=["omzet(tahun: 2024)"])
    def pajak_lalu(self) -> int:
        if self.received_omzet is None:
            raise ValueError("omzet was not provided in the representation")
        return self.received_omzet // 10

    @classmethod
    def resolve_reference(cls, id: str, omzet: int | None = None) -> PajakUsaha:
        return cls(id=strawberry.ID(id), received_omzet=omzet)


@strawberry.type(name="Query")
class PajakQuery:
    @strawberry.field
    def tarif(self) -> int:
        return 10


SUBGRAPHS: dict[str, Schema] = {
    "wilayah": Schema(query=WilayahQuery),
    "layanan": Schema(query=LayananQuery),
    "usaha": Schema(query=UsahaQuery, types=[UsahaUsaha]),
    "pajak": Schema(query=PajakQuery, types=[PajakUsaha]),
}
