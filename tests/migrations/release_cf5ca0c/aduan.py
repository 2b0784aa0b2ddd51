"""Lontara Plus tables (production: PostgreSQL; SQLite and MariaDB run the same code).

Instants are stored naive in UTC; calendar dates (holidays) are WITA dates.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

metadata = MetaData()

# Text limits, checked before any write (the columns are sized to match).
MAX_LOKASI = 200
MAX_DESKRIPSI = 2000
MAX_CATATAN = 1000
MAX_ALASAN = 500
MAX_NAMA = 80
MAX_URL = 300
MAX_FOTO = 10

aduan = Table(
    "aduan", metadata,
    Column("nomor", String(24), primary_key=True),
    Column("nik_pelapor", String(16), nullable=False),
    Column("telepon_pelapor", String(16), nullable=True),
    Column("kategori", String(30), nullable=False),
    Column("lokasi", String(MAX_LOKASI), nullable=False),
    Column("kode_kelurahan", String(13), nullable=True),
    Column("deskripsi", Text, nullable=False),
    Column("foto_url", String(MAX_URL), nullable=True),  # the citizen's first photo
    Column("status", String(16), nullable=False),
    Column("opd_tujuan", String(20), nullable=True),
    Column("alasan_penolakan", Text, nullable=True),
    Column("diterima", DateTime, nullable=False),
    Column("selesai", DateTime, nullable=True),  # when it reached SELESAI or DITOLAK
    Column("lintang", Float, nullable=True),
    Column("bujur", Float, nullable=True),
    # A confidential report: the complainant's identity is the desk's only.
    Column("rahasia", Boolean, nullable=False, default=False, server_default=false()),
    Column("petugas_sub", String(80), nullable=True),  # the assigned field officer (token subject)
    Column("petugas_nama", String(MAX_NAMA), nullable=True),
    Column("langkah_mulai", DateTime, nullable=True),  # when the current state began
    Column("batas_langkah", DateTime, nullable=True),  # the current state's deadline (None: untimed)
    Column("eskalasi", Integer, nullable=False, default=0, server_default=text("0")),  # 0 none, 1 OPD head, 2 the city
    Column("penilaian", Integer, nullable=True),  # the citizen's rating, 1-5
    Column("ulasan", String(MAX_ALASAN), nullable=True),
    # Bumped by every change: a step's UPDATE is guarded by the version it read, so of two
    # concurrent steps exactly one commits.
    Column("versi", Integer, nullable=False, default=0, server_default=text("0")),
    Index("ix_aduan_nik_pelapor", "nik_pelapor"),
    Index("ix_aduan_status", "status"),
    Index("ix_aduan_opd_status", "opd_tujuan", "status"),
    Index("ix_aduan_petugas", "petugas_sub", "status"),
    Index("ix_aduan_batas", "batas_langkah"),
)

# Every step, escalation and handling record of a complaint, in order. A row that starts a
# state carries that state's deadline; `berakhir` is set when the next state begins, so how
# long each step took is one subtraction, in SQL too.
riwayat_aduan = Table(
    "riwayat_aduan", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nomor_aduan", String(24), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("waktu", DateTime, nullable=False),
    Column("petugas", String(80), nullable=False),  # who, by name (the token's display name)
    Column("catatan", Text, nullable=True),
    Column("langkah", String(20), nullable=True),  # the step's name; "eskalasi"; None for the filing
    Column("pelaku_sub", String(80), nullable=True),
    Column("peran", String(20), nullable=True),
    Column("batas", DateTime, nullable=True),
    Column("berakhir", DateTime, nullable=True),
    Column("data", Text, nullable=True),  # JSON: photos, location, rating, escalation target
    # `awal`: this row starts a state (and carries its `batas`); `terbit`: published to NATS (the outbox).
    Column("awal", Boolean, nullable=False, default=False, server_default=false()),
    Column("terbit", Boolean, nullable=False, default=False, server_default=false()),
)

foto_aduan = Table(
    "foto_aduan", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nomor_aduan", String(24), nullable=False, index=True),
    Column("url", String(MAX_URL), nullable=False),
    Column("oleh", String(20), nullable=False),  # "pelapor" or "petugas"
    Column("waktu", DateTime, nullable=False),
)

# A step's client key: a retry with the same key returns the complaint as the first try left it.
kunci_langkah = Table(
    "kunci_langkah", metadata,
    Column("kunci", String(120), primary_key=True),  # "<subject>:<client key>"
    Column("nomor_aduan", String(24), nullable=False),
    Column("langkah", String(20), nullable=False),
    Column("waktu", DateTime, nullable=False),
)

# Deadlines as data: per step (the state being waited on) and optionally per category; a row
# with kategori NULL is the default for every category. satuan: JAM (clock hours), HARI
# (calendar days), JAM_KERJA (working hours), HARI_KERJA (working days).
tenggat = Table(
    "tenggat", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("status", String(16), nullable=False),
    Column("kategori", String(30), nullable=True),
    Column("jumlah", Integer, nullable=False),
    Column("satuan", String(12), nullable=False),
    Column("dasar", String(200), nullable=True),  # the rule it comes from
    UniqueConstraint("status", "kategori", name="uq_tenggat_status_kategori"),
)

# Public holidays and collective leave in Makassar (WITA dates): no working hours.
hari_libur = Table(
    "hari_libur", metadata,
    Column("tanggal", Date, primary_key=True),
    Column("nama", String(120), nullable=False),
)

# Field officers an OPD's coordinator may assign (the city's staff directory).
petugas = Table(
    "petugas", metadata,
    Column("sub", String(80), primary_key=True),
    Column("nama", String(MAX_NAMA), nullable=False),
    Column("opd", String(20), nullable=False),
    Column("aktif", Boolean, nullable=False, default=True),
)

# Leases of jobs that must run on one replica at a time (the escalation job).
sewa_tugas = Table(
    "sewa_tugas", metadata,
    Column("nama", String(40), primary_key=True),
    Column("pemilik", String(80), nullable=False),
    Column("sampai", DateTime, nullable=False),
)

# Notifications of each step, one row per (event, recipient, channel): the key makes a
# redelivered event a no-op; `status` and `percobaan` make delivery visible in the complaint.
notifikasi = Table(
    "notifikasi", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kunci", String(160), nullable=False, unique=True),
    Column("nomor_aduan", String(24), nullable=False, index=True),
    Column("riwayat_id", Integer, nullable=False),
    Column("penerima", String(20), nullable=False),  # "pelapor" | "petugas"
    Column("saluran", String(20), nullable=False),
    Column("status", String(12), nullable=False),  # MENUNGGU | TERKIRIM | GAGAL
    Column("percobaan", Integer, nullable=False, default=0),
    Column("galat", String(300), nullable=True),
    Column("waktu", DateTime, nullable=False),
    Column("terkirim", DateTime, nullable=True),
)
