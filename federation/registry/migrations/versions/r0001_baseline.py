# ruff: noqa: E501
"""The schema registry: the tables as `create_all` made them in release cf5ca0c (the baseline).

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
    if missing("registry_subgraphs"):
        op.create_table('registry_subgraphs',
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('sdl', sa.Text(), nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name')
        )
    if missing("registry_supergraph_versions"):
        op.create_table('registry_supergraph_versions',
        sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('supergraph_sdl', sa.Text(), nullable=False),
        sa.Column('subgraphs', sa.Text(), nullable=False),
        sa.Column('subgraph_names', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('subgraph', sa.String(length=100), nullable=True),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('rollback_of', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['rollback_of'], ['registry_supergraph_versions.number'], ),
        sa.PrimaryKeyConstraint('number')
        )
    if missing("registry_takeover_approvals"):
        op.create_table('registry_takeover_approvals',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('subgraph', sa.String(length=100), nullable=False),
        sa.Column('coordinate', sa.String(length=300), nullable=False),
        sa.Column('approved_by', sa.String(length=200), nullable=False),
        sa.Column('approver_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        op.create_index(op.f('ix_registry_takeover_approvals_subgraph'), 'registry_takeover_approvals', ['subgraph'], unique=False)
    if missing("registry_tokens"):
        op.create_table('registry_tokens',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('subgraphs', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash')
        )
    if missing("registry_usage"):
        op.create_table('registry_usage',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('client', sa.String(length=200), nullable=False),
        sa.Column('coordinate', sa.String(length=300), nullable=False),
        sa.Column('operations', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'client', 'coordinate')
        )
    if missing("registry_write_lock"):
        op.create_table('registry_write_lock',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('id')
        )


def downgrade() -> None:
    op.drop_table("registry_write_lock")
    op.drop_table("registry_usage")
    op.drop_table("registry_tokens")
    op.drop_table("registry_takeover_approvals")
    op.drop_table("registry_supergraph_versions")
    op.drop_table("registry_subgraphs")

