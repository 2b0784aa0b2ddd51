"""Health office tables: puskesmas and visits (the JKN membership comes from BPJS's API)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table

metadata = MetaData()

puskesmas = Table(
    "puskesmas", metadata,
    Column("kode", String(12), primary_key=True),
    Column("nama", String(80), nullable=False),
    Column("alamat", String(160), nullable=False),
    Column("kode_kecamatan", String(8), nullable=False, index=True),
)

kunjungan = Table(
    "kunjungan", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nik", String(16), nullable=False),
    Column("kode_puskesmas", String(12), nullable=False),
    Column("waktu", DateTime, nullable=False),
    Column("poli", String(30), nullable=False),
    Column("keluhan", String(200), nullable=False),
    Column("diagnosa", String(8), nullable=False),
    Index("ix_kunjungan_nik", "nik"),
)
