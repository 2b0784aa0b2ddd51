"""Helpers of the baseline migrations (0001): adopt a database `create_all` made."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def missing(table: str) -> bool:
    """True when `table` is not in the database yet (0001 creates only those)."""
    return not sa.inspect(op.get_bind()).has_table(table)
