"""What both stand-ins share: their database and JSON answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.kit.sql import create_engine

ENGINE: web.AppKey[AsyncEngine] = web.AppKey("engine", AsyncEngine)
MAX_BATCH = 100


def json_value(value: object) -> Any:
    if isinstance(value, datetime):
        return value.isoformat() + "Z"  # stored in UTC
    if isinstance(value, date):
        return value.isoformat()
    return value


def record(row: Any) -> dict[str, Any]:
    return {name: json_value(value) for name, value in dict(row).items()}


def niks_of(request: web.Request) -> list[str]:
    niks = request.query.getall("nik", [])
    if not niks or len(niks) > MAX_BATCH:
        raise web.HTTPBadRequest(text=f"give 1 to {MAX_BATCH} nik parameters")
    return niks


def with_database(app: web.Application, database_url: str) -> web.Application:
    async def engine_context(app: web.Application) -> AsyncIterator[None]:
        app[ENGINE] = create_engine(database_url)
        yield
        await app[ENGINE].dispose()

    app.cleanup_ctx.append(engine_context)
    return app
