"""Tokens: each OPD publishes only its own subgraphs; admins manage tokens and rollbacks."""

from __future__ import annotations

import aiohttp
import pytest
from registry_harness import ADMIN_TOKEN, Registry, subgraph_sdl
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from federation.registry.client import RegistryError
from federation.registry.store import async_database_url

URL = "http://127.0.0.1:9001/graphql"


async def test_a_publish_without_a_token_is_refused(registry: Registry) -> None:
    async with registry.client() as anonymous:
        with pytest.raises(RegistryError) as refused:
            await anonymous.publish("dukcapil", URL, subgraph_sdl("nik: String"))

    assert refused.value.status == 401
    assert "Authorization: Bearer" in refused.value.reason


async def test_an_unknown_token_is_refused(registry: Registry) -> None:
    async with registry.client("splp_not_a_real_token") as client:
        with pytest.raises(RegistryError) as refused:
            await client.publish("dukcapil", URL, subgraph_sdl("nik: String"))

    assert refused.value.status == 401


async def test_an_opd_cannot_overwrite_another_opds_subgraph(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil", label="Disdukcapil")) as dukcapil:
        await dukcapil.publish("dukcapil", URL, subgraph_sdl("nik: String"))
    async with registry.client(await registry.token("bapenda", label="Bapenda")) as bapenda:
        with pytest.raises(RegistryError) as refused:
            await bapenda.publish("dukcapil", "http://evil.example/graphql", subgraph_sdl("nik: String"))
        subgraphs = await bapenda.subgraphs()

    assert refused.value.status == 403
    assert refused.value.reason == "token 'Bapenda' may not publish subgraph 'dukcapil'"
    assert [(s["name"], s["url"], s["owner"]) for s in subgraphs] == [("dukcapil", URL, "Disdukcapil")]


async def test_a_token_may_publish_each_subgraph_it_is_scoped_to(registry: Registry) -> None:
    async with registry.client(await registry.token("dinsos", "dinkes")) as client:
        await client.publish("dinsos", URL, subgraph_sdl("bansos: String"))
        await client.publish("dinkes", "http://127.0.0.1:9003/graphql", subgraph_sdl("kunjungan: String"))
        subgraphs = await client.subgraphs()

    assert [s["name"] for s in subgraphs] == ["dinkes", "dinsos"]


async def test_a_publisher_cannot_check_another_opds_subgraph(registry: Registry) -> None:
    async with registry.client(await registry.token("bapenda")) as client:
        with pytest.raises(RegistryError) as refused:
            await client.check("dukcapil", subgraph_sdl("nik: String"))

    assert refused.value.status == 403


async def test_only_an_admin_may_roll_back(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil")) as client:
        await client.publish("dukcapil", URL, subgraph_sdl("nik: String"))
        await client.publish("dukcapil", URL, subgraph_sdl("nik: String", "nama: String"))
        with pytest.raises(RegistryError) as refused:
            await client.rollback(1)
        latest = await client.supergraph()

    assert refused.value.status == 403
    assert latest is not None and latest.version == 2


async def test_only_an_admin_may_create_tokens(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil")) as client:
        with pytest.raises(RegistryError) as refused:
            await client.create_token("publisher", ["bapenda"], "self-made")

    assert refused.value.status == 403


async def test_an_admin_made_admin_token_works_like_the_bootstrap_one(registry: Registry) -> None:
    second_admin = await registry.token(role="admin", label="ops")
    async with registry.client(second_admin) as admin:
        created = await admin.create_token("publisher", ["dukcapil"], "Disdukcapil")

    assert created["subgraphs"] == ["dukcapil"] and created["token"].startswith("splp_")


async def test_a_publisher_token_needs_subgraph_names(registry: Registry) -> None:
    async with registry.client(ADMIN_TOKEN) as admin:
        with pytest.raises(RegistryError) as refused:
            await admin.create_token("publisher", [], "nobody")

    assert refused.value.status == 400
    assert "at least one subgraph" in refused.value.reason


async def test_only_gateway_tokens_report_usage(registry: Registry) -> None:
    entries = [{"client": "super-app", "coordinate": "Query.nik", "operations": 1}]
    async with registry.client(await registry.token("dukcapil")) as publisher:
        with pytest.raises(RegistryError) as refused:
            await publisher.report_usage(entries)
    async with registry.client(await registry.token(role="gateway", label="gateway-1")) as gateway:
        await gateway.report_usage(entries)

    assert refused.value.status == 403


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # validation is the same on any database
@pytest.mark.parametrize(
    ("method", "path", "body", "status", "reason"),
    [
        ("PUT", "/subgraphs/dukcapil", b"{not json", 400, "not valid JSON"),
        ("PUT", "/subgraphs/dukcapil", b"[]", 400, "must be a JSON object"),
        ("PUT", "/subgraphs/dukcapil", b'{"url": "ftp://x", "sdl": "type Query {a: Int}"}', 400, "routing URL"),
        ("PUT", "/subgraphs/dukcapil", b'{"url": "http://x/graphql"}', 400, '"sdl"'),
        ("PUT", "/subgraphs/9lives", b'{"url": "http://x/graphql", "sdl": "x"}', 400, "invalid subgraph name"),
        ("POST", "/subgraphs/dukcapil/check", b'{"sdl": "x", "days": 0}', 400, '"days"'),
        ("POST", "/supergraph/rollback", b'{"version": "one"}', 400, '"version"'),
        ("POST", "/usage", b'{"usage": [{"client": "a"}]}', 400, "usage entry"),
        ("GET", "/supergraph?after=abc", None, 400, "?after"),
        ("GET", "/supergraph/versions/x", None, 400, "invalid version"),
        ("GET", "/nowhere", None, 404, "Not Found"),
    ],
)
async def test_bad_requests_get_a_clear_json_error(
    registry: Registry, method: str, path: str, body: bytes | None, status: int, reason: str
) -> None:
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as session,
        session.request(method, registry.url + path, data=body) as response,
    ):
        content = await response.json()

    assert response.status == status
    assert reason in content["error"]


async def test_a_database_failure_is_a_503_with_a_reason(registry: Registry) -> None:
    engine = create_async_engine(async_database_url(registry.database_url))
    async with engine.begin() as conn:
        await conn.execute(text("DROP TABLE registry_subgraphs"))
    await engine.dispose()
    async with aiohttp.ClientSession() as session, session.get(
        registry.url + "/subgraphs", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ) as response:
        content = await response.json()

    assert response.status == 503
    assert content == {"error": "the registry database is unavailable; try again later"}


async def test_a_revoked_token_is_refused(registry: Registry) -> None:
    async with registry.client(ADMIN_TOKEN) as admin:
        created = await admin.create_token("publisher", ["dukcapil"], "Disdukcapil")
        await admin.revoke_token(created["id"])
    async with registry.client(created["token"]) as client:
        with pytest.raises(RegistryError) as refused:
            await client.publish("dukcapil", URL, subgraph_sdl("nik: String"))

    assert refused.value.status == 401


async def test_admins_list_tokens_without_their_secrets(registry: Registry) -> None:
    async with registry.client(ADMIN_TOKEN) as admin:
        kept = await admin.create_token("publisher", ["dukcapil", "capil"], "Disdukcapil")
        revoked = await admin.create_token("gateway", [], "old gateway")
        await admin.revoke_token(revoked["id"])
        tokens = await admin.tokens()

    assert [(t["id"], t["label"], t["role"], t["subgraphs"]) for t in tokens] == [
        (kept["id"], "Disdukcapil", "publisher", ["capil", "dukcapil"])
    ]
    assert "token" not in tokens[0]


async def test_revoking_an_unknown_token_is_a_404(registry: Registry) -> None:
    async with registry.client(ADMIN_TOKEN) as admin:
        with pytest.raises(RegistryError) as refused:
            await admin.revoke_token(4242)

    assert refused.value.status == 404
    assert refused.value.reason == "there is no token 4242 (or it is already revoked)"
