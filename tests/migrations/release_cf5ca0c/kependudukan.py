"""The population registry's tables (production: PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, MetaData, String, Table

metadata = MetaData()

kecamatan = Table(
    "kecamatan", metadata,
    Column("kode", String(8), primary_key=True),
    Column("nama", String(60), nullable=False),
)

kelurahan = Table(
    "kelurahan", metadata,
    Column("kode", String(13), primary_key=True),
    Column("kode_kecamatan", String(8), nullable=False, index=True),
    Column("nama", String(60), nullable=False),
    Column("kode_pos", String(5), nullable=True),
)

kartu_keluarga = Table(
    "kartu_keluarga", metadata,
    Column("nomor_kk", String(16), primary_key=True),
    Column("nik_kepala", String(16), nullable=False),
    Column("jalan", String(120), nullable=False),
    Column("rt", String(3), nullable=False),
    Column("rw", String(3), nullable=False),
    Column("kode_kelurahan", String(13), nullable=False),
    Column("tanggal_terbit", Date, nullable=False),
)

penduduk = Table(
    "penduduk", metadata,
    Column("nik", String(16), primary_key=True),
    Column("nomor_kk", String(16), nullable=False),
    Column("hubungan_keluarga", String(20), nullable=False),
    Column("nama", String(120), nullable=False),
    Column("tempat_lahir", String(60), nullable=False),
    Column("tanggal_lahir", Date, nullable=False),
    Column("jenis_kelamin", String(10), nullable=False),
    Column("agama", String(12), nullable=False),
    Column("status_perkawinan", String(12), nullable=False),
    Column("pekerjaan", String(60), nullable=False),
    Column("jalan", String(120), nullable=False),
    Column("rt", String(3), nullable=False),
    Column("rw", String(3), nullable=False),
    Column("kode_kelurahan", String(13), nullable=False),
    Index("ix_penduduk_nomor_kk", "nomor_kk"),
    Index("ix_penduduk_kode_kelurahan", "kode_kelurahan"),
)
