"""The access trail: the tables as `create_all` made them in release cf5ca0c (the baseline).

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
    if missing("splp_trail"):
        op.create_table('splp_trail',
        sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('at', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('writer', sa.String(length=128), nullable=True),
        sa.Column('client', sa.String(length=128), nullable=True),
        sa.Column('subject', sa.String(length=256), nullable=True),
        sa.Column('role', sa.String(length=64), nullable=True),
        sa.Column('purpose', sa.String(length=64), nullable=True),
        sa.Column('operation', sa.String(length=256), nullable=True),
        sa.Column('operation_hash', sa.String(length=64), nullable=True),
        sa.Column('fields', sa.Text(), nullable=False),
        sa.Column('niks', sa.Text(), nullable=False),
        sa.Column('outcome', sa.String(length=64), nullable=True),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('seq')
        )
        op.create_index(op.f('ix_splp_trail_at'), 'splp_trail', ['at'], unique=False)
    if missing("splp_trail_checkpoint"):
        op.create_table('splp_trail_checkpoint',
        sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('signature', sa.String(length=128), nullable=False),
        sa.Column('at', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('seq')
        )
    if missing("splp_trail_head"):
        op.create_table('splp_trail_head',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('checkpoint_seq', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )


def downgrade() -> None:
    op.drop_table("splp_trail_head")
    op.drop_table("splp_trail_checkpoint")
    op.drop_table("splp_trail")

