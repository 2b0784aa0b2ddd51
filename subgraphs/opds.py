"""The six reference OPD subgraphs and the two stand-ins: names, demo ports and how to build each app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import strawberry
from aiohttp import web
from starlette.applications import Starlette

from subgraphs.aduan.app import create_app as aduan_app
from subgraphs.aduan.schema import schema as aduan_schema
from subgraphs.kependudukan.app import create_app as kependudukan_app
from subgraphs.kependudukan.schema import schema as kependudukan_schema
from subgraphs.kesehatan.app import create_app as kesehatan_app
from subgraphs.kesehatan.schema import schema as kesehatan_schema
from subgraphs.pendapatan.app import create_app as pendapatan_app
from subgraphs.pendapatan.schema import schema as pendapatan_schema
from subgraphs.perizinan.app import create_app as perizinan_app
from subgraphs.perizinan.schema import schema as perizinan_schema
from subgraphs.sosial.app import create_app as sosial_app
from subgraphs.sosial.schema import schema as sosial_schema
from subgraphs.standins import bpjs, perizinan


@dataclass(frozen=True)
class Sources:
    """Where an OPD's data lives: its database, and the REST APIs some OPDs read."""

    database_url: str | None = None
    bpjs_url: str | None = None
    perizinan_api_url: str | None = None


def _need(value: str | None, what: str, opd: str) -> str:
    if value is None:
        raise ValueError(f"the {opd} subgraph needs {what}")
    return value


@dataclass(frozen=True)
class Opd:
    name: str
    port: int
    schema: strawberry.federation.Schema
    build: Callable[[Sources], Starlette]

    def create_app(self, sources: Sources) -> Starlette:
        return self.build(sources)


def _db(create: Callable[[str], Starlette], name: str) -> Callable[[Sources], Starlette]:
    return lambda s: create(_need(s.database_url, "--database", name))


OPDS: dict[str, Opd] = {
    opd.name: opd
    for opd in [
        Opd("kependudukan", 4001, kependudukan_schema, _db(kependudukan_app, "kependudukan")),
        Opd("pendapatan", 4002, pendapatan_schema, _db(pendapatan_app, "pendapatan")),
        Opd("kesehatan", 4003, kesehatan_schema, lambda s: kesehatan_app(
            _need(s.database_url, "--database", "kesehatan"), _need(s.bpjs_url, "--bpjs-url", "kesehatan"))),
        Opd("sosial", 4004, sosial_schema, _db(sosial_app, "sosial")),
        Opd("perizinan", 4005, perizinan_schema,
            lambda s: perizinan_app(_need(s.perizinan_api_url, "--perizinan-api-url", "perizinan"))),
        Opd("aduan", 4006, aduan_schema, _db(aduan_app, "aduan")),
    ]
}

# STAND-INS for external systems (not part of the product): name -> (demo port, aiohttp app factory).
STANDINS: dict[str, tuple[int, Callable[[str], web.Application]]] = {
    "bpjs": (4011, bpjs.create_app),
    "perizinan": (4012, perizinan.create_app),
}


def subgraph_url(name: str, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{OPDS[name].port}/graphql"
