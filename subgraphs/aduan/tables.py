"""Lontara Plus complaint tables (production: PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

aduan = Table(
    "aduan", metadata,
    Column("nomor", String(24), primary_key=True),
    Column("nik_pelapor", String(16), nullable=False),
    Column("telepon_pelapor", String(16), nullable=True),
    Column("kategori", String(30), nullable=False),
    Column("lokasi", String(200), nullable=False),
    Column("kode_kelurahan", String(13), nullable=True),
    Column("deskripsi", Text, nullable=False),
    Column("foto_url", String(300), nullable=True),
    Column("status", String(16), nullable=False),
    Column("opd_tujuan", String(20), nullable=True),
    Column("alasan_penolakan", Text, nullable=True),
    Column("diterima", DateTime, nullable=False),
    Column("selesai", DateTime, nullable=True),
    Index("ix_aduan_nik_pelapor", "nik_pelapor"),
    Index("ix_aduan_status", "status"),
)

riwayat_aduan = Table(
    "riwayat_aduan", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nomor_aduan", String(24), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("waktu", DateTime, nullable=False),
    Column("petugas", String(80), nullable=False),
    Column("catatan", Text, nullable=True),
)
