"""Perizinan (permits): businesses, permits and applications, read from the existing permits system's API."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

from subgraphs.kit import NIB, NIK, Ctx, SubgraphContext, Tanggal, WaktuWITA, create_schema, penduduk
from subgraphs.kit.access import personal, protect
from subgraphs.kit.scalars import parse_nib

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


@strawberry.type(description="A permit issued to a business")
class Izin:
    nomor: str
    jenis: str
    status: StatusIzin
    terbit: Tanggal
    berlaku_sampai: Tanggal | None
    nib: NIB

    @strawberry.field
    async def usaha(self, info: Ctx) -> Usaha | None:
        found: dict[str, Any] | None = await _usaha_loader(info.context).load(self.nib)
        return _usaha(found) if found is not None else None


@strawberry.type(description="A permit application")
class PermohonanIzin:
    nomor: str
    jenis: str
    status: StatusPermohonan
    diajukan: WaktuWITA
    nib: NIB | None


@strawberry.federation.type(keys=["nib"], description="A business registered with a NIB")
class Usaha:
    nib: NIB
    nama: str
    kbli: str = strawberry.field(description="KBLI business classification code")
    alamat: str
    nik_pemilik: strawberry.Private[str]

    @strawberry.field
    def pemilik(self) -> Penduduk:
        return Penduduk(nik=NIK(self.nik_pemilik))

    @strawberry.field
    async def izin(self, info: Ctx) -> list[Izin]:
        found = await _usaha_loader(info.context).load(self.nib)
        return [_izin(item) for item in found["izin"]] if found is not None else []

    @strawberry.field(description="Permit applications filed for this business")
    async def permohonan(self, info: Ctx) -> list[PermohonanIzin]:
        found = await _usaha_loader(info.context).load(self.nib)
        return [_permohonan(item) for item in found["permohonan"]] if found is not None else []

    @classmethod
    async def resolve_reference(cls, info: Ctx, nib: str) -> Usaha | None:
        found: dict[str, Any] | None = await _usaha_loader(info.context).load(parse_nib(nib))
        return _usaha(found) if found is not None else None


@penduduk
class Penduduk:
    @strawberry.field(description="Businesses this citizen owns")
    async def usaha(self, info: Ctx) -> list[Usaha] | None:
        return [_usaha(item) for item in (await _pemohon(info.context, self.nik))["usaha"]]

    @strawberry.field(description="Permits issued to this citizen's businesses")
    async def izin(self, info: Ctx) -> list[Izin] | None:
        return [_izin(item) for item in (await _pemohon(info.context, self.nik))["izin"]]

    @strawberry.field(description="Permit applications this citizen filed")
    async def permohonan_izin(self, info: Ctx) -> list[PermohonanIzin] | None:
        return [_permohonan(item) for item in (await _pemohon(info.context, self.nik))["permohonan"]]


def _izin(item: dict[str, Any]) -> Izin:
    until = item["berlaku_sampai"]
    return Izin(
        nomor=item["nomor"], jenis=item["jenis"], status=StatusIzin(item["status"]),
        terbit=Tanggal(date.fromisoformat(item["terbit"])),
        berlaku_sampai=Tanggal(date.fromisoformat(until)) if until is not None else None, nib=NIB(item["nib"]),
    )


def _permohonan(item: dict[str, Any]) -> PermohonanIzin:
    return PermohonanIzin(
        nomor=item["nomor"], jenis=item["jenis"], status=StatusPermohonan(item["status"]),
        diajukan=WaktuWITA(datetime.fromisoformat(item["diajukan"])), nib=item["nib"],
    )


def _usaha(item: dict[str, Any]) -> Usaha:
    return Usaha(nib=item["nib"], nama=item["nama"], kbli=item["kbli"], alamat=item["alamat"],
                 nik_pemilik=item["nik_pemilik"])


EMPTY: dict[str, list[dict[str, Any]]] = {"usaha": [], "izin": [], "permohonan": []}


async def _pemohon(ctx: SubgraphContext, nik: str) -> dict[str, list[dict[str, Any]]]:
    """Everything the permits system holds on a citizen; citizens of one request share calls of 100."""

    async def load(niks: list[str]) -> list[dict[str, list[dict[str, Any]]]]:
        api = ctx.upstream("perizinan")
        found: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for start in range(0, len(niks), BATCH):
            answer = await api.get_json("/pemohon", {"nik": niks[start : start + BATCH]})
            found.update((item["nik"], item) for item in answer["pemohon"])
        return [found.get(nik, EMPTY) for nik in niks]

    result: dict[str, list[dict[str, Any]]] = await ctx.loader("perizinan.pemohon", load).load(nik)
    return result


def _usaha_loader(ctx: SubgraphContext) -> Any:
    async def load(nibs: list[str]) -> list[dict[str, Any] | None]:
        api = ctx.upstream("perizinan")
        # The permits system has no batch endpoint for businesses: ask for them concurrently.
        return list(await asyncio.gather(*(api.get_json(f"/usaha/{nib}", missing_ok=True) for nib in nibs)))

    return ctx.loader("perizinan.usaha", load)


@strawberry.type
class Query:
    @strawberry.field(description="A business by NIB; null when the NIB is not registered")
    async def usaha(self, info: Ctx, nib: NIB) -> Usaha | None:
        found: dict[str, Any] | None = await _usaha_loader(info.context).load(nib)
        return _usaha(found) if found is not None else None


protect(Penduduk, "usaha", "izin", "permohonan_izin", policy=personal("perizinan:baca"))

schema = create_schema(Query, types=[Penduduk])
