"""The usage recorder the gateway calls, and the usage window of checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from registry_harness import FEDERATION_LINK, Registry, start_registry

from federation.compose import compose
from federation.registry.store import RegistryStore
from federation.registry.usage import UsageRecorder

SDL = FEDERATION_LINK + "type Query {\n  nik: String\n  nama: String\n}\n"
WITHOUT_NAMA = FEDERATION_LINK + "type Query {\n  nik: String\n}\n"


async def check_clients(registry: Registry, token: str, days: int = 30) -> list[str]:
    async with registry.client(token) as client:
        report = await client.check("dukcapil", WITHOUT_NAMA, days=days)
    (change,) = report["changes"]
    return [c["name"] for c in change["clients"]]


async def test_usage_older_than_the_window_does_not_count(registry: Registry) -> None:
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", SDL)
    store = await RegistryStore.open(registry.database_url, compose)
    try:
        long_ago = (datetime.now(UTC) - timedelta(days=90)).date()
        await store.record_usage([("aplikasi-lama", "Query.nama", 12)], day=long_ago)
    finally:
        await store.close()

    assert await check_clients(registry, token, days=30) == []
    assert await check_clients(registry, token, days=120) == ["aplikasi-lama"]


async def test_an_operation_without_a_client_name_is_recorded_as_unnamed(registry: Registry) -> None:
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", SDL)
    recorder = UsageRecorder(registry.url, await registry.token(role="gateway"))
    recorder.record("", frozenset({"Query.nama"}))
    await recorder.close()

    assert await check_clients(registry, token) == ["(unnamed)"]


async def test_usage_recorded_while_the_registry_is_down_is_sent_once_it_is_back(database_url: str) -> None:
    server = start_registry(database_url)
    registry = Registry(url=server.url, database_url=database_url)
    token = await registry.token("dukcapil")
    gateway_token = await registry.token(role="gateway")
    async with registry.client(token) as client:
        await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", SDL)
    port = server.port
    server.stop()

    recorder = UsageRecorder(server.url, gateway_token)
    recorder.record("super-app", frozenset({"Query.nama"}))
    sent_while_down = await recorder.flush()
    restarted = start_registry(database_url, port)
    try:
        sent_when_back = await recorder.flush()
        await recorder.close()
        clients = await check_clients(registry, token)
    finally:
        restarted.stop()

    assert (sent_while_down, sent_when_back) == (False, True)
    assert clients == ["super-app"]
