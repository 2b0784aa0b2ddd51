"""Database failures and refused input are coded errors that never carry SQL or the driver's text."""

from __future__ import annotations

import base64
import json

import strawberry
from sqlalchemy import Column, MetaData, String, Table

from subgraphs.kependudukan.schema import schema as kependudukan
from subgraphs.kit import Ctx, create_schema, entity, rows
from subgraphs.pendapatan.schema import schema as pendapatan
from tests.subgraphs import world as w
from tests.subgraphs.helpers import sources


def _cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


async def test_a_forged_cursor_is_invalid_cursor_not_the_statement(world_url: str) -> None:
    async with sources(world_url) as ctx:
        for forged in (_cursor({"nik": 1}), _cursor([1, 2]), _cursor(12), _cursor(True), "A" * 5000):
            errors = await ctx.errors(kependudukan, "query($after: String) { daftarPenduduk(after: $after) "
                                                    "{ nodes { nik } } }", after=forged)
            assert errors == [("Invalid cursor: pass the endCursor of a previous page",
                               {"code": "INVALID_CURSOR", "value": forged[:40]})]


missing = Table("kit_tabel_yang_tidak_ada", MetaData(), Column("kode", String(8), primary_key=True))


@entity(missing, key="kode")
class Hilang:
    pass


@strawberry.type
class Query:
    @strawberry.field
    async def hilang(self, info: Ctx, kode: str) -> Hilang | None:
        return await rows(Hilang).get(info.context, kode)


async def test_a_failing_statement_is_database_error_without_sql(database_url: str) -> None:
    schema = create_schema(Query)
    async with sources(database_url) as ctx:
        errors = await ctx.errors(schema, '{ hilang(kode: "X") { kode } }')
    assert errors == [("The subgraph's database refused the request", {"code": "DATABASE_ERROR"})]


async def test_an_unexpected_failure_is_an_internal_error_without_its_text(world_url: str) -> None:
    @strawberry.type
    class Broken:
        @strawberry.field
        def rusak(self) -> str:
            raise RuntimeError("SELECT secret FROM penduduk WHERE nik = '7371041203800001'")

    async with sources(world_url) as ctx:
        errors = await ctx.errors(create_schema(Broken), "{ rusak }")
    assert errors == [("Internal error in the subgraph", {"code": "INTERNAL_SERVER_ERROR"})]


async def test_a_value_longer_than_its_column_is_refused_before_writing(fresh_world_url: str) -> None:
    async with sources(fresh_world_url) as ctx:
        errors = await ctx.errors(pendapatan, "mutation($nop: NOP!, $kanal: String!) { bayarTagihanPbb("
                                              "nop: $nop, tahun: 2026, kanal: $kanal) { lunas } }",
                                  nop=w.NOP_RAHMAN, kanal="Q" * 31)
        still_unpaid = await ctx.run(pendapatan, "query($nop: NOP!) { objekPajak(nop: $nop) "
                                                 "{ tagihan { tahun lunas } } }", nop=w.NOP_RAHMAN)
    assert errors == [("kanal is at most 30 characters, got 31",
                       {"code": "VALUE_TOO_LONG", "field": "kanal", "limit": 30, "length": 31})]
    assert still_unpaid["objekPajak"]["tagihan"][0] == {"tahun": 2026, "lunas": False}


async def test_a_kelurahan_code_given_for_a_kecamatan_is_an_error_not_null(world_url: str) -> None:
    async with sources(world_url) as ctx:
        errors = await ctx.errors(kependudukan, '{ kecamatan(kode: "73.71.04.1005") { nama } }')
    assert errors[0][1] == {"code": "INVALID_KODE_WILAYAH", "value": "73.71.04.1005",
                            "reason": "is a kelurahan code; a kecamatan code is expected, e.g. 73.71.04"}


async def test_a_refused_value_is_echoed_cut_short() -> None:
    errors = await kependudukan.execute("query($nik: NIK!) { penduduk(nik: $nik) { nama } }",
                                        variable_values={"nik": "7" * 5000})
    assert errors.errors is not None
    extensions = errors.errors[0].extensions or {}
    assert extensions["value"] == "7" * 40 + "…"
    assert len(errors.errors[0].message) < 200
