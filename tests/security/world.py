"""A small citizen graph on the kit, protected as the reference OPDs are: two subgraphs
(`penduduk` owns citizens, `kesehatan` adds their diagnoses), both requiring the gateway's
signature, composed with `splp compose`. They record the principal each request carried."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import strawberry
from starlette.applications import Starlette
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from federation.compose import SubgraphSource, compose
from subgraphs.kit.app import create_schema, create_subgraph_app
from subgraphs.kit.principal import Principal, principal_from_headers

KEYS = {"k2": b"kunci-baru-gateway-makassar-2026", "k1": b"kunci-lama-gateway-makassar-2025"}
ANDI, BUDI, CITRA = "7371014101900001", "7371014101900002", "7371014101900003"
CITIZENS = {
    ANDI: {"nama": "Andi", "alamat": "Jl. Somba Opu 1", "diagnosa": "sehat"},
    BUDI: {"nama": "Budi", "alamat": "Jl. Penghibur 2", "diagnosa": "asma"},
    CITRA: {"nama": "Citra", "alamat": "Jl. Cendrawasih 3", "diagnosa": "diabetes"},
}
RECEIVED: list[Principal] = []
PERSONAL = [["self"], ["petugas"]]  # the citizen themself, or an officer (a request policy)


def _record(info: strawberry.Info[Any, Any]) -> None:
    RECEIVED.append(principal_from_headers(info.context.request.headers))


@strawberry.federation.type(keys=["nik"])
class Penduduk:
    nik: str
    nama: str | None = strawberry.federation.field(policy=PERSONAL)
    alamat: str | None = strawberry.federation.field(policy=PERSONAL)
    kecamatan: str = "Ujung Pandang"

    @classmethod
    def resolve_reference(cls, nik: str) -> Penduduk | None:
        row = CITIZENS.get(nik)
        return Penduduk(nik=nik, nama=row["nama"], alamat=row["alamat"]) if row else None


@strawberry.type
class Query:
    @strawberry.field
    def penduduk(self, info: strawberry.Info[Any, Any], nik: str) -> Penduduk | None:
        _record(info)
        return Penduduk.resolve_reference(nik)

    @strawberry.federation.field(requires_scopes=[["penduduk:daftar"]])
    def daftar_penduduk(self, info: strawberry.Info[Any, Any]) -> list[Penduduk]:
        _record(info)
        return [Penduduk(nik=n, nama=r["nama"], alamat=r["alamat"]) for n, r in CITIZENS.items()]

    @strawberry.field
    def semua_warga(self, info: strawberry.Info[Any, Any]) -> list[Penduduk]:
        """Open to anyone: the entities' personal fields are what is protected."""
        _record(info)
        return [Penduduk(nik=n, nama=r["nama"], alamat=r["alamat"]) for n, r in CITIZENS.items()]


@strawberry.federation.type(keys=["nik"])
class PendudukKesehatan:
    nik: str
    diagnosa: str | None = strawberry.federation.field(policy=PERSONAL)

    @classmethod
    def resolve_reference(cls, info: strawberry.Info[Any, Any], nik: str) -> PendudukKesehatan | None:
        _record(info)
        row = CITIZENS.get(nik)
        return PendudukKesehatan(nik=nik, diagnosa=row["diagnosa"]) if row else None


@strawberry.type
class KesehatanQuery:
    @strawberry.field
    def puskesmas(self) -> str:
        return "Puskesmas Kassi-Kassi"


def penduduk_app(keys: dict[str, bytes] | None = KEYS) -> Starlette:
    return create_subgraph_app("penduduk", create_schema(Query, types=[Penduduk]), signing_keys=keys or {})


def kesehatan_app(keys: dict[str, bytes] | None = KEYS) -> Starlette:
    PendudukKesehatan.__strawberry_definition__.name = "Penduduk"  # type: ignore[attr-defined]
    return create_subgraph_app("kesehatan", create_schema(KesehatanQuery, types=[PendudukKesehatan]),
                               signing_keys=keys or {})


@strawberry.federation.type(keys=["nik"])
class PendudukDipantau:
    nik: str


@strawberry.type
class PantauQuery:
    @strawberry.field
    def pantau_aktif(self) -> bool:
        return True


PANTAU_FIRST_EVENT_DELAY = 0.0  # a test sets it to let several subscribers open before the first event


@strawberry.type
class PantauSubscription:
    @strawberry.subscription
    async def warga_berubah(self, jeda: float = 0.0) -> AsyncIterator[PendudukDipantau]:
        """Every citizen's record changing, one event each (`jeda` seconds apart): who may see
        what is the gateway's call."""
        await asyncio.sleep(PANTAU_FIRST_EVENT_DELAY)
        for i, nik in enumerate(CITIZENS):
            if i and jeda:
                await asyncio.sleep(jeda)
            yield PendudukDipantau(nik=nik)


def pantau_schema() -> strawberry.federation.Schema:
    PendudukDipantau.__strawberry_definition__.name = "Penduduk"  # type: ignore[attr-defined]
    return strawberry.federation.Schema(query=PantauQuery, subscription=PantauSubscription,
                                        types=[PendudukDipantau])


def pantau_app() -> GraphQL[Any, Any]:
    """A subgraph streaming changes over graphql-ws (its events carry NIKs only)."""
    return GraphQL(pantau_schema(), subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL])


def supergraph(urls: dict[str, str]) -> str:
    sdls = {"penduduk": penduduk_app().state.schema.as_str(), "kesehatan": kesehatan_app().state.schema.as_str()}
    if "pantau" in urls:
        sdls["pantau"] = pantau_schema().as_str()
    sources = [SubgraphSource(name, urls[name], sdl) for name, sdl in sdls.items()]
    result = compose(sources)
    assert result.supergraph_sdl is not None, result.errors
    return result.supergraph_sdl
