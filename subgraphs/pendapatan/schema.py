"""Pendapatan (regional revenue): PBB tax objects owned by citizens, yearly bills and payments."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from graphql import GraphQLError
from sqlalchemy import insert, update
from sqlalchemy.engine import RowMapping
from strawberry.types import Info

from subgraphs.kit import NIK, NOP, KodeWilayah, Rupiah, SubgraphContext, Tanggal, WaktuWITA, create_schema
from subgraphs.kit.scalars import format_nop, parse_nik
from subgraphs.kit.sql import DEFAULT_PAGE_SIZE, SqlEntity
from subgraphs.kit.types import Connection
from subgraphs.pendapatan import tables

Ctx = Info[SubgraphContext, None]


@strawberry.type(description="A payment of a PBB bill")
class PembayaranPbb:
    dibayar: WaktuWITA
    jumlah: Rupiah
    kanal: str


@strawberry.type(description="The yearly PBB (land and building tax) bill of a tax object")
class TagihanPbb:
    nop: NOP
    tahun: int
    jumlah: Rupiah
    jatuh_tempo: Tanggal
    lunas: bool
    id: strawberry.Private[int]

    @strawberry.field
    async def objek_pajak(self, info: Ctx) -> ObjekPajak:
        found = await OBJEK_PAJAK.get(info.context, self.nop)
        assert found is not None, f"bill {self.id} points at a missing tax object"
        return found

    @strawberry.field
    async def pembayaran(self, info: Ctx) -> list[PembayaranPbb]:
        return await PEMBAYARAN.list_by(info.context, "tagihan_id", self.id)


@strawberry.federation.type(keys=["nop"], description="A PBB tax object (land and buildings)")
class ObjekPajak:
    nop: NOP
    letak: str
    kode_kelurahan: KodeWilayah
    luas_tanah: int = strawberry.field(description="Land area in m²")
    luas_bangunan: int = strawberry.field(description="Building area in m²")
    njop: Rupiah = strawberry.field(description="Nilai Jual Objek Pajak")
    nik_pemilik: strawberry.Private[str]

    @strawberry.field(description="The NOP as printed on the bill: 73.71.010.001.001-0001.0")
    def nop_tercetak(self) -> str:
        return format_nop(self.nop)

    @strawberry.field
    def pemilik(self) -> Penduduk:
        return Penduduk(nik=NIK(self.nik_pemilik))

    @strawberry.field(description="Bills, the latest year first")
    async def tagihan(self, info: Ctx) -> list[TagihanPbb]:
        bills = await TAGIHAN.list_by(info.context, "nop", self.nop)
        return sorted(bills, key=lambda bill: -bill.tahun)

    @classmethod
    async def resolve_reference(cls, info: Ctx, nop: str) -> ObjekPajak | None:
        return await OBJEK_PAJAK.get(info.context, nop)


@strawberry.federation.type(keys=["nik"])
class Penduduk:
    nik: NIK

    @strawberry.field(description="Tax objects this citizen owns")
    async def objek_pajak(self, info: Ctx) -> list[ObjekPajak]:
        return await OBJEK_PAJAK.list_by(info.context, "nik_pemilik", self.nik)

    @strawberry.field(description="PBB bills of every tax object this citizen owns, the latest year first")
    async def tagihan_pbb(self, info: Ctx, tahun: int | None = None, lunas: bool | None = None) -> list[TagihanPbb]:
        bills = await TAGIHAN_PEMILIK.list_by(info.context, "nik_pemilik", self.nik, tahun=tahun, lunas=lunas)
        return sorted(bills, key=lambda bill: (-bill.tahun, bill.nop))

    @classmethod
    def resolve_reference(cls, nik: str) -> Penduduk:
        return Penduduk(nik=NIK(parse_nik(nik)))


def _tagihan(row: RowMapping) -> TagihanPbb:
    return TagihanPbb(id=row["id"], nop=NOP(row["nop"]), tahun=row["tahun"], jumlah=Rupiah(row["jumlah"]),
                      jatuh_tempo=Tanggal(row["jatuh_tempo"]), lunas=bool(row["lunas"]))


OBJEK_PAJAK = SqlEntity(
    tables.objek_pajak,
    lambda row: ObjekPajak(
        nop=row["nop"], letak=row["letak"], kode_kelurahan=row["kode_kelurahan"], luas_tanah=row["luas_tanah"],
        luas_bangunan=row["luas_bangunan"], njop=row["njop"], nik_pemilik=row["nik_pemilik"],
    ),
    key="nop",
)
TAGIHAN = SqlEntity(tables.tagihan_pbb, _tagihan, key="id")
TAGIHAN_PEMILIK = SqlEntity(tables.tagihan_pemilik, _tagihan, key="id")
PEMBAYARAN = SqlEntity(
    tables.pembayaran_pbb,
    lambda row: PembayaranPbb(dibayar=row["dibayar"], jumlah=row["jumlah"], kanal=row["kanal"]),
    key="id",
    order_by=["dibayar"],
)


@strawberry.type
class Query:
    @strawberry.field
    async def objek_pajak(self, info: Ctx, nop: NOP) -> ObjekPajak | None:
        return await OBJEK_PAJAK.get(info.context, nop)

    @strawberry.field(description="Unpaid bills, optionally of one year, in bill order")
    async def tunggakan_pbb(
        self, info: Ctx, tahun: int | None = None, first: int = DEFAULT_PAGE_SIZE, after: str | None = None
    ) -> Connection[TagihanPbb]:
        page = await TAGIHAN.page(info.context, first=first, after=after, filters={"tahun": tahun, "lunas": False})
        return Connection.of(page)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Record the full payment of a year's bill; refused if already paid")
    async def bayar_tagihan_pbb(self, info: Ctx, nop: NOP, tahun: int, kanal: str) -> TagihanPbb:
        bills = tables.tagihan_pbb
        async with info.context.database.engine.begin() as connection:
            row = (await connection.execute(
                bills.select().where(bills.c.nop == nop, bills.c.tahun == tahun)
            )).mappings().first()
            if row is None:
                raise GraphQLError(f"No PBB bill for NOP {nop} in {tahun}",
                                   extensions={"code": "NOT_FOUND", "nop": nop, "tahun": tahun})
            # The guard on `lunas` makes two concurrent payments record only one.
            paid = await connection.execute(
                update(bills).where(bills.c.id == row["id"], bills.c.lunas.is_(False)).values(lunas=True)
            )
            if paid.rowcount != 1:
                raise GraphQLError(f"The {tahun} PBB bill of NOP {nop} is already paid",
                                   extensions={"code": "ALREADY_PAID", "nop": nop, "tahun": tahun})
            await connection.execute(insert(tables.pembayaran_pbb).values(
                tagihan_id=row["id"], dibayar=datetime.now(UTC).replace(tzinfo=None),
                jumlah=row["jumlah"], kanal=kanal,
            ))
        bill = _tagihan(row)
        bill.lunas = True
        return bill


schema = create_schema(Query, Mutation)
