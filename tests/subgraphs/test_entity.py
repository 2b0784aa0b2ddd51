"""Declaring an entity once: the type, its batched rows, relations with ORDER BY and LIMIT in SQL."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import date

import pytest
import strawberry
from sqlalchemy import Column, Date, ForeignKey, Integer, MetaData, Numeric, String, Table

from subgraphs.kit import Ctx, create_schema, entity, has_many, page_field, penduduk, reference, rows
from subgraphs.kit.sql import create_engine
from tests.subgraphs.helpers import entities, sources

metadata = MetaData()
buku = Table(
    "kit_buku", metadata,
    Column("isbn", String(13), primary_key=True),
    Column("judul", String(120), nullable=False),
    Column("harga", Numeric(12, 0), nullable=True),
)
pinjaman = Table(
    "kit_pinjaman", metadata,
    Column("id", Integer, primary_key=True),
    Column("isbn", String(13), ForeignKey("kit_buku.isbn"), nullable=False),
    Column("nik_peminjam", String(16), nullable=False),
    Column("dipinjam", Date, nullable=False),
)


# A library's loans: a table-backed entity with a key and a list relation, in 15 lines or fewer.
@entity(buku, key="isbn", description="A book of the city library")
class Buku:
    pinjaman = has_many("Pinjaman", "isbn", order_by=["-dipinjam"], limit=2)


@entity(pinjaman, key="id", hide=["id", "isbn"], federated=False)
class Pinjaman:
    buku = reference(Buku, "isbn")


@penduduk
class Penduduk:
    pinjaman = has_many(Pinjaman, "nik_peminjam", nullable=True)


@strawberry.type
class Query:
    daftar_buku = page_field(Buku)

    @strawberry.field
    async def buku(self, info: Ctx, isbn: str) -> Buku | None:
        return await rows(Buku).get(info.context, isbn)


schema = create_schema(Query, types=[Penduduk])
NIK = "7371041203800001"


@pytest.fixture
async def library(own_data_url: str) -> AsyncIterator[str]:
    engine = create_engine(own_data_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)
        await connection.run_sync(metadata.create_all)
        await connection.execute(buku.insert(), [
            {"isbn": f"978000000000{n}", "judul": f"Buku {n}", "harga": 85_000 if n != 3 else None}
            for n in range(1, 5)
        ])
        await connection.execute(pinjaman.insert(), [
            {"id": n, "isbn": f"978000000000{1 + n % 3}", "nik_peminjam": NIK, "dipinjam": date(2026, 1, n)}
            for n in range(1, 10)
        ])
    await engine.dispose()
    yield own_data_url
    engine = create_engine(own_data_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)
    await engine.dispose()


def test_the_type_is_derived_from_the_table() -> None:
    sdl = schema.as_str()
    assert 'type Buku @key(fields: "isbn") {' in sdl
    assert "  judul: String!\n  harga: Rupiah\n" in sdl  # NUMERIC without scale is Rupiah; NULL allowed
    assert "  nikPeminjam: NIK!\n  dipinjam: Tanggal!\n" in sdl  # the data standard by column name
    assert "pinjaman(limit: Int! = 2): [Pinjaman]! @listSize(slicingArguments: [\"limit\"]" in sdl
    assert "  isbn: String!\n  judul" in sdl and "type Pinjaman {\n  nikPeminjam" in sdl  # hidden: id, isbn


async def test_a_relation_orders_and_limits_per_parent_in_one_statement(library: str) -> None:
    async with sources(library) as ctx:
        data = await ctx.run(schema, entities("Buku", "isbn pinjaman { dipinjam buku { judul } }"),
                             representations=[{"__typename": "Buku", "isbn": f"978000000000{n}"} for n in (1, 2, 4)])
        statements = list(ctx.statements)
    assert data["_entities"] == [
        {"isbn": "9780000000001", "pinjaman": [{"dipinjam": "2026-01-09", "buku": {"judul": "Buku 1"}},
                                               {"dipinjam": "2026-01-06", "buku": {"judul": "Buku 1"}}]},
        {"isbn": "9780000000002", "pinjaman": [{"dipinjam": "2026-01-07", "buku": {"judul": "Buku 2"}},
                                               {"dipinjam": "2026-01-04", "buku": {"judul": "Buku 2"}}]},
        {"isbn": "9780000000004", "pinjaman": []},
    ]
    # the books, then the loans of all three (ROW_NUMBER per book); the loans' books are the ones loaded
    assert len(statements) == 2, statements
    assert "ROW_NUMBER" in statements[1].upper()


async def test_the_limit_argument_overrides_the_default(library: str) -> None:
    async with sources(library) as ctx:
        data = await ctx.run(schema, '{ buku(isbn: "9780000000002") { pinjaman(limit: 5) { dipinjam } } }')
    assert [p["dipinjam"] for p in data["buku"]["pinjaman"]] == ["2026-01-07", "2026-01-04", "2026-01-01"]


async def test_an_extension_of_penduduk_lists_by_its_nik(library: str) -> None:
    async with sources(library) as ctx:
        data = await ctx.run(schema, entities("Penduduk", "nik pinjaman { dipinjam }"),
                             representations=[{"__typename": "Penduduk", "nik": NIK}])
    assert len(data["_entities"][0]["pinjaman"]) == 9


async def test_a_malformed_key_in_a_representation_is_an_error_at_its_index(library: str) -> None:
    async with sources(library) as ctx:
        errors = await ctx.errors(schema, entities("Penduduk", "nik"),
                                  representations=[{"__typename": "Penduduk", "nik": "12"}])
    assert errors[0][1]["code"] == "INVALID_NIK"


async def test_a_dirty_row_is_an_error_at_its_item_and_the_page_survives(
    library: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(library)
    async with engine.begin() as connection:
        await connection.execute(pinjaman.insert(), [
            {"id": 100, "isbn": "9780000000004", "nik_peminjam": "73710412038", "dipinjam": date(2026, 2, 1)},
            {"id": 101, "isbn": "9780000000004", "nik_peminjam": NIK, "dipinjam": date(2026, 1, 1)},
        ])
    await engine.dispose()
    async with sources(library) as ctx:
        with caplog.at_level(logging.WARNING, logger="splp.subgraph.data"):
            result = await schema.execute('{ buku(isbn: "9780000000004") { pinjaman { nikPeminjam } } }',
                                          context_value=ctx.context())
    assert result.data == {"buku": {"pinjaman": [None, {"nikPeminjam": NIK}]}}
    assert result.errors is not None and len(result.errors) == 1
    assert result.errors[0].path == ["buku", "pinjaman", 0, "nikPeminjam"]
    assert result.errors[0].extensions is not None and result.errors[0].extensions["code"] == "INVALID_NIK"
    assert "kit_pinjaman id=100: column nik_peminjam fails NIK" in caplog.text


async def test_a_page_field_pages_in_key_order_with_a_cursor(library: str) -> None:
    async with sources(library) as ctx:
        first = await ctx.run(schema, "{ daftarBuku(first: 3) { nodes { isbn harga } endCursor hasNextPage } }")
        after = first["daftarBuku"]["endCursor"]
        rest = await ctx.run(schema, "query($after: String) { daftarBuku(first: 3, after: $after) { nodes { isbn } "
                                     "hasNextPage } }", after=after)
    assert [n["harga"] for n in first["daftarBuku"]["nodes"]] == [85_000, 85_000, None]
    assert first["daftarBuku"]["hasNextPage"] is True
    assert rest["daftarBuku"] == {"nodes": [{"isbn": "9780000000004"}], "hasNextPage": False}


def test_a_field_added_to_penduduk_must_be_nullable() -> None:
    @penduduk
    class Penduduk:
        @strawberry.field
        def jumlah_pinjaman(self) -> int:
            return 0

    @strawberry.type
    class Q:
        x: int = 0

    with pytest.raises(TypeError, match=r"Penduduk\.jumlahPinjaman must be nullable"):
        create_schema(Q, types=[Penduduk])
