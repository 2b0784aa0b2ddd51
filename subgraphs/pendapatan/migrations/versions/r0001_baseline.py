# ruff: noqa: E501
"""Regional revenue's PBB demo tables (pendapatan): the tables as `create_all` made them in release cf5ca0c (the baseline).

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
    if missing("objek_pajak"):
        op.create_table('objek_pajak',
        sa.Column('nop', sa.String(length=18), nullable=False),
        sa.Column('nik_pemilik', sa.String(length=16), nullable=False),
        sa.Column('letak', sa.String(length=120), nullable=False),
        sa.Column('kode_kelurahan', sa.String(length=13), nullable=False),
        sa.Column('luas_tanah', sa.Integer(), nullable=False),
        sa.Column('luas_bangunan', sa.Integer(), nullable=False),
        sa.Column('njop', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('nop')
        )
        op.create_index(op.f('ix_objek_pajak_nik_pemilik'), 'objek_pajak', ['nik_pemilik'], unique=False)
    if missing("pembayaran_pbb"):
        op.create_table('pembayaran_pbb',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('tagihan_id', sa.Integer(), nullable=False),
        sa.Column('dibayar', sa.DateTime(), nullable=False),
        sa.Column('jumlah', sa.BigInteger(), nullable=False),
        sa.Column('kanal', sa.String(length=30), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        op.create_index(op.f('ix_pembayaran_pbb_tagihan_id'), 'pembayaran_pbb', ['tagihan_id'], unique=False)
    if missing("tagihan_pbb"):
        op.create_table('tagihan_pbb',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('nop', sa.String(length=18), nullable=False),
        sa.Column('tahun', sa.Integer(), nullable=False),
        sa.Column('jumlah', sa.BigInteger(), nullable=False),
        sa.Column('jatuh_tempo', sa.Date(), nullable=False),
        sa.Column('lunas', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('nop', 'tahun', name='uq_tagihan_pbb_nop_tahun')
        )
        op.create_index(op.f('ix_tagihan_pbb_nop'), 'tagihan_pbb', ['nop'], unique=False)


def downgrade() -> None:
    op.drop_table("tagihan_pbb")
    op.drop_table("pembayaran_pbb")
    op.drop_table("objek_pajak")

