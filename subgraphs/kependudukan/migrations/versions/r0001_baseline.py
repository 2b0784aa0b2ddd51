# ruff: noqa: E501
"""The population registry's demo tables (kependudukan): the tables as `create_all` made them in release cf5ca0c (the baseline).

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
    if missing("kartu_keluarga"):
        op.create_table('kartu_keluarga',
        sa.Column('nomor_kk', sa.String(length=16), nullable=False),
        sa.Column('nik_kepala', sa.String(length=16), nullable=False),
        sa.Column('jalan', sa.String(length=120), nullable=False),
        sa.Column('rt', sa.String(length=3), nullable=False),
        sa.Column('rw', sa.String(length=3), nullable=False),
        sa.Column('kode_kelurahan', sa.String(length=13), nullable=False),
        sa.Column('tanggal_terbit', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('nomor_kk')
        )
    if missing("kecamatan"):
        op.create_table('kecamatan',
        sa.Column('kode', sa.String(length=8), nullable=False),
        sa.Column('nama', sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint('kode')
        )
    if missing("kelurahan"):
        op.create_table('kelurahan',
        sa.Column('kode', sa.String(length=13), nullable=False),
        sa.Column('kode_kecamatan', sa.String(length=8), nullable=False),
        sa.Column('nama', sa.String(length=60), nullable=False),
        sa.Column('kode_pos', sa.String(length=5), nullable=True),
        sa.PrimaryKeyConstraint('kode')
        )
        op.create_index(op.f('ix_kelurahan_kode_kecamatan'), 'kelurahan', ['kode_kecamatan'], unique=False)
    if missing("penduduk"):
        op.create_table('penduduk',
        sa.Column('nik', sa.String(length=16), nullable=False),
        sa.Column('nomor_kk', sa.String(length=16), nullable=False),
        sa.Column('hubungan_keluarga', sa.String(length=20), nullable=False),
        sa.Column('nama', sa.String(length=120), nullable=False),
        sa.Column('tempat_lahir', sa.String(length=60), nullable=False),
        sa.Column('tanggal_lahir', sa.Date(), nullable=False),
        sa.Column('jenis_kelamin', sa.String(length=10), nullable=False),
        sa.Column('agama', sa.String(length=12), nullable=False),
        sa.Column('status_perkawinan', sa.String(length=12), nullable=False),
        sa.Column('pekerjaan', sa.String(length=60), nullable=False),
        sa.Column('jalan', sa.String(length=120), nullable=False),
        sa.Column('rt', sa.String(length=3), nullable=False),
        sa.Column('rw', sa.String(length=3), nullable=False),
        sa.Column('kode_kelurahan', sa.String(length=13), nullable=False),
        sa.PrimaryKeyConstraint('nik')
        )
        op.create_index('ix_penduduk_kode_kelurahan', 'penduduk', ['kode_kelurahan'], unique=False)
        op.create_index('ix_penduduk_nomor_kk', 'penduduk', ['nomor_kk'], unique=False)


def downgrade() -> None:
    op.drop_table("penduduk")
    op.drop_table("kelurahan")
    op.drop_table("kecamatan")
    op.drop_table("kartu_keluarga")

