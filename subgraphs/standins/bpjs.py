"""STAND-IN for BPJS Kesehatan's membership API (JKN), not part of the product.

GET /peserta?nik=…&nik=…  -> {"peserta": [...]}   (batch, up to 100 NIKs; unknown NIKs are left out)
GET /peserta/{nik}        -> one member, 404 when the NIK is not a member
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from subgraphs.standins.common import ENGINE, niks_of, record, with_database
from subgraphs.standins.tables import peserta_jkn


async def batch(request: web.Request) -> web.Response:
    niks = niks_of(request)
    async with request.app[ENGINE].connect() as connection:
        rows = (await connection.execute(select(peserta_jkn).where(peserta_jkn.c.nik.in_(niks)))).mappings()
        return web.json_response({"peserta": [record(row) for row in rows]})


async def one(request: web.Request) -> web.Response:
    nik = request.match_info["nik"]
    async with request.app[ENGINE].connect() as connection:
        row = (await connection.execute(select(peserta_jkn).where(peserta_jkn.c.nik == nik))).mappings().first()
    if row is None:
        raise web.HTTPNotFound(text=f"NIK {nik} is not a JKN member")
    return web.json_response(record(row))


def create_app(database_url: str) -> web.Application:
    app = web.Application()
    app.router.add_get("/peserta", batch)
    app.router.add_get("/peserta/{nik}", one)
    return with_database(app, database_url)
