"""Publishing subgraphs to a running registry: versions, failures, history and rollback."""

from __future__ import annotations

import asyncio

import pytest
from registry_harness import ADMIN_TOKEN, FEDERATION_LINK, Registry, start_registry, subgraph_sdl

from federation.compose import CompositionResult, SubgraphSource
from federation.registry.client import RegistryError
from federation.supergraph import Supergraph


def api_fields(sdl: str, type_name: str = "Query") -> set[str]:
    named = Supergraph.from_sdl(sdl).api_schema.get_type(type_name)
    return set(getattr(named, "fields", {}))


async def test_a_publish_makes_a_new_supergraph_version(registry: Registry) -> None:
    token = await registry.token("dukcapil")
    async with registry.client(token) as client:
        published = await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String"))
        latest = await client.supergraph()
        subgraphs = await client.subgraphs()

    assert published == {"version": 1, "changed": True}
    assert latest is not None and latest.version == 1
    assert api_fields(latest.sdl) == {"nik"}
    assert [(s["name"], s["url"], s["owner"]) for s in subgraphs] == [
        ("dukcapil", "http://127.0.0.1:9001/graphql", "dukcapil")
    ]


async def test_a_publish_composes_with_every_current_subgraph(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil")) as dukcapil:
        await dukcapil.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String"))
    async with registry.client(await registry.token("bapenda")) as bapenda:
        published = await bapenda.publish("bapenda", "http://127.0.0.1:9002/graphql", subgraph_sdl("pbb: Int"))
        latest = await bapenda.supergraph()

    assert published["version"] == 2
    assert latest is not None
    assert api_fields(latest.sdl) == {"nik", "pbb"}
    assert {s.name for s in Supergraph.from_sdl(latest.sdl).subgraphs.values()} == {"dukcapil", "bapenda"}


async def test_a_publish_that_does_not_compose_changes_nothing(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil", "bapenda")) as client:
        await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String"))
        before = await client.supergraph()
        with pytest.raises(RegistryError) as refused:
            # the same field with another type in a second subgraph cannot compose
            await client.publish("bapenda", "http://127.0.0.1:9002/graphql", subgraph_sdl("nik: Int"))
        after = await client.supergraph()
        subgraphs = await client.subgraphs()
        history = await client.history()

    assert refused.value.status == 422
    assert refused.value.errors and all(e["code"] and e["message"] for e in refused.value.errors)
    assert after == before
    assert [s["name"] for s in subgraphs] == ["dukcapil"]
    assert [v["version"] for v in history] == [1]


async def test_a_schema_that_is_not_graphql_is_refused_with_its_reason(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil")) as client:
        with pytest.raises(RegistryError) as refused:
            await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", "type Query { nik: ")

    assert refused.value.status == 422
    assert refused.value.errors


async def test_publishing_the_current_schema_again_makes_no_new_version(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil")) as client:
        await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String"))
        again = await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String"))
        history = await client.history()

    assert again == {"version": 1, "changed": False}
    assert len(history) == 1


async def test_history_keeps_every_version_newest_first(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil")) as client:
        await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String"))
        await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String", "nama: String"))
        history = await client.history()
        first = await client.version(1)

    assert [(v["version"], v["action"], v["subgraph"], v["actor"]) for v in history] == [
        (2, "publish", "dukcapil", "dukcapil"),
        (1, "publish", "dukcapil", "dukcapil"),
    ]
    assert api_fields(first["sdl"]) == {"nik"}


async def test_rollback_makes_an_earlier_supergraph_current_as_a_new_version(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil", "bapenda")) as client:
        await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String"))
        await client.publish("bapenda", "http://127.0.0.1:9002/graphql", subgraph_sdl("pbb: Int"))
    async with registry.client(ADMIN_TOKEN) as admin:
        rolled = await admin.rollback(1, force=True)  # it removes bapenda
        latest = await admin.supergraph()
        subgraphs = await admin.subgraphs()
        history = await admin.history()

    assert rolled["version"] == 3 and rolled["rollback_of"] == 1
    assert latest is not None and latest.version == 3
    assert api_fields(latest.sdl) == {"nik"}
    # the subgraphs are those of version 1 again, so the next publish composes on top of them
    assert [s["name"] for s in subgraphs] == ["dukcapil"]
    assert [v["version"] for v in history] == [3, 2, 1]


async def test_rollback_to_an_unknown_version_is_refused(registry: Registry) -> None:
    async with registry.client(ADMIN_TOKEN) as admin:
        with pytest.raises(RegistryError) as refused:
            await admin.rollback(7)

    assert refused.value.status == 404
    assert "no supergraph version 7" in refused.value.reason


async def test_concurrent_publishes_all_land_as_successive_versions(registry: Registry) -> None:
    names = [f"opd{i}" for i in range(6)]
    tokens = {name: await registry.token(name) for name in names}

    async def publish(name: str) -> int:
        async with registry.client(tokens[name]) as client:
            result = await client.publish(name, f"http://127.0.0.1:9100/{name}", subgraph_sdl(f"{name}: String"))
            return int(result["version"])

    versions = await asyncio.gather(*(publish(name) for name in names))
    async with registry.client(ADMIN_TOKEN) as client:
        latest = await client.supergraph()

    assert sorted(versions) == list(range(1, len(names) + 1))
    assert latest is not None and latest.version == len(names)
    assert api_fields(latest.sdl) == set(names)


async def test_history_can_be_limited_to_the_newest_versions(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil")) as client:
        for fields in (["nik: String"], ["nik: String", "nama: String"], ["nik: String", "alamat: String"]):
            await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl(*fields))
        newest = await client.history(limit=2)

    assert [v["version"] for v in newest] == [3, 2]


async def test_a_composer_crash_refuses_the_publish_with_its_reason(database_url: str) -> None:
    def crashing_composer(sources: list[SubgraphSource]) -> CompositionResult:
        raise RecursionError("maximum recursion depth exceeded")

    server = start_registry(database_url, composer=crashing_composer)
    registry = Registry(url=server.url, database_url=database_url)
    try:
        async with registry.client(await registry.token("dukcapil")) as client:
            with pytest.raises(RegistryError) as refused:
                await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String"))
    finally:
        server.stop()

    assert refused.value.status == 422
    assert refused.value.errors == [
        {
            "code": "INTERNAL_ERROR",
            "message": "composition failed unexpectedly: RecursionError('maximum recursion depth exceeded')",
        }
    ]


async def test_removing_a_subgraph_makes_a_version_without_it(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil", "bapenda")) as client:
        await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String"))
        await client.publish("bapenda", "http://127.0.0.1:9002/graphql", subgraph_sdl("pbb: Int"))
        removed = await client.remove("bapenda")
        latest = await client.supergraph()
        subgraphs = await client.subgraphs()
        (newest, *_) = await client.history()

    assert removed == {"version": 3, "changed": True}
    assert latest is not None and api_fields(latest.sdl) == {"nik"}
    assert [s["name"] for s in subgraphs] == ["dukcapil"]
    assert (newest["action"], newest["subgraph"], newest["subgraphs"]) == ("remove", "bapenda", ["dukcapil"])


async def test_a_removal_the_others_do_not_compose_without_changes_nothing(registry: Registry) -> None:
    penduduk = 'type Query { penduduk: Penduduk }\ntype Penduduk @key(fields: "nik") { nik: String! }'
    pbb = 'type Penduduk @key(fields: "nik") { nik: String! pbb: Int }'
    async with registry.client(await registry.token("dukcapil", "bapenda")) as client:
        await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", FEDERATION_LINK + penduduk)
        await client.publish("bapenda", "http://127.0.0.1:9002/graphql", FEDERATION_LINK + pbb)
        with pytest.raises(RegistryError) as refused:
            # without dukcapil, nothing reaches Penduduk from the query root
            await client.remove("dukcapil")
        subgraphs = await client.subgraphs()

    assert refused.value.status == 422
    assert refused.value.errors
    assert [s["name"] for s in subgraphs] == ["bapenda", "dukcapil"]


async def test_the_last_subgraph_cannot_be_removed(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil")) as client:
        await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String"))
        with pytest.raises(RegistryError) as refused:
            await client.remove("dukcapil")

    assert refused.value.status == 409
    assert refused.value.reason == "'dukcapil' is the last subgraph: a supergraph needs at least one"


async def test_an_opd_cannot_remove_another_opds_subgraph(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil")) as dukcapil:
        await dukcapil.publish("dukcapil", "http://127.0.0.1:9001/graphql", subgraph_sdl("nik: String"))
    async with registry.client(await registry.token("bapenda")) as bapenda:
        with pytest.raises(RegistryError) as refused:
            await bapenda.remove("dukcapil")

    assert refused.value.status == 403
