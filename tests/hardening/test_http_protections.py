"""The HTTP front: body cap, CSRF prevention, CORS, slow and idle clients, overload."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import aiohttp

from .conftest import GRAPHQL_RESPONSE, SERVER_LIMITS, host_port, post, raw_exchange

ORIGIN = "https://superapp.makassarkota.go.id"


def request_head(url: str, extra: str = "", method: str = "POST") -> bytes:
    host, port = host_port(url)
    return (f"{method} /graphql HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}").encode()


async def test_a_body_declared_over_the_cap_is_413_before_it_is_sent(gateway_url: str) -> None:
    head = request_head(gateway_url, "Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n")
    answer = await raw_exchange(gateway_url, head)  # not one byte of the 100 MB body is sent
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 413 Request Entity Too Large"
    body = json.loads(rest.partition(b"\r\n\r\n")[2])
    assert body["errors"][0]["extensions"] == {"code": "REQUEST_TOO_LARGE", "limit": 64 * 1024}


async def test_a_chunked_body_growing_past_the_cap_is_413(gateway_url: str) -> None:
    head = request_head(gateway_url, "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"x" * 16384
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(5))  # 80 KB, no final chunk
    answer = await raw_exchange(gateway_url, head + chunks)
    assert answer.startswith(b"HTTP/1.1 413 ")


async def test_a_body_under_the_cap_is_served(gateway_url: str) -> None:
    query = "{ slow(delay: 0) }" + " " * 60_000
    status, body, _ = await post(gateway_url, {"query": query})
    assert status == 200 and "slow" in body["data"]


async def test_a_get_without_a_preflight_header_is_refused_as_csrf(gateway_url: str) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(gateway_url, params={"query": "{ slow(delay: 0) }"}, headers={"Accept": GRAPHQL_RESPONSE}) as r,
    ):
        assert r.status == 400
        assert (await r.json(content_type=None))["errors"][0]["extensions"]["code"] == "CSRF_PREVENTION"


async def test_a_get_with_a_preflight_header_is_served(gateway_url: str) -> None:
    headers = {"Accept": GRAPHQL_RESPONSE, "GraphQL-Require-Preflight": "1"}
    async with (
        aiohttp.ClientSession() as http,
        http.get(gateway_url, params={"query": "{ slow(delay: 0) }"}, headers=headers) as r,
    ):
        assert r.status == 200


async def test_a_simple_content_type_post_is_refused(gateway_url: str) -> None:
    """A form post is what a hostile page can send cross-site without a preflight."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(gateway_url, data="query={x}", headers={"Content-Type": "text/plain"}) as r,
    ):
        assert r.status in (400, 415)


async def test_cors_preflight_allows_the_configured_origin(gateway_url: str) -> None:
    headers = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    async with aiohttp.ClientSession() as http, http.options(gateway_url, headers=headers) as r:
        assert r.status == 200
        assert r.headers["access-control-allow-origin"] == ORIGIN


async def test_a_post_goes_through_the_same_middleware_as_a_get(gateway_url: str) -> None:
    status, _, headers = await post(gateway_url, {"query": "{ slow(delay: 0) }"}, {"Origin": ORIGIN})
    assert status == 200
    assert headers.get("access-control-allow-origin") == ORIGIN


async def test_cors_does_not_allow_another_origin(gateway_url: str) -> None:
    status, _, headers = await post(gateway_url, {"query": "{ slow(delay: 0) }"}, {"Origin": "https://evil.example"})
    assert status == 200  # CORS is the browser's to enforce: the gateway just does not allow it
    assert "access-control-allow-origin" not in {k.lower() for k in headers}


async def test_a_half_sent_head_is_answered_408_and_closed(gateway_url: str) -> None:
    start = time.monotonic()
    answer = await raw_exchange(gateway_url, request_head(gateway_url, "X-Slow: "), wait=5)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert time.monotonic() - start < SERVER_LIMITS.header_timeout + 2


async def test_a_body_that_stops_coming_is_cut_off(gateway_url: str) -> None:
    head = request_head(gateway_url, "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n")
    answer = await raw_exchange(gateway_url, head + b'{"query":', wait=5)
    assert answer.startswith(b"HTTP/1.1 408 ") or answer == b""


async def test_many_idle_connections_are_closed_while_requests_are_served(gateway_url: str) -> None:
    host, port = host_port(gateway_url)
    idle = []
    for _ in range(200):
        sock = socket.create_connection((host, port))
        sock.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
        idle.append(sock)
    status, _, _ = await post(gateway_url, {"query": "{ slow(delay: 0) }"})
    assert status == 200
    await asyncio.sleep(SERVER_LIMITS.header_timeout + 1)
    closed = 0
    for sock in idle:
        sock.settimeout(2)
        try:
            data = sock.recv(65536)
            closed += data.startswith(b"HTTP/1.1 408") or data == b""
        except OSError:
            closed += 1
        sock.close()
    assert closed == 200


async def test_past_the_in_flight_cap_a_request_gets_503(gateway_url: str) -> None:
    slow = [post(gateway_url, {"query": f"{{ slow(delay: 1.0) a{i}: slow(delay: 1.0) }}"}) for i in range(12)]
    answers = await asyncio.gather(*slow)
    statuses = sorted(status for status, _, _ in answers)
    assert statuses.count(200) == 8 and statuses.count(503) == 4
    refused = next(body for status, body, _ in answers if status == 503)
    assert refused["errors"][0]["extensions"]["code"] == "SERVICE_OVERLOADED"


async def test_a_request_head_over_the_cap_is_431(gateway_url: str) -> None:
    head = request_head(gateway_url, "X-Big: " + "b" * (SERVER_LIMITS.max_header_bytes + 100) + "\r\n\r\n")
    answer = await raw_exchange(gateway_url, head)
    assert answer.startswith(b"HTTP/1.1 431 ")
