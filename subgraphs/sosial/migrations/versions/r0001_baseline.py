"""The social office's demo tables (sosial): the tables as `create_all` made them in release cf5ca0c (the baseline).

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
    if missing("penyaluran_bantuan"):
        op.create_table('penyaluran_bantuan',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('nomor_kk', sa.String(length=16), nullable=False),
        sa.Column('nik_penerima', sa.String(length=16), nullable=False),
        sa.Column('program', sa.String(length=12), nullable=False),
        sa.Column('periode', sa.String(length=7), nullable=False),
        sa.Column('jumlah', sa.BigInteger(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('disalurkan', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id')
        )
        op.create_index('ix_penyaluran_nik_penerima', 'penyaluran_bantuan', ['nik_penerima'], unique=False)
        op.create_index('ix_penyaluran_nomor_kk', 'penyaluran_bantuan', ['nomor_kk'], unique=False)
    if missing("registrasi_dtks"):
        op.create_table('registrasi_dtks',
        sa.Column('nomor_kk', sa.String(length=16), nullable=False),
        sa.Column('desil', sa.Integer(), nullable=False),
        sa.Column('terdaftar', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint('nomor_kk')
        )


def downgrade() -> None:
    op.drop_table("registrasi_dtks")
    op.drop_table("penyaluran_bantuan")

