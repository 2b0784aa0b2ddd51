"""Aduan (Lontara Plus complaints): filing, the step-by-step workflow, response-time targets."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import strawberry
from graphql import GraphQLError
from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.types import Info

from subgraphs.aduan import tables, workflow
from subgraphs.aduan.workflow import KategoriAduan, StatusAduan
from subgraphs.kit import NIK, KodeWilayah, NomorTelepon, SubgraphContext, WaktuWITA, create_schema
from subgraphs.kit.scalars import parse_nik
from subgraphs.kit.sql import DEFAULT_PAGE_SIZE, SqlEntity
from subgraphs.kit.types import Connection

Ctx = Info[SubgraphContext, None]

# The workflow's enums become GraphQL enums (strawberry.enum marks the class in place).
strawberry.enum(StatusAduan, description="Steps of a complaint")
strawberry.enum(KategoriAduan, description="Complaint categories")


@strawberry.enum(description="The OPD a complaint is handed to")
class OpdTujuan(Enum):
    DISDUKCAPIL = "DISDUKCAPIL"
    BAPENDA = "BAPENDA"
    DINKES = "DINKES"
    DINSOS = "DINSOS"
    DPMPTSP = "DPMPTSP"
    DINAS_PU = "DINAS_PU"
    DLH = "DLH"
    DISHUB = "DISHUB"
    BPBD = "BPBD"


def utcnow() -> datetime:
    """Now, naive in UTC, the way the tables store instants."""
    return datetime.now(UTC).replace(tzinfo=None)


@strawberry.type(description="One step of a complaint, stamped with its time and officer")
class LangkahAduan:
    status: StatusAduan
    waktu: WaktuWITA
    petugas: str
    catatan: str | None


@strawberry.type(description="A complaint filed through Lontara Plus")
class Aduan:
    nomor: str
    kategori: KategoriAduan
    lokasi: str
    kode_kelurahan: KodeWilayah | None
    deskripsi: str
    foto_url: str | None
    status: StatusAduan
    opd_tujuan: OpdTujuan | None
    alasan_penolakan: str | None
    diterima: WaktuWITA
    selesai: WaktuWITA | None = strawberry.field(description="When it reached SELESAI or DITOLAK")
    telepon_pelapor: NomorTelepon | None = strawberry.field(description="Where officers reach the citizen")
    nik_pelapor: strawberry.Private[str]

    @strawberry.field(description="Hours the city commits to for a final answer in this category")
    def target_jam(self) -> int:
        return workflow.TARGET_JAM[self.kategori]

    @strawberry.field
    def batas_waktu(self) -> WaktuWITA:
        return WaktuWITA(workflow.deadline(self.kategori, self.diterima))

    @strawberry.field(description="Whether the response-time target was (or is already) missed")
    def terlambat(self) -> bool:
        return workflow.missed(self.kategori, self.diterima, self.selesai, utcnow())

    @strawberry.field
    def pelapor(self) -> Penduduk:
        return Penduduk(nik=NIK(self.nik_pelapor))

    @strawberry.field(description="Every step so far, in order")
    async def riwayat(self, info: Ctx) -> list[LangkahAduan]:
        return await RIWAYAT.list_by(info.context, "nomor_aduan", self.nomor)


@strawberry.federation.type(keys=["nik"])
class Penduduk:
    nik: NIK

    @strawberry.field(description="Complaints this citizen filed, the latest first")
    async def aduan(self, info: Ctx, status: StatusAduan | None = None) -> list[Aduan]:
        found = await ADUAN.list_by(
            info.context, "nik_pelapor", self.nik, status=status.value if status is not None else None
        )
        return list(reversed(found))

    @classmethod
    def resolve_reference(cls, nik: str) -> Penduduk:
        return Penduduk(nik=NIK(parse_nik(nik)))


def _aduan(row: RowMapping) -> Aduan:
    return Aduan(
        nomor=row["nomor"], kategori=KategoriAduan(row["kategori"]), lokasi=row["lokasi"],
        kode_kelurahan=row["kode_kelurahan"], deskripsi=row["deskripsi"], foto_url=row["foto_url"],
        status=StatusAduan(row["status"]),
        opd_tujuan=OpdTujuan(row["opd_tujuan"]) if row["opd_tujuan"] is not None else None,
        alasan_penolakan=row["alasan_penolakan"], diterima=row["diterima"], selesai=row["selesai"],
        telepon_pelapor=row["telepon_pelapor"], nik_pelapor=row["nik_pelapor"],
    )


ADUAN = SqlEntity(tables.aduan, _aduan, key="nomor", order_by=["diterima"])
RIWAYAT = SqlEntity(
    tables.riwayat_aduan,
    lambda row: LangkahAduan(status=StatusAduan(row["status"]), waktu=row["waktu"], petugas=row["petugas"],
                             catatan=row["catatan"]),
    key="id",
    order_by=["waktu"],
)


def _refuse(message: str, code: str, **details: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **details})


def _required(name: str, value: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise _refuse(f"{name} must not be empty", "BAD_USER_INPUT", field=name)
    return cleaned


async def _move(
    ctx: SubgraphContext, nomor: str, target: StatusAduan, petugas: str, catatan: str | None,
    **changes: Any,
) -> Aduan:
    """Apply one step in one transaction; a refused step changes nothing."""
    petugas = _required("petugas", petugas)
    table = tables.aduan
    async with ctx.database.engine.begin() as connection:
        row = await _row(connection, nomor)
        current = StatusAduan(row["status"])
        if not workflow.allowed(current, target):
            allowed = sorted(s.value for s in workflow.NEXT[current])
            raise _refuse(
                f"Complaint {nomor} is {current.value}; it cannot move to {target.value}"
                + (f" (allowed next: {', '.join(allowed)})" if allowed else " (it is closed)"),
                "INVALID_TRANSITION", nomor=nomor, dari=current.value, ke=target.value, diizinkan=allowed,
            )
        now = utcnow()
        if target in workflow.FINAL:
            changes["selesai"] = now
        # The status guard makes a concurrent step on the same complaint lose cleanly.
        moved = await connection.execute(
            update(table).where(table.c.nomor == nomor, table.c.status == current.value)
            .values(status=target.value, **changes)
        )
        if moved.rowcount != 1:
            raise _refuse(f"Complaint {nomor} changed meanwhile; read it again", "CONFLICT", nomor=nomor)
        await connection.execute(insert(tables.riwayat_aduan).values(
            nomor_aduan=nomor, status=target.value, waktu=now, petugas=petugas, catatan=catatan,
        ))
        return _aduan(await _row(connection, nomor))


async def _row(connection: AsyncConnection, nomor: str) -> RowMapping:
    row = (await connection.execute(select(tables.aduan).where(tables.aduan.c.nomor == nomor))).mappings().first()
    if row is None:
        raise _refuse(f"No complaint numbered {nomor}", "NOT_FOUND", nomor=nomor)
    return row


@strawberry.input(description="A new complaint")
class AduanBaru:
    nik_pelapor: NIK
    kategori: KategoriAduan
    lokasi: str
    deskripsi: str
    kode_kelurahan: KodeWilayah | None = None
    foto_url: str | None = None
    telepon_pelapor: NomorTelepon | None = None


_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@strawberry.type
class Query:
    @strawberry.field
    async def aduan(self, info: Ctx, nomor: str) -> Aduan | None:
        return await ADUAN.get(info.context, nomor)

    @strawberry.field(description="Complaints in number order, optionally of one status and/or category")
    async def daftar_aduan(
        self,
        info: Ctx,
        status: StatusAduan | None = None,
        kategori: KategoriAduan | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[Aduan]:
        filters = {
            "status": status.value if status is not None else None,
            "kategori": kategori.value if kategori is not None else None,
        }
        return Connection.of(await ADUAN.page(info.context, first=first, after=after, filters=filters))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="File a complaint; it starts DITERIMA")
    async def ajukan_aduan(self, info: Ctx, aduan: AduanBaru) -> Aduan:
        if aduan.foto_url is not None and not _URL.match(aduan.foto_url):
            raise _refuse(f"fotoUrl {aduan.foto_url!r} is not an http(s) URL", "BAD_USER_INPUT", field="fotoUrl")
        now = utcnow()
        nomor = f"ADU-{now:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}"
        async with info.context.database.engine.begin() as connection:
            await connection.execute(insert(tables.aduan).values(
                nomor=nomor, nik_pelapor=aduan.nik_pelapor, telepon_pelapor=aduan.telepon_pelapor,
                kategori=aduan.kategori.value,
                lokasi=_required("lokasi", aduan.lokasi), kode_kelurahan=aduan.kode_kelurahan,
                deskripsi=_required("deskripsi", aduan.deskripsi), foto_url=aduan.foto_url,
                status=StatusAduan.DITERIMA.value, diterima=now,
            ))
            await connection.execute(insert(tables.riwayat_aduan).values(
                nomor_aduan=nomor, status=StatusAduan.DITERIMA.value, waktu=now,
                petugas="Lontara Plus", catatan=None,
            ))
            return _aduan(await _row(connection, nomor))

    @strawberry.mutation(description="DITERIMA → DIVERIFIKASI")
    async def verifikasi_aduan(self, info: Ctx, nomor: str, petugas: str, catatan: str | None = None) -> Aduan:
        return await _move(info.context, nomor, StatusAduan.DIVERIFIKASI, petugas, catatan)

    @strawberry.mutation(description="DIVERIFIKASI → DIDISPOSISIKAN to the OPD in charge")
    async def disposisikan_aduan(
        self, info: Ctx, nomor: str, petugas: str, opd: OpdTujuan, catatan: str | None = None
    ) -> Aduan:
        return await _move(info.context, nomor, StatusAduan.DIDISPOSISIKAN, petugas, catatan,
                           opd_tujuan=opd.value)

    @strawberry.mutation(description="DIDISPOSISIKAN → DITANGANI")
    async def tangani_aduan(self, info: Ctx, nomor: str, petugas: str, catatan: str | None = None) -> Aduan:
        return await _move(info.context, nomor, StatusAduan.DITANGANI, petugas, catatan)

    @strawberry.mutation(description="DITANGANI → SELESAI")
    async def selesaikan_aduan(self, info: Ctx, nomor: str, petugas: str, catatan: str | None = None) -> Aduan:
        return await _move(info.context, nomor, StatusAduan.SELESAI, petugas, catatan)

    @strawberry.mutation(description="Refuse a complaint not yet being handled, with the reason")
    async def tolak_aduan(self, info: Ctx, nomor: str, petugas: str, alasan: str) -> Aduan:
        reason = _required("alasan", alasan)
        return await _move(info.context, nomor, StatusAduan.DITOLAK, petugas, reason, alasan_penolakan=reason)


schema = create_schema(Query, Mutation, types=[Penduduk])
