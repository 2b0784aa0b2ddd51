"""The access trail's tables in release cf5ca0c (from federation/trail/store.py of that commit)."""

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

metadata = MetaData()
records = Table(
    "splp_trail",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("writer", String(128)),
    Column("client", String(128)),
    Column("subject", String(256)),
    Column("role", String(64)),
    Column("purpose", String(64)),
    Column("operation", String(256)),
    Column("operation_hash", String(64)),
    Column("fields", Text, nullable=False),
    Column("niks", Text, nullable=False),
    Column("outcome", String(64)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
checkpoints = Table(
    "splp_trail_checkpoint",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("at", String(32), nullable=False),
)
head = Table(
    "splp_trail_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("checkpoint_seq", Integer, nullable=False),
)

