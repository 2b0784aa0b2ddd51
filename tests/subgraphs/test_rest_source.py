"""REST sources: answers decoded, failures turned into GraphQL errors naming the upstream and its status."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from subgraphs.kit import RestSource, UpstreamError
from subgraphs.serve import Servers
from tests.subgraphs.conftest import free_port


@pytest.fixture
async def upstream() -> AsyncIterator[str]:
    async def ok(request: web.Request) -> web.Response:
        return web.json_response({"nik": request.query.getall("nik")})

    async def down(request: web.Request) -> web.Response:
        return web.Response(status=503, text="maintenance")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({})

    async def html(request: web.Request) -> web.Response:
        return web.Response(text="<html>login</html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/ok", ok)
    app.router.add_get("/down", down)
    app.router.add_get("/slow", slow)
    app.router.add_get("/html", html)
    servers = Servers()
    port = free_port()
    await servers.start_aiohttp(app, "127.0.0.1", port)
    yield f"http://127.0.0.1:{port}"
    await servers.stop()


@pytest.fixture
async def api(upstream: str) -> AsyncIterator[RestSource]:
    source = RestSource("bpjs", upstream, timeout=0.5)
    await source.open()
    yield source
    await source.close()


async def test_json_is_decoded_and_repeated_parameters_are_sent(api: RestSource) -> None:
    assert await api.get_json("/ok", {"nik": ["1", "2"]}) == {"nik": ["1", "2"]}


async def test_an_http_error_carries_the_upstream_and_its_status(api: RestSource) -> None:
    with pytest.raises(UpstreamError) as raised:
        await api.get_json("/down")
    assert raised.value.extensions == {"code": "UPSTREAM_HTTP_ERROR", "upstream": "bpjs", "status": 503}
    assert raised.value.message == "bpjs answered HTTP 503 for /down: maintenance"


async def test_a_missing_resource_may_be_none(api: RestSource) -> None:
    assert await api.get_json("/nothing", missing_ok=True) is None


async def test_a_slow_upstream_times_out(api: RestSource) -> None:
    with pytest.raises(UpstreamError) as raised:
        await api.get_json("/slow")
    assert raised.value.extensions == {"code": "UPSTREAM_TIMEOUT", "upstream": "bpjs"}


async def test_an_answer_that_is_not_json_is_an_upstream_error(api: RestSource) -> None:
    with pytest.raises(UpstreamError) as raised:
        await api.get_json("/html")
    assert raised.value.extensions == {"code": "UPSTREAM_BAD_RESPONSE", "upstream": "bpjs", "status": 200}


async def test_an_unreachable_upstream_is_an_error() -> None:
    source = RestSource("perizinan", f"http://127.0.0.1:{free_port()}")
    await source.open()
    try:
        with pytest.raises(UpstreamError) as raised:
            await source.get_json("/pemohon")
    finally:
        await source.close()
    assert raised.value.extensions == {"code": "UPSTREAM_UNAVAILABLE", "upstream": "perizinan"}
