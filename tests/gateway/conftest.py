from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from federation.http.app import create_app
from tests.gateway.bench_subgraphs import BENCH_DATA, apps
from tests.gateway.servers import Server


@pytest.fixture(scope="session")
def bench_subgraphs() -> Iterator[dict[str, str]]:
    if not BENCH_DATA.is_dir():
        pytest.fail(f"the benchmark scenario is missing at {BENCH_DATA}")
    servers = {name: Server(app).start() for name, app in apps().items()}
    yield {name: server.url for name, server in servers.items()}
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def bench_gateway(bench_subgraphs: dict[str, str]) -> Iterator[str]:
    sdl = (BENCH_DATA / "supergraph.upstream.graphql").read_text()
    server = Server(create_app(sdl, subgraph_urls=bench_subgraphs)).start()
    yield server.url + "/graphql"
    server.stop()


def post(url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"content-type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), response.headers.get("content-type", "")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read()), e.headers.get("content-type", "")
