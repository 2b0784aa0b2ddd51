"""Pendapatan (regional revenue): PBB tax objects owned by citizens, yearly bills and payments."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from graphql import GraphQLError
from sqlalchemy import insert, update

from subgraphs.kit import (
    NOP,
    Ctx,
    Rupiah,
    SqlEntity,
    create_schema,
    entity,
    has_many,
    page_field,
    penduduk,
    reference,
    rows,
)
from subgraphs.kit.access import personal, protect
from subgraphs.kit.scalars import format_nop
from subgraphs.pendapatan import tables


@entity(tables.pembayaran_pbb, key="id", hide=["id", "tagihan_id"], types={"jumlah": Rupiah},
        order_by=["dibayar"], federated=False, description="A payment of a PBB bill")
class PembayaranPbb:
    pass


@entity(tables.tagihan_pbb, key="id", hide=["id"], types={"jumlah": Rupiah}, federated=False,
        description="The yearly PBB (land and building tax) bill of a tax object")
class TagihanPbb:
    objek_pajak = reference("ObjekPajak", "nop", nullable=False)
    pembayaran = has_many(PembayaranPbb, "tagihan_id", assumed_size=1)


# Bills with their owner's NIK, so a citizen's bills are one query.
TAGIHAN_PEMILIK = SqlEntity(tables.tagihan_pemilik, rows(TagihanPbb).build, key="id")


@entity(tables.objek_pajak, key="nop", hide=["nik_pemilik"], description="A PBB tax object (land and buildings)")
class ObjekPajak:
    luas_tanah: int = strawberry.field(description="Land area in m²")
    luas_bangunan: int = strawberry.field(description="Building area in m²")
    njop: Rupiah = strawberry.field(description="Nilai Jual Objek Pajak")
    pemilik = reference("Penduduk", "nik_pemilik", nullable=False)
    tagihan = has_many(TagihanPbb, "nop", order_by=["-tahun"], assumed_size=10,
                       description="Bills, the latest year first")

    @strawberry.field(description="The NOP as printed on the bill: 73.71.010.001.001-0001.0")
    def nop_tercetak(self) -> str:
        return format_nop(self.nop)


@penduduk
class Penduduk:
    objek_pajak = has_many(ObjekPajak, "nik_pemilik", nullable=True, assumed_size=2,
                           description="Tax objects this citizen owns")
    tagihan_pbb = has_many(TagihanPbb, "nik_pemilik", source=TAGIHAN_PEMILIK, order_by=["-tahun", "nop"],
                           filters={"tahun": int, "lunas": bool}, nullable=True, assumed_size=10,
                           description="PBB bills of every tax object this citizen owns, the latest year first")


@strawberry.type
class Query:
    @strawberry.field
    async def objek_pajak(self, info: Ctx, nop: NOP) -> ObjekPajak | None:
        return await rows(ObjekPajak).get(info.context, nop)

    tunggakan_pbb = page_field(TagihanPbb, filters={"tahun": int}, fixed={"lunas": False},
                               description="Unpaid bills, optionally of one year, in bill order")


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Record the full payment of a year's bill; refused if already paid")
    async def bayar_tagihan_pbb(self, info: Ctx, nop: NOP, tahun: int, kanal: str) -> TagihanPbb:
        bills = tables.tagihan_pbb
        payment = {"dibayar": datetime.now(UTC).replace(tzinfo=None), "kanal": kanal}
        database = info.context.database
        database.check_lengths(tables.pembayaran_pbb, payment)
        async with database.transaction() as connection:
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
                tagihan_id=row["id"], jumlah=row["jumlah"], **payment))
        bill: TagihanPbb = rows(TagihanPbb).build(row)
        bill.lunas = True
        return bill


protect(Penduduk, "objek_pajak", "tagihan_pbb", policy=personal("pendapatan:baca"))
protect(Query, "tunggakan_pbb", scopes=[["pendapatan:baca"]])
protect(Mutation, "bayar_tagihan_pbb", scopes=[["pendapatan:bayar"]])  # the payment channels (Bapenda, banks)

schema = create_schema(Query, Mutation)
