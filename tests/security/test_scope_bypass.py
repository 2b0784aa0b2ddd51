"""No roundabout path reaches a scoped field: aliases, fragments on an interface or on its
implementations, a union, a field that `@requires` the scoped one, an `@interfaceObject`'s field,
or `_entities` sent to the gateway. What is denied is null with an error at its path, and never
asked of any subgraph."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from federation.gateway import Gateway
from federation.http.app import create_app
from federation.security.authenticate import Authenticator
from federation.security.jwt import JwtAuthenticator
from federation.supergraph import Supergraph
from tests.gateway.servers import Server
from tests.security import bypass_world as world
from tests.security.conftest import ask

SECRET = "rahasia-pengujian-jalan-memutar-0123456789"
ANDI = "7371014101900001"


@pytest.fixture(scope="module")
def gateway_url() -> Iterator[str]:
    servers = {name: Server(app).start() for name, app in world.apps().items()}
    urls = {name: server.url + "/graphql" for name, server in servers.items()}
    supergraph = Supergraph.from_sdl(world.supergraph(urls))
    gateway = Gateway(supergraph, authenticator=Authenticator(jwt=JwtAuthenticator(secret=SECRET)))
    server = Server(create_app(supergraph, gateway=gateway)).start()
    yield server.url + "/graphql"
    for s in [server, *servers.values()]:
        s.stop()


def token(scope: str) -> str:
    return jwt.encode({"sub": "petugas", "scope": scope, "exp": int(time.time()) + 600}, SECRET)


async def asked(url: str, query: str, bearer: str | None = None) -> tuple[int, Any, str]:
    """The answer, and every operation the subgraphs received for it."""
    world.RECEIVED.clear()
    status, body = await ask(url, query, bearer, purpose=None)
    return status, body, "\n".join(world.RECEIVED)


def denied_paths(body: dict[str, Any]) -> list[list[str | int]]:
    assert all(e["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE" for e in body["errors"]), body
    return sorted(e["path"] for e in body["errors"])


async def test_aliases_and_fragments_on_an_interface_and_its_types_are_denied(gateway_url: str) -> None:
    query = """{ subjek { nik a: nama ...on Penduduk { b: nama golonganDarah } ...S } }
               fragment S on Badan { c: nama bidang }"""
    status, body, received = await asked(gateway_url, query)
    assert status == 200
    assert body["data"]["subjek"] == [
        {"nik": "7371014101900001", "a": None, "b": None, "golonganDarah": None},
        {"nik": "7371014101900002", "a": None, "b": None, "golonganDarah": None},
        {"nik": "9120001", "a": None, "c": None, "bidang": "perdagangan"},
    ]
    assert denied_paths(body) == sorted(
        [["subjek", i, k] for i in (0, 1) for k in ("a", "b", "golonganDarah")] + [["subjek", 2, k] for k in "ac"]
    )
    assert "nama" not in received and "golonganDarah" not in received


async def test_a_union_member_s_scoped_fields_are_denied(gateway_url: str) -> None:
    query = "{ cari { ... on Penduduk { nama golonganDarah } ... on Bangunan { alamat } } }"
    _, body, received = await asked(gateway_url, query)
    assert body["data"]["cari"] == [{"nama": None, "golonganDarah": None}, {"alamat": "Jl. Somba Opu 1"}]
    assert denied_paths(body) == [["cari", 0, "golonganDarah"], ["cari", 0, "nama"]]
    assert "nama" not in received and "golonganDarah" not in received


async def test_a_field_requiring_a_scoped_field_is_denied_and_the_scoped_one_never_fetched(
    gateway_url: str,
) -> None:
    query = f'{{ penduduk(nik: "{ANDI}") {{ nik bolehDonor }} }}'
    _status, body, received = await asked(gateway_url, query)
    assert body["data"] == {"penduduk": {"nik": ANDI, "bolehDonor": None}}
    assert denied_paths(body) == [["penduduk", "bolehDonor"]]
    assert "golonganDarah" not in received and "_entities" not in received
    _, body, _ = await asked(gateway_url, query, token("penduduk:baca"))
    assert body == {"data": {"penduduk": {"nik": ANDI, "bolehDonor": True}}}


async def test_an_interface_object_s_scoped_field_needs_its_own_scope(gateway_url: str) -> None:
    query = "{ subjek { nik nama bantuan } }"
    _status, body, received = await asked(gateway_url, query, token("penduduk:baca"))
    assert [s["nama"] for s in body["data"]["subjek"]] == ["Andi", "Budi", "CV Maju"]
    assert [s["bantuan"] for s in body["data"]["subjek"]] == [None, None, None]
    assert denied_paths(body) == [["subjek", i, "bantuan"] for i in range(3)]
    assert "bantuan" not in received
    _, body, _ = await asked(gateway_url, query, token("penduduk:baca sosial:baca"))
    assert [s["bantuan"] for s in body["data"]["subjek"]] == ["PKH", "PKH", "PKH"]
    assert "errors" not in body


async def test_entities_cannot_be_asked_of_the_gateway(gateway_url: str) -> None:
    representation = f'{{__typename: "Penduduk", nik: "{ANDI}"}}'
    query = f"{{ _entities(representations: [{representation}]) {{ ... on Penduduk {{ nama }} }} }}"
    status, body, received = await asked(gateway_url, query, token("sosial:baca"))
    assert status == 400 and "data" not in body  # a request error: nothing executed
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert received == ""
