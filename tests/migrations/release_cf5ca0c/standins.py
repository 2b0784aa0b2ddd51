"""The stand-ins' own storage (what the real external systems would hold)."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, MetaData, String, Table

bpjs_metadata = MetaData()

peserta_jkn = Table(
    "peserta_jkn", bpjs_metadata,
    Column("nik", String(16), primary_key=True),
    Column("nomor_kartu", String(13), nullable=False, unique=True),
    Column("segmen", String(10), nullable=False),
    Column("kelas", String(1), nullable=False),
    Column("status", String(10), nullable=False),
    Column("faskes_pertama", String(80), nullable=False),
)

perizinan_metadata = MetaData()

usaha = Table(
    "usaha", perizinan_metadata,
    Column("nib", String(13), primary_key=True),
    Column("nik_pemilik", String(16), nullable=False, index=True),
    Column("nama", String(120), nullable=False),
    Column("kbli", String(5), nullable=False),
    Column("alamat", String(160), nullable=False),
)

izin = Table(
    "izin", perizinan_metadata,
    Column("nomor", String(30), primary_key=True),
    Column("nib", String(13), nullable=False, index=True),
    Column("nik_pemohon", String(16), nullable=False, index=True),
    Column("jenis", String(40), nullable=False),
    Column("status", String(12), nullable=False),
    Column("terbit", Date, nullable=False),
    Column("berlaku_sampai", Date, nullable=True),
)

permohonan = Table(
    "permohonan", perizinan_metadata,
    Column("nomor", String(30), primary_key=True),
    Column("nik_pemohon", String(16), nullable=False, index=True),
    Column("nib", String(13), nullable=True),
    Column("jenis", String(40), nullable=False),
    Column("status", String(12), nullable=False),
    Column("diajukan", DateTime, nullable=False),
)
