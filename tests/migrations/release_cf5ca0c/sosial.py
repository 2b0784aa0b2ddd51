"""Social office tables: welfare registration (DTKS) of families and aid disbursements."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Integer, MetaData, String, Table

metadata = MetaData()

registrasi_dtks = Table(
    "registrasi_dtks", metadata,
    Column("nomor_kk", String(16), primary_key=True),
    Column("desil", Integer, nullable=False),
    Column("terdaftar", Date, nullable=False),
    Column("status", String(20), nullable=False),
)

penyaluran_bantuan = Table(
    "penyaluran_bantuan", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nomor_kk", String(16), nullable=False),
    Column("nik_penerima", String(16), nullable=False),
    Column("program", String(12), nullable=False),
    Column("periode", String(7), nullable=False),
    Column("jumlah", BigInteger, nullable=False),
    Column("status", String(12), nullable=False),
    Column("disalurkan", DateTime, nullable=True),
    Index("ix_penyaluran_nik_penerima", "nik_penerima"),
    Index("ix_penyaluran_nomor_kk", "nomor_kk"),
)
