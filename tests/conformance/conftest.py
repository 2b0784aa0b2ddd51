"""Fixtures of the conformance suite: the test subgraphs and one gateway per area, all on real
loopback sockets, started once per test session in background threads."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from federation.http.app import create_app

from .apps import AREAS, CONNECTION_LOG, REQUEST_LOG, build_server_app, subgraph_path
from .harness import (
    GRAPHQL_RESPONSE_JSON,
    Scenario,
    ServerThread,
    closed_port_url,
    response_problems,
    traffic_problems,
)

SUPERGRAPHS = Path(__file__).parent / "supergraphs"


def supergraph_sdl(area: str) -> str:
    return (SUPERGRAPHS / f"{area}.graphql").read_text()


class Gateways:
    """One gateway per area, each started the first time a test asks for it."""

    def __init__(self, subgraphs_url: str) -> None:
        self.subgraphs_url = subgraphs_url
        self.servers: dict[tuple[str, float | None], ServerThread] = {}

    def subgraph_urls(self, area: str) -> dict[str, str]:
        urls = {name: self.subgraphs_url + subgraph_path(area, name) for name in AREAS[area].subgraphs}
        for name, fault in AREAS[area].faults.items():
            if fault == "down":
                urls[name] = closed_port_url()
        return urls

    def url(self, area: str, subgraph_timeout: float | None = None) -> str:
        """The /graphql URL of the area's gateway (one per distinct subgraph_timeout)."""
        key = (area, subgraph_timeout)
        if key not in self.servers:
            options: dict[str, Any] = {"subgraph_urls": self.subgraph_urls(area)}
            if subgraph_timeout is not None:
                options["subgraph_timeout"] = subgraph_timeout
            server = ServerThread(create_app(supergraph_sdl(area), **options))
            server.start()
            self.servers[key] = server
        return self.servers[key].url + "/graphql"

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()


@pytest.fixture(scope="session")
def subgraphs_url() -> Iterator[str]:
    server = ServerThread(build_server_app())
    yield server.start()
    server.stop()


@pytest.fixture(scope="session")
def gateways(subgraphs_url: str) -> Iterator[Gateways]:
    gateways = Gateways(subgraphs_url)
    yield gateways
    gateways.stop()


@pytest.fixture(scope="session")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    # The client drops an idle connection (2 s) before the server closes it (5 s or more), so a
    # request is never written into a connection the server is closing at that instant.
    connector = aiohttp.TCPConnector(keepalive_timeout=2)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield session


@pytest.fixture(autouse=True)
def fresh_subgraph_state() -> None:
    REQUEST_LOG.clear()
    CONNECTION_LOG.clear()
    for area in AREAS.values():
        if area.reset is not None:
            area.reset()


RunScenario = Callable[[Scenario], Awaitable[None]]


@pytest.fixture
def run_scenario(gateways: Gateways, http: aiohttp.ClientSession) -> RunScenario:
    async def run(scenario: Scenario) -> None:
        headers = {"Accept": GRAPHQL_RESPONSE_JSON}
        url = gateways.url(scenario.area, scenario.subgraph_timeout)
        async with http.post(url, json=scenario.body(), headers=headers) as response:
            text = await response.text()
            status = response.status
        try:
            body = json.loads(text)
        except ValueError:
            pytest.fail(f"HTTP {status}, the body is not JSON: {text[:500]!r}")
        problems = response_problems(scenario, body)
        # GraphQL over HTTP: a response with a `data` entry (even null) is a 2xx; 200 is recommended.
        if status != 200:
            problems.insert(0, f"HTTP status {status}, expected 200")
        problems += traffic_problems(scenario)
        if problems:
            sent = json.dumps(scenario.body(), ensure_ascii=False)
            pytest.fail(f"{scenario.area}/{scenario.name}\n  sent {sent}\n" + "\n".join(problems), pytrace=False)

    return run
