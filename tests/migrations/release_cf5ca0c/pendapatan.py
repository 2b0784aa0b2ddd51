"""Regional revenue's PBB (land and building tax) tables (production: MariaDB)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    select,
)

metadata = MetaData()

objek_pajak = Table(
    "objek_pajak", metadata,
    Column("nop", String(18), primary_key=True),
    Column("nik_pemilik", String(16), nullable=False, index=True),
    Column("letak", String(120), nullable=False),
    Column("kode_kelurahan", String(13), nullable=False),
    Column("luas_tanah", Integer, nullable=False),
    Column("luas_bangunan", Integer, nullable=False),
    Column("njop", BigInteger, nullable=False),
)

tagihan_pbb = Table(
    "tagihan_pbb", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nop", String(18), nullable=False, index=True),
    Column("tahun", Integer, nullable=False),
    Column("jumlah", BigInteger, nullable=False),
    Column("jatuh_tempo", Date, nullable=False),
    Column("lunas", Boolean, nullable=False),
    UniqueConstraint("nop", "tahun", name="uq_tagihan_pbb_nop_tahun"),
)

pembayaran_pbb = Table(
    "pembayaran_pbb", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tagihan_id", Integer, nullable=False, index=True),
    Column("dibayar", DateTime, nullable=False),
    Column("jumlah", BigInteger, nullable=False),
    Column("kanal", String(30), nullable=False),
)

# Bills with their owner's NIK, so a citizen's bills are one query.
tagihan_pemilik = (
    select(tagihan_pbb, objek_pajak.c.nik_pemilik)
    .join_from(tagihan_pbb, objek_pajak, tagihan_pbb.c.nop == objek_pajak.c.nop)
    .subquery("tagihan_pemilik")
)
