"""`splp.yaml`: every wrong key its own clear error; secrets from the environment; flags win."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from federation import config


def errors_of(text: str) -> list[str]:
    with pytest.raises(config.ConfigError) as raised:
        config.parse(text)
    return raised.value.errors


def test_a_valid_file_gives_its_settings() -> None:
    settings = config.parse("port: 4000\nlimits: {max_depth: 12}\nserver: {header_timeout: 2}\n")
    assert config.operation_limits(settings).max_depth == 12
    assert config.server_limits(settings).header_timeout == 2.0
    assert config.operation_limits({}).max_aliases == 200  # untouched: the default


def test_each_wrong_key_is_its_own_error() -> None:
    errors = errors_of("limits:\n  max_depht: 3\n  max_aliases: lots\nserver: {header_timeout: -1}\nportt: 1\n")
    assert errors == [
        "limits.max_depht: unknown key; did you mean max_depth?",
        "limits.max_aliases: must be a whole number, 0 or more, got 'lots'",
        "server.header_timeout: must be a number, 0 or more, got -1",
        "portt: unknown key; did you mean port?",
    ]


def test_a_boolean_is_not_a_number() -> None:
    assert errors_of("limits: {max_depth: true}") == ["limits.max_depth: must be a whole number, 0 or more, got True"]


def test_secrets_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPLP_TEST_REDIS", "redis://127.0.0.1:6379/3")
    settings = config.parse("rate_limits: {redis_url: '${SPLP_TEST_REDIS}'}")
    assert config.rate_limits(settings).redis_url == "redis://127.0.0.1:6379/3"


def test_an_unset_environment_variable_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPLP_UNSET_SECRET", raising=False)
    assert errors_of("rate_limits: {redis_url: '${SPLP_UNSET_SECRET}'}") == [
        "rate_limits.redis_url: the environment variable SPLP_UNSET_SECRET is not set"
    ]


def test_a_trusted_proxy_that_is_not_a_network_is_an_error() -> None:
    assert errors_of("rate_limits: {trusted_proxies: [10.0.0.0/8, ingress]}") == [
        "rate_limits.trusted_proxies[1]: not an address or network: 'ingress'"
    ]


def test_each_subgraph_s_tls_entry_is_checked_as_the_global_one() -> None:
    assert errors_of("subgraphs: {tls: {per_subgraph: {kesehatan: {ca_fil: ca.pem}, aduan: yes}}}") == [
        "subgraphs.tls.per_subgraph.kesehatan.ca_fil: unknown key; did you mean ca_file?",
        "subgraphs.tls.per_subgraph.aduan: must be a mapping of keys, got True",
    ]


def test_the_gateway_refuses_to_start_on_a_wrong_file(tmp_path: Path) -> None:
    path = tmp_path / "splp.yaml"
    path.write_text("supergraph: x.graphql\nlimits: {max_depht: 3}\n")
    completed = subprocess.run(
        [sys.executable, "-m", "federation.cli", "gateway", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 2
    assert completed.stderr.strip() == f"error: {path}: limits.max_depht: unknown key; did you mean max_depth?"
    assert "Traceback" not in completed.stderr


async def test_the_gateway_serves_with_the_file_s_limits_and_flags_override(tmp_path: Path) -> None:
    import asyncio
    import time

    import aiohttp

    from tests.gateway import slow_subgraph
    from tests.gateway.servers import Server, free_port

    subgraph = Server(slow_subgraph.app()).start()
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(slow_subgraph.supergraph(subgraph.url + "/graphql"))
    path = tmp_path / "splp.yaml"
    path.write_text(f"supergraph: {supergraph}\nport: 1\nlimits: {{max_aliases: 2}}\n")
    port = free_port()  # the flag wins over the file's port
    log = tmp_path / "gateway.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "federation.cli", "gateway", "--config", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        url = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, log.read_text()
                try:
                    async with http.get(url + "/health") as r:
                        health = await r.json()
                        break
                except aiohttp.ClientError:
                    assert time.monotonic() < deadline, log.read_text()
                    await asyncio.sleep(0.1)
            assert health["details"]["subgraphs"]["slow"]["state"] == "closed"
            assert health["details"]["demand_control"]["max_cost"] == 50_000
            query = {"query": "{ a: __typename b: __typename c: __typename }"}
            async with http.post(url + "/graphql", json=query) as r:
                body = await r.json()
            assert body["errors"][0]["extensions"] == {"code": "MAX_ALIASES_LIMIT", "limit": 2, "measured": 3}
    finally:
        process.terminate()
        process.wait(timeout=10)
        subgraph.stop()
