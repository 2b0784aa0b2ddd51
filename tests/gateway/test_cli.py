"""`splp gateway` serves a supergraph file and follows its changes; `splp plan` prints plans."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.gateway import slow_subgraph
from tests.gateway.bench_subgraphs import BENCH_DATA
from tests.gateway.servers import Server, free_port


@pytest.fixture(scope="module")
def subgraph() -> Iterator[str]:
    server = Server(slow_subgraph.app()).start()
    yield server.url + "/graphql"
    server.stop()


class GatewayProcess:
    def __init__(self, supergraph: Path, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "federation.cli",
                "gateway",
                "--supergraph",
                str(supergraph),
                "--port",
                str(self.port),
                "--poll-interval",
                "0.1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        self.url = f"http://127.0.0.1:{self.port}/graphql"

    async def wait_ready(self) -> None:
        deadline = time.monotonic() + 20
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                try:
                    async with http.get(f"http://127.0.0.1:{self.port}/health") as r:
                        if r.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                assert self.process.poll() is None, self.log.read_text()
                time.sleep(0.05)
        raise AssertionError("gateway did not start: " + self.log.read_text())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


async def query(url: str, text: str) -> dict[str, object]:
    async with aiohttp.ClientSession() as http, http.post(url, json={"query": text}) as response:
        return await response.json()  # type: ignore[no-any-return]


async def wait_until(predicate_query: str, url: str, expected: dict[str, object]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if await query(url, predicate_query) == expected:
            return
        time.sleep(0.05)
    raise AssertionError(f"never answered {expected}")


async def test_gateway_serves_a_new_supergraph_written_to_its_file(tmp_path: Path, subgraph: str) -> None:
    file = tmp_path / "supergraph.graphql"
    file.write_text(slow_subgraph.supergraph(subgraph))
    gateway = GatewayProcess(file, tmp_path / "gateway.log")
    try:
        await gateway.wait_ready()
        assert "errors" in await query(gateway.url, "{ fast }")
        file.write_text(slow_subgraph.supergraph(subgraph, with_fast=True))
        await wait_until("{ fast }", gateway.url, {"data": {"fast": 7}})
    finally:
        gateway.stop()


async def test_a_reload_drops_no_request_in_flight(tmp_path: Path, subgraph: str) -> None:
    import asyncio

    file = tmp_path / "supergraph.graphql"
    file.write_text(slow_subgraph.supergraph(subgraph))
    gateway = GatewayProcess(file, tmp_path / "gateway.log")
    try:
        await gateway.wait_ready()
        in_flight = asyncio.ensure_future(query(gateway.url, "{ slow(delay: 1.0) }"))
        await asyncio.sleep(0.2)
        file.write_text(slow_subgraph.supergraph(subgraph, with_fast=True))
        await wait_until("{ fast }", gateway.url, {"data": {"fast": 7}})
        answer = await in_flight
        assert "errors" not in answer and isinstance(answer["data"], dict)
    finally:
        gateway.stop()


async def test_a_broken_supergraph_file_is_refused_and_the_old_one_kept(tmp_path: Path, subgraph: str) -> None:
    file = tmp_path / "supergraph.graphql"
    file.write_text(slow_subgraph.supergraph(subgraph, with_fast=True))
    log = tmp_path / "gateway.log"
    gateway = GatewayProcess(file, log)
    try:
        await gateway.wait_ready()
        file.write_text("type Query { oops")
        deadline = time.monotonic() + 10
        while "was not loaded" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "still serving the previous one" in log.read_text()
        assert "not valid GraphQL SDL" in log.read_text()
        assert await query(gateway.url, "{ fast }") == {"data": {"fast": 7}}
    finally:
        gateway.stop()


def test_gateway_refuses_to_start_on_a_broken_supergraph(tmp_path: Path) -> None:
    file = tmp_path / "supergraph.graphql"
    file.write_text("type Query {")
    result = subprocess.run(
        [sys.executable, "-m", "federation.cli", "gateway", "--supergraph", str(file)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "line 1" in result.stderr and "not valid GraphQL SDL" in result.stderr


def test_plan_command_prints_the_plan(tmp_path: Path) -> None:
    query_file = tmp_path / "q.graphql"
    query_file.write_text("{ topProducts { name inStock } }")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "federation.cli",
            "plan",
            "--supergraph",
            str(BENCH_DATA / "supergraph.upstream.graphql"),
            str(query_file),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("QueryPlan {")
    assert 'Flatten(path: "topProducts.@")' in result.stdout
    assert 'Fetch(service: "inventory")' in result.stdout


def test_plan_command_prints_the_plan_as_apollo_query_plan_json(tmp_path: Path) -> None:
    query_file = tmp_path / "q.graphql"
    query_file.write_text("{ topProducts { name inStock } }")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "federation.cli",
            "plan",
            "--json",
            "--supergraph",
            str(BENCH_DATA / "supergraph.upstream.graphql"),
            str(query_file),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["kind"] == "QueryPlan"
    root, entity = plan["node"]["nodes"]
    assert (root["kind"], root["serviceName"], root["operationKind"]) == ("Fetch", "products", "query")
    assert entity["kind"] == "Flatten" and entity["path"] == ["topProducts", "@"]
    assert entity["node"]["serviceName"] == "inventory"
    assert entity["node"]["requires"][0]["typeCondition"] == "Product"


def test_plan_command_reports_an_invalid_query(tmp_path: Path) -> None:
    query_file = tmp_path / "q.graphql"
    query_file.write_text("{ topProducts { nope } }")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "federation.cli",
            "plan",
            "--supergraph",
            str(BENCH_DATA / "supergraph.upstream.graphql"),
            str(query_file),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "Cannot query field 'nope' on type 'Product'" in result.stderr
