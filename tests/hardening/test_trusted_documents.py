"""Trusted documents: with a manifest enforced, only the app's registered operations run."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from federation.gateway import Gateway
from federation.http.app import create_app
from federation.supergraph import Supergraph
from federation.trusted import ManifestError, TrustedDocuments, read_manifest
from tests.gateway import slow_subgraph
from tests.gateway.servers import Server

from .conftest import post

LISTED = "query Fast { slow(delay: 0) }"
LISTED_ID = hashlib.sha256(LISTED.encode()).hexdigest()


@pytest.fixture(scope="module")
def trusted_gateway(slow_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    manifest = tmp_path_factory.mktemp("trusted") / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": LISTED_ID, "name": "Fast", "type": "query", "body": LISTED}],
            }
        )
    )
    supergraph = Supergraph.from_sdl(slow_subgraph.supergraph(slow_url))
    guard = TrustedDocuments(read_manifest(str(manifest)), enforce=True)
    server = Server(create_app(supergraph, gateway=Gateway(supergraph), guards=[guard])).start()
    yield server.url + "/graphql"
    server.stop()


def by_id(document_id: str) -> dict[str, object]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_id}}}


async def test_a_listed_operation_runs_by_its_id(trusted_gateway: str) -> None:
    status, body, _ = await post(trusted_gateway, by_id(LISTED_ID))
    assert status == 200 and "slow" in body["data"]


async def test_a_listed_operation_runs_by_document_id(trusted_gateway: str) -> None:
    status, body, _ = await post(trusted_gateway, {"documentId": LISTED_ID})
    assert status == 200 and "slow" in body["data"]


async def test_an_unlisted_document_is_refused(trusted_gateway: str) -> None:
    status, body, _ = await post(trusted_gateway, {"query": '{ header(name: "authorization") }'})
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"


async def test_an_unknown_id_is_refused(trusted_gateway: str) -> None:
    status, body, _ = await post(trusted_gateway, by_id("0" * 64))
    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"


async def test_the_listed_text_itself_may_be_sent(trusted_gateway: str) -> None:
    status, _, _ = await post(trusted_gateway, {"query": LISTED})
    assert status == 200


def test_a_plain_object_manifest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"abc": "{ a }"}))
    assert read_manifest(str(path)) == {"abc": "{ a }"}


def test_a_broken_manifest_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("[1, 2]")
    with pytest.raises(ManifestError, match="neither an Apollo persisted-query manifest"):
        read_manifest(str(path))
