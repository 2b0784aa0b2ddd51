"""No leaks in errors: a subgraph's non-GraphQL body never reaches the client; subgraph error
messages are masked for clients without the debug scope (codes kept); introspection is off
unless configured."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from federation.gateway import Gateway
from federation.http.app import create_app
from federation.security.authenticate import Authenticator
from federation.security.jwt import JwtAuthenticator
from federation.supergraph import Supergraph
from tests.gateway import secure_subgraph
from tests.gateway.servers import Server
from tests.security.conftest import ask

SECRET = "rahasia-pengujian-penyamaran-galat-gateway"
SECRET_SQL = "SELECT nik, nama FROM penduduk WHERE nik = '7371014101900001'"


def faulty_subgraph() -> Starlette:
    async def graphql(request: Request) -> Response:
        body = await request.json()
        if "alamat" in body["query"]:
            return HTMLResponse(f"<html><body><pre>Traceback: {SECRET_SQL}</pre></body></html>", status_code=500)
        if "catatan" in body["query"]:
            return JSONResponse({"data": {"citizen": {"catatan": None}}, "errors": [
                {"message": f"database error: {SECRET_SQL}", "path": ["citizen", "catatan"],
                 "extensions": {"code": "DATABASE_ERROR", "sql": SECRET_SQL}}]})
        return JSONResponse({"data": {"citizen": {"nama": "Andi"}}})

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


@pytest.fixture(scope="module")
def gateways() -> Iterator[dict[str, str]]:
    subgraph = Server(faulty_subgraph()).start()
    supergraph = Supergraph.from_sdl(secure_subgraph.supergraph(subgraph.url + "/graphql"))
    urls = {}
    servers = []
    for name, options in {"masked": {"mask_errors": True, "introspection": False},
                          "open": {"mask_errors": False, "introspection": True}}.items():
        gateway = Gateway(supergraph, authenticator=Authenticator(jwt=JwtAuthenticator(secret=SECRET)), **options)
        servers.append(Server(create_app(supergraph, gateway=gateway)).start())
        urls[name] = servers[-1].url + "/graphql"
    yield urls
    for server in [*servers, subgraph]:
        server.stop()


def token(scope: str = "admin") -> str:
    import time

    return jwt.encode({"sub": "x", "exp": int(time.time()) + 600, "scope": scope, "policies": ["dpo"]}, SECRET)


def everything(body: Any) -> str:
    import json

    return json.dumps(body)


@pytest.mark.parametrize("gateway", ["masked", "open"])
async def test_a_subgraph_s_html_error_page_never_reaches_the_client(gateways: dict[str, str], gateway: str) -> None:
    status, body = await ask(gateways[gateway], "{ citizen { alamat } }", token(), purpose=None)
    assert status == 200 and body["data"] == {"citizen": None}
    assert body["errors"][0]["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"
    assert "<html" not in everything(body) and "SELECT" not in everything(body)


async def test_subgraph_error_messages_are_masked_codes_kept(gateways: dict[str, str]) -> None:
    status, body = await ask(gateways["masked"], "{ citizen { catatan } }", token(), purpose=None)
    assert status == 200
    assert body["errors"] == [{"message": "Unexpected error", "path": ["citizen", "catatan"],
                               "extensions": {"code": "DATABASE_ERROR", "serviceName": "citizens"}}]


async def test_a_client_with_the_debug_scope_sees_subgraph_messages(gateways: dict[str, str]) -> None:
    _, body = await ask(gateways["masked"], "{ citizen { catatan } }", token("admin splp:debug"), purpose=None)
    assert body["errors"][0]["message"].startswith("database error")


async def test_introspection_is_refused_unless_configured(gateways: dict[str, str]) -> None:
    status, body = await ask(gateways["masked"], "{ __schema { queryType { name } } }", purpose=None)
    assert status == 400 or (status == 200 and "data" not in body)
    assert body["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
    status, body = await ask(gateways["masked"], "{ citizen { __typename nama } }", purpose=None)
    assert body == {"data": {"citizen": {"__typename": "Citizen", "nama": "Andi"}}}
    status, body = await ask(gateways["open"], "{ __schema { queryType { name } } }", purpose=None)
    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


@pytest.mark.parametrize("where", ["variable", "input object key", "field name"])
async def test_a_huge_invalid_value_is_echoed_cut_short(gateways: dict[str, str], where: str) -> None:
    huge = "A" * 1_500_000  # within the 2 MB body limit
    query, variables = {
        "variable": ("query($x: Boolean!) { citizen { nama @include(if: $x) } }", {"x": huge}),
        "input object key": ("query($x: Boolean!) { citizen { nama @include(if: $x) } }", {"x": {huge: 1}}),
        "field name": ("{ citizen { " + huge[:800_000] + " } }", None),
    }[where]
    status, body = await ask(gateways["masked"], query, purpose=None, variables=variables)
    assert status == 400
    message = body["errors"][0]["message"]
    assert "AAAA" in message and len(message) < 200, message[:300]


@pytest.mark.parametrize("query", ["{ nope }", "{ citizen { nama ", "query($x: Boolean!) { citizen { nama } }"])
async def test_a_repeated_invalid_request_is_refused_with_a_fresh_error_each_time(query: str) -> None:
    """No cached exception is re-raised: one would keep earlier requests (their headers, a token)
    alive through its traceback, growing with every repeat."""
    import gc
    import traceback
    import weakref

    from federation.gateway import GraphQLRequest, RequestError
    from tests.gateway import secure_subgraph

    gateway = Gateway(Supergraph.from_sdl(secure_subgraph.supergraph("http://127.0.0.1:9/graphql")))
    refusals: list[RequestError] = []
    first_request: weakref.ref[GraphQLRequest] | None = None
    for i in range(4):
        request = GraphQLRequest(query, variables={"x": "bukan boolean"},
                                 headers={"authorization": f"Bearer rahasia-{i}"})
        first_request = first_request or weakref.ref(request)
        try:
            await gateway.execute(request)
        except RequestError as e:
            refusals.append(e)
        del request
    assert len(refusals) == 4 and len({id(e) for e in refusals}) == 4
    assert len({len(traceback.extract_tb(e.__traceback__)) for e in refusals}) == 1
    assert refusals[0].errors == refusals[3].errors
    refusals.clear()
    gc.collect()
    assert first_request is not None and first_request() is None  # nothing keeps the first request alive
