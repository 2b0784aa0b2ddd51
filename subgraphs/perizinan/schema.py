"""Perizinan (permits): businesses, permits and applications, read from the existing permits system's API."""

from __future__ import annotations

from enum import Enum

import strawberry

from subgraphs.kit import (
    NIB,
    Ctx,
    Get,
    Tanggal,
    WaktuWITA,
    create_schema,
    penduduk,
    reference,
    rest_entity,
    rest_rows,
    rest_type,
)
from subgraphs.kit.access import personal, protect

# The permits system's batch endpoint takes at most this many NIKs per call.
BATCH = 100


@strawberry.enum
class StatusIzin(Enum):
    BERLAKU = "BERLAKU"
    KEDALUWARSA = "KEDALUWARSA"
    DICABUT = "DICABUT"


@strawberry.enum
class StatusPermohonan(Enum):
    DIAJUKAN = "DIAJUKAN"
    DIPROSES = "DIPROSES"
    DISETUJUI = "DISETUJUI"
    DITOLAK = "DITOLAK"


@rest_type(description="A permit issued to a business")
class Izin:
    nomor: str
    jenis: str
    status: StatusIzin
    terbit: Tanggal
    berlaku_sampai: Tanggal | None
    nib: NIB
    usaha = reference("Usaha", "nib")


@rest_type(description="A permit application")
class PermohonanIzin:
    nomor: str
    jenis: str
    status: StatusPermohonan
    diajukan: WaktuWITA
    nib: NIB | None


# The system has no batch endpoint for businesses: the loads of a request are concurrent calls.
@rest_entity("perizinan", key="nib", call=Get("/usaha/{nib}"), federated=True,
             paths={"semua_izin": "izin", "semua_permohonan": "permohonan"},
             description="A business registered with a NIB")
class Usaha:
    nib: NIB
    nama: str
    kbli: str = strawberry.field(description="KBLI business classification code")
    alamat: str
    nik_pemilik: strawberry.Private[str]
    # In /usaha/{nib}'s answer only; a business listed in /pemohon's has them read when asked for.
    semua_izin: strawberry.Private[list[Izin] | None]
    semua_permohonan: strawberry.Private[list[PermohonanIzin] | None]
    pemilik = reference("Penduduk", "nik_pemilik", nullable=False)

    @strawberry.field
    async def izin(self, info: Ctx) -> list[Izin]:
        return (await self._lengkap(info)).semua_izin or []

    @strawberry.field(description="Permit applications filed for this business")
    async def permohonan(self, info: Ctx) -> list[PermohonanIzin]:
        return (await self._lengkap(info)).semua_permohonan or []

    async def _lengkap(self, info: Ctx) -> Usaha:
        if self.semua_izin is not None:
            return self
        found: Usaha | None = await rest_rows(Usaha).get(info.context, self.nib)
        return found or self


@rest_entity("perizinan", key="nik", call=Get("/pemohon", batch="nik", size=BATCH, items="pemohon"))
class Pemohon:
    """What the permits system holds on a citizen: Penduduk's fields read it (it is not in the schema)."""

    nik: str
    usaha: list[Usaha]
    izin: list[Izin]
    permohonan: list[PermohonanIzin]


async def _pemohon(info: Ctx, nik: str) -> Pemohon:
    found: Pemohon | None = await rest_rows(Pemohon).get(info.context, nik)
    return found or Pemohon(nik=nik, usaha=[], izin=[], permohonan=[])


@penduduk
class Penduduk:
    @strawberry.field(description="Businesses this citizen owns")
    async def usaha(self, info: Ctx) -> list[Usaha] | None:
        return (await _pemohon(info, self.nik)).usaha

    @strawberry.field(description="Permits issued to this citizen's businesses")
    async def izin(self, info: Ctx) -> list[Izin] | None:
        return (await _pemohon(info, self.nik)).izin

    @strawberry.field(description="Permit applications this citizen filed")
    async def permohonan_izin(self, info: Ctx) -> list[PermohonanIzin] | None:
        return (await _pemohon(info, self.nik)).permohonan


@strawberry.type
class Query:
    @strawberry.field(description="A business by NIB; null when the NIB is not registered")
    async def usaha(self, info: Ctx, nib: NIB) -> Usaha | None:
        found: Usaha | None = await rest_rows(Usaha).get(info.context, nib)
        return found


protect(Penduduk, "usaha", "izin", "permohonan_izin", policy=personal("perizinan:baca"))

schema = create_schema(Query, types=[Penduduk])
