"""One OPD cannot take another's data through the registry: takeovers by @override, a
@shareable root field or a new @key need two admins' approval; routing URLs are validated;
reads need a token; a rollback that removes subgraphs needs --force."""

from __future__ import annotations

import aiohttp
import pytest
from registry_harness import ADMIN_TOKEN, Registry

from federation.registry.client import RegistryError

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", '
        'import: ["@key", "@shareable", "@override", "@external"])\n')
# shareable where kependudukan lets others resolve the same data: never a licence to take it
KEPENDUDUKAN = LINK + """
type Query { penduduk(nik: String!): Penduduk @shareable  cariPenduduk(nama: String!): [Penduduk!]! }
type Penduduk @key(fields: "nik") { nik: String! nama: String! alamat: String @shareable }
"""
SOSIAL_HONEST = LINK + """
type Query { bantuan: [String!]! }
type Penduduk @key(fields: "nik") { nik: String! bantuanSosial: [String!] }
"""
ATTEMPTS = {
    "@override of a field": LINK + """
type Query { bantuan: [String!]! }
type Penduduk @key(fields: "nik") { nik: String! nama: String! @override(from: "kependudukan") }
""",
    "@override of a root field": LINK + """
type Query { cariPenduduk(nama: String!): [Penduduk!]! @override(from: "kependudukan") }
type Penduduk @key(fields: "nik") { nik: String! }
""",
    "@shareable root field": LINK + """
type Query { penduduk(nik: String!): Penduduk @shareable }
type Penduduk @key(fields: "nik") { nik: String! }
""",
    "new @key resolving an owned field": LINK + """
type Query { bantuan: [String!]! }
type Penduduk @key(fields: "nik") { nik: String! alamat: String @shareable }
""",
}
TAKEN = {"@override of a field": "Penduduk.nama",
         "@override of a root field": "Query.cariPenduduk", "@shareable root field": "Query.penduduk",
         "new @key resolving an owned field": "Penduduk.alamat"}


async def setup(registry: Registry) -> str:
    async with registry.client(await registry.token("kependudukan")) as dukcapil:
        await dukcapil.publish("kependudukan", "http://127.0.0.1:9001/graphql", KEPENDUDUKAN)
    return await registry.token("sosial")


@pytest.mark.parametrize("attempt", ATTEMPTS)
async def test_a_takeover_of_another_opd_s_fields_is_refused(registry: Registry, attempt: str) -> None:
    sosial = await setup(registry)
    async with registry.client(sosial) as client:
        with pytest.raises(RegistryError) as refused:
            await client.publish("sosial", "http://127.0.0.1:9002/graphql", ATTEMPTS[attempt])
        subgraphs = await client.subgraphs()
    assert refused.value.status == 403
    assert refused.value.errors == [{"code": "TAKEOVER_NOT_APPROVED", "message": refused.value.errors[0]["message"]}]
    assert TAKEN[attempt] in refused.value.errors[0]["message"] and "kependudukan" in refused.value.errors[0]["message"]
    assert [s["name"] for s in subgraphs] == ["kependudukan"]


async def test_extending_an_entity_with_fields_of_one_s_own_is_no_takeover(registry: Registry) -> None:
    sosial = await setup(registry)
    async with registry.client(sosial) as client:
        assert (await client.publish("sosial", "http://127.0.0.1:9002/graphql", SOSIAL_HONEST))["changed"]


async def test_a_takeover_needs_two_different_admins(registry: Registry) -> None:
    sosial = await setup(registry)
    second_admin = await registry.token(role="admin", label="Diskominfo")
    attempt = ATTEMPTS["@override of a field"]
    async with registry.client(ADMIN_TOKEN) as first:
        await first.approve("sosial", ["Penduduk.nama"], "migrating names to the new registry")
        await first.approve("sosial", ["Penduduk.nama"], "approving twice is still one admin")
    async with registry.client(sosial) as client:
        with pytest.raises(RegistryError) as refused:
            await client.publish("sosial", "http://127.0.0.1:9002/graphql", attempt)
    assert refused.value.status == 403
    async with registry.client(second_admin) as second:
        result = await second.approve("sosial", ["Penduduk.nama"], "confirmed with Disdukcapil")
    assert result["approvals"] == {"Penduduk.nama": ["Diskominfo", "admin"]}
    async with registry.client(sosial) as client:
        assert (await client.publish("sosial", "http://127.0.0.1:9002/graphql", attempt))["changed"]


async def test_a_publisher_cannot_approve(registry: Registry) -> None:
    sosial = await setup(registry)
    async with registry.client(sosial) as client:
        with pytest.raises(RegistryError) as refused:
            await client.approve("sosial", ["Penduduk.nama"], "self-service")
    assert refused.value.status == 403


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9002/graph ql", "http://127.0.0.1:9002/\r\nX-Evil: 1", "javascript:alert(1)",
    "http://user:rahasia@127.0.0.1:9002/graphql", "http:///graphql", "http://127.0.0.1:99999/graphql",
    "ftp://127.0.0.1/graphql",
])
async def test_a_routing_url_that_is_not_a_plain_http_url_is_refused(registry: Registry, url: str) -> None:
    sosial = await setup(registry)
    async with registry.client(sosial) as client:
        with pytest.raises(RegistryError) as refused:
            await client.publish("sosial", url, SOSIAL_HONEST)
    assert refused.value.status == 400 and "routing URL" in refused.value.reason


@pytest.mark.parametrize("path", ["/subgraphs", "/subgraphs/kependudukan", "/supergraph", "/supergraph/versions",
                                  "/supergraph/versions/1"])
async def test_registry_reads_need_a_token(registry: Registry, path: str) -> None:
    await setup(registry)
    async with aiohttp.ClientSession() as session, session.get(registry.url + path) as response:
        assert response.status == 401
        assert "127.0.0.1:9001" not in await response.text()


async def test_a_rollback_that_removes_subgraphs_needs_force(registry: Registry) -> None:
    sosial = await setup(registry)
    async with registry.client(sosial) as client:
        await client.publish("sosial", "http://127.0.0.1:9002/graphql", SOSIAL_HONEST)
    async with registry.client(ADMIN_TOKEN) as admin:
        with pytest.raises(RegistryError) as refused:
            await admin.rollback(1)
        assert refused.value.status == 409 and "removes sosial" in refused.value.reason
        assert (await admin.rollback(1, force=True))["rollback_of"] == 1
