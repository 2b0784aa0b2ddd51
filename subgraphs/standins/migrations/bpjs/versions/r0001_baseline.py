"""The BPJS stand-in's tables (peserta_jkn): the tables as `create_all` made them in release cf5ca0c (the baseline).

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
    if missing("peserta_jkn"):
        op.create_table('peserta_jkn',
        sa.Column('nik', sa.String(length=16), nullable=False),
        sa.Column('nomor_kartu', sa.String(length=13), nullable=False),
        sa.Column('segmen', sa.String(length=10), nullable=False),
        sa.Column('kelas', sa.String(length=1), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('faskes_pertama', sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint('nik'),
        sa.UniqueConstraint('nomor_kartu')
        )


def downgrade() -> None:
    op.drop_table("peserta_jkn")

