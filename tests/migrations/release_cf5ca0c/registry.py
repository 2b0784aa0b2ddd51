"""The registry's tables.

Names carry a `registry_` prefix so the registry can live in a database it shares with
other services. Every supergraph version is kept with a snapshot of the subgraphs that
made it, which is what a rollback restores.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# One row. Publishes and rollbacks lock it (SELECT ... FOR UPDATE) so that concurrent
# writers, even in other registry processes, take turns.
write_lock = Table(
    "registry_write_lock",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
)

subgraphs = Table(
    "registry_subgraphs",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("url", Text, nullable=False),
    Column("sdl", Text, nullable=False),
    Column("owner", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

supergraph_versions = Table(
    "registry_supergraph_versions",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("supergraph_sdl", Text, nullable=False),
    # JSON list of {"name", "url", "sdl", "owner"}: the subgraphs composed into it
    Column("subgraphs", Text, nullable=False),
    Column("subgraph_names", Text, nullable=False),  # JSON list: what history shows, without the SDLs
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("action", String(20), nullable=False),  # "publish" | "remove" | "rollback"
    Column("subgraph", String(100), nullable=True),  # the subgraph a publish or remove changed
    Column("actor", String(200), nullable=False),  # label of the token that made it
    Column("rollback_of", Integer, ForeignKey("registry_supergraph_versions.number"), nullable=True),
)

tokens = Table(
    "registry_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # sha256 of the token: tokens are long random strings, so a fast hash is enough
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False),
    Column("role", String(20), nullable=False),  # "admin" | "publisher" | "gateway"
    Column("subgraphs", Text, nullable=False),  # JSON list of subgraph names
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# Per day, client and schema coordinate, how many operations used it.
usage = Table(
    "registry_usage",
    metadata,
    Column("day", Date, primary_key=True),
    Column("client", String(200), primary_key=True),
    Column("coordinate", String(300), primary_key=True),
    Column("operations", Integer, nullable=False),
)


# Two-party approvals of a takeover (federation.registry.takeover): one row per admin and field.
takeover_approvals = Table(
    "registry_takeover_approvals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subgraph", String(100), nullable=False, index=True),
    Column("coordinate", String(300), nullable=False),
    Column("approved_by", String(200), nullable=False),  # label of the admin token
    Column("approver_id", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
