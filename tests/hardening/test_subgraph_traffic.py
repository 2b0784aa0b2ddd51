"""The gateway's subgraph client against a subgraph that misbehaves: every failure a clear
FetchError, bounded in time and memory; retries only where safe; a breaker per subgraph."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from federation.executor.fetch import FetchError
from federation.executor.http11 import HTTPError, Pool, ResponseTooLarge
from federation.executor.traffic import ShapedSubgraphClient, TrafficPolicy

from .faulty import FaultySubgraph, request


@pytest.fixture
async def subgraph() -> AsyncIterator[FaultySubgraph]:
    server = await FaultySubgraph().start()
    yield server
    await server.stop()


def client(subgraph: FaultySubgraph, **policy: float) -> ShapedSubgraphClient:
    defaults: dict[str, float] = {"timeout": 2.0, "backoff_base": 0.01}
    return ShapedSubgraphClient({"s": subgraph.url}, TrafficPolicy(**{**defaults, **policy}), dedupe=False)  # type: ignore[arg-type]


# -- the HTTP/1.1 client --------------------------------------------------------------------


async def test_keep_alive_connections_are_reused(subgraph: FaultySubgraph) -> None:
    pool = Pool(subgraph.url)
    for _ in range(5):
        assert await pool.post(request()) == (200, b'{"data": {"value": 1}}')
    assert subgraph.connections == 1
    pool.close()


async def test_connection_close_is_honoured(subgraph: FaultySubgraph) -> None:
    subgraph.mode = "close"
    pool = Pool(subgraph.url)
    for _ in range(3):
        assert (await pool.post(request()))[0] == 200
    assert subgraph.connections == 3
    pool.close()


async def test_a_stale_keep_alive_connection_is_retried_once(subgraph: FaultySubgraph) -> None:
    pool = Pool(subgraph.url)
    await pool.post(request())
    subgraph.mode = "drop"  # the next request on the kept connection gets no answer
    with pytest.raises(HTTPError):
        await pool.post(request())
    assert subgraph.requests == 3  # the first, then the failed one twice (stale, then fresh)
    pool.close()


async def test_a_chunked_answer_is_read_whole(subgraph: FaultySubgraph) -> None:
    subgraph.mode = "chunked"
    pool = Pool(subgraph.url)
    assert await pool.post(request()) == (200, b'{"data": {"value": 1}}')
    pool.close()


async def test_an_endless_answer_is_cut_at_the_size_cap(subgraph: FaultySubgraph) -> None:
    subgraph.mode = "endless"
    pool = Pool(subgraph.url, max_response_bytes=1_000_000)
    with pytest.raises(ResponseTooLarge, match="larger than 1000000 bytes"):
        await asyncio.wait_for(pool.post(request()), 10)
    await asyncio.wait_for(subgraph.closed_by_client.wait(), 5)  # the connection was closed
    pool.close()


async def test_a_gzip_answer_is_decompressed(subgraph: FaultySubgraph) -> None:
    subgraph.mode = "gzip"
    pool = Pool(subgraph.url)
    assert await pool.post(request()) == (200, b'{"data": {"value": 1}}')
    pool.close()


async def test_a_gzip_bomb_is_cut_at_the_size_cap(subgraph: FaultySubgraph) -> None:
    subgraph.mode = "gzip-bomb"  # 50 KB that inflate to 50 MB
    pool = Pool(subgraph.url, max_response_bytes=1_000_000)
    with pytest.raises(ResponseTooLarge):
        await pool.post(request())
    pool.close()


async def test_header_values_that_would_smuggle_a_header_are_refused(subgraph: FaultySubgraph) -> None:
    pool = Pool(subgraph.url)
    with pytest.raises(HTTPError, match="refusing to send the header"):
        await pool.post(request(), {"authorization": "Bearer x\r\nX-Admin: 1"})
    assert subgraph.requests == 0
    pool.close()


async def test_a_subgraph_that_does_not_accept_fails_within_the_connect_timeout() -> None:
    import socket

    # a listening socket whose backlog is full: further connection attempts get no answer
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    pool = Pool(f"http://127.0.0.1:{port}/graphql", connect_timeout=0.3)
    try:
        with pytest.raises(HTTPError, match=r"no answer within 0\.3 s"):
            await asyncio.wait_for(pool.post(request()), 5)
    finally:
        pool.close()
        for s in (*fillers, server):
            s.close()


# -- timeouts, retries, breaker ------------------------------------------------------------


async def test_a_hanging_subgraph_times_out_and_its_connection_is_closed(subgraph: FaultySubgraph) -> None:
    subgraph.mode = "hang"
    shaped = client(subgraph, timeout=0.3)
    with pytest.raises(FetchError, match=r"timed out after 0\.3 s"):
        await shaped.fetch("s", request())
    await asyncio.wait_for(subgraph.closed_by_client.wait(), 5)
    await shaped.close()


async def test_a_query_is_retried_after_a_503(subgraph: FaultySubgraph) -> None:
    subgraph.mode, subgraph.fail_first = "503-then-ok", 2
    shaped = client(subgraph)
    assert await shaped.fetch("s", request()) == {"data": {"value": 1}}
    assert subgraph.requests == 3
    await shaped.close()


async def test_a_mutation_is_never_retried(subgraph: FaultySubgraph) -> None:
    subgraph.mode, subgraph.fail_first = "503-then-ok", 1
    shaped = client(subgraph)
    with pytest.raises(FetchError):
        await shaped.fetch("s", request("mutation { touch }"), dedupe=False)  # run.py: dedupe=False is a mutation
    assert subgraph.requests == 1
    await shaped.close()


async def test_an_html_500_is_not_retried_and_is_a_clear_error(subgraph: FaultySubgraph) -> None:
    subgraph.mode = "html500"
    shaped = client(subgraph)
    with pytest.raises(FetchError, match="500: <html>"):
        await shaped.fetch("s", request())
    assert subgraph.requests == 1
    await shaped.close()


async def test_the_retry_budget_stops_retries_in_an_outage(subgraph: FaultySubgraph) -> None:
    subgraph.mode, subgraph.fail_first = "503-then-ok", 10_000
    shaped = client(subgraph, retry_min_per_second=0.0, retries=2, failure_threshold=0)
    for _ in range(30):
        with pytest.raises(FetchError):
            await shaped.fetch("s", request())
    # 30 requests, 10 retries from the initial budget, then 0.2 per request
    assert subgraph.requests <= 30 + 10 + 30 * 0.2 + 1
    await shaped.close()


async def test_the_breaker_opens_after_failures_and_fails_fast(subgraph: FaultySubgraph) -> None:
    subgraph.mode = "html500"
    shaped = client(subgraph, failure_threshold=3, open_seconds=60)
    for _ in range(3):
        with pytest.raises(FetchError):
            await shaped.fetch("s", request())
    with pytest.raises(FetchError) as refused:
        await shaped.fetch("s", request())
    assert refused.value.code == "SUBREQUEST_CIRCUIT_OPEN"
    assert subgraph.requests == 3
    assert shaped.health()["subgraphs"]["s"]["state"] == "open"
    await shaped.close()


async def test_the_breaker_lets_a_probe_through_and_closes_on_success(subgraph: FaultySubgraph) -> None:
    subgraph.mode = "html500"
    shaped = client(subgraph, failure_threshold=2, open_seconds=0.2)
    for _ in range(2):
        with pytest.raises(FetchError):
            await shaped.fetch("s", request())
    subgraph.mode = "ok"
    await asyncio.sleep(0.25)
    assert await shaped.fetch("s", request()) == {"data": {"value": 1}}
    assert shaped.health()["subgraphs"]["s"] == {"state": "closed", "consecutive_failures": 0}
    await shaped.close()
