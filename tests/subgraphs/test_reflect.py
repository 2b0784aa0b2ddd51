"""An entity from a table that already exists (reflected from the database) or from a SQLAlchemy model."""

from __future__ import annotations

import sys
import textwrap
import types
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import strawberry
from sqlalchemy import Numeric, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from subgraphs.kit import Ctx, create_schema, entity, rows
from subgraphs.kit.reflect import reflect
from subgraphs.kit.sql import create_engine
from tests.subgraphs.helpers import entities, sources

NIK = "7371041203800001"

# What the library's own application made years ago: no SQLAlchemy anywhere, just its DDL.
DDL = [
    "CREATE TABLE rfl_anggota (nomor_anggota VARCHAR(12) NOT NULL PRIMARY KEY, nik VARCHAR(16) NOT NULL UNIQUE, "
    "nama VARCHAR(80) NOT NULL, terdaftar DATE NOT NULL, denda NUMERIC(12, 0), kode_kelurahan VARCHAR(13))",
    "CREATE TABLE rfl_kunjungan (nik VARCHAR(16) NOT NULL UNIQUE, jumlah INTEGER NOT NULL)",
    "CREATE TABLE rfl_pinjaman (id INTEGER NOT NULL PRIMARY KEY, nik VARCHAR(16) NOT NULL, "
    "judul VARCHAR(120) NOT NULL, dipinjam DATE NOT NULL)",
]
ROWS = [
    "INSERT INTO rfl_anggota VALUES ('A-001', '7371041203800001', 'Andi Rahman', '2024-03-01', 15000, "
    "'73.71.04.1001')",
    "INSERT INTO rfl_kunjungan VALUES ('7371041203800001', 12)",
    "INSERT INTO rfl_pinjaman VALUES (1, '7371041203800001', 'Laskar Pelangi', '2026-01-05')",
    "INSERT INTO rfl_pinjaman VALUES (2, '7371041203800001', 'Bumi Manusia', '2026-03-01')",
    "INSERT INTO rfl_pinjaman VALUES (3, '7371041203800001', 'Ronggeng Dukuh Paruk', '2026-02-09')",
]


@pytest.fixture
async def existing(own_data_url: str) -> AsyncIterator[str]:
    engine = create_engine(own_data_url)
    async with engine.begin() as connection:
        for table in ("rfl_pinjaman", "rfl_kunjungan", "rfl_anggota"):
            await connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
        for statement in DDL + ROWS:
            await connection.execute(text(statement))
    await engine.dispose()
    yield own_data_url
    engine = create_engine(own_data_url)
    async with engine.begin() as connection:
        for table in ("rfl_pinjaman", "rfl_kunjungan", "rfl_anggota"):
            await connection.execute(text(f"DROP TABLE {table}"))
    await engine.dispose()


def module(name: str, source: str) -> types.ModuleType:
    """Run `source` as the module `name` (as an OPD's schema.py would be imported)."""
    made = types.ModuleType(name)
    sys.modules[name] = made
    exec(compile(source, f"<{name}>", "exec"), made.__dict__)
    return made


async def test_a_reflected_table_gives_its_columns_types_and_primary_key(existing: str) -> None:
    tables = reflect(existing, "rfl_anggota", "rfl_kunjungan")

    @entity(tables.rfl_anggota, hide=["kode_kelurahan"])
    class Anggota:
        pass

    @entity(tables.rfl_kunjungan)  # no primary key: its one unique key is the key
    class Kunjungan:
        pass

    @strawberry.type
    class Query:
        @strawberry.field
        async def jumlah(self, info: Ctx) -> int:
            found = await rows(Kunjungan).get(info.context, NIK)
            return found.jumlah if found is not None else 0

    schema = create_schema(Query, types=[Anggota])
    sdl = schema.as_str()
    assert 'type Anggota @key(fields: "nomorAnggota") {' in sdl
    assert ("  nomorAnggota: String!\n  nik: NIK!\n  nama: String!\n  terdaftar: Tanggal!\n  denda: Rupiah\n}"
            in sdl)
    async with sources(existing) as ctx:
        data = await ctx.run(schema, entities("Anggota", "nama nik terdaftar denda"),
                             representations=[{"__typename": "Anggota", "nomorAnggota": "A-001"}])
        counted = await ctx.run(schema, "{ jumlah }")
    assert data["_entities"] == [{"nama": "Andi Rahman", "nik": NIK, "terdaftar": "2024-03-01", "denda": 15000}]
    assert counted == {"jumlah": 12}


def test_a_table_that_is_not_there_is_named(sqlite_database: str) -> None:
    with pytest.raises(LookupError, match="rfl_tidak_ada: no such table"):
        reflect(sqlite_database, "rfl_tidak_ada")


class Base(DeclarativeBase):
    pass


class AnggotaModel(Base):
    __tablename__ = "rfl_anggota_model"
    nomor_anggota: Mapped[str] = mapped_column(String(12), primary_key=True)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    denda: Mapped[Decimal | None] = mapped_column(Numeric(12, 0))


@entity(AnggotaModel)
class AnggotaDariModel:
    pass


@strawberry.type
class ModelQuery:
    anggota: AnggotaDariModel | None = None


def test_an_entity_from_a_sqlalchemy_model() -> None:
    sdl = create_schema(ModelQuery).as_str()
    assert ('type AnggotaDariModel @key(fields: "nomorAnggota") {\n  nomorAnggota: String!\n  nik: NIK!\n'
            '  denda: Rupiah\n}') in sdl


# A new table-backed entity with a key and a list relation, as an OPD writes it: at most 15 lines.
FIFTEEN_LINES = textwrap.dedent('''
    from sqlalchemy import Column, Date, Integer, MetaData, String, Table
    from subgraphs.kit import entity, has_many, create_schema, penduduk

    metadata = MetaData()
    pinjaman = Table("rfl_pinjaman", metadata, Column("id", Integer, primary_key=True),
                     Column("nik", String(16)), Column("judul", String(120)), Column("dipinjam", Date))

    @entity(pinjaman, key="id", hide=["id"], federated=False)
    class Pinjaman: pass

    @penduduk
    class Penduduk:
        pinjaman = has_many(Pinjaman, "nik", order_by=["-dipinjam"], limit=2, nullable=True)

    schema = create_schema(types=[Penduduk])
''').strip()


async def test_a_table_backed_entity_with_a_key_and_a_list_relation_fits_in_15_lines(existing: str) -> None:
    assert len(FIFTEEN_LINES.splitlines()) <= 15
    declared = module("rfl_perpustakaan", FIFTEEN_LINES)
    async with sources(existing) as ctx:
        data = await ctx.run(declared.schema, entities("Penduduk", "pinjaman { judul dipinjam }"),
                             representations=[{"__typename": "Penduduk", "nik": NIK}])
        statements = list(ctx.statements)
    assert data == {"_entities": [{"pinjaman": [{"judul": "Bumi Manusia", "dipinjam": "2026-03-01"},
                                                {"judul": "Ronggeng Dukuh Paruk", "dipinjam": "2026-02-09"}]}]}
    # the ORDER BY and the LIMIT per citizen ran in the database, in the one statement read
    assert len(statements) == 1 and "ROW_NUMBER" in statements[0].upper()
