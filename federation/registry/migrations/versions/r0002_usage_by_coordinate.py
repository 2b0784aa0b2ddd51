"""registry_usage: an index on (coordinate, day) for `splp subgraph check`.

The check asks which clients used the coordinates a change breaks in the last N days
(`WHERE coordinate IN (...) AND day >= ...`); the primary key starts with the day, so
without this index every usage row of the period is read.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: tuple[str, ...] | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_registry_usage_coordinate_day", "registry_usage", ["coordinate", "day"])


def downgrade() -> None:
    op.drop_index("ix_registry_usage_coordinate_day", table_name="registry_usage")
