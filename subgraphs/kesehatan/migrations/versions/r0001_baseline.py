"""The health office's demo tables (kesehatan): the tables as `create_all` made them in release cf5ca0c (the baseline).

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
    if missing("kunjungan"):
        op.create_table('kunjungan',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('nik', sa.String(length=16), nullable=False),
        sa.Column('kode_puskesmas', sa.String(length=12), nullable=False),
        sa.Column('waktu', sa.DateTime(), nullable=False),
        sa.Column('poli', sa.String(length=30), nullable=False),
        sa.Column('keluhan', sa.String(length=200), nullable=False),
        sa.Column('diagnosa', sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        op.create_index('ix_kunjungan_nik', 'kunjungan', ['nik'], unique=False)
    if missing("puskesmas"):
        op.create_table('puskesmas',
        sa.Column('kode', sa.String(length=12), nullable=False),
        sa.Column('nama', sa.String(length=80), nullable=False),
        sa.Column('alamat', sa.String(length=160), nullable=False),
        sa.Column('kode_kecamatan', sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint('kode')
        )
        op.create_index(op.f('ix_puskesmas_kode_kecamatan'), 'puskesmas', ['kode_kecamatan'], unique=False)


def downgrade() -> None:
    op.drop_table("puskesmas")
    op.drop_table("kunjungan")

