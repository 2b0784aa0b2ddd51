"""`splp db`: the schema migrations of the tables SPLP owns.

    splp db upgrade registry --database postgresql://splp@db/registry
    splp db upgrade all --database sqlite:///splp.db          # every component in one database
    splp db current aduan --database postgresql://…/aduan     # revision now, and this release's head
    splp db components                                        # what each component holds

Each component's tables are in the database its service is given (`splp registry serve
--database`, the gateway's trail database, `splp subgraph serve aduan --database`, the seed's
`--database TARGET=URL`). The services upgrade their own tables on start; `splp db upgrade`
does it ahead of a deployment (one job, before the new replicas start).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from federation.migrations.components import COMPONENTS
from federation.migrations.run import current, head, upgrade

_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "mysql": "mysql+aiomysql",
            "mariadb": "mysql+aiomysql"}


def async_url(url: str) -> str:
    """An async SQLAlchemy URL for a plain `sqlite:`, `postgresql:`, `mysql:` or `mariadb:` one."""
    parsed = make_url(url)
    if parsed.drivername in _DRIVERS:
        parsed = parsed.set(drivername=_DRIVERS[parsed.drivername])
    return parsed.render_as_string(hide_password=False)


def _names(given: list[str]) -> list[str]:
    names = list(COMPONENTS) if "all" in given else given
    unknown = [n for n in names if n not in COMPONENTS]
    if unknown:
        raise ValueError(f"unknown component {', '.join(unknown)}; known: {', '.join(COMPONENTS)}, all")
    return names


async def _run(action: str, names: list[str], url: str) -> int:
    engine = create_async_engine(async_url(url))
    try:
        for name in names:
            if action == "upgrade":
                before = await upgrade(engine, name)
                now = await current(engine, name)
                moved = "already at head" if before == now else f"{before or 'empty'} -> {now}"
                print(f"{name}: {moved} ({now})")
            else:
                at, wanted = await current(engine, name), head(name)
                state = "at head" if at == wanted else f"behind: run `splp db upgrade {name}`"
                print(f"{name}: {at or 'none'} (head {wanted}, {state})")
                if at != wanted:
                    return 1
    finally:
        await engine.dispose()
    return 0


def _command(action: str) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            names = _names(args.component)
            return asyncio.run(_run(action, names, args.database))
        except (ValueError, ArgumentError) as e:
            print(f"error: {e}")
            return 2
        except (SQLAlchemyError, OSError) as e:
            print(f"error: the database at {make_url(async_url(args.database)).render_as_string()}: {e}")
            return 1

    return run


def _components(_args: argparse.Namespace) -> int:
    for c in COMPONENTS.values():
        module, attribute = c.metadata.split(":")
        tables = sorted(getattr(importlib.import_module(module), attribute).tables)
        print(f"{c.name} (head {head(c.name)}, version table {c.version_table}, run by {c.owner}): {', '.join(tables)}")
    return 0


def add_commands(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="schema migrations of SPLP's tables (Alembic)")
    commands = db.add_subparsers(dest="db_command", required=True)
    for action, text in (("upgrade", "upgrade the components' tables to this release's head"),
                         ("current", "print each component's revision; exit 1 when one is not at head")):
        parser = commands.add_parser(action, help=text)
        parser.add_argument("component", nargs="+", help=f"{', '.join(COMPONENTS)} or all")
        parser.add_argument("--database", required=True, help="the component's database URL")
        parser.set_defaults(func=_command(action))
    listing = commands.add_parser("components", help="the components, their tables and head revisions")
    listing.set_defaults(func=_components)
