"""STAND-IN for the city's permits system (OSS-style REST API), not part of the product.

GET /pemohon?nik=…&nik=…  -> {"pemohon": [{"nik", "usaha": [...], "izin": [...], "permohonan": [...]}]}
GET /usaha/{nib}          -> one business with its permits and applications, 404 when unknown
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from aiohttp import web
from sqlalchemy import select

from subgraphs.standins.common import ENGINE, niks_of, record, with_database
from subgraphs.standins.tables import izin, permohonan, usaha


async def pemohon(request: web.Request) -> web.Response:
    niks = niks_of(request)
    found: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"usaha": [], "izin": [], "permohonan": []}
    )
    async with request.app[ENGINE].connect() as connection:
        for name, table, column, order in (
            ("usaha", usaha, usaha.c.nik_pemilik, usaha.c.nib),
            ("izin", izin, izin.c.nik_pemohon, izin.c.nomor),
            ("permohonan", permohonan, permohonan.c.nik_pemohon, permohonan.c.nomor),
        ):
            rows = await connection.execute(select(table).where(column.in_(niks)).order_by(order))
            for row in rows.mappings():
                found[row[column.name]][name].append(record(row))
    return web.json_response({"pemohon": [{"nik": nik, **found[nik]} for nik in niks if nik in found]})


async def one_usaha(request: web.Request) -> web.Response:
    nib = request.match_info["nib"]
    async with request.app[ENGINE].connect() as connection:
        row = (await connection.execute(select(usaha).where(usaha.c.nib == nib))).mappings().first()
        if row is None:
            raise web.HTTPNotFound(text=f"NIB {nib} is not registered")
        permits = await connection.execute(select(izin).where(izin.c.nib == nib).order_by(izin.c.nomor))
        applications = await connection.execute(
            select(permohonan).where(permohonan.c.nib == nib).order_by(permohonan.c.nomor)
        )
        return web.json_response({
            **record(row),
            "izin": [record(p) for p in permits.mappings()],
            "permohonan": [record(a) for a in applications.mappings()],
        })


def create_app(database_url: str) -> web.Application:
    app = web.Application()
    app.router.add_get("/pemohon", pemohon)
    app.router.add_get("/usaha/{nib}", one_usaha)
    return with_database(app, database_url)
