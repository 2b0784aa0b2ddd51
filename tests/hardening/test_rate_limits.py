"""Rate limits: token buckets per address, client and operation; 429 with Retry-After;
counters in Redis shared by two gateway processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from federation.gateway import GraphQLRequest
from federation.ratelimit import MemoryBuckets, Rate, RateLimited, RateLimitGuard, RateLimits
from tests.conftest import require_service
from tests.gateway import slow_subgraph
from tests.gateway.servers import free_port

REDIS = ("127.0.0.1", 6379)


def request(address: str = "203.0.113.9", **headers: str) -> GraphQLRequest:
    return GraphQLRequest("{ a }", headers=headers, client_address=address)


async def test_an_address_over_its_rate_is_refused_with_retry_after() -> None:
    guard = RateLimitGuard(RateLimits(per_address=Rate(1, 3)))
    for _ in range(3):
        await guard.before(request())
    with pytest.raises(RateLimited) as refused:
        await guard.before(request())
    assert refused.value.status == 429 and refused.value.headers == {"retry-after": "1"}
    assert refused.value.extensions["scope"] == "address"
    await guard.before(request("198.51.100.1"))  # another address has its own bucket


async def test_behind_a_trusted_proxy_the_forwarded_address_is_limited() -> None:
    guard = RateLimitGuard(RateLimits(per_address=Rate(1, 1)))
    await guard.before(request("127.0.0.1", **{"x-forwarded-for": "203.0.113.7"}))
    with pytest.raises(RateLimited):
        await guard.before(request("127.0.0.1", **{"x-forwarded-for": "203.0.113.7"}))
    # a spoofed first hop does not help: the proxy's own hop is the client's address
    with pytest.raises(RateLimited):
        await guard.before(request("127.0.0.1", **{"x-forwarded-for": "1.2.3.4, 203.0.113.7"}))


async def test_local_traffic_without_a_forwarded_address_is_not_limited_per_address() -> None:
    guard = RateLimitGuard(RateLimits(per_address=Rate(1, 1)))
    for _ in range(5):
        await guard.before(request("127.0.0.1"))


async def test_a_named_client_has_its_own_bucket() -> None:
    guard = RateLimitGuard(RateLimits(per_client=Rate(1, 2)))
    for _ in range(2):
        await guard.prepared(request(**{"apollographql-client-name": "superapp-android"}))
    with pytest.raises(RateLimited) as refused:
        await guard.prepared(request(**{"apollographql-client-name": "superapp-android"}))
    assert refused.value.extensions["scope"] == "client"


async def test_the_bucket_refills_with_time() -> None:
    buckets = MemoryBuckets()
    rate = Rate(20, 1)
    assert await buckets.take("k", rate) == 0
    assert await buckets.take("k", rate) > 0
    await asyncio.sleep(0.06)
    assert await buckets.take("k", rate) == 0


async def test_without_redis_the_limits_stay_on_per_process() -> None:
    free = free_port()  # nothing listens there
    guard = RateLimitGuard(RateLimits(per_address=Rate(1, 1), redis_url=f"redis://127.0.0.1:{free}/0"))
    await guard.before(request())
    with pytest.raises(RateLimited):
        await guard.before(request())


# -- two gateway processes sharing Redis ----------------------------------------------------


@pytest.fixture(scope="module")
def slow_subgraph_url() -> Iterator[str]:
    from tests.gateway.servers import Server

    server = Server(slow_subgraph.app()).start()
    yield server.url + "/graphql"
    server.stop()


def start_gateway(config: Path, supergraph: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "federation.cli",
            "gateway",
            "--config",
            str(config),
            "--supergraph",
            str(supergraph),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        env={**os.environ},
    )
    return process, f"http://127.0.0.1:{port}"


async def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                async with http.get(url + "/health") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise AssertionError(log.read_text())


async def test_two_gateways_share_one_budget_through_redis(tmp_path: Path, slow_subgraph_url: str) -> None:
    require_service("Redis", *REDIS)
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(slow_subgraph.supergraph(slow_subgraph_url))
    config = tmp_path / "splp.yaml"
    prefix = f"splp-test-{uuid.uuid4().hex}:"  # keys of this test session only
    config.write_text(
        "rate_limits:\n"
        "  redis_url: redis://127.0.0.1:6379/0\n"
        f"  key_prefix: '{prefix}'\n"
        "  per_address: {per_second: 0.01, burst: 10}\n"
    )
    address = "203.0.113.50"
    gateways = [start_gateway(config, supergraph, tmp_path / f"g{i}.log") for i in range(2)]
    try:
        for i, (process, url) in enumerate(gateways):
            await wait_ready(url, process, tmp_path / f"g{i}.log")
        statuses = []
        async with aiohttp.ClientSession() as http:
            for n in range(16):
                url = gateways[n % 2][1] + "/graphql"
                headers = {"X-Forwarded-For": address}
                async with http.post(url, json={"query": "{ slow(delay: 0) }"}, headers=headers) as r:
                    statuses.append(r.status)
                    if r.status == 429:
                        assert int(r.headers["Retry-After"]) >= 1
        # 10 in all across both processes, not 10 each
        assert statuses.count(200) == 10 and statuses.count(429) == 6, statuses
    finally:
        for process, _ in gateways:
            process.terminate()
            process.wait(timeout=10)
