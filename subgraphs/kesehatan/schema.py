"""Kesehatan (health): puskesmas per kecamatan, citizens' visits, and JKN membership read from BPJS."""

from __future__ import annotations

from enum import Enum

import strawberry

from subgraphs.kesehatan import tables
from subgraphs.kit import (
    Ctx,
    Get,
    KodeWilayah,
    create_schema,
    entity,
    has_many,
    kecamatan,
    penduduk,
    reference,
    rest_entity,
    rows,
)
from subgraphs.kit.access import personal, protect
from subgraphs.kit.scalars import check_level

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


@rest_entity("bpjs", key="nik", call=Get("/peserta", batch="nik", size=BPJS_BATCH, items="peserta"),
             description="National health insurance (JKN) membership, read from BPJS Kesehatan")
class KepesertaanJkn:
    nik: strawberry.Private[str]
    nomor_kartu: str
    segmen: SegmenJkn
    kelas: int
    status: StatusJkn
    faskes_pertama: str


@entity(tables.puskesmas, key="kode", hide=["kode_kecamatan"], description="A community health centre")
class Puskesmas:
    kecamatan = reference("Kecamatan", "kode_kecamatan", nullable=False)


@entity(tables.kunjungan, key="id", hide=["id", "nik", "kode_puskesmas"], federated=False,
        description="A visit of a citizen to a puskesmas")
class Kunjungan:
    diagnosa: str = strawberry.field(description="ICD-10 code")
    puskesmas = reference(Puskesmas, "kode_puskesmas", nullable=False)


@kecamatan
class Kecamatan:
    puskesmas = has_many(Puskesmas, "kode_kecamatan", assumed_size=5)


@penduduk
class Penduduk:
    kunjungan = has_many(Kunjungan, "nik", order_by=["-waktu"], limit=10, nullable=True,
                         description="Visits to puskesmas, the latest first")

    jkn = reference(KepesertaanJkn, "nik", description="JKN membership from BPJS Kesehatan; null when not a member")


@strawberry.type
class Query:
    @strawberry.field
    async def puskesmas(self, info: Ctx, kode: str) -> Puskesmas | None:
        return await rows(Puskesmas).get(info.context, kode)

    @strawberry.field(description="Every puskesmas, optionally of one kecamatan")
    async def daftar_puskesmas(self, info: Ctx, kode_kecamatan: KodeWilayah | None = None) -> list[Puskesmas]:
        if kode_kecamatan is not None:
            check_level("kode_kecamatan", kode_kecamatan)
        page = await rows(Puskesmas).page(info.context, first=100, filters={"kode_kecamatan": kode_kecamatan})
        return page.items


protect(Penduduk, "kunjungan", "jkn", policy=personal("kesehatan:baca"))  # health data: the citizen, or Dinkes

schema = create_schema(Query, types=[Penduduk])
