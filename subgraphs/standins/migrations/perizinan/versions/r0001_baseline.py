# ruff: noqa: E501
"""The permits system stand-in's tables (perizinan): the tables as `create_all` made them in release cf5ca0c (the baseline).

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
    if missing("izin"):
        op.create_table('izin',
        sa.Column('nomor', sa.String(length=30), nullable=False),
        sa.Column('nib', sa.String(length=13), nullable=False),
        sa.Column('nik_pemohon', sa.String(length=16), nullable=False),
        sa.Column('jenis', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('terbit', sa.Date(), nullable=False),
        sa.Column('berlaku_sampai', sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint('nomor')
        )
        op.create_index(op.f('ix_izin_nib'), 'izin', ['nib'], unique=False)
        op.create_index(op.f('ix_izin_nik_pemohon'), 'izin', ['nik_pemohon'], unique=False)
    if missing("permohonan"):
        op.create_table('permohonan',
        sa.Column('nomor', sa.String(length=30), nullable=False),
        sa.Column('nik_pemohon', sa.String(length=16), nullable=False),
        sa.Column('nib', sa.String(length=13), nullable=True),
        sa.Column('jenis', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('diajukan', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('nomor')
        )
        op.create_index(op.f('ix_permohonan_nik_pemohon'), 'permohonan', ['nik_pemohon'], unique=False)
    if missing("usaha"):
        op.create_table('usaha',
        sa.Column('nib', sa.String(length=13), nullable=False),
        sa.Column('nik_pemilik', sa.String(length=16), nullable=False),
        sa.Column('nama', sa.String(length=120), nullable=False),
        sa.Column('kbli', sa.String(length=5), nullable=False),
        sa.Column('alamat', sa.String(length=160), nullable=False),
        sa.PrimaryKeyConstraint('nib')
        )
        op.create_index(op.f('ix_usaha_nik_pemilik'), 'usaha', ['nik_pemilik'], unique=False)


def downgrade() -> None:
    op.drop_table("usaha")
    op.drop_table("permohonan")
    op.drop_table("izin")

