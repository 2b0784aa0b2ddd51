"""Trusted documents from the registry: the city publishes each super-app release's
operations once, and every gateway with `trusted_documents: {registry: true}` runs those
operations only, picking up a new release without a restart."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from registry_harness import ADMIN_TOKEN, FEDERATION_LINK, Registry, ServerThread, start_registry, wait_until_async
from test_gateway_follows_registry import DATA, DUKCAPIL_V2, subgraph_app

from federation.registry.cache import SupergraphCache
from federation.registry.client import RegistryError
from federation.registry.gateway_app import gateway_app_from_registry

NIK = "query Nik { nik }"
NAMA = "query Nama { nama }"
TRUSTED = {"settings": {"trusted_documents": {"registry": True, "refresh": 0.2, "enforce": True}}}


def manifest(*bodies: str) -> dict[str, Any]:
    return {"format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{"id": sha256(b), "body": b, "name": b.split()[1], "type": "query"} for b in bodies]}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path / 'registry.sqlite3'}"


@pytest.fixture
def dukcapil_subgraph() -> Iterator[str]:
    server = ServerThread(subgraph_app(DUKCAPIL_V2))
    server.start()
    try:
        yield server.url + "/graphql"
    finally:
        server.stop()


@pytest.fixture
async def published(registry: Registry, dukcapil_subgraph: str) -> Registry:
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V2)
    return registry


async def start_gateway(registry_url: str, cache: SupergraphCache | None = None) -> ServerThread:
    app = await gateway_app_from_registry(registry_url, TRUSTED, token=ADMIN_TOKEN, interval=2.0, cache=cache)
    server = ServerThread(app)
    server.start()
    return server


async def post(gateway_url: str, body: dict[str, Any]) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.post(gateway_url + "/graphql", json=body) as response:
        answer: dict[str, Any] = await response.json(content_type=None)
        return answer


def by_id(text: str) -> dict[str, Any]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(text)}}}


async def test_a_gateway_runs_the_published_operations_by_id_and_nothing_else(published: Registry) -> None:
    async with published.client(ADMIN_TOKEN) as admin:
        await admin.publish_trusted_documents("makassar-super-app", manifest(NIK))
    gateway = await start_gateway(published.url)
    try:
        listed = await post(gateway.url, by_id(NIK))
        other = await post(gateway.url, {"query": NAMA})
    finally:
        gateway.stop()
    assert listed == {"data": {"nik": DATA["nik"]}}
    assert other["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"


async def test_a_new_release_reaches_a_running_gateway(published: Registry) -> None:
    async with published.client(ADMIN_TOKEN) as admin:
        await admin.publish_trusted_documents("makassar-super-app", manifest(NIK))
        gateway = await start_gateway(published.url)
        try:
            await admin.publish_trusted_documents("makassar-super-app", manifest(NIK, NAMA))
            answer = await wait_until_async(lambda: post(gateway.url, by_id(NAMA)), lambda r: "data" in r)
        finally:
            gateway.stop()
    assert answer == {"data": {"nama": DATA["nama"]}}


async def test_a_release_replaces_the_clients_previous_list(published: Registry) -> None:
    async with published.client(ADMIN_TOKEN) as admin:
        await admin.publish_trusted_documents("makassar-super-app", manifest(NIK))
        await admin.publish_trusted_documents("makassar-super-app", manifest(NAMA))
        operations = await admin.trusted_documents()
    assert operations == [{"client": "makassar-super-app", "id": sha256(NAMA), "body": NAMA}]


async def test_an_operation_the_graph_cannot_run_is_refused_with_its_id(published: Registry) -> None:
    async with published.client(ADMIN_TOKEN) as admin:
        with pytest.raises(RegistryError) as refused:
            await admin.publish_trusted_documents("makassar-super-app", manifest(NIK, "query Alamat { alamat }"))
        operations = await admin.trusted_documents()
    assert refused.value.status == 422 and operations == []
    [error] = refused.value.errors
    assert error["code"] == "GRAPHQL_VALIDATION_FAILED" and "alamat" in error["message"]
    assert error["message"].startswith(sha256("query Alamat { alamat }")[:16])


async def test_an_id_that_is_not_the_texts_sha256_is_refused(published: Registry) -> None:
    forged = {"format": "apollo-persisted-query-manifest", "version": 1,
              "operations": [{"id": sha256(NIK), "body": NAMA}]}
    async with published.client(ADMIN_TOKEN) as admin:
        with pytest.raises(RegistryError) as refused:
            await admin.publish_trusted_documents("makassar-super-app", forged)
    assert [e["code"] for e in refused.value.errors] == ["ID_NOT_SHA256"]


async def test_only_admins_publish_and_only_gateways_and_admins_read(published: Registry) -> None:
    publisher = await published.token("dukcapil")
    async with published.client(publisher) as client:
        with pytest.raises(RegistryError) as publishing:
            await client.publish_trusted_documents("makassar-super-app", manifest(NIK))
        with pytest.raises(RegistryError) as reading:
            await client.trusted_documents()
    assert publishing.value.status == 403 and reading.value.status == 403


async def test_a_gateway_starting_while_the_registry_is_down_uses_the_saved_list(
    database_url: str, dukcapil_subgraph: str, tmp_path: Path
) -> None:
    server = start_registry(database_url)
    registry = Registry(url=server.url, database_url=database_url)
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        await client.publish("dukcapil", dukcapil_subgraph, FEDERATION_LINK + DUKCAPIL_V2)
    async with registry.client(ADMIN_TOKEN) as admin:
        await admin.publish_trusted_documents("makassar-super-app", manifest(NIK))
    cache = SupergraphCache(str(tmp_path / "supergraph.json"), registry.url)
    (await start_gateway(registry.url, cache)).stop()  # served once: saved both
    server.stop()
    gateway = await start_gateway(registry.url, cache)
    try:
        listed = await post(gateway.url, by_id(NIK))
        other = await post(gateway.url, {"query": NAMA})
    finally:
        await asyncio.to_thread(gateway.stop)
    assert listed == {"data": {"nik": DATA["nik"]}}
    assert other["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"


def test_splp_publishes_a_release_manifest_and_names_what_the_graph_cannot_run(
    capsys: pytest.CaptureFixture[str], published: Registry, tmp_path: Path
) -> None:
    import json

    from federation.cli import main

    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(manifest(NIK, NAMA)), encoding="utf-8")
    bad.write_text(json.dumps(manifest("query Alamat { alamat }")), encoding="utf-8")
    common = ["--client", "makassar-super-app", "--registry", published.url, "--token", ADMIN_TOKEN]
    ok = main(["registry", "trusted-documents", "publish", str(good), *common])
    ok_out = capsys.readouterr().out
    refused = main(["registry", "trusted-documents", "publish", str(bad), *common])
    refused_err = capsys.readouterr().err
    assert ok == 0 and ok_out == "makassar-super-app: 2 trusted operations\n"
    assert refused == 1 and "[GRAPHQL_VALIDATION_FAILED]" in refused_err and "alamat" in refused_err
