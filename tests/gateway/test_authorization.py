"""@authenticated, @requiresScopes and @policy: what a request may not read is never fetched
and is answered null with UNAUTHORIZED_FIELD_OR_TYPE; a token that does not verify is a 401."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import aiohttp
import jwt
import pytest

from federation.gateway import Gateway
from federation.http.app import create_app
from federation.security.jwt import JwtAuthenticator
from federation.supergraph import Supergraph
from tests.gateway import secure_subgraph
from tests.gateway.servers import Server

SECRET = "rahasia-kota-makassar-untuk-pengujian"


@pytest.fixture(scope="module")
def gateway_url() -> Iterator[str]:
    subgraph = Server(secure_subgraph.app()).start()
    supergraph = Supergraph.from_sdl(secure_subgraph.supergraph(subgraph.url + "/graphql"))
    gateway = Gateway(supergraph, authenticator=JwtAuthenticator(secret=SECRET))
    server = Server(create_app(supergraph, gateway=gateway)).start()
    yield server.url + "/graphql"
    server.stop()
    subgraph.stop()


def token(**claims: Any) -> str:
    return jwt.encode({"sub": "officer-7", "exp": int(time.time()) + 600, **claims}, SECRET, algorithm="HS256")


async def ask(url: str, query: str, bearer: str | None = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    async with aiohttp.ClientSession() as http, http.post(url, json={"query": query}, headers=headers) as response:
        return response.status, await response.json()


def unauthorized(path: list[object]) -> dict[str, object]:
    return {"message": "Unauthorized field or type", "path": path, "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"}}


async def test_fields_requiring_nothing_are_open_to_anyone(gateway_url: str) -> None:
    assert await ask(gateway_url, "{ citizen { nama } }") == (200, {"data": {"citizen": {"nama": "Andi"}}})


async def test_a_field_needing_scopes_is_null_for_an_anonymous_request_and_never_fetched(gateway_url: str) -> None:
    secure_subgraph.RECEIVED.clear()
    status, body = await ask(gateway_url, "{ citizen { nama alamat } }")
    assert (status, body) == (
        200,
        {"data": {"citizen": {"nama": "Andi", "alamat": None}}, "errors": [unauthorized(["citizen", "alamat"])]},
    )
    assert secure_subgraph.RECEIVED and not any("alamat" in q for q in secure_subgraph.RECEIVED)


async def test_a_denied_non_null_field_nulls_its_parent_with_one_error(gateway_url: str) -> None:
    status, body = await ask(gateway_url, "{ citizen { nik nama } }")
    assert (status, body) == (200, {"data": {"citizen": None}, "errors": [unauthorized(["citizen", "nik"])]})


async def test_an_authenticated_request_reads_authenticated_fields(gateway_url: str) -> None:
    status, body = await ask(gateway_url, "{ citizen { nik } }", token())
    assert (status, body) == (200, {"data": {"citizen": {"nik": "7371014101900001"}}})


async def test_scopes_of_one_alternative_must_all_be_granted(gateway_url: str) -> None:
    status, body = await ask(gateway_url, "{ citizen { alamat } }", token(scope="penduduk:read"))
    assert (status, body) == (
        200,
        {"data": {"citizen": {"alamat": None}}, "errors": [unauthorized(["citizen", "alamat"])]},
    )
    status, body = await ask(gateway_url, "{ citizen { alamat } }", token(scope="penduduk:read alamat:read"))
    assert (status, body) == (200, {"data": {"citizen": {"alamat": "Jl. Somba Opu 1"}}})


async def test_any_one_alternative_of_scopes_is_enough(gateway_url: str) -> None:
    status, body = await ask(gateway_url, "{ citizen { alamat } }", token(scope="admin"))
    assert (status, body) == (200, {"data": {"citizen": {"alamat": "Jl. Somba Opu 1"}}})


async def test_a_policy_is_met_when_the_token_grants_it(gateway_url: str) -> None:
    assert (await ask(gateway_url, "{ citizen { catatan } }", token()))[1]["data"] == {"citizen": {"catatan": None}}
    status, body = await ask(gateway_url, "{ citizen { catatan } }", token(policies=["dpo"]))
    assert (status, body) == (200, {"data": {"citizen": {"catatan": "diperiksa"}}})


async def test_a_type_marked_authenticated_guards_every_field_returning_it(gateway_url: str) -> None:
    status, body = await ask(gateway_url, "{ health { status } citizen { nama } }")
    assert (status, body) == (
        200,
        {"data": {"health": None, "citizen": {"nama": "Andi"}}, "errors": [unauthorized(["health"])]},
    )
    status, body = await ask(gateway_url, "{ health { status } }", token())
    assert (status, body) == (200, {"data": {"health": {"status": "sehat"}}})


async def test_one_principal_s_plan_never_serves_another(gateway_url: str) -> None:
    query = "{ citizen { nama alamat } }"
    allowed = await ask(gateway_url, query, token(scope="admin"))
    denied = await ask(gateway_url, query)
    assert allowed[1] == {"data": {"citizen": {"nama": "Andi", "alamat": "Jl. Somba Opu 1"}}}
    assert denied[1]["data"] == {"citizen": {"nama": "Andi", "alamat": None}}


async def test_a_token_that_does_not_verify_is_401(gateway_url: str) -> None:
    other_secret = "another-secret-that-is-long-enough-for-hs256"
    forged = jwt.encode({"sub": "x", "exp": int(time.time()) + 600}, other_secret, algorithm="HS256")
    status, body = await ask(gateway_url, "{ citizen { nama } }", forged)
    assert status == 401
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in body


async def test_an_expired_token_is_401(gateway_url: str) -> None:
    # expired longer ago than the 30 s allowed for clocks that disagree
    expired = jwt.encode({"sub": "x", "exp": int(time.time()) - 60}, SECRET, algorithm="HS256")
    status, body = await ask(gateway_url, "{ citizen { nama } }", expired)
    assert status == 401
    assert "expired" in body["errors"][0]["message"]


def test_the_api_schema_shows_no_authorization_machinery() -> None:
    api = Supergraph.from_sdl(secure_subgraph.supergraph("http://x")).api_sdl()
    assert "requiresScopes" not in api and "@authenticated" not in api and "policy__" not in api
