"""Lontara Plus complaints (aduan): the tables as `create_all` made them in release cf5ca0c (the baseline).

Each table is created only when it is missing, so a database made by that release's
`create_all` (no version table yet) is adopted as it is, its rows kept.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from federation.migrations.baseline import missing

revision = "0001"
down_revision: str | None = None
branch_labels: tuple[str, ...] | None = None
depends_on: str | None = None


def upgrade() -> None:
    if missing("aduan"):
        op.create_table('aduan',
        sa.Column('nomor', sa.String(length=24), nullable=False),
        sa.Column('nik_pelapor', sa.String(length=16), nullable=False),
        sa.Column('telepon_pelapor', sa.String(length=16), nullable=True),
        sa.Column('kategori', sa.String(length=30), nullable=False),
        sa.Column('lokasi', sa.String(length=200), nullable=False),
        sa.Column('kode_kelurahan', sa.String(length=13), nullable=True),
        sa.Column('deskripsi', sa.Text(), nullable=False),
        sa.Column('foto_url', sa.String(length=300), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('opd_tujuan', sa.String(length=20), nullable=True),
        sa.Column('alasan_penolakan', sa.Text(), nullable=True),
        sa.Column('diterima', sa.DateTime(), nullable=False),
        sa.Column('selesai', sa.DateTime(), nullable=True),
        sa.Column('lintang', sa.Float(), nullable=True),
        sa.Column('bujur', sa.Float(), nullable=True),
        sa.Column('rahasia', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('petugas_sub', sa.String(length=80), nullable=True),
        sa.Column('petugas_nama', sa.String(length=80), nullable=True),
        sa.Column('langkah_mulai', sa.DateTime(), nullable=True),
        sa.Column('batas_langkah', sa.DateTime(), nullable=True),
        sa.Column('eskalasi', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('penilaian', sa.Integer(), nullable=True),
        sa.Column('ulasan', sa.String(length=500), nullable=True),
        sa.Column('versi', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.PrimaryKeyConstraint('nomor')
        )
        op.create_index('ix_aduan_batas', 'aduan', ['batas_langkah'], unique=False)
        op.create_index('ix_aduan_nik_pelapor', 'aduan', ['nik_pelapor'], unique=False)
        op.create_index('ix_aduan_opd_status', 'aduan', ['opd_tujuan', 'status'], unique=False)
        op.create_index('ix_aduan_petugas', 'aduan', ['petugas_sub', 'status'], unique=False)
        op.create_index('ix_aduan_status', 'aduan', ['status'], unique=False)
    if missing("foto_aduan"):
        op.create_table('foto_aduan',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('nomor_aduan', sa.String(length=24), nullable=False),
        sa.Column('url', sa.String(length=300), nullable=False),
        sa.Column('oleh', sa.String(length=20), nullable=False),
        sa.Column('waktu', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        op.create_index(op.f('ix_foto_aduan_nomor_aduan'), 'foto_aduan', ['nomor_aduan'], unique=False)
    if missing("hari_libur"):
        op.create_table('hari_libur',
        sa.Column('tanggal', sa.Date(), nullable=False),
        sa.Column('nama', sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint('tanggal')
        )
    if missing("kunci_langkah"):
        op.create_table('kunci_langkah',
        sa.Column('kunci', sa.String(length=120), nullable=False),
        sa.Column('nomor_aduan', sa.String(length=24), nullable=False),
        sa.Column('langkah', sa.String(length=20), nullable=False),
        sa.Column('waktu', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('kunci')
        )
    if missing("notifikasi"):
        op.create_table('notifikasi',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('kunci', sa.String(length=160), nullable=False),
        sa.Column('nomor_aduan', sa.String(length=24), nullable=False),
        sa.Column('riwayat_id', sa.Integer(), nullable=False),
        sa.Column('penerima', sa.String(length=20), nullable=False),
        sa.Column('saluran', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('percobaan', sa.Integer(), nullable=False),
        sa.Column('galat', sa.String(length=300), nullable=True),
        sa.Column('waktu', sa.DateTime(), nullable=False),
        sa.Column('terkirim', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kunci')
        )
        op.create_index(op.f('ix_notifikasi_nomor_aduan'), 'notifikasi', ['nomor_aduan'], unique=False)
    if missing("petugas"):
        op.create_table('petugas',
        sa.Column('sub', sa.String(length=80), nullable=False),
        sa.Column('nama', sa.String(length=80), nullable=False),
        sa.Column('opd', sa.String(length=20), nullable=False),
        sa.Column('aktif', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('sub')
        )
    if missing("riwayat_aduan"):
        op.create_table('riwayat_aduan',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('nomor_aduan', sa.String(length=24), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('waktu', sa.DateTime(), nullable=False),
        sa.Column('petugas', sa.String(length=80), nullable=False),
        sa.Column('catatan', sa.Text(), nullable=True),
        sa.Column('langkah', sa.String(length=20), nullable=True),
        sa.Column('pelaku_sub', sa.String(length=80), nullable=True),
        sa.Column('peran', sa.String(length=20), nullable=True),
        sa.Column('batas', sa.DateTime(), nullable=True),
        sa.Column('berakhir', sa.DateTime(), nullable=True),
        sa.Column('data', sa.Text(), nullable=True),
        sa.Column('awal', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('terbit', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        op.create_index(op.f('ix_riwayat_aduan_nomor_aduan'), 'riwayat_aduan', ['nomor_aduan'], unique=False)
    if missing("sewa_tugas"):
        op.create_table('sewa_tugas',
        sa.Column('nama', sa.String(length=40), nullable=False),
        sa.Column('pemilik', sa.String(length=80), nullable=False),
        sa.Column('sampai', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('nama')
        )
    if missing("tenggat"):
        op.create_table('tenggat',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('kategori', sa.String(length=30), nullable=True),
        sa.Column('jumlah', sa.Integer(), nullable=False),
        sa.Column('satuan', sa.String(length=12), nullable=False),
        sa.Column('dasar', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('status', 'kategori', name='uq_tenggat_status_kategori')
        )


def downgrade() -> None:
    op.drop_table("tenggat")
    op.drop_table("sewa_tugas")
    op.drop_table("riwayat_aduan")
    op.drop_table("petugas")
    op.drop_table("notifikasi")
    op.drop_table("kunci_langkah")
    op.drop_table("hari_libur")
    op.drop_table("foto_aduan")
    op.drop_table("aduan")

