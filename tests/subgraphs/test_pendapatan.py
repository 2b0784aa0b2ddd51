"""Pendapatan: tax objects, PBB bills and payments of citizens."""

from __future__ import annotations

from subgraphs.pendapatan.schema import schema
from tests.subgraphs import world as w
from tests.subgraphs.helpers import entities, sources


async def test_a_citizen_has_bills_of_every_tax_object_they_own(world_url: str) -> None:
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, entities("Penduduk", "tagihanPbb { nop tahun jumlah jatuhTempo lunas }"),
                             representations=[{"__typename": "Penduduk", "nik": w.HEAD},
                                              {"__typename": "Penduduk", "nik": w.HASNAH}])
    assert data == {"_entities": [
        {"tagihanPbb": [
            {"nop": w.NOP_RAHMAN, "tahun": 2026, "jumlah": 2_480_000, "jatuhTempo": "2026-08-31", "lunas": False},
            {"nop": w.NOP_RAHMAN, "tahun": 2025, "jumlah": 2_480_000, "jatuhTempo": "2025-08-31", "lunas": True},
        ]},
        {"tagihanPbb": []},
    ]}


async def test_bills_filter_by_year_and_paid(world_url: str) -> None:
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, entities("Penduduk", "tagihanPbb(lunas: false) { tahun }"),
                             representations=[{"__typename": "Penduduk", "nik": w.HEAD}])
    assert data == {"_entities": [{"tagihanPbb": [{"tahun": 2026}]}]}


async def test_a_tax_object_shows_its_printed_nop_owner_and_payments(world_url: str) -> None:
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, """query($nop: NOP!) { objekPajak(nop: $nop) {
            nop nopTercetak luasTanah njop pemilik { nik } tagihan { tahun pembayaran { dibayar jumlah kanal } } } }""",
                             nop="73.71.040.050.010-0001.0")
    assert data == {"objekPajak": {
        "nop": w.NOP_RAHMAN, "nopTercetak": "73.71.040.050.010-0001.0", "luasTanah": 200, "njop": 1_250_000_000,
        "pemilik": {"nik": w.HEAD},
        "tagihan": [{"tahun": 2026, "pembayaran": []},
                    {"tahun": 2025, "pembayaran": [
                        {"dibayar": "2025-07-01T10:00:00+08:00", "jumlah": 2_480_000, "kanal": "QRIS"}]}],
    }}


async def test_paying_a_bill_marks_it_paid_and_records_the_payment(fresh_world_url: str) -> None:
    pay = 'mutation($nop: NOP!) { bayarTagihanPbb(nop: $nop, tahun: 2026, kanal: "QRIS") { tahun lunas } }'
    async with sources(fresh_world_url) as ctx:
        assert await ctx.run(schema, pay, nop=w.NOP_RAHMAN) == {"bayarTagihanPbb": {"tahun": 2026, "lunas": True}}
        again = await ctx.errors(schema, pay, nop=w.NOP_RAHMAN)
        data = await ctx.run(schema, "query($nop: NOP!) { objekPajak(nop: $nop) { tagihan { lunas pembayaran "
                                     "{ jumlah } } } }", nop=w.NOP_RAHMAN)
    assert again[0][1] == {"code": "ALREADY_PAID", "nop": w.NOP_RAHMAN, "tahun": 2026}
    latest = data["objekPajak"]["tagihan"][0]
    assert latest == {"lunas": True, "pembayaran": [{"jumlah": 2_480_000}]}


async def test_paying_a_bill_that_does_not_exist_is_refused(world_url: str) -> None:
    async with sources(world_url) as ctx:
        errors = await ctx.errors(schema, 'mutation($nop: NOP!) { bayarTagihanPbb(nop: $nop, tahun: 2019, '
                                          'kanal: "QRIS") { lunas } }', nop=w.NOP_RAHMAN)
    assert errors[0][1]["code"] == "NOT_FOUND"


async def test_unpaid_bills_page(world_url: str) -> None:
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, "{ tunggakanPbb(first: 10) { nodes { nop tahun } hasNextPage } }")
    assert data == {"tunggakanPbb": {"nodes": [{"nop": w.NOP_RAHMAN, "tahun": 2026}], "hasNextPage": False}}
