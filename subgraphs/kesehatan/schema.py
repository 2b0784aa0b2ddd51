"""Kesehatan (health): puskesmas per kecamatan, citizens' visits, and JKN membership read from BPJS."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry.types import Info

from subgraphs.kesehatan import tables
from subgraphs.kit import NIK, KodeWilayah, SubgraphContext, WaktuWITA, create_schema
from subgraphs.kit.scalars import parse_kode_wilayah, parse_nik
from subgraphs.kit.sql import SqlEntity

Ctx = Info[SubgraphContext, None]

# BPJS's batch endpoint takes at most this many NIKs per call.
BPJS_BATCH = 100


@strawberry.enum
class SegmenJkn(Enum):
    PBI = "PBI"
    PPU = "PPU"
    PBPU = "PBPU"
    BP = "BP"


@strawberry.enum
class StatusJkn(Enum):
    AKTIF = "AKTIF"
    NONAKTIF = "NONAKTIF"


@strawberry.type(description="National health insurance (JKN) membership, read from BPJS Kesehatan")
class KepesertaanJkn:
    nomor_kartu: str
    segmen: SegmenJkn
    kelas: int
    status: StatusJkn
    faskes_pertama: str


@strawberry.federation.type(keys=["kode"], description="A community health centre")
class Puskesmas:
    kode: str
    nama: str
    alamat: str
    kode_kecamatan: strawberry.Private[str]

    @strawberry.field
    def kecamatan(self) -> Kecamatan:
        return Kecamatan(kode=KodeWilayah(self.kode_kecamatan))

    @classmethod
    async def resolve_reference(cls, info: Ctx, kode: str) -> Puskesmas | None:
        return await PUSKESMAS.get(info.context, kode)


@strawberry.type(description="A visit of a citizen to a puskesmas")
class Kunjungan:
    waktu: WaktuWITA
    poli: str
    keluhan: str
    diagnosa: str = strawberry.field(description="ICD-10 code")
    kode_puskesmas: strawberry.Private[str]

    @strawberry.field
    async def puskesmas(self, info: Ctx) -> Puskesmas:
        found = await PUSKESMAS.get(info.context, self.kode_puskesmas)
        assert found is not None, f"visit points at a missing puskesmas {self.kode_puskesmas}"
        return found


@strawberry.federation.type(keys=["kode"])
class Kecamatan:
    kode: KodeWilayah

    @strawberry.field
    async def puskesmas(self, info: Ctx) -> list[Puskesmas]:
        return await PUSKESMAS.list_by(info.context, "kode_kecamatan", self.kode)

    @classmethod
    def resolve_reference(cls, kode: str) -> Kecamatan:
        return Kecamatan(kode=KodeWilayah(parse_kode_wilayah(kode)))


async def _load_jkn(ctx: SubgraphContext, niks: list[str]) -> list[KepesertaanJkn | None]:
    bpjs = ctx.upstream("bpjs")
    members: dict[str, dict[str, Any]] = {}
    for start in range(0, len(niks), BPJS_BATCH):
        answer = await bpjs.get_json("/peserta", {"nik": niks[start : start + BPJS_BATCH]})
        members.update((member["nik"], member) for member in answer["peserta"])
    return [
        KepesertaanJkn(
            nomor_kartu=m["nomor_kartu"], segmen=SegmenJkn(m["segmen"]), kelas=int(m["kelas"]),
            status=StatusJkn(m["status"]), faskes_pertama=m["faskes_pertama"],
        ) if (m := members.get(nik)) is not None else None
        for nik in niks
    ]


@strawberry.federation.type(keys=["nik"])
class Penduduk:
    nik: NIK

    @strawberry.field(description="Visits to puskesmas, the latest first")
    async def kunjungan(self, info: Ctx, limit: int = 10) -> list[Kunjungan]:
        visits = await KUNJUNGAN.list_by(info.context, "nik", self.nik)
        return list(reversed(visits))[: max(limit, 0)]

    @strawberry.field(description="JKN membership from BPJS Kesehatan; null when not a member")
    async def jkn(self, info: Ctx) -> KepesertaanJkn | None:
        ctx = info.context

        async def load(niks: list[str]) -> list[KepesertaanJkn | None]:
            return await _load_jkn(ctx, niks)

        result: KepesertaanJkn | None = await ctx.loader("bpjs.peserta", load).load(self.nik)
        return result

    @classmethod
    def resolve_reference(cls, nik: str) -> Penduduk:
        return Penduduk(nik=NIK(parse_nik(nik)))


def _kunjungan(row: RowMapping) -> Kunjungan:
    return Kunjungan(waktu=row["waktu"], poli=row["poli"], keluhan=row["keluhan"], diagnosa=row["diagnosa"],
                     kode_puskesmas=row["kode_puskesmas"])


PUSKESMAS = SqlEntity(
    tables.puskesmas,
    lambda row: Puskesmas(kode=row["kode"], nama=row["nama"], alamat=row["alamat"],
                          kode_kecamatan=row["kode_kecamatan"]),
    key="kode",
)
KUNJUNGAN = SqlEntity(tables.kunjungan, _kunjungan, key="id", order_by=["waktu"])


@strawberry.type
class Query:
    @strawberry.field
    async def puskesmas(self, info: Ctx, kode: str) -> Puskesmas | None:
        return await PUSKESMAS.get(info.context, kode)

    @strawberry.field(description="Every puskesmas, optionally of one kecamatan")
    async def daftar_puskesmas(self, info: Ctx, kode_kecamatan: KodeWilayah | None = None) -> list[Puskesmas]:
        page = await PUSKESMAS.page(info.context, first=100, filters={"kode_kecamatan": kode_kecamatan})
        return page.items


schema = create_schema(Query, types=[Penduduk])
